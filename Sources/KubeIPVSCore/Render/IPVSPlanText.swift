/// A whole `IPVSPlan` as reviewable text (golden files, `--dry-run`): the ipvsadm table, which
/// service port owns each virtual server, bound addresses, ipsets, companion rules, health checks
/// and rejections.
public enum IPVSPlanText {
    /// - Parameter compact: leave out empty ipsets, and the IPv6 rules when no IPv6 set has entries.
    public static func render(_ plan: IPVSPlan, compact: Bool = true) -> String {
        var text = "# ipvsadm -Ln\n" + IPVSTableText.render(plan)
        text += "# virtual servers\n"
        for vs in plan.virtualServers {
            text += "\(vs.key) \(vs.role.rawValue) \(vs.servicePort)\n"
        }
        text += "# bound addresses\n"
        for ip in plan.boundAddresses { text += "\(ip)\n" }
        let shown = compact ? plan.ipsets.filter { !$0.entries.isEmpty } : plan.ipsets
        text += "# ipset save (\(shown.count) of \(plan.ipsets.count) sets)\n" + IPSetText.render(shown)
        text += "# iptables-restore\n" + plan.companionRules
        let hasIPv6 = plan.ipsets.contains { $0.ipFamily == .v6 && !$0.entries.isEmpty }
        if !compact || hasIPv6 { text += "# ip6tables-restore\n" + plan.companionRulesIPv6 }
        text += "# health checks\n"
        for check in plan.healthChecks { text += "\(check)\n" }
        text += "# rejections\n"
        for rejection in plan.rejections { text += "\(rejection)\n" }
        return text
    }
}
