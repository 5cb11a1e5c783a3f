import Foundation
import KubeIPVSCore
import KubeIPVSIptables
import KubeIPVSTesting
import Testing

/// Whether the daemon end-to-end suite can run on this machine, and whether it must
/// (`KUBE_IPVS_REQUIRE_TIERS=1`, set by scripts/test.sh: then a missing capability fails the suite
/// instead of skipping it).
enum DaemonE2E {
    static let required = ProcessInfo.processInfo.environment["KUBE_IPVS_REQUIRE_TIERS"] == "1"

    /// Why the suite cannot run here; nil when it can.
    static let missing: String? = {
        guard PodNetwork.isUsable else { return "needs root, ip netns and python3" }
        guard !IptablesLab.backends.isEmpty else { return "iptables-save does not work in a network namespace" }
        for tool in ["curl", "conntrack"] where ProcessRunner().resolve(tool) == nil { return "needs \(tool)" }
        return nil
    }()

    static let enabled = missing == nil || required

    /// Fails (rather than passes vacuously) when the suite was required but cannot run.
    static func requireHost() throws {
        try #require(missing == nil, "host tier required (KUBE_IPVS_REQUIRE_TIERS=1) but it cannot run: \(missing ?? "")")
    }
}

/// The real `kube-ipvs` executable on a node namespace without ip_vs (this host): asked for IPVS, it
/// falls back to iptables by itself, and client, pod and node namespaces exchange real traffic
/// through the rules it writes. One case reads manifests; the others a `kube-ipvs-test-apiserver`
/// running in the node namespace.
@Suite(.serialized, .enabled(if: DaemonE2E.enabled, "needs root, ip netns, iptables in a namespace, python3, curl, conntrack"))
struct DaemonEndToEndTests {
    typealias O = DaemonE2EObjects
    static func ip(_ text: String) -> IPAddress { IPAddress(text)! }

    /// Every pod in `pods` answered a fair share of `total` (``IptablesTrafficTests/expectSpread``).
    static func expectSpread(_ report: ClientReport, _ pods: [String], _ total: Int,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        IptablesTrafficTests.expectSpread(report, over: pods, total: total, sourceLocation: sourceLocation)
    }

    /// A lab with three pods, the test API server seeded with ``DaemonE2EObjects/cluster(_:)`` and
    /// the daemon reading it, first sync done.
    static func startWithAPIServer() throws -> (NetnsLab, PodNetwork, DaemonHarness) {
        let lab = try NetnsLab(prefix: "kd2e")
        do {
            let net = try PodNetwork.build(lab, pods: 3)
            let kubeconfig = try DaemonHarness.startAPIServer(net, seed: O.cluster(net))
            let harness = DaemonHarness(net, source: ["--kubeconfig", kubeconfig])
            try harness.start()
            return (lab, net, harness)
        } catch {
            lab.destroy()
            throw error
        }
    }

    @Test("manifests: falls back to iptables (log, metrics), spreads, sticks, follows a manifest edit")
    func manifests() throws {
        try DaemonE2E.requireHost()
        let lab = try NetnsLab(prefix: "kd2e")
        defer { lab.destroy() }
        let net = try PodNetwork.build(lab, pods: 3)
        let directory = lab.workdir.appendingPathComponent("manifests")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("cluster.yaml")
        func write(web members: [O.Member]) throws {
            try O.stream([
                O.service("web", clusterIP: "10.96.0.10"), O.slice("web", members),
                O.service("sticky", clusterIP: "10.96.0.11",
                          spec: ["sessionAffinity: ClientIP", "sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}"]),
                O.slice("sticky", O.members(net)),
            ]).write(to: file, atomically: true, encoding: .utf8)
        }
        try write(web: O.members(net))
        let harness = DaemonHarness(net, source: ["--manifests", directory.path])
        try harness.start()

        let fallback = harness.log.split(separator: "\n").first { $0.contains("falling back to the iptables proxier") }
        #expect(fallback != nil, "no fallback line in:\n\(harness.log.prefix(3000))")
        #expect(harness.log.contains("mode=\"iptables\""), "starting line names the mode")
        #expect(try harness.get("/proxyMode") == "iptables")
        let metrics = try harness.metrics()
        #expect(metrics["kubeipvs_proxy_mode{mode=\"iptables\"}"] == 1)
        #expect(metrics["kubeipvs_proxy_mode{mode=\"ipvs\"}"] == 0)
        #expect(metrics["kubeipvs_ipvs_fallback"] == 1)
        #expect(metrics["kubeipvs_rejected_objects{kind=\"Service\"}"] == 0)
        #expect((metrics["kubeproxy_sync_proxy_rules_last_timestamp_seconds"] ?? 0) > 1_700_000_000)

        let all = net.pods.map(\.name)
        Self.expectSpread(try net.httpRequests(Self.ip("10.96.0.10"), 80, count: 300), all, 300)
        let sticky = try net.httpRequests(Self.ip("10.96.0.11"), 80, count: 30)
        #expect(sticky.errors.isEmpty && sticky.total == 30 && sticky.counts.count == 1,
                "ClientIP affinity: \(sticky.counts) \(sticky.errors)")

        // pod3 leaves web: the daemon notices the edited file and rewrites the rules.
        try harness.afterSync { try write(web: O.members(net).filter { $0.pod.name != "pod3" }) }
        Self.expectSpread(try net.httpRequests(Self.ip("10.96.0.10"), 80, count: 150), ["pod1", "pod2"], 150)
    }

    @Test("restart after SIGTERM and after kill -9: the same KUBE-* rules, none duplicated; traffic flows throughout")
    func restart() throws {
        try DaemonE2E.requireHost()
        let (lab, net, harness) = try Self.startWithAPIServer()
        defer { lab.destroy() }
        let backend = try harness.backend()
        let rules = try harness.kubeRules(backend)
        Self.expectNoDuplicates(rules)
        #expect(rules.contains { $0.contains("KUBE-SVC-") } && rules.count > 30, "\(rules.count) KUBE-* lines")
        let all = net.pods.map(\.name)

        for signal in [SIGTERM, SIGKILL] {
            let daemon = try #require(harness.daemon)
            let status = daemon.stop(signal: signal, timeout: .seconds(10))
            if signal == SIGTERM {
                #expect(status == 0, "SIGTERM: a clean exit")
                #expect(daemon.log().contains("the data plane stays in place"))
            }
            // The data plane outlives the daemon.
            #expect(try harness.kubeRules(backend) == rules, "rules after signal \(signal)")
            Self.expectSpread(try net.httpRequests(Self.ip("10.96.0.10"), 80, count: 60), all, 60)

            try harness.start()
            let after = try harness.kubeRules(backend)
            Self.expectNoDuplicates(after)
            let added = Set(after).subtracting(rules).sorted(), removed = Set(rules).subtracting(after).sorted()
            #expect(after.sorted() == rules.sorted(), "restart after signal \(signal): added \(added), removed \(removed)")
            #expect(try harness.backend() == backend)
            Self.expectSpread(try net.httpRequests(Self.ip("10.96.0.10"), 80, count: 60), all, 60)
            Self.expectSpread(try net.httpRequests(PodNetwork.nodeIP, 30080, count: 60), all, 60)
        }
    }

    static func expectNoDuplicates(_ rules: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let repeated = Dictionary(grouping: rules, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(repeated.isEmpty, "duplicated: \(repeated)", sourceLocation: sourceLocation)
    }
}
