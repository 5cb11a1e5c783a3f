import Foundation
import Testing
@testable import KubeIPVSCore

/// The periodic verification's comparison: what counts as drift, what does not, and the per-chain
/// memory that keeps an unchanged kernel cheap to check.
@Suite struct IptablesDriftCheckTests {
    typealias F = IptablesFixtures

    static func ruleset() -> IptablesRuleset {
        IptablesModeRenderer(configuration: F.demoConfiguration).render(F.demo, node: F.demoNode, family: .v4)
    }

    /// The restore input as iptables-save prints it back: `-d 10.96.0.10` becomes `-d 10.96.0.10/32`.
    static func saved(_ ruleset: IptablesRuleset) -> String {
        ruleset.restoreText().split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.split(separator: " ", omittingEmptySubsequences: false).enumerated().map { index, token in
                let previous = index > 0 ? line.split(separator: " ", omittingEmptySubsequences: false)[index - 1] : ""
                return (previous == "-d" || previous == "-s") && !token.contains("/") ? token + "/32" : token
            }.joined(separator: " ")
        }.joined(separator: "\n")
    }

    @Test func theKernelHoldingTheRulesetIsNoDriftAndIsRemembered() throws {
        let ruleset = Self.ruleset()
        let kernel = Self.saved(ruleset)
        #expect(kernel != ruleset.restoreText() && kernel.contains("/32 "), "the kernel's spelling differs")
        var check = IptablesDriftCheck()
        #expect(check.differences(ruleset: ruleset, dump: IptablesSaveDump(parsing: kernel)) == [])
        let chains = ruleset.chainsByTable.values.reduce(0) { $0 + Set($1).count }
        #expect(check.provenChains == chains && chains > 10)
        #expect(check.differences(ruleset: ruleset, dump: IptablesSaveDump(parsing: kernel)) == [])
    }

    @Test func aRemovedRuleAMissingChainAndAStaleChainAreDrift() throws {
        let ruleset = Self.ruleset()
        let svc = try #require(ruleset.services.flatMap(\.chains).first { $0.hasPrefix("KUBE-SVC-") })
        let sep = try #require(ruleset.services.flatMap(\.chains).first { $0.hasPrefix("KUBE-SEP-") })
        var lines = Self.saved(ruleset).split(separator: "\n").map(String.init)
        var check = IptablesDriftCheck()
        _ = check.differences(ruleset: ruleset, dump: IptablesSaveDump(parsing: lines.joined(separator: "\n")))

        let firstSVCRule = try #require(lines.firstIndex { $0.hasPrefix("-A \(svc) ") })
        lines.remove(at: firstSVCRule)
        lines.removeAll { $0.hasPrefix(":\(sep) ") || $0.hasPrefix("-A \(sep) ") }
        let natHeader = try #require(lines.firstIndex(of: "*nat"))
        lines.insert(":KUBE-SEP-AAAAAAAAAAAAAAAA - [0:0]", at: natHeader + 1)
        let found = check.differences(ruleset: ruleset, dump: IptablesSaveDump(parsing: lines.joined(separator: "\n")))
        #expect(found == ["nat KUBE-SEP-AAAAAAAAAAAAAAAA: no longer used", "nat \(sep): missing",
                          "nat \(svc): rules differ"].sorted())
    }

    @Test func aChangedRuleIsDriftEvenWhereTheChainWasProvenBefore() throws {
        let ruleset = Self.ruleset()
        let kernel = Self.saved(ruleset)
        var check = IptablesDriftCheck()
        _ = check.differences(ruleset: ruleset, dump: IptablesSaveDump(parsing: kernel))
        let dnat = try #require(kernel.split(separator: "\n").first { $0.contains("-j DNAT --to-destination ") })
        let chain = String(dnat.split(separator: " ")[1])
        let changed = kernel.replacingOccurrences(of: String(dnat), with: dnat.replacingOccurrences(of: "-j DNAT", with: "-j DROP #"))
        #expect(check.differences(ruleset: ruleset, dump: IptablesSaveDump(parsing: changed)) == ["nat \(chain): rules differ"])
        // Rules reordered within a chain are drift too (iptables evaluates them in order).
        let top = IptablesSaveDump(parsing: kernel)["nat"].rules(of: "KUBE-SERVICES")
        #expect(top.count > 2)
        var swapped = kernel.replacingOccurrences(of: top[0], with: "@@FIRST@@")
        swapped = swapped.replacingOccurrences(of: top[1], with: top[0]).replacingOccurrences(of: "@@FIRST@@", with: top[1])
        #expect(check.differences(ruleset: ruleset, dump: IptablesSaveDump(parsing: swapped)) == ["nat KUBE-SERVICES: rules differ"])
    }
}

extension IptablesDriftCheckTests {
    @Test func theExpectedRulesAreThoseOfTheRestoreText() {
        let ruleset = Self.ruleset()
        let text = IptablesSaveDump(parsing: ruleset.restoreText())
        let expected = IptablesDriftCheck.expectedRules(ruleset)
        for table in ["filter", "nat"] {
            #expect(expected[table] == IptablesDriftCheck.linesByChain(text[table].rules), "\(table)")
        }
        #expect((expected["nat"]?.count ?? 0) > 10)
    }
}
