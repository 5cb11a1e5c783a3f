import KubeIPVSCore
import KubeIPVSKernel
import KubeIPVSNetlink
import Logging

/// The IPVS data plane: keeps virtual/real servers, kube-ipvs0 addresses, the KUBE-* ipsets and the
/// companion iptables rules equal to the plan. A partial sync re-plans only the changed services
/// and touches only what they changed; a full sync re-reads the kernel and repairs any drift.
public actor IPVSProxier: Proxier {
    /// The kernel capabilities this proxier drives.
    public struct Kernel: Sendable {
        public var ipvs: any IPVSControl
        public var ipsets: any IPSetControl
        public var links: any LinkAddressControl
        /// Applies iptables-restore text (`--noflush`) for one family.
        public var restoreRules: @Sendable (IPFamily, String) async throws -> Void
        /// Removes an iptables-mode proxy's chains from one family's tables; returns those removed.
        public var removeIptablesModeLeftovers: @Sendable (IPFamily) async throws -> [String]

        public init(ipvs: any IPVSControl, ipsets: any IPSetControl, links: any LinkAddressControl,
                    restoreRules: @escaping @Sendable (IPFamily, String) async throws -> Void,
                    removeIptablesModeLeftovers: @escaping @Sendable (IPFamily) async throws -> [String] = { _ in [] }) {
            self.ipvs = ipvs
            self.ipsets = ipsets
            self.links = links
            self.restoreRules = restoreRules
            self.removeIptablesModeLeftovers = removeIptablesModeLeftovers
        }
    }

    public nonisolated let mode = ProxyMode.ipvs
    let kernel: Kernel
    /// Fixed at construction but for the local-traffic detector (``setLocalDetector(_:)``).
    var config: ProxyConfiguration
    let logger: Logger

    var desired = IPVSDesiredState()
    /// What the kernel holds as far as we know (re-read on every full sync).
    var applied = IPVSTableState()
    /// Real servers in `applied`, counted as it changes (summing 10,000 entries per sync showed up).
    var appliedRealServers = 0
    var appliedAddresses: Set<IPAddress> = []
    var appliedSets: [String: IPSetState] = [:]
    var appliedRules: [IPFamily: String] = [:]
    /// Families whose iptables-mode leftovers have been removed (once per process, after a clean sync).
    var leftoversRemoved: Set<IPFamily> = []
    /// Companion-rule restores that failed since the last outcome (kube-proxy's restore-failure metric).
    var restoreFailures = 0
    var termination: GracefulTermination
    var rejections = RejectionLedger()
    /// Kernel refusals per Service; those refused on consecutive syncs are rejected.
    var kernelFailures = KernelFailureLedger()
    /// Cluster-wide caps on the planned totals, and what enforcing them needs (IPVSProxier+Caps.swift).
    let caps: ClusterCaps
    var capState = CapState()
    var node: NodeContext? {
        // Node-port ownership looks addresses up per key: kept as a set, without the dummy interface's.
        didSet { nodeAddresses = Set(node?.localAddresses.filter { $0.interface != config.dummyInterface }.map(\.address) ?? []) }
    }
    /// This node's addresses outside the dummy interface.
    var nodeAddresses: Set<IPAddress> = []
    /// Set after a failed operation: the next sync re-reads the kernel.
    var needsFullSync = true
    /// Every service has been planned once (later syncs re-plan only the changed ones).
    var planned = false
    /// The first sync has finished: its progress lines are info, later ones V(2).
    var initialSyncDone = false

    /// The thread the proxier runs on. Given the kernel actors' own thread, a sync calls them without
    /// a thread switch (two wake-ups per kernel call otherwise, most of a small sync's wall time).
    public nonisolated let executor: NamespaceThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Runs on `executor` (the thread of the kernel actors in `kernel`), or on a thread of its own when nil;
    /// throws only if that thread cannot start.
    /// `caps` bounds the planned totals (tests lower them).
    public init(kernel: Kernel, config: ProxyConfiguration, drainTimeout: Duration = .seconds(900), logger: Logger,
                executor: NamespaceThreadExecutor? = nil, caps: ClusterCaps = .default) throws {
        self.kernel = kernel
        self.config = config
        self.caps = caps
        self.termination = GracefulTermination(timeout: drainTimeout)
        self.logger = logger
        self.executor = try executor ?? NamespaceThreadExecutor(name: "kipvs-proxier")
    }

    public func sync(_ request: SyncRequest) async -> SyncOutcome {
        // The zone reads only into zone-hinted services, which the daemon lists in `changed` when it
        // changes (docs/routing-decisions.md): a zone change alone re-plans just those.
        var zoneless = request.node
        zoneless.zone = node?.zone ?? zoneless.zone
        let nodeChanged = node != zoneless
        if node != request.node { node = request.node }
        let full = request.isFull || needsFullSync || nodeChanged
        // Node facts feed every plan (NodePorts, Local policies); otherwise only changed services re-plan.
        replan(request.store, changed: nodeChanged || !planned ? nil : request.changed, node: request.node)
        enforceCaps(request.store, node: request.node)
        planned = true
        var errors: [String] = []
        if full {
            do { try await observeKernel() } catch {
                errors.append("reading the kernel state: \(error)")
                logger.error("cannot read kernel state", metadata: ["error": "\(error)"])
                needsFullSync = true
                return outcome(full: true, errors: errors)
            }
        }
        let dirty = desired.takeDirty()
        errors += await apply(dirty: dirty, full: full, now: request.now)
        endKernelFailureSync(request.store)
        needsFullSync = !errors.isEmpty
        initialSyncDone = true
        return outcome(full: full, errors: errors)
    }

    /// Re-plans the changed services (all when nil) into the desired state.
    func replan(_ store: ObjectStore, changed: Set<ServiceName>?, node: NodeContext) {
        if let changed { return replan(store, services: changed, node: node) }
        // All of them a chunk at a time: the snapshot and plans of 10,000 services at once weigh more
        // than the desired state they produce. What changed is not needed: a full sync compares everything.
        rejections = RejectionLedger()
        let all = Set(desired.portPlans.keys.map(\.service)).union(store.services.keys)
            .union(capState.costs.keys).sorted()
        for start in stride(from: 0, to: all.count, by: Self.replanChunk) {
            let end = min(start + Self.replanChunk, all.count)
            replan(store, services: Set(all[start..<end]), node: node)
            _ = desired.takeDirty()
            if all.count > Self.replanChunk { progress("Planning services", done: end, total: all.count) }
        }
        // Slices that name no service belong to no chunk; their rejections still count.
        let orphans = store.slices.values.filter { $0.serviceName == nil }
        if !orphans.isEmpty {
            let snapshot = ProxySnapshot.build(services: [], slices: Array(orphans), node: node)
            rejections.replace(for: [], with: snapshot.rejections, store: store)
        }
    }

    static let replanChunk = 1000

    func replan(_ store: ObjectStore, services names: Set<ServiceName>, node: NodeContext) {
        let objects = store.objects(for: names)
        let snapshot = ProxySnapshot.build(services: objects.services, slices: objects.slices, node: node)
        var plans: [ServiceName: [PortPlan]] = [:]
        for plan in IPVSPlanner.planPorts(snapshot, node: node, config: config) {
            plans[plan.servicePort.service, default: []].append(plan)
        }
        for name in names {
            let servicePlans = plans[name] ?? []
            desired.replace(service: name, with: admit(name, servicePlans) ? servicePlans : [])
        }
        rejections.replace(for: names, with: snapshot.rejections, store: store)
    }

    /// A long sync's progress: at the default verbosity during the first sync (a 10,000-service node
    /// otherwise says nothing for a minute), at V(2) afterwards.
    func progress(_ message: Logger.Message, done: Int, total: Int) {
        logger.log(level: initialSyncDone ? .debug : .info, message,
                   metadata: ["done": .stringConvertible(done), "total": .stringConvertible(total)])
    }

    func outcome(full: Bool, errors: [String]) -> SyncOutcome {
        let refused = rejections.all + desired.conflicts() + capState.refusedRejections + kernelFailures.rejections
        var outcome = SyncOutcome(success: errors.isEmpty, full: full, errors: errors,
                                  rejections: refused, wantsFollowUp: termination.count > 0,
                                  virtualServers: applied.count, realServers: appliedRealServers,
                                  draining: termination.count, healthChecks: desired.healthChecks(),
                                  noLocalEndpoints: desired.servicesWithoutLocalEndpoints())
        outcome.restoreFailures = restoreFailures
        restoreFailures = 0
        return outcome
    }
}

extension IPVSProxier {
    /// Folds this sync's kernel refusals into the per-Service streaks; logs each newly quarantined Service once.
    func endKernelFailureSync(_ store: ObjectStore) {
        for service in kernelFailures.endSync(existing: { store.services[$0] != nil }) {
            logger.error("Service rejected: the kernel refused its IPVS operations on consecutive syncs", metadata: [
                "service": "\(service)", "syncs": .stringConvertible(KernelFailureLedger.threshold),
                "error": "\(kernelFailures.streaks[service]?.reason ?? "")",
            ])
        }
    }

    /// Takes the run-time local-traffic detector (`NodeCIDR`); the next sync is full, so the companion
    /// rules are rewritten with it.
    public func setLocalDetector(_ detector: LocalTrafficDetector) {
        guard detector != config.localDetector else { return }
        config.localDetector = detector
        needsFullSync = true
    }
}
