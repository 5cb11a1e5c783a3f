#if canImport(Glibc)
import Glibc
#endif
import KubeIPVSCore
import KubeIPVSKernel

/// An in-memory ``IPVSControl`` with the kernel's semantics, as verified against Linux 6.1 by the
/// shared contract suite (`IPVSContract`):
/// - add an existing virtual or real server: EEXIST; unknown scheduler module: ENOENT;
/// - anything on a missing virtual server: ESRCH; update/delete a missing real server: ENOENT;
/// - a real server of the other address family (not tunnelled): EINVAL; negative weight, or a lower
///   threshold above the upper one: ERANGE;
/// - real servers are listed most recently added first (the kernel's `list_add`); a missing virtual
///   server has no real servers (empty dump);
/// - timeouts default to 900/120/300 and a 0 field in `setTimeouts` leaves that value unchanged.
public actor FakeIPVS: IPVSControl {
    private struct Entry {
        var virtualServer: VirtualServer
        /// Most recently added first.
        var realServers: [RealServerState] = []
    }

    private var entries: [VirtualServerKey: Entry] = [:]
    private var currentTimeouts = IPVSTimeouts.kernelDefaults
    /// Scheduler modules this fake "kernel" has.
    public let schedulers: Set<Scheduler>
    /// Every operation applied, in order (successful or not).
    public private(set) var log: [IPVSOperation] = []

    /// A fake with the scheduler modules of Debian's Linux 6.1 (all but `twos`, added in 6.7).
    public init(schedulers: Set<Scheduler> = Set(Scheduler.allCases).subtracting([.twoRandomChoices])) {
        self.schedulers = schedulers
    }

    public func apply(_ operations: [IPVSOperation]) -> [IPVSOperationResult] {
        operations.map { op in
            log.append(op)
            return IPVSOperationResult(operation: op, error: perform(op).map { op.error(errno: $0) })
        }
    }

    public func virtualServers() -> [VirtualServer] {
        entries.values.map(\.virtualServer).sorted { $0.key < $1.key }
    }

    public func realServers(of virtualServer: VirtualServerKey) -> [RealServerState] {
        entries[virtualServer]?.realServers ?? []
    }

    public func table() -> [VirtualServerState] {
        virtualServers().map { VirtualServerState(virtualServer: $0, realServers: entries[$0.key]!.realServers) }
    }

    public func timeouts() -> IPVSTimeouts { currentTimeouts }

    public func setTimeouts(_ t: IPVSTimeouts) {
        if t.tcp != 0 { currentTimeouts.tcp = t.tcp }
        if t.tcpFin != 0 { currentTimeouts.tcpFin = t.tcpFin }
        if t.udp != 0 { currentTimeouts.udp = t.udp }
    }

    public func flush() { entries.removeAll() }

    /// Sets a real server's connection counters, as traffic would (test hook).
    public func setCounters(_ counters: RealServerCounters, of rs: RealServerKey, in vs: VirtualServerKey) {
        guard let i = entries[vs]?.realServers.firstIndex(where: { $0.realServer.key == rs }) else { return }
        entries[vs]!.realServers[i].counters = counters
    }

    /// The errno the kernel would answer, or nil on success.
    private func perform(_ op: IPVSOperation) -> Int32? {
        switch op {
        case .addVirtualServer(let vs):
            if entries[vs.key] != nil { return EEXIST }
            guard schedulers.contains(vs.scheduler) else { return ENOENT }
            entries[vs.key] = Entry(virtualServer: vs)
        case .updateVirtualServer(let vs):
            guard entries[vs.key] != nil else { return ESRCH }
            guard schedulers.contains(vs.scheduler) else { return ENOENT }
            entries[vs.key]!.virtualServer = vs
        case .deleteVirtualServer(let key):
            guard entries.removeValue(forKey: key) != nil else { return ESRCH }
        case .addRealServer(let rs, let key):
            guard let entry = entries[key] else { return ESRCH }
            if let e = validate(rs, in: key) { return e }
            if entry.realServers.contains(where: { $0.realServer.key == rs.key }) { return EEXIST }
            entries[key]!.realServers.insert(RealServerState(realServer: rs), at: 0)
        case .updateRealServer(let rs, let key):
            guard let entry = entries[key] else { return ESRCH }
            if let e = validate(rs, in: key) { return e }
            guard let i = entry.realServers.firstIndex(where: { $0.realServer.key == rs.key }) else { return ENOENT }
            entries[key]!.realServers[i].realServer = rs
        case .deleteRealServer(let rsKey, let key):
            guard let entry = entries[key] else { return ESRCH }
            guard let i = entry.realServers.firstIndex(where: { $0.realServer.key == rsKey }) else { return ENOENT }
            entries[key]!.realServers.remove(at: i)
        }
        return nil
    }

    // ip_vs_ctl.c order: a destination of the other family is refused unless tunnelled (EINVAL, in
    // ip_vs_genl_set_cmd), then weight < 0 or lower threshold > upper threshold (ERANGE, before the lookup).
    private func validate(_ rs: RealServer, in key: VirtualServerKey) -> Int32? {
        if rs.key.address.family != key.address.family && rs.forwarding != .tunnel { return EINVAL }
        if rs.weight < 0 || rs.lowerThreshold > rs.upperThreshold { return ERANGE }
        return nil
    }
}
