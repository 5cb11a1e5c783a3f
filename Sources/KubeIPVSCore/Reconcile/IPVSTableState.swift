/// One virtual service as desired by a plan or as read from the kernel: the one table-entry model the
/// reconciler diffs and `IPVSTableText` renders as `ipvsadm -Ln` does.
public struct IPVSServiceState: Hashable, Sendable {
    /// The virtual service settings (key, scheduler, persistence).
    public var server: VirtualServer
    /// Its real servers, one per key (rendered in ipvsadm order).
    public var realServers: RealServerTable
    /// Connection counters (observed state only; empty for desired state).
    public var counters: [RealServerKey: RealServerCounters]

    public init(server: VirtualServer, realServers: [RealServer] = [],
                counters: [RealServerKey: RealServerCounters] = [:]) {
        self.server = server
        self.realServers = RealServerTable(realServers)
        self.counters = counters
    }
}

/// A whole IPVS table keyed by virtual server: the desired one (from a plan) or the observed one (a dump).
public typealias IPVSTableState = [VirtualServerKey: IPVSServiceState]

/// One change to the kernel's IPVS table, in the order the reconciler emits them.
public enum IPVSChange: Hashable, Sendable, CustomStringConvertible {
    case addService(VirtualServer)
    case updateService(VirtualServer)
    case deleteService(VirtualServerKey)
    case addRealServer(VirtualServerKey, RealServer)
    case updateRealServer(VirtualServerKey, RealServer)
    case deleteRealServer(VirtualServerKey, RealServerKey)

    /// ipvsadm-like spelling, for logs and golden tests: `-A -t 10.96.0.1:443 -s rr`.
    public var description: String {
        switch self {
        case .addService(let s): "-A \(Self.flag(s.key)) \(Self.addr(s.key)) -s \(s.scheduler)\(Self.persist(s))"
        case .updateService(let s): "-E \(Self.flag(s.key)) \(Self.addr(s.key)) -s \(s.scheduler)\(Self.persist(s))"
        case .deleteService(let k): "-D \(Self.flag(k)) \(Self.addr(k))"
        case .addRealServer(let k, let r): "-a \(Self.flag(k)) \(Self.addr(k)) -r \(r.key) -m -w \(r.weight)"
        case .updateRealServer(let k, let r): "-e \(Self.flag(k)) \(Self.addr(k)) -r \(r.key) -m -w \(r.weight)"
        case .deleteRealServer(let k, let r): "-d \(Self.flag(k)) \(Self.addr(k)) -r \(r)"
        }
    }

    private static func flag(_ k: VirtualServerKey) -> String {
        switch k.proto {
        case .tcp: "-t"
        case .udp: "-u"
        case .sctp: "--sctp-service"
        }
    }
    private static func addr(_ k: VirtualServerKey) -> String { "\(k.address.bracketed):\(k.port)" }
    private static func persist(_ s: VirtualServer) -> String { s.persistenceTimeout.map { " -p \($0)" } ?? "" }
}
