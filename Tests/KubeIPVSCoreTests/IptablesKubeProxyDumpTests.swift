import Testing
@testable import KubeIPVSCore

/// Our ruleset for the demo objects against the `iptables-save` dumps real kube-proxy v1.28 wrote
/// for them (Golden/iptables/kube-proxy-iptables-{nat,filter}.txt): same chains, same rules.
/// kube-proxy walks services in Go map order, so KUBE-SERVICES / KUBE-NODEPORTS are compared as
/// multisets (the NodePort jump must still be last); every other chain in order.
@Suite struct IptablesKubeProxyDumpTests {
    typealias F = IptablesFixtures
    typealias Rule = IptablesCanonicalRule
    static let builtIn: Set<String> = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]
    static let unordered: Set<String> = ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-EXTERNAL-SERVICES"]

    func ours() -> String {
        IptablesModeRenderer(configuration: F.demoConfiguration)
            .render(F.demo, node: F.demoNode, family: .v4).restoreText()
    }

    func compare(table: String, dumpFile: String) throws {
        let dumpText = try IptablesGolden.read(dumpFile)
        let dump = IptablesSaveDump(parsing: dumpText)[table]
        let mine = IptablesSaveDump(parsing: ours())[table]
        // KUBE-PROXY-CANARY is created by kube-proxy's monitor, outside the restore input.
        let dumpChains = Set(dump.userChains).subtracting(["KUBE-PROXY-CANARY"])
        #expect(Set(mine.chains) == dumpChains)
        let expected = Rule.rulesByChain(dumpText, table: table, family: .v4)
        let actual = Rule.rulesByChain(ours(), table: table, family: .v4)
        for chain in dumpChains.union(mine.chains).sorted() {
            let e = expected[chain] ?? [], a = actual[chain] ?? []
            if Self.unordered.contains(chain) {
                #expect(a.sorted() == e.sorted(), "\(table) \(chain)")
                #expect(a.last == e.last, "\(table) \(chain): last rule")
            } else {
                #expect(a == e, "\(table) \(chain)")
            }
        }
        #expect(expected.values.joined().count > 10)
    }

    @Test func natMatchesKubeProxy() throws {
        try compare(table: "nat", dumpFile: "kube-proxy-iptables-nat.txt")
    }

    @Test func filterMatchesKubeProxy() throws {
        try compare(table: "filter", dumpFile: "kube-proxy-iptables-filter.txt")
    }

    @Test("jump rules in built-in chains match kube-proxy's", arguments: ["nat", "filter"])
    func jumpRules(table: String) throws {
        let dumpText = try IptablesGolden.read("kube-proxy-iptables-\(table).txt")
        let dump = Rule.rulesByChain(dumpText, table: table, family: .v4)
        let expected = IptablesJumpRule.expectedOrder(IptablesJumpRule.kubeProxy + IptablesJumpRule.kubelet, table: table)
        for chain in Self.builtIn {
            let ours = (expected[chain] ?? []).compactMap { Rule($0, family: .v4) }
            #expect(ours == (dump[chain] ?? []), "\(table) \(chain)")
        }
    }

    @Test func canonicalFormReconcilesSaveRewrites() {
        let written = Rule("-A KUBE-SVC-X -m comment --comment \"a -> b\" -m tcp -p tcp -d 10.0.0.1 --dport 80"
            + " -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-Y", family: .v4)
        let saved = Rule("-A KUBE-SVC-X -d 10.0.0.1/32 -p tcp -m comment --comment \"a -> b\" -m tcp --dport 80"
            + " -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-Y", family: .v4)
        #expect(written != nil && written == saved)
        let other = Rule("-A KUBE-SVC-X -d 10.0.0.1/32 -p tcp -m comment --comment \"a -> b\" -m tcp --dport 81"
            + " -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-Y", family: .v4)
        #expect(other != saved)
        #expect(Rule("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000", family: .v4)
            == Rule("-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000", family: .v4))
        #expect(Rule("-A X -m recent --name S --set -j DNAT --to-destination 1.2.3.4:80", family: .v4)
            == Rule("-A X -m recent --set --name S --mask 255.255.255.255 --rsource -j DNAT --to-destination 1.2.3.4:80",
                    family: .v4))
    }
}
