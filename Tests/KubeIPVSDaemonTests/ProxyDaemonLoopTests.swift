import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSKernel
import KubeIPVSTesting
import Logging
import Testing

/// The whole loop over fakes: a manifest directory as the source, edited while the daemon runs.
@Suite struct ProxyDaemonLoopTests {
    static let manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: demo}
        spec:
          clusterIP: 10.96.0.20
          ports: [{name: http, port: 80, targetPort: 8080}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: web-1, namespace: demo, labels: {kubernetes.io/service-name: web}}
        addressType: IPv4
        ports: [{name: http, port: 8080}]
        endpoints:
        - {addresses: ["10.244.1.5"], conditions: {ready: true}}
        """

    @Test func followsManifestEditsAndReportsMetrics() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kipvs-loop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("cluster.yaml")
        try Self.manifest.write(to: file, atomically: true, encoding: .utf8)

        let ipvs = FakeIPVS(), links = FakeLinkAddress()
        let logger = Logger(label: "test")
        let kernel = IPVSProxier.Kernel(ipvs: ipvs, ipsets: FakeIPSet(), links: links, restoreRules: { _, _ in })
        let metrics = DaemonMetrics()
        let health = HealthState(timeout: 60)
        let daemon = try ProxyDaemon(
            source: ManifestDirectorySource(path: dir.path, pollInterval: .milliseconds(50), logger: logger),
            proxier: try IPVSProxier(kernel: kernel, config: ProxyConfiguration(), logger: logger),
            node: .init(name: "node1", localAddresses: { [LocalAddress(interface: "eth0", address: IPAddress("10.0.0.10")!)] }),
            minSyncPeriod: .zero, syncPeriod: .seconds(30), metrics: metrics, health: health, logger: logger)
        let run = Task { try await daemon.run() }
        defer { run.cancel() }
        let vs = VirtualServerKey(address: IPAddress("10.96.0.20")!, proto: .tcp, port: 80)
        try await eventually("first sync") { await ipvs.realServers(of: vs).count == 1 }
        #expect(health.isHealthy())

        // Add an endpoint and a malformed Service: the endpoint arrives, the bad object is rejected.
        let edited = Self.manifest + "\n- {addresses: [\"10.244.2.6\"], conditions: {ready: true}}\n" + """
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: bad, namespace: demo}
            spec:
              clusterIP: 10.96.0.21
              ports: [{name: http, port: 0}]
            """
        try edited.write(to: file, atomically: true, encoding: .utf8)
        try await eventually("second endpoint") { await ipvs.realServers(of: vs).count == 2 }
        try await eventually("rejection metric") { metrics.render().contains("kubeipvs_rejected_objects{kind=\"Service\"} 1") }
        let text = metrics.render()
        #expect(text.contains("kubeproxy_sync_proxy_rules_last_timestamp_seconds"))
        #expect(text.contains("kubeproxy_sync_proxy_rules_duration_seconds_count"))
        #expect(text.contains("kubeproxy_network_programming_duration_seconds_count"))
        #expect(try await links.addresses(on: "kube-ipvs0") == [IPAddress("10.96.0.20")!])

        // An unreadable manifest file must not wipe the data plane: once the loop has taken the reload (its
        // rejection is counted), the real servers are still there.
        try "{ this is : not [ yaml".write(to: file, atomically: true, encoding: .utf8)
        try await eventually("manifest rejection") { metrics.render().contains("kubeipvs_rejected_objects{kind=\"Manifest\"} 1") }
        #expect(await ipvs.realServers(of: vs).count == 2)
    }
}
