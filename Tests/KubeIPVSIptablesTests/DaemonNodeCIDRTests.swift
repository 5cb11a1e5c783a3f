import Foundation
import KubeIPVSCore
import KubeIPVSTesting
import Testing

/// `--detect-local-mode NodeCIDR` and /healthz node eligibility with the real `kube-ipvs` against
/// `kube-ipvs-test-apiserver`, in a node namespace (docs/local-traffic-detection.md,
/// docs/routing-decisions.md): the daemon waits for the Node's pod CIDRs, writes them into the rules
/// (read back with iptables-save), answers /healthz by the Node's eligibility, and exits with
/// kube-proxy's message when the pod CIDRs change.
@Suite(.serialized) struct DaemonNodeCIDRTests {
    typealias O = DaemonE2EObjects

    /// This node's Node; `metadata` and `spec` add lines to those maps.
    static func node(podCIDRs: [String], metadata: [String] = [], spec: [String] = []) -> String {
        let cidrs = podCIDRs.map { "\"\($0)\"" }.joined(separator: ", ")
        let meta = (["name: node1"] + metadata).map { "  " + $0 }.joined(separator: "\n")
        let specLines = (["podCIDRs: [\(cidrs)]"] + spec).map { "  " + $0 }.joined(separator: "\n")
        return "apiVersion: v1\nkind: Node\nmetadata:\n\(meta)\nspec:\n\(specLines)\n"
    }

    @Test("NodeCIDR: waits for podCIDRs, writes them, /healthz follows eligibility, exits when they change")
    func nodeCIDR() throws {
        try DaemonE2E.requireHost()
        let lab = try NetnsLab(prefix: "kncd")
        defer { lab.destroy() }
        let net = try PodNetwork.build(lab, pods: 2)
        let seed = O.stream([
            O.service("web", clusterIP: "10.96.0.10", nodePort: 30080), O.slice("web", O.members(net)),
            O.service("local", clusterIP: "10.96.0.12", nodePort: 30090, spec: ["externalTrafficPolicy: Local"]),
            O.slice("local", O.members(net, local: ["pod1"])),
            Self.node(podCIDRs: []),
        ])
        let kubeconfig = try DaemonHarness.startAPIServer(net, seed: seed)
        let harness = DaemonHarness(net, source: ["--kubeconfig", kubeconfig, "--detect-local-mode", "NodeCIDR"])
        try harness.launch()
        try lab.waitFor("the wait for pod CIDRs", seconds: 20) {
            harness.log.contains("Watching for node, awaiting podCIDR allocation")
        }
        #expect(harness.syncs == 0, "no sync before the Node has pod CIDRs")

        try harness.apply(Self.node(podCIDRs: ["bogus", "10.244.1.0/24", "fd00:244:1::/64"]))
        try harness.waitForSync(after: 0, seconds: 30) { true }
        let invalid = harness.log.split(separator: "\n").filter { $0.contains("Invalid CIDR ignored") }
        #expect(invalid.count == 1 && invalid.allSatisfy { $0.contains("spec.podCIDRs[0]") && $0.contains("bogus") },
                "\(invalid)")
        try Self.expectNodeCIDRRules(harness)
        try Self.expectEligibility(harness)

        try harness.apply(Self.node(podCIDRs: ["10.244.9.0/24"]))
        let status = try #require(harness.daemon).wait(timeout: .seconds(20))
        #expect(status == 1, "kube-proxy exits 1 when the pod CIDRs change")
        let restart = harness.log.split(separator: "\n").filter {
            $0.contains("] \"Using NodeCIDR LocalDetector mode, current PodCIDRs are different than previous PodCIDRs, restarting\" ")
        }
        #expect(restart.count == 1 && restart.allSatisfy { $0.contains("newPodCIDRs=\"[\\\"10.244.9.0/24\\\"]\"") }, "\(harness.log.suffix(3000))")
    }

    /// The NodeCIDR detector's arguments in the iptables fallback's rules, as iptables-save prints them.
    static func expectNodeCIDRRules(_ harness: DaemonHarness) throws {
        let rules = try harness.kubeRules(try harness.backend())
        let masq = rules.filter { $0.hasPrefix("IPv4 nat -A KUBE-SVC-") && $0.contains("-d 10.96.0.10/32")
            && $0.hasSuffix("-j KUBE-MARK-MASQ") }
        #expect(masq.count == 1 && masq.allSatisfy { $0.contains(" ! -s 10.244.1.0/24 ") }, "\(masq)")
        let pod = rules.filter { $0.contains("pod traffic for e2e/local:http external destinations") }
        #expect(pod.count == 1 && pod.allSatisfy { $0.contains(" -s 10.244.1.0/24 ") && $0.contains("-j KUBE-SVC-") },
                "\(pod)")
        #expect(!rules.contains { $0.contains("10.244.0.0/16") }, "--cluster-cidr is not the detector in NodeCIDR mode")
    }

    /// /healthz answers 503 with nodeEligible false for a tainted or deleting Node; /livez stays 200.
    static func expectEligibility(_ harness: DaemonHarness) throws {
        let cidrs = ["bogus", "10.244.1.0/24", "fd00:244:1::/64"]
        let healthy = try harness.healthz("/healthz")
        #expect(healthy.status == 200 && healthy.body.hasSuffix(#", "nodeEligible": true}"#), "\(healthy)")
        #expect(healthy.headers.contains("X-Content-Type-Options: nosniff"), "\(healthy.headers)")
        let ineligible = [
            Self.node(podCIDRs: cidrs, spec: ["taints: [{key: ToBeDeletedByClusterAutoscaler, value: \"1\", effect: NoSchedule}]"]),
            Self.node(podCIDRs: cidrs, metadata: ["deletionTimestamp: \"2026-12-07T22:00:00Z\"", "finalizers: [example.com/hold]"]),
        ]
        for node in ineligible {
            try harness.apply(node)
            try harness.lab.waitFor("/healthz to answer 503", seconds: 10) { try harness.healthz("/healthz").status == 503 }
            let answer = try harness.healthz("/healthz")
            #expect(answer.body.hasSuffix(#", "nodeEligible": false}"#), "\(answer)")
            let live = try harness.healthz("/livez")
            #expect(live.status == 200 && !live.body.contains("nodeEligible"), "\(live)")
        }
        try harness.apply(Self.node(podCIDRs: cidrs))
        try harness.lab.waitFor("/healthz to answer 200 again", seconds: 10) { try harness.healthz("/healthz").status == 200 }
        #expect(harness.daemon?.isRunning == true, "same pod CIDRs: no restart")
    }
}
