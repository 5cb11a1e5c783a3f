import KubeIPVSCore

/// What a full sync adds to the restore input besides the ruleset: the jumps from the built-in
/// chains (inserted at the top when missing, extra copies deleted) and the KUBE-PROXY-CANARY chains
/// whose disappearance tells that someone flushed the tables.
enum IptablesJumpPlan {
    static let builtInChains: Set<String> = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]

    /// Extra `*filter`, `*nat`, `*mangle` blocks for the current table contents `dump`; empty when
    /// everything is in place. `declared` lists chains the ruleset itself declares.
    static func restoreText(dump: IptablesSaveDump, family: IPFamily, declared: [String: [String]]) -> String {
        var text = ""
        for table in ["filter", "nat"] {
            var lines: [String] = []
            let existing = Set(dump[table].chains).union(declared[table] ?? [])
            let rules = (IptablesJumpRule.kubeProxy + IptablesJumpRule.kubelet).filter { $0.table == table }
            for chain in Set(rules.map(\.target)).union([IptablesChainNames.proxyCanary]).sorted()
            where !existing.contains(chain) {
                lines.append(IptablesRuleset.chainLine(chain))
            }
            // Only built-in chains hold jumps; skip parsing the (possibly huge) service chains.
            let present = dump[table].rules.filter(isBuiltInRule).compactMap { IptablesCanonicalRule($0, family: family) }
            for rule in rules {
                guard let wanted = IptablesCanonicalRule(rule.ruleLine, family: family) else { continue }
                let copies = present.filter { $0 == wanted }.count
                let spec = String(rule.ruleLine.dropFirst("-A \(rule.chain) ".count))
                if copies == 0 {
                    lines.append("-I \(rule.chain) 1 \(spec)")  // prepend, as kube-proxy's EnsureRule(Prepend)
                } else if copies > 1 {
                    lines += Array(repeating: "-D \(rule.chain) \(spec)", count: copies - 1)
                }
            }
            if !lines.isEmpty { text += (["*\(table)"] + lines + ["COMMIT"]).joined(separator: "\n") + "\n" }
        }
        if !dump["mangle"].chains.contains(IptablesChainNames.proxyCanary) {
            text += "*mangle\n\(IptablesRuleset.chainLine(IptablesChainNames.proxyCanary))\nCOMMIT\n"
        }
        return text
    }

    static func isBuiltInRule(_ line: String) -> Bool {
        builtInChains.contains { line.hasPrefix("-A \($0) ") }
    }

    /// Restore input that removes every KUBE-* chain of `table` (kubelet's too when asked) but those in
    /// `keeping`, and the built-in chains' jumps into them; nil when there is nothing to remove.
    static func cleanupText(dump: IptablesSaveDump, table: String, family: IPFamily, includingKubelet: Bool,
                            keeping: Set<String> = []) -> String? {
        let owned = dump[table].userChains.filter {
            $0.hasPrefix("KUBE-") && !keeping.contains($0)
                && (includingKubelet || !IptablesChainNames.kubeletOwned.contains($0))
        }
        guard !owned.isEmpty else { return nil }
        let ownedSet = Set(owned)
        var lines = ["*\(table)"] + owned.map(IptablesRuleset.chainLine)
        for line in dump[table].rules where isBuiltInRule(line) {
            guard let rule = IptablesCanonicalRule(line, family: family), builtInChains.contains(rule.chain) else { continue }
            let target = rule.target.split(separator: " ").dropFirst().first.map(String.init) ?? ""
            if ownedSet.contains(target) { lines.append("-D" + line.dropFirst(2)) }
        }
        lines += owned.map { "-X \($0)" }
        lines.append("COMMIT")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Chains per cleanup restore: bounds each transaction (and iptables-nft's per-chain list
    /// work, quadratic within one restore) so `--cleanup` of 110,000 chains finishes.
    static let cleanupChainsPerBatch = 5_000

    /// ``cleanupText(dump:table:family:includingKubelet:)`` split into transactions of at most
    /// `chainsPerBatch` chains: first the built-in chains' jumps are deleted, then every owned chain
    /// is flushed batch by batch, then deleted batch by batch (a chain can only go once nothing
    /// jumps to it). One transaction, as before, when everything fits in one batch.
    static func cleanupBatches(dump: IptablesSaveDump, table: String, family: IPFamily, includingKubelet: Bool,
                               chainsPerBatch: Int = cleanupChainsPerBatch) -> [String] {
        guard let whole = cleanupText(dump: dump, table: table, family: family, includingKubelet: includingKubelet) else {
            return []
        }
        let lines = whole.split(separator: "\n").dropFirst().dropLast().map(String.init)
        let flushes = lines.filter { $0.hasPrefix(":") }
        guard flushes.count > max(chainsPerBatch, 1) else { return [whole] }
        func block(_ body: some Sequence<String>) -> String {
            (["*\(table)"] + body + ["COMMIT"]).joined(separator: "\n") + "\n"
        }
        let jumps = lines.filter { $0.hasPrefix("-D ") }
        let deletes = lines.filter { $0.hasPrefix("-X ") }
        let size = max(chainsPerBatch, 1)
        var batches = jumps.isEmpty ? [] : [block(jumps)]
        for lines in [flushes, deletes] {
            for start in stride(from: 0, to: lines.count, by: size) {
                batches.append(block(lines[start..<min(start + size, lines.count)]))
            }
        }
        return batches
    }
}
