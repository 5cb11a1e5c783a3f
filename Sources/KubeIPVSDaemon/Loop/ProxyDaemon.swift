import Foundation
import KubeIPVSCore
import KubeIPVSNetlink
import Logging
import Synchronization

/// The reconcile loop: object events → change tracking → coalesced syncs of the active proxier.
/// Constructing it starts nothing; `run()` does, until cancelled.
public actor ProxyDaemon {
    /// How the loop finds out about this node.
    public struct NodeFacts: Sendable {
        public var name: String
        /// Current local addresses (re-read on full syncs and every `addressPollInterval`).
        public var localAddresses: @Sendable () async -> [LocalAddress]

        public init(name: String, localAddresses: @escaping @Sendable () async -> [LocalAddress]) {
            self.name = name
            self.localAddresses = localAddresses
        }
    }

    let source: any ObjectSource
    let proxier: any Proxier
    let nodeFacts: NodeFacts
    let metrics: DaemonMetrics
    let health: HealthState
    let healthChecks: HealthCheckNodePorts?
    let logger: Logger
    let wake = WakeSignal()
    let clock: any LoopClock
    let epoch: Duration
    /// How often to look for new or removed local addresses (NodePort listens on all of them).
    public var addressPollInterval: Duration = .seconds(5)
    /// How soon to come back while real servers drain.
    public var drainCheckInterval: Duration = .seconds(2)

    var store = ObjectStore()
    var scheduler: SyncScheduler
    var node: NodeContext
    var nodeObject: KubeNode?
    /// Why each service's topology hints are ignored, as last logged (see `logIgnoredHints`).
    var hintsIgnoredLogged: [ServiceName: TopologyDecision.Ignored] = [:]
    var sourceRejections: [Rejection] = []
    /// `--detect-local-mode NodeCIDR`: the start-up wait for the Node's pod CIDRs and the watch for
    /// their change; nil in the other modes.
    var podCIDRWatch: NodePodCIDRWatch?
    /// The last message logged while waiting for pod CIDRs.
    var podCIDRWaitLogged: String?
    /// Set when the daemon must stop (the Node's pod CIDRs changed): `run()` throws it.
    var stopError: DaemonStopped?
    var synced = false
    var programmingLatency = NetworkProgrammingLatency(trackerStart: Date())
    var lastAddressPoll: Duration?
    public internal(set) var lastOutcome: SyncOutcome?
    public internal(set) var syncCount = 0
    /// Syncs begun (one more than `syncCount` while a sync runs).
    public internal(set) var syncsStarted = 0

    /// Events the source delivered, waiting for the loop's thread: the source never waits while a sync
    /// keeps that thread busy.
    private let inbox = Mutex<[ObjectEvent]>([])

    /// The loop's thread: the IPVS proxier's and the kernel actors', so a change travels from the event to
    /// the kernel without a thread switch.
    private let executor: NamespaceThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Runs on `executor`, or on a thread of its own when nil; throws only if that thread cannot start.
    public init(source: any ObjectSource, proxier: any Proxier, node: NodeFacts, minSyncPeriod: Duration,
                syncPeriod: Duration, metrics: DaemonMetrics, health: HealthState,
                healthChecks: HealthCheckNodePorts? = nil, logger: Logger,
                executor: NamespaceThreadExecutor? = nil, detectLocalNodeCIDR: Bool = false,
                clock: any LoopClock = ContinuousLoopClock()) throws {
        self.executor = try executor ?? NamespaceThreadExecutor(name: "kipvs-loop")
        self.source = source
        self.proxier = proxier
        self.nodeFacts = node
        self.metrics = metrics
        self.health = health
        self.healthChecks = healthChecks
        self.logger = logger
        self.scheduler = SyncScheduler(minInterval: minSyncPeriod, maxInterval: syncPeriod)
        self.clock = clock
        self.node = NodeContext(name: node.name)
        self.epoch = clock.now
        self.podCIDRWatch = detectLocalNodeCIDR ? NodePodCIDRWatch() : nil
    }

    /// Runs the source and the sync loop until cancelled (or, with `once`, until one full sync is done;
    /// then returns that sync's outcome). With `detectLocalNodeCIDR`, the first sync waits for the
    /// Node's pod CIDRs, and a change of them ends the loop by throwing ``DaemonStopped``.
    @discardableResult
    public func run(once: Bool = false) async throws -> SyncOutcome? {
        let source = self.source
        let sourceTask = Task { [weak self] in
            do {
                try await source.run { [weak self] event in await self?.receive(event) }
            } catch is CancellationError {
            } catch {
                await self?.sourceFailed(error)
            }
        }
        defer { sourceTask.cancel() }
        while !Task.isCancelled {
            applyQueuedEvents()
            if let stopError { throw stopError }
            let ready = synced ? try await podCIDRsReady() : false
            if !ready {
                await wake.wait(until: clock.now + .seconds(1), clock: clock)
                continue
            }
            let due = epoch + scheduler.nextRunTime()
            if clock.now < due {
                await wake.wait(until: min(due, clock.now + addressPollInterval), clock: clock)
                await pollAddressesIfDue()
                continue
            }
            let outcome = await syncNow()
            if once { return outcome }
        }
        return lastOutcome
    }

    /// Queues one event for the loop (applied before its next decision or sync) and wakes it.
    public nonisolated func receive(_ event: ObjectEvent) async {
        inbox.withLock { $0.append(event) }
        await wake.signal()
    }

    /// Applies the events queued by ``receive(_:)`` to the store and schedules a sync if anything changed.
    func applyQueuedEvents() {
        let events = inbox.withLock { queue in
            defer { queue = [] }
            return queue
        }
        guard !events.isEmpty else { return }
        for event in events { apply(event) }
        if !store.changedServices.isEmpty {
            scheduler.request()
            health.queued()
            metrics.lastQueuedTimestamp.set(to: Date().timeIntervalSince1970)
        }
        metrics.serviceChangesPending.set(to: Double(store.pendingServiceChanges))
        metrics.endpointChangesPending.set(to: Double(store.pendingEndpointChanges))
    }

    private func apply(_ event: ObjectEvent) {
        switch event {
        case .replaceServices(let all): store.replaceServices(all)
        case .replaceSlices(let all):
            // A relist repeats unchanged slices: only those whose resourceVersion moved carry a new change.
            for slice in all where store.slices[Self.key(slice.metadata)]?.metadata.resourceVersion
                != slice.metadata.resourceVersion {
                programmingLatency.updated(slice)
            }
            store.replaceSlices(all)
        case .upsertService(let s): store.upsert(s)
        case .deleteService(let s): store.delete(s)
        case .upsertSlice(let s):
            programmingLatency.updated(s)
            store.upsert(s)
        case .deleteSlice(let s):
            programmingLatency.deleted(s)
            store.delete(s)
        case .node(let n):
            guard n.metadata.name == nodeFacts.name, n != nodeObject else { return }
            nodeObject = n
            health.syncNode(n)
            checkPodCIDRs(n)
            adoptZone(of: n)
            scheduler.request()
        case .sourceRejections(let r):
            sourceRejections = r
            metrics.setRejections((lastOutcome?.rejections ?? []) + r)
        case .synced:
            if !synced { logger.info("object source synced", metadata: ["source": "\(source.name)"]) }
            synced = true
        }
    }

    static func key(_ m: KubeObjectMeta) -> ServiceName {
        ServiceName(namespace: m.namespace.isEmpty ? "default" : m.namespace, name: m.name)
    }

    func sourceFailed(_ error: any Error) {
        logger.error("object source stopped", metadata: ["source": "\(source.name)", "error": "\(error)"])
    }
}
