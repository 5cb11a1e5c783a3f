import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSNetlink

/// EndpointSlice changes applied one at a time, timed, on the proxier's own thread: the daemon's sync
/// loop runs there too, so no thread switch sits between a change and its plan.
actor ChangeLoop {
    struct Samples: Sendable {
        var wall: [Duration] = []
        var daemon: [Duration] = []
        var kernel = Duration.zero
        var failures: [String] = []
    }

    private let executor: NamespaceThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(on executor: NamespaceThreadExecutor) { self.executor = executor }

    /// Upsert + partial sync per change; daemon time is each change's wall time less its kernel calls.
    func run(_ changes: Int, cluster: BenchCluster, store: ObjectStore, proxier: IPVSProxier,
             clock: KernelClock, node: NodeContext) async -> (Samples, ObjectStore) {
        var store = store, samples = Samples()
        _ = clock.take()
        for k in 0..<changes {
            let i = (k * 7919) % cluster.services, j = k % cluster.endpoints
            let slice = cluster.slice(i, moved: [j: 1 + k / cluster.services], version: 2 + k)
            let start = ContinuousClock.now
            store.upsert(slice)
            let changed = store.takeChanges()
            let outcome = await proxier.sync(SyncRequest(store: store, changed: changed, node: node,
                                                         now: start - DaemonBenchmark.epoch))
            let elapsed = ContinuousClock.now - start, inKernel = clock.take().values.reduce(.zero, +)
            samples.wall.append(elapsed)
            samples.daemon.append(elapsed - inKernel)
            samples.kernel += inKernel
            if !(outcome.success && !outcome.full) {
                samples.failures.append("change \(k): full=\(outcome.full) \(outcome.errors.prefix(2))")
            }
        }
        return (samples, store)
    }
}
