extension IptablesRuleset {
    /// Rules per table as kube-proxy's kubeproxy_sync_proxy_rules_iptables_total counts them: every rule
    /// of the full ruleset, including the service chains a partial sync leaves out of the restore.
    public var ruleCounts: (filter: Int, nat: Int) {
        var nat = natHeadRules.count + natTailRules.count
        for section in services { nat += section.topLevelRules.count + section.chainRules.count }
        return (filterRules.count, nat)
    }
}
