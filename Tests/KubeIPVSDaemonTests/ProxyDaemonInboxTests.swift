import Dispatch
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSNetlink
import Logging
import Synchronization
import Testing

/// The loop shares its thread with the proxier: a sync that keeps the thread busy must not hold up the
/// source, and what arrived meanwhile goes into the next sync.
@Suite struct ProxyDaemonInboxTests {
    /// A proxier on the loop's thread whose first sync blocks that thread until released.
    actor BlockingProxier: Proxier {
        nonisolated let mode = ProxyMode.ipvs
        nonisolated let thread: NamespaceThreadExecutor
        nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }
        nonisolated let gate = DispatchSemaphore(value: 0)
        nonisolated let requests = Mutex<[Set<ServiceName>?]>([])

        init(thread: NamespaceThreadExecutor) { self.thread = thread }

        func sync(_ request: SyncRequest) async -> SyncOutcome {
            let first = requests.withLock { $0.append(request.changed); return $0.count == 1 }
            if first { gate.wait() }  // blocks the shared thread, as a long sync does
            return SyncOutcome(success: true, full: request.isFull)
        }

        func setLocalDetector(_ detector: LocalTrafficDetector) async {}
        func cleanup() async throws {}
    }

    /// Delivers events pushed by the test.
    struct PushSource: ObjectSource {
        let stream: AsyncStream<ObjectEvent>
        var name: String { "push" }
        func run(_ sink: @escaping @Sendable (ObjectEvent) async -> Void) async throws {
            for await event in stream { await sink(event) }
        }
    }

    static func service(_ name: String, _ ip: String) -> KubeService {
        KubeService(metadata: KubeObjectMeta(name: name, namespace: "demo"),
                    spec: .init(type: "ClusterIP", clusterIP: ip, clusterIPs: [ip],
                                ports: [.init(name: "http", protocol: "TCP", port: 80)]))
    }

    @Test func eventsArrivingDuringABusySyncAreQueuedForTheNext() async throws {
        let thread = try NamespaceThreadExecutor(name: "kipvs-test-loop")
        let proxier = BlockingProxier(thread: thread)
        let (stream, events) = AsyncStream.makeStream(of: ObjectEvent.self)
        let daemon = try ProxyDaemon(
            source: PushSource(stream: stream), proxier: proxier, node: .init(name: "node1", localAddresses: { [] }),
            minSyncPeriod: .zero, syncPeriod: .seconds(30), metrics: DaemonMetrics(), health: HealthState(timeout: 60),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), executor: thread)
        let run = Task { try await daemon.run() }
        defer { run.cancel() }
        events.yield(.upsertService(Self.service("web", "10.96.0.20")))
        events.yield(.synced)
        try await eventually("the first sync to start") { proxier.requests.withLock { $0.count } == 1 }

        // The thread is blocked inside the first sync: receiving must still return.
        let received = Mutex(false)
        let delivery = Task {
            await daemon.receive(.upsertService(Self.service("api", "10.96.0.21")))
            received.withLock { $0 = true }
        }
        let returned = try? await eventually("receive to return", timeout: .seconds(3)) { received.withLock { $0 } }
        proxier.gate.signal()
        _ = await delivery.value
        #expect(returned != nil, "receive waited for the sync that held the loop's thread")

        try await eventually("the second sync") { proxier.requests.withLock { $0.count } >= 2 }
        let second = proxier.requests.withLock { $0[1] }
        #expect(second == [ServiceName(namespace: "demo", name: "api")])
    }
}
