/// A rule in a built-in chain that sends packets into one of the proxy's chains. These are not
/// part of the restore input (which must not rewrite INPUT, PREROUTING, …); the applier ensures
/// each exists (`-C`, else `-I` at the top), as kube-proxy's `EnsureRule(Prepend, …)` does.
public struct IptablesJumpRule: Hashable, Sendable, CustomStringConvertible {
    /// `filter` or `nat`.
    public var table: String
    /// The built-in chain (`PREROUTING`, `INPUT`, …).
    public var chain: String
    /// The proxy chain jumped to.
    public var target: String
    /// The `-m comment` text (empty: no comment match).
    public var comment: String
    /// Matches before the comment (`-m conntrack --ctstate NEW`).
    public var extraArguments: [String]

    /// A jump rule; `arguments` and `ruleLine` spell it out.
    public init(table: String, chain: String, target: String, comment: String, extraArguments: [String] = []) {
        self.table = table
        self.chain = chain
        self.target = target
        self.comment = comment
        self.extraArguments = extraArguments
    }

    /// The rule specification as `iptables` arguments (after `-t TABLE -I CHAIN`).
    public var arguments: [String] {
        extraArguments + (comment.isEmpty ? [] : ["-m", "comment", "--comment", comment]) + ["-j", target]
    }

    /// `-A CHAIN …` text with the comment quoted, as restore input and `iptables-save` write it.
    public var ruleLine: String {
        let comment = self.comment.isEmpty ? [] : ["-m", "comment", "--comment", "\"\(self.comment)\""]
        return (["-A", chain] + extraArguments + comment + ["-j", target]).joined(separator: " ")
    }

    /// `-t nat -A PREROUTING … -j KUBE-SERVICES`.
    public var description: String { "-t \(table) \(ruleLine)" }

    private static let newOnly = ["-m", "conntrack", "--ctstate", "NEW"]

    /// kube-proxy's `iptablesJumpChains` (v1.28), in the order it ensures them: each is
    /// prepended, so the last one listed for a chain ends up first in it.
    public static let kubeProxy: [IptablesJumpRule] = {
        let c = IptablesChainNames.self
        return [
            .init(table: "filter", chain: "INPUT", target: c.externalServices,
                  comment: "kubernetes externally-visible service portals", extraArguments: newOnly),
            .init(table: "filter", chain: "FORWARD", target: c.externalServices,
                  comment: "kubernetes externally-visible service portals", extraArguments: newOnly),
            .init(table: "filter", chain: "INPUT", target: c.nodePorts, comment: "kubernetes health check service ports"),
            .init(table: "filter", chain: "FORWARD", target: c.services, comment: "kubernetes service portals",
                  extraArguments: newOnly),
            .init(table: "filter", chain: "OUTPUT", target: c.services, comment: "kubernetes service portals",
                  extraArguments: newOnly),
            .init(table: "filter", chain: "FORWARD", target: c.forward, comment: "kubernetes forwarding rules"),
            .init(table: "filter", chain: "INPUT", target: c.proxyFirewall, comment: "kubernetes load balancer firewall",
                  extraArguments: newOnly),
            .init(table: "filter", chain: "OUTPUT", target: c.proxyFirewall, comment: "kubernetes load balancer firewall",
                  extraArguments: newOnly),
            .init(table: "filter", chain: "FORWARD", target: c.proxyFirewall, comment: "kubernetes load balancer firewall",
                  extraArguments: newOnly),
            .init(table: "nat", chain: "OUTPUT", target: c.services, comment: "kubernetes service portals"),
            .init(table: "nat", chain: "PREROUTING", target: c.services, comment: "kubernetes service portals"),
            .init(table: "nat", chain: "POSTROUTING", target: c.postrouting, comment: "kubernetes postrouting rules"),
        ]
    }()

    /// kubelet's KUBE-FIREWALL jumps, which kube-proxy ensures too (after its own) but never removes.
    public static let kubelet: [IptablesJumpRule] = [
        .init(table: "filter", chain: "INPUT", target: IptablesChainNames.kubeletFirewall, comment: ""),
        .init(table: "filter", chain: "OUTPUT", target: IptablesChainNames.kubeletFirewall, comment: ""),
    ]

    /// The built-in chains' rules after prepending `rules` in order to empty chains: what
    /// `iptables-save` shows for `table` (per chain, first rule first).
    public static func expectedOrder(_ rules: [IptablesJumpRule], table: String) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for rule in rules where rule.table == table {
            out[rule.chain, default: []].insert(rule.ruleLine, at: 0)
        }
        return out
    }
}
