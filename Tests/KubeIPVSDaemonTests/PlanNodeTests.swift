import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSSources
import Testing

/// `kube-ipvs plan --detect-local-mode NodeCIDR` plans with the Node object's pod CIDRs, as the daemon
/// does once it has the Node.
@Suite struct PlanNodeTests {
    static let manifests = """
        apiVersion: v1
        kind: Node
        metadata: {name: node1}
        spec: {podCIDRs: ["10.244.7.0/24", "fd00:244:7::/64"]}
        status: {addresses: [{type: InternalIP, address: 10.0.0.10}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: d}
        spec: {clusterIP: 10.96.0.10, ports: [{name: http, port: 80, targetPort: 8080}]}

        """

    @Test func nodeCIDRModeUsesTheNodeObjectsPodCIDRs() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kipvs-plan-\(UUID().uuidString).yaml")
        try Self.manifests.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let objects = try ManifestLoader.load(path: file.path)
        var flags = DaemonFlags()
        flags.extra["detect-local-mode"] = "NodeCIDR"
        let options = try DaemonOptions.resolve(flags: flags)
        let config = PlanNode.configuration(options, name: "node1", objects: objects)
        #expect(config.localDetector == .nodeCIDR([CIDR("10.244.7.0/24")!, CIDR("fd00:244:7::/64")!]))
        let node = PlanNode.context(name: "node1", nodeIPs: [], objects: objects)
        let text = PlanReport(objects: objects, node: node, config: config, mode: .ipvs).text()
        #expect(text.contains("--match-set KUBE-CLUSTER-IP dst,dst ! -s 10.244.7.0/24 -j KUBE-MARK-MASQ"), "\(text)")
        // Another node (no Node object): no pod CIDRs, no local-traffic rule.
        #expect(PlanNode.configuration(options, name: "node2", objects: objects).localDetector == .nodeCIDR([]))
    }
}
