import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSKernel
import KubeIPVSTesting
import Logging
import Testing

/// Issue 10 through the whole loop: a manifest whose Service name carries a rule line is rejected and
/// counted (the good Service still programmed), and every refused companion-rule restore is counted in
/// kube-proxy's restore-failure metric.
@Suite struct ProxyDaemonHostileInputTests {
    static let manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: demo}
        spec:
          clusterIP: 10.96.0.20
          ports: [{name: http, port: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: "evil\\n-I PREROUTING -j DNAT --to-destination 6.6.6.6", namespace: demo}
        spec:
          clusterIP: 10.96.0.21
          ports: [{name: http, port: 80}]
        """

    struct Refused: Error {}

    static func metric(_ text: String, _ name: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }

    @Test func injectedNameIsRejectedAndRestoreFailuresAreCounted() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kipvs-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.manifest.write(to: dir.appendingPathComponent("cluster.yaml"), atomically: true, encoding: .utf8)
        let ipvs = FakeIPVS()
        let logger = Logger(label: "test")
        let kernel = IPVSProxier.Kernel(ipvs: ipvs, ipsets: FakeIPSet(), links: FakeLinkAddress(),
                                        restoreRules: { _, _ in throw Refused() })
        let metrics = DaemonMetrics()
        let daemon = try ProxyDaemon(
            source: ManifestDirectorySource(path: dir.path, pollInterval: .milliseconds(50), logger: logger),
            proxier: try IPVSProxier(kernel: kernel, config: ProxyConfiguration(), logger: logger),
            node: .init(name: "node1", localAddresses: { [LocalAddress(interface: "eth0", address: IPAddress("10.0.0.10")!)] }),
            minSyncPeriod: .zero, syncPeriod: .seconds(30), metrics: metrics, health: HealthState(timeout: 60),
            logger: logger)
        let run = Task { try await daemon.run() }
        defer { run.cancel() }
        let deadline = ContinuousClock.now + .seconds(10)
        let name = "kubeproxy_sync_proxy_rules_iptables_restore_failures_total"
        while ContinuousClock.now < deadline, (Self.metric(metrics.render(), name) ?? 0) < 1 {
            try await Task.sleep(for: .milliseconds(50))
        }
        let text = metrics.render()
        #expect((Self.metric(text, name) ?? 0) >= 1, "\(text)")
        #expect(text.contains("kubeipvs_rejected_objects{kind=\"Service\"} 1"))
        let web = VirtualServerKey(address: IPAddress("10.96.0.20")!, proto: .tcp, port: 80)
        let evil = VirtualServerKey(address: IPAddress("10.96.0.21")!, proto: .tcp, port: 80)
        #expect(await ipvs.virtualServers().map(\.key).contains(web))
        #expect(!(await ipvs.virtualServers().map(\.key).contains(evil)))
    }
}
