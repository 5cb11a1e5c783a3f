import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSKernel
import KubeIPVSNetlink
import Logging
import Testing

@Suite struct ModeSelectionTests {
    static let missing = IPVSAvailability.ipvsMissing(KernelError(code: .notFound, operation: "CTRL_CMD_GETFAMILY",
                                                                  target: "IPVS", errno: 2))

    @Test func fallsBackToIptablesWhenIPVSIsMissing() async throws {
        let s = await ModeSelection.choose(options: try DaemonOptions.resolve(flags: DaemonFlags()),
                                           logger: Logger(label: "t"), probe: { _ in Self.missing })
        #expect(s.mode == .iptables && s.fallback)
        #expect(s.reason.contains("errno 2"))
    }

    @Test func noFallbackRefusesToRun() async throws {
        var flags = DaemonFlags()
        flags.noFallback = true
        let s = await ModeSelection.choose(options: try DaemonOptions.resolve(flags: flags), logger: Logger(label: "t"),
                                           probe: { _ in Self.missing })
        #expect(s.mode == nil)
    }

    @Test func schedulerMissingAlsoFallsBack() async throws {
        var flags = DaemonFlags()
        flags.ipvsScheduler = "sed"
        let s = await ModeSelection.choose(options: try DaemonOptions.resolve(flags: flags), logger: Logger(label: "t"), probe: {
            .schedulerMissing($0, KernelError(code: .notFound, operation: "IPVS_CMD_NEW_SERVICE", target: "x", errno: 2))
        })
        #expect(s.mode == .iptables && s.reason.contains("scheduler sed missing"))
    }

    @Test func iptablesModeDoesNotProbe() async throws {
        var flags = DaemonFlags()
        flags.proxyMode = "iptables"
        let s = await ModeSelection.choose(options: try DaemonOptions.resolve(flags: flags), logger: Logger(label: "t"),
                                           probe: { _ in Issue.record("probed"); return .available })
        #expect(s.mode == .iptables && !s.fallback)
    }

    @Test func modeMetricsSayFallback() {
        let m = DaemonMetrics()
        m.setMode(.iptables, fallback: true)
        let text = m.render()
        #expect(text.contains("kubeipvs_proxy_mode{mode=\"iptables\"} 1"))
        #expect(text.contains("kubeipvs_proxy_mode{mode=\"ipvs\"} 0"))
        #expect(text.contains("kubeipvs_ipvs_fallback 1"))
    }
}

@Suite struct HealthTests {
    @Test func healthzFollowsKubeProxySemantics() {
        let start = Date(timeIntervalSince1970: 1_000)
        let h = HealthState(timeout: 60, now: start)
        #expect(h.isHealthy(at: start + 30))            // starting up
        #expect(!h.isHealthy(at: start + 61))           // never synced
        h.updated(at: start + 62)
        #expect(h.isHealthy(at: start + 100))
        h.queued(at: start + 100)
        #expect(h.isHealthy(at: start + 150))
        #expect(!h.isHealthy(at: start + 161))          // a change waited too long
        h.updated(at: start + 162)
        #expect(h.isHealthy(at: start + 163))
        // Healthy: lastUpdated is the current time, as kube-proxy reports it.
        #expect(h.healthz(at: start + 163).body.contains("\"lastUpdated\": \"1970-01-01T00:19:23"))
        h.queued(at: start + 163)
        #expect(h.healthz(at: start + 224).body.contains("\"lastUpdated\": \"1970-01-01T00:19:22"), "unhealthy: the last sync")
    }

    @Test func healthCheckNodePortAnswersByLocalEndpoints() {
        let hc = HealthCheckNodePorts(logger: Logger(label: "t"))
        hc.update([32000: .init(service: ServiceName(namespace: "demo", name: "local-lb"), localEndpoints: 1),
                   32001: .init(service: ServiceName(namespace: "demo", name: "none"), localEndpoints: 0)])
        #expect(hc.response(port: 32000).status == 200)
        #expect(hc.response(port: 32000).body == """
            {
            \t"service": {
            \t\t"namespace": "demo",
            \t\t"name": "local-lb"
            \t},
            \t"localEndpoints": 1,
            \t"serviceProxyHealthy": true
            }
            """)
        #expect(hc.headers(port: 32000).map { "\($0.0): \($0.1)" }
            == ["Content-Type: application/json", "X-Content-Type-Options: nosniff", "X-Load-Balancing-Endpoint-Weight: 1"])
        #expect(hc.response(port: 32001).status == 503)
        #expect(hc.headers(port: 32001).last?.1 == "0")
        #expect(hc.response(port: 9).status == 404)
        #expect(hc.ports == [32000, 32001])
        // An unhealthy proxy answers 503 even with local endpoints, and says so.
        let sick = HealthCheckNodePorts(logger: Logger(label: "t"), proxyHealthy: { false })
        sick.update([32000: .init(service: ServiceName(namespace: "demo", name: "a\"b"), localEndpoints: 2)])
        #expect(sick.response(port: 32000).status == 503)
        #expect(sick.response(port: 32000).body.hasSuffix("\t\"serviceProxyHealthy\": false\n}"))
        #expect(sick.response(port: 32000).body.contains("\"name\": \"a\\\"b\""))
    }

    @Test func bindAddresses() {
        #expect(BindAddress("0.0.0.0:10256") == BindAddress(host: "0.0.0.0", port: 10256))
        #expect(BindAddress("[::]:10249") == BindAddress(host: "::", port: 10249))
        #expect(BindAddress(":10249") == BindAddress(host: "0.0.0.0", port: 10249))
        #expect(BindAddress("nope") == nil)
    }
}
