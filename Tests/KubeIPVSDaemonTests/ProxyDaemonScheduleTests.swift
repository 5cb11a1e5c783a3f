import KubeIPVSCore
import KubeIPVSDaemon
import Logging
import Synchronization
import Testing

/// The loop's timing on a manual clock (no sleeps): changes wait for `--ipvs-min-sync-period` and no longer,
/// what arrives meanwhile is coalesced into one sync, and the periodic full reconcile comes at
/// `--ipvs-sync-period`. Every "nothing happened yet" is asserted while the loop is parked on the clock.
@Suite struct ProxyDaemonScheduleTests {
    /// Records every sync request.
    actor RecordingProxier: Proxier {
        nonisolated let mode = ProxyMode.ipvs
        nonisolated let requests = Mutex<[SyncRequest]>([])

        func sync(_ request: SyncRequest) async -> SyncOutcome {
            requests.withLock { $0.append(request) }
            return SyncOutcome(success: true, full: request.isFull)
        }

        func setLocalDetector(_ detector: LocalTrafficDetector) async {}
        func cleanup() async throws {}
    }

    static func service(_ name: String, _ ip: String) -> KubeService {
        KubeService(metadata: KubeObjectMeta(name: name, namespace: "demo"),
                    spec: .init(type: "ClusterIP", clusterIP: ip, clusterIPs: [ip],
                                ports: [.init(name: "http", protocol: "TCP", port: 80)]))
    }

    /// Waits (bounded, in real time) until the loop sleeps on the clock towards exactly `deadlines`.
    static func parked(_ clock: ManualLoopClock, at deadlines: [Duration]) async throws {
        try await eventually("the loop to sleep until \(deadlines) (it sleeps until \(clock.deadlines))") {
            clock.deadlines == deadlines
        }
    }

    @Test func changesWaitForTheMinSyncPeriodAndThePeriodicSyncComesOnTime() async throws {
        let clock = ManualLoopClock()
        let proxier = RecordingProxier()
        let (stream, events) = AsyncStream.makeStream(of: ObjectEvent.self)
        let daemon = try ProxyDaemon(
            source: ProxyDaemonInboxTests.PushSource(stream: stream), proxier: proxier,
            node: .init(name: "node1", localAddresses: { [] }), minSyncPeriod: .seconds(1), syncPeriod: .seconds(30),
            metrics: DaemonMetrics(), health: HealthState(timeout: 60),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), clock: clock)
        let run = Task { try await daemon.run() }
        defer { run.cancel() }
        let count = { proxier.requests.withLock { $0.count } }

        events.yield(.upsertService(Self.service("web", "10.96.0.20")))
        events.yield(.synced)
        try await eventually("the first sync") { count() == 1 }
        // Next: the address poll at 5 s (the periodic sync is due at 30 s).
        try await Self.parked(clock, at: [.seconds(5)])

        // Two changes at t=0.5: due one min-sync-period after the last sync (t=1), not before.
        clock.advance(to: .milliseconds(500))
        try await Self.parked(clock, at: [.seconds(5)])
        events.yield(.upsertService(Self.service("api", "10.96.0.21")))
        events.yield(.upsertService(Self.service("db", "10.96.0.22")))
        try await Self.parked(clock, at: [.seconds(1)])
        clock.advance(to: .milliseconds(999))
        try await Self.parked(clock, at: [.seconds(1)])
        #expect(count() == 1, "no sync before the min sync period")
        clock.advance(to: .seconds(1))
        try await eventually("the change's sync") { count() == 2 }
        let second = proxier.requests.withLock { $0[1] }
        #expect(!second.isFull)
        #expect(second.changed == [ServiceName(namespace: "demo", name: "api"), ServiceName(namespace: "demo", name: "db")])
        #expect(second.now == .seconds(1))

        // Nothing changes: the periodic full reconcile one sync period after the last sync, t=31, as
        // kube-proxy's BoundedFrequencyRunner (the loop wakes for address polls meanwhile).
        clock.advance(to: .seconds(30))
        try await Self.parked(clock, at: [.seconds(31)])
        #expect(count() == 2, "no sync before the sync period")
        clock.advance(to: .seconds(31))
        try await eventually("the periodic sync") { count() == 3 }
        let third = proxier.requests.withLock { $0[2] }
        #expect(third.isFull && third.reconcileKernel && third.now == .seconds(31))
    }
}
