import Foundation
import Testing
@testable import KubeIPVSCore

/// `--detect-local-mode`: the exact arguments each detector writes into the IPVS companion rules and
/// the iptables-mode service chains (docs/local-traffic-detection.md).
@Suite struct LocalTrafficDetectionTests {
    typealias F = IptablesFixtures

    static let modes: [(LocalTrafficDetector, ifLocal: String?, ifNotLocal: String?)] = [
        (.clusterCIDR, "-s 10.244.0.0/16", "! -s 10.244.0.0/16"),
        (.nodeCIDR([F.cidr("10.244.7.0/24"), F.cidr("fd00:244:7::/64")]), "-s 10.244.7.0/24", "! -s 10.244.7.0/24"),
        (.bridgeInterface("cbr0"), "-i cbr0", "! -i cbr0"),
        (.interfaceNamePrefix("veth"), "-i veth+", "! -i veth+"),
        (.nodeCIDR([F.cidr("fd00:244:7::/64")]), nil, nil),  // no IPv4 pod CIDR: no-op in IPv4
        (.nodeCIDR([]), nil, nil),                             // no pod CIDR at all
        (.bridgeInterface("cbr0 -j ACCEPT"), nil, nil),       // never spliced into rule text
        (.interfaceNamePrefix(""), nil, nil),
    ]

