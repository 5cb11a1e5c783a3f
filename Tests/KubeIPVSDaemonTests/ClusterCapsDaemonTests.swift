import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSKernel
import KubeIPVSTesting
import Logging
import Synchronization
import Testing

/// Cluster-wide caps in the IPVS proxier (incremental syncs) and through the whole daemon loop: the newest
/// Service is refused, logged and counted; the others reach the kernel; a refused Service is admitted again
/// once an older one leaves.
@Suite struct ClusterCapsDaemonTests {
    static let node = NodeContext(name: "node1", localAddresses: [LocalAddress(interface: "eth0", address: IPAddress("10.0.0.10")!)])

    static func service(_ name: String, _ ip: String, created: String) -> KubeService {
        KubeService(metadata: KubeObjectMeta(name: name, namespace: "demo", creationTimestamp: created),
                    spec: .init(type: "ClusterIP", clusterIP: ip, clusterIPs: [ip],
                                ports: [.init(name: "http", protocol: "TCP", port: 80)]))
    }

    static let old = service("old", "10.96.0.1", created: "2024-01-01T00:00:00Z")
    static let middle = service("middle", "10.96.0.2", created: "2024-02-01T00:00:00Z")
    static let newest = service("newest", "10.96.0.3", created: "2024-03-01T00:00:00Z")

    static func kernelAddresses(_ ipvs: FakeIPVS) async -> [String] {
        await ipvs.table().map { "\($0.virtualServer.key.address)" }.sorted()
    }

    @Test func proxierRefusesTheNewestAndReadmitsItWhenAnOlderServiceLeaves() async throws {
        let ipvs = FakeIPVS()
        let kernel = IPVSProxier.Kernel(ipvs: ipvs, ipsets: FakeIPSet(), links: FakeLinkAddress(), restoreRules: { _, _ in })
        let proxier = try IPVSProxier(kernel: kernel, config: ProxyConfiguration(), logger: Logger(label: "test"),
                                      caps: ClusterCaps(maxVirtualServers: 2))
        var store = ObjectStore()
        func sync() async -> SyncOutcome {
            let changed = store.takeChanges()
            return await proxier.sync(SyncRequest(store: store, changed: changed, reconcileKernel: false,
                                                  node: Self.node, now: .seconds(0)))
        }
        // The newest arrives first and is programmed; the older ones then take its place (age decides, not arrival).
        store.upsert(Self.newest)
        #expect(await sync().rejections.isEmpty)
        #expect(await Self.kernelAddresses(ipvs) == ["10.96.0.3"])
        store.upsert(Self.middle)
        store.upsert(Self.old)
        let capped = await sync()
        #expect(capped.success)
        #expect(capped.rejections == [Rejection(kind: .service, object: "demo/newest", reason:
            "cluster-wide cap reached: planning it would exceed virtual servers (3 with it, at most 2 in all); "
            + "newer Services are refused first")])
        #expect(await Self.kernelAddresses(ipvs) == ["10.96.0.1", "10.96.0.2"])
        // An unrelated change keeps the decision.
        store.upsert(Self.service("middle", "10.96.0.2", created: "2024-02-01T00:00:00Z"))
        #expect(await sync().rejections.map(\.object) == ["demo/newest"])
        store.delete(Self.old)
        let readmitted = await sync()
        #expect(readmitted.rejections.isEmpty)
        #expect(await Self.kernelAddresses(ipvs) == ["10.96.0.2", "10.96.0.3"])
    }

    static let manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: old, namespace: demo, creationTimestamp: "2024-01-01T00:00:00Z"}
        spec: {clusterIP: 10.96.0.1, ports: [{name: http, port: 80}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: newest, namespace: demo, creationTimestamp: "2024-03-01T00:00:00Z"}
        spec: {clusterIP: 10.96.0.3, ports: [{name: http, port: 80}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: middle, namespace: demo, creationTimestamp: "2024-02-01T00:00:00Z"}
        spec: {clusterIP: 10.96.0.2, ports: [{name: http, port: 80}]}
        """

    /// Keeps `rejected object` lines with their metadata.
    struct CapturingHandler: LogHandler {
        let lines: CapLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            guard "\(event.message)" == "rejected object", let m = event.metadata else { return }
            lines.value.withLock { $0.append("\(event.level) \(event.message) \(m["object"] ?? "") \(m["reason"] ?? "")") }
        }
    }

    @Test func theDaemonLogsAndCountsTheRefusedService() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kipvs-caps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.manifest.write(to: dir.appendingPathComponent("cluster.yaml"), atomically: true, encoding: .utf8)
        let lines = CapLines()
        let logger = Logger(label: "test", factory: { _ in CapturingHandler(lines: lines) })
        let ipvs = FakeIPVS()
        let kernel = IPVSProxier.Kernel(ipvs: ipvs, ipsets: FakeIPSet(), links: FakeLinkAddress(), restoreRules: { _, _ in })
        let metrics = DaemonMetrics()
        let daemon = try ProxyDaemon(
            source: ManifestDirectorySource(path: dir.path, pollInterval: .milliseconds(50), logger: logger),
            proxier: try IPVSProxier(kernel: kernel, config: ProxyConfiguration(), logger: logger,
                                     caps: ClusterCaps(maxVirtualServers: 2)),
            node: .init(name: "node1", localAddresses: { [LocalAddress(interface: "eth0", address: IPAddress("10.0.0.10")!)] }),
            minSyncPeriod: .zero, syncPeriod: .seconds(30), metrics: metrics, health: HealthState(timeout: 60),
            logger: logger)
        let run = Task { try await daemon.run() }
        defer { run.cancel() }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, lines.value.withLock({ $0.isEmpty }) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(lines.value.withLock { $0 } == [
            "warning rejected object demo/newest cluster-wide cap reached: planning it would exceed virtual servers "
            + "(3 with it, at most 2 in all); newer Services are refused first",
        ])
        #expect(metrics.render().contains("kubeipvs_rejected_objects{kind=\"Service\"} 1"))
        #expect(await Self.kernelAddresses(ipvs) == ["10.96.0.1", "10.96.0.2"])
    }
}

/// Log lines shared between the handler and the test.
final class CapLines: Sendable {
    let value = Mutex<[String]>([])
}
