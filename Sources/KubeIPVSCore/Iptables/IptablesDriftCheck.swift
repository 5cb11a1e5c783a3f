/// Tells whether the kernel still holds a ruleset: the periodic verification of the iptables
/// fallback (docs/iptables-fallback.md). Every chain the ruleset declares in filter and nat must
/// exist with the same rules in the same order (compared as ``IptablesCanonicalRule``s, since
/// `iptables-save` prints rules differently from what was restored), and no per-service chain the
/// ruleset no longer uses may remain.
///
/// Comparing 34,000 rules canonically every period would cost most of what rewriting them does, so
/// the check remembers, per chain, the hashes of the expected and the kernel's lines it last found
/// equal: an unchanged chain on both sides costs one hash of its lines.
public struct IptablesDriftCheck: Sendable {
    struct Proven: Hashable, Sendable {
        var expected: Int
        var kernel: Int
    }

    /// "table/chain" → the line hashes last proven equal.
    private var proven: [String: Proven] = [:]

    /// A check that has proven nothing yet.
    public init() {}

    /// Chains whose equality is remembered (for tests of the cache).
    public var provenChains: Int { proven.count }

    /// The differences between `ruleset` and the kernel's `dump`, one line each
    /// (`nat KUBE-SVC-X: rules differ`), sorted; empty when the kernel holds the ruleset.
    public mutating func differences(ruleset: IptablesRuleset, dump: IptablesSaveDump) -> [String] {
        let expectedByTable = Self.expectedRules(ruleset)
        var found: [String] = []
        var stillProven: [String: Proven] = [:]
        for (table, chains) in ruleset.chainsByTable.sorted(by: { $0.key < $1.key }) {
            let kernelTable = dump[table]
            let kernelChains = Set(kernelTable.chains)
            let expectedRules = expectedByTable[table] ?? [:]
            let kernelRules = Self.linesByChain(kernelTable.rules)
            for chain in chains {
                guard kernelChains.contains(chain) else {
                    found.append("\(table) \(chain): missing")
                    continue
                }
                let key = "\(table)/\(chain)"
                let wanted = expectedRules[chain] ?? [], present = kernelRules[chain] ?? []
                let hashes = Proven(expected: wanted.hashValue, kernel: present.hashValue)
                if proven[key] == hashes || Self.same(wanted, present, family: ruleset.family) {
                    stillProven[key] = hashes
                } else {
                    found.append("\(table) \(chain): rules differ")
                }
            }
            if table == "nat" {
                found += ruleset.staleChains(existing: kernelTable.chains).map { "nat \($0): no longer used" }
            }
        }
        proven = stillProven
        return found.sorted()
    }

    /// Forgets every proven chain (after a failure, when nothing is known).
    public mutating func reset() { proven = [:] }

    static func same(_ wanted: [String], _ present: [String], family: IPFamily) -> Bool {
        guard wanted.count == present.count else { return false }
        if wanted == present { return true }
        for (a, b) in zip(wanted, present) where a != b {
            guard let x = IptablesCanonicalRule(a, family: family), let y = IptablesCanonicalRule(b, family: family),
                  x == y else { return false }
        }
        return true
    }

    /// The ruleset's rules per table and chain, in the order ``IptablesRuleset/restoreText(only:deleting:natPrelude:)``
    /// writes them (without building that text).
    static func expectedRules(_ ruleset: IptablesRuleset) -> [String: [String: [String]]] {
        var nat = linesByChain(ruleset.natHeadRules)
        for section in ruleset.services {
            for (chain, lines) in linesByChain(section.topLevelRules) { nat[chain, default: []] += lines }
            for (chain, lines) in linesByChain(section.chainRules) { nat[chain, default: []] += lines }
        }
        for (chain, lines) in linesByChain(ruleset.natTailRules) { nat[chain, default: []] += lines }
        return ["filter": linesByChain(ruleset.filterRules), "nat": nat]
    }

    /// `-A CHAIN …` lines grouped by chain, in order.
    static func linesByChain(_ rules: [String]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for line in rules where line.hasPrefix("-A ") {
            out[String(line.dropFirst(3).prefix { $0 != " " }), default: []].append(line)
        }
        return out
    }
}