    @Test func nodeCIDRMatchesPerFamily() {
        let detector = LocalTrafficDetector.nodeCIDR([F.cidr("10.244.7.0/24"), F.cidr("fd00:244:7::/64")])
        #expect(detector.match(family: .v6, clusterCIDRs: [F.cidr("fd00:244::/48")])
                == LocalTrafficMatch(ifLocal: "-s fd00:244:7::/64", ifNotLocal: "! -s fd00:244:7::/64"))
        #expect(detector.match(family: .v4, clusterCIDRs: [])
                == LocalTrafficMatch(ifLocal: "-s 10.244.7.0/24", ifNotLocal: "! -s 10.244.7.0/24"))
    }

    @Test func nodeEligibility() throws {
        let json = #"{"metadata":{"name":"n","deletionTimestamp":"2026-12-07T22:00:00Z"},"spec":{"taints":[{"key":"ToBeDeletedByClusterAutoscaler","value":"1733600000","effect":"NoSchedule"}]}}"#
        let node = try JSONDecoder().decode(KubeNode.self, from: Data(json.utf8))
        #expect(node.isBeingDeleted && !node.isEligibleForTraffic)
        var tainted = node
        tainted.metadata.deletionTimestamp = nil
        #expect(!tainted.isBeingDeleted && !tainted.isEligibleForTraffic)
        tainted.spec.taints = [.init(key: "node.kubernetes.io/unschedulable"), .init(key: "ToBeDeletedByClusterAutoscaler2")]
        #expect(tainted.isEligibleForTraffic)
    }

    static func configuration(_ mode: LocalTrafficDetector) -> ProxyConfiguration {
        ProxyConfiguration(clusterCIDRs: [F.cidr("10.244.0.0/16")], localDetector: mode)
    }

    @Test(arguments: modes.indices)
    func ipvsCompanionClusterIPMasquerade(_ i: Int) {
        let (mode, _, ifNotLocal) = Self.modes[i]
        let text = IPVSCompanionRules.render(family: .v4, nonEmpty: [.clusterIP], nodeAccessBlocked: [],
                                             config: Self.configuration(mode))
        let base = "-A KUBE-SERVICES -m comment --comment \"Kubernetes service cluster ip + port for masquerade purpose\""
            + " -m set --match-set KUBE-CLUSTER-IP"
        // Without a detector kube-proxy masquerades node-originated traffic from a service VIP instead.
        let expected = ifNotLocal.map { "\(base) dst,dst \($0) -j KUBE-MARK-MASQ" } ?? "\(base) src,dst -j KUBE-MARK-MASQ"
        let rules = text.split(separator: "\n").map(String.init).filter { $0.hasPrefix(base) }
        #expect(rules == [expected])
    }

    @Test(arguments: modes.indices)
    func iptablesModeServiceChains(_ i: Int) throws {
        let (mode, ifLocal, ifNotLocal) = Self.modes[i]
        let name = F.name("ns/edge", "http")
        let port = ServicePort(name: name, port: 80, nodePort: 30080, clusterIPs: [F.ip("10.96.0.40")],
                               externalPolicyLocal: true)
        let snapshot = F.snapshot([(port, [F.endpoint("10.244.7.5", 8080, local: true)])])
        let node = NodeContext(name: "node1", localAddresses: [LocalAddress(interface: "eth0", address: F.ip("10.0.0.10"))],
                               primaryIPs: [F.ip("10.0.0.10")])
        let rules = IptablesModeRenderer(configuration: Self.configuration(mode)).render(snapshot, node: node, family: .v4)
        let section = try #require(rules.services.first)
        let svc = IptablesChainNames.service(name), ext = IptablesChainNames.external(name)
        let masq = section.chainRules.filter { $0.hasPrefix("-A \(svc) ") && $0.hasSuffix("-j KUBE-MARK-MASQ") }
        let pod = section.chainRules.filter { $0.contains("pod traffic for") }
        #expect(masq == ifNotLocal.map {
            ["-A \(svc) -m comment --comment \"ns/edge:http cluster IP\" -m tcp -p tcp -d 10.96.0.40 --dport 80 \($0) -j KUBE-MARK-MASQ"]
        } ?? [])
        #expect(pod == ifLocal.map {
            ["-A \(ext) -m comment --comment \"pod traffic for ns/edge:http external destinations\" \($0) -j \(svc)"]
        } ?? [])
    }

    @Test func nodePodCIDRsDecodeOnePerFamily() throws {
        let json = #"{"metadata":{"name":"node1"},"spec":{"podCIDR":"10.244.7.0/24","podCIDRs":["10.244.7.0/24","fd00:244:7::/64"]}}"#
        let node = try JSONDecoder().decode(KubeNode.self, from: Data(json.utf8))
        #expect(node.podCIDRs == [F.cidr("10.244.7.0/24"), F.cidr("fd00:244:7::/64")])
        #expect(node.declaredPodCIDRs == ["10.244.7.0/24", "fd00:244:7::/64"])
        // kube-proxy's MapCIDRsByIPFamily: trimmed, malformed ones skipped (and reported by field), the
        // first valid one of each family kept, host bits cleared.
        let odd = KubeNode(metadata: KubeObjectMeta(name: "n"),
                           spec: .init(podCIDRs: ["nonsense", "", " 10.1.0.9/24 ", "10.2.0.0/24", "fd00::/64", "-s 0/0"]))
        let selection = odd.podCIDRSelection
        #expect(selection.cidrs == [F.cidr("10.1.0.0/24"), F.cidr("fd00::/64")])
        #expect(selection.invalid.map { "\($0.field)=\($0.value)" } == ["spec.podCIDRs[0]=nonsense", "spec.podCIDRs[5]=-s 0/0"])
        // spec.podCIDR alone (older writers) is read when spec.podCIDRs is empty.
        let legacy = KubeNode(metadata: KubeObjectMeta(name: "n"), spec: .init(podCIDR: "10.3.0.0/24x"))
        #expect(legacy.podCIDRs.isEmpty && legacy.podCIDRSelection.invalid.map(\.field) == ["spec.podCIDR"])
        #expect(KubeNode(metadata: KubeObjectMeta(name: "n"), spec: .init(podCIDR: "10.3.0.0/24")).podCIDRs == [F.cidr("10.3.0.0/24")])
        #expect(LocalTrafficDetector.isUsableInterfaceName("eth0.100") && !LocalTrafficDetector.isUsableInterfaceName("a/b"))
        #expect(!LocalTrafficDetector.isUsableInterfaceName(String(repeating: "x", count: 16)))
    }
}
