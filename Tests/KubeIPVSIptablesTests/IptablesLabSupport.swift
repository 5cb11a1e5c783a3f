import Foundation
import KubeIPVSCore
import KubeIPVSIptables
import KubeIPVSTesting
import Logging
import Testing

/// Shared pieces of the real (namespace) iptables tests.
enum IptablesLab {
    /// Backends whose tools work in a fresh namespace on this machine (both on the lab host).
    static let backends: [IptablesBackend] = NetnsLab.iptablesBackends

    /// Backends for the traffic tests, which also need python3 for the pod servers.
    static let trafficBackends: [IptablesBackend] = PodNetwork.isUsable ? backends : []

    static let logger = Logger(label: "kube-ipvs.iptables.tests")

    static func ip(_ text: String) -> IPAddress { IPAddress(text)! }

    static func name(_ service: String, _ port: String, _ proto: L4Protocol = .tcp) -> ServicePortName {
        let parts = service.split(separator: "/").map(String.init)
        return ServicePortName(service: ServiceName(namespace: parts[0], name: parts[1]), port: port, proto: proto)
    }

    static let configuration = ProxyConfiguration(clusterCIDRs: PodNetwork.podCIDRs)

    static func proxier(_ lab: NetnsLab, _ namespace: String, backend: IptablesBackend, node: NodeContext,
                        families: [IPFamily] = IPFamily.allFamilies) -> IptablesProxier {
        IptablesProxier(configuration: configuration, node: node, backend: backend, families: families,
                        runner: lab.runner(in: namespace), logger: logger)
    }

    /// `iptables-save` (or ip6tables-save) of the namespace.
    static func save(_ lab: NetnsLab, _ namespace: String, _ backend: IptablesBackend, _ family: IPFamily) throws -> String {
        try lab.must(namespace, [backend.command(.save, family: family)])
    }

    /// Expects the tables to hold exactly `ruleset`'s chains and rules (plus the canary and kubelet's
    /// KUBE-FIREWALL), and each jump rule exactly once, in kube-proxy's order.
    static func expectApplied(_ ruleset: IptablesRuleset, saved: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let family = ruleset.family
        let dump = IptablesSaveDump(parsing: saved)
        let written = ruleset.restoreText()
        for (table, chains) in ruleset.chainsByTable {
            let expected = IptablesCanonicalRule.rulesByChain(written, table: table, family: family)
            let actual = IptablesCanonicalRule.rulesByChain(saved, table: table, family: family)
            let extra: Set<String> = [IptablesChainNames.proxyCanary, IptablesChainNames.kubeletFirewall]
            let kube = Set(dump[table].userChains.filter { $0.hasPrefix("KUBE-") })
            #expect(kube.subtracting(extra) == Set(chains).subtracting(extra), "\(family) \(table) chains",
                    sourceLocation: sourceLocation)
            for chain in chains {
                #expect(actual[chain] ?? [] == expected[chain] ?? [], "\(family) \(table) \(chain)", sourceLocation: sourceLocation)
            }
            let compared = chains.reduce(0) { $0 + (actual[$1]?.count ?? 0) }
            #expect(compared > 3 && compared == chains.reduce(0) { $0 + (expected[$1]?.count ?? 0) },
                    "\(family) \(table): \(compared) rules read back", sourceLocation: sourceLocation)
            let jumps = IptablesJumpRule.expectedOrder(IptablesJumpRule.kubeProxy + IptablesJumpRule.kubelet, table: table)
            for (chain, lines) in jumps {
                let wanted = lines.compactMap { IptablesCanonicalRule($0, family: family) }
                #expect(actual[chain] ?? [] == wanted, "\(family) \(table) \(chain) jumps", sourceLocation: sourceLocation)
            }
        }
        #expect(dump["mangle"].chains.contains(IptablesChainNames.proxyCanary), sourceLocation: sourceLocation)
    }
}
