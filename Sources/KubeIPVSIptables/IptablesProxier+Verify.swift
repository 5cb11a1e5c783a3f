import KubeIPVSCore

extension IptablesProxier {
    /// What a sync of one family wrote.
    struct Written {
        /// The restore input; nil when nothing needed writing.
        var text: String?
        /// Per-service chains deleted.
        var stale: [String]
        /// Service ports whose chains were written.
        var services: Int
        /// The top-level chains as now in the kernel.
        var topLevel: IptablesRuleset.TopLevelChains
    }

    /// The periodic verification (docs/iptables-fallback.md): reads the family's tables and
    /// compares them with `ruleset`, which the kernel should hold after this sync's changes.
    /// Returns nil when it does (nothing written: counters keep counting), else the full sync that
    /// repaired the drift.
    func verified(_ ruleset: IptablesRuleset, tool: IptablesRestore,
                  report: inout SyncReport) async throws -> Written? {
        let family = tool.family
        var started = clock.now
        let dump = IptablesSaveDump(parsing: try await tool.save())
        report.restoreTime += clock.now - started
        started = clock.now
        var check = driftChecks.removeValue(forKey: family) ?? IptablesDriftCheck()
        var drift = check.differences(ruleset: ruleset, dump: dump)
        if !IptablesJumpPlan.restoreText(dump: dump, family: family, declared: ruleset.chainsByTable).isEmpty {
            drift.append("jumps from the built-in chains or the canary chain missing")
        }
        driftChecks[family] = check
        report.verifiedFamilies.insert(family)
        report.renderTime += clock.now - started
        guard !drift.isEmpty else { return nil }
        report.drift[family] = drift
        logger.warning("iptables rules changed behind kube-ipvs; restoring them", metadata: [
            "ip.family": "\(family)", "drift.count": "\(drift.count)",
            "drift.first": "\(drift.prefix(5).joined(separator: "; "))",
        ])
        return try await full(ruleset, tool: tool, dump: dump, report: &report)
    }
}
