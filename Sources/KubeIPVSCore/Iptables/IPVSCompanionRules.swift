/// The iptables rules kube-proxy's IPVS mode installs next to IPVS (`writeIptablesRules` in
/// pkg/proxy/ipvs/proxier.go), rendered in the same order as `iptables-restore --noflush` input.
/// Declaring each KUBE-* chain flushes it, so the text replaces our chains and touches nothing else.
/// The jumps from the built-in chains are not in the text (appending them on every sync would
/// duplicate them): ensure `jumps` once, with `iptables -C` / `-I`.
public enum IPVSCompanionRules {
    /// A rule in a built-in chain that jumps to one of our chains (kube-proxy `iptablesJumpChain`).
    public struct Jump: Hashable, Sendable {
        /// iptables table (`nat`, `filter`).
        public var table: String
        /// The built-in chain holding the jump.
        public var chain: String
        /// Our chain it jumps to.
        public var target: String
        /// The `-m comment` text identifying the rule.
        public var comment: String

        /// The rule arguments after `-A/-C/-I chain`: `-m comment --comment "..." -j TARGET`.
        public var arguments: [String] { ["-m", "comment", "--comment", comment, "-j", target] }
    }

    /// kube-proxy's jumps, in its order.
    public static let jumps: [Jump] = [
        Jump(table: "nat", chain: "OUTPUT", target: "KUBE-SERVICES", comment: "kubernetes service portals"),
        Jump(table: "nat", chain: "PREROUTING", target: "KUBE-SERVICES", comment: "kubernetes service portals"),
        Jump(table: "nat", chain: "POSTROUTING", target: "KUBE-POSTROUTING", comment: "kubernetes postrouting rules"),
        Jump(table: "filter", chain: "FORWARD", target: "KUBE-FORWARD", comment: "kubernetes forwarding rules"),
        Jump(table: "filter", chain: "INPUT", target: "KUBE-NODE-PORT", comment: "kubernetes health check rules"),
        Jump(table: "filter", chain: "INPUT", target: "KUBE-PROXY-FIREWALL", comment: "kube-proxy firewall rules"),
        Jump(table: "filter", chain: "FORWARD", target: "KUBE-PROXY-FIREWALL", comment: "kube-proxy firewall rules"),
        Jump(table: "filter", chain: "INPUT", target: "KUBE-IPVS-FILTER", comment: "kubernetes ipvs access filter"),
        Jump(table: "filter", chain: "OUTPUT", target: "KUBE-IPVS-OUT-FILTER", comment: "kubernetes ipvs access filter"),
    ]

    /// Our nat-table chains.
    public static let natChains = ["KUBE-SERVICES", "KUBE-POSTROUTING", "KUBE-NODE-PORT", "KUBE-LOAD-BALANCER",
                                   "KUBE-MARK-MASQ"]
    /// Our filter-table chains.
    public static let filterChains = ["KUBE-FORWARD", "KUBE-NODE-PORT", "KUBE-PROXY-FIREWALL",
                                      "KUBE-SOURCE-RANGES-FIREWALL", "KUBE-IPVS-FILTER", "KUBE-IPVS-OUT-FILTER"]

    /// Sets whose non-emptiness adds a `-m set` jump (kube-proxy `ipsetWithIptablesChain`), in order.
    static let setJumps: [(set: ProxyIPSet, nat: Bool, from: String, to: String, match: String, proto: L4Protocol?)] = [
        (.loopBack, true, "KUBE-POSTROUTING", "MASQUERADE", "dst,dst,src", nil),
        (.loadBalancer, true, "KUBE-SERVICES", "KUBE-LOAD-BALANCER", "dst,dst", nil),
        (.loadBalancerLocal, true, "KUBE-LOAD-BALANCER", "RETURN", "dst,dst", nil),
        (.nodePortLocalTCP, true, "KUBE-NODE-PORT", "RETURN", "dst", .tcp),
        (.nodePortTCP, true, "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst", .tcp),
        (.nodePortLocalUDP, true, "KUBE-NODE-PORT", "RETURN", "dst", .udp),
        (.nodePortUDP, true, "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst", .udp),
        (.nodePortLocalSCTP, true, "KUBE-NODE-PORT", "RETURN", "dst,dst", .sctp),
        (.nodePortSCTP, true, "KUBE-NODE-PORT", "KUBE-MARK-MASQ", "dst,dst", .sctp),
        (.loadBalancerFW, false, "KUBE-PROXY-FIREWALL", "KUBE-SOURCE-RANGES-FIREWALL", "dst,dst", nil),
        (.loadBalancerSourceCIDR, false, "KUBE-SOURCE-RANGES-FIREWALL", "RETURN", "dst,dst,src", nil),
        (.loadBalancerSourceIP, false, "KUBE-SOURCE-RANGES-FIREWALL", "RETURN", "dst,dst,src", nil),
    ]

    /// The restore text for one family. `nonEmpty`: the sets of that family holding entries;
    /// `nodeAccessBlocked`: LB IP:ports the node itself may not reach (KUBE-IPVS-OUT-FILTER).
    public static func render(family: IPFamily, nonEmpty: Set<ProxyIPSet>, nodeAccessBlocked: [VirtualServerKey],
                              config: ProxyConfiguration) -> String {
        var nat = Lines(), filter = Lines()
        func name(_ set: ProxyIPSet) -> String { set.name(family) }
        func comment(_ set: ProxyIPSet) -> String { "-m comment --comment \"\(set.comment)\"" }
        nat.add("-A KUBE-SERVICES -s \(family == .v4 ? "127.0.0.0/8" : "::1/128") -j RETURN")
        for j in setJumps where nonEmpty.contains(j.set) {
            let proto = j.proto.map { "-p \($0.rawValue) " } ?? ""
            let rule = "-A \(j.from) \(proto)\(comment(j.set)) -m set --match-set \(name(j.set)) \(j.match) -j \(j.to)"
            if j.nat { nat.add(rule) } else { filter.add(rule) }
        }
        if nonEmpty.contains(.clusterIP) {
            let base = "-A KUBE-SERVICES \(comment(.clusterIP)) -m set --match-set \(name(.clusterIP))"
            if config.masqueradeAll {
                nat.add("\(base) dst,dst -j KUBE-MARK-MASQ")
            } else if let local = config.localTraffic(family) {
                // Masquerade off-cluster traffic to a ClusterIP (it may be bounced to another node).
                nat.add("\(base) dst,dst \(local.ifNotLocal) -j KUBE-MARK-MASQ")
            } else {
                // No cluster CIDR: masquerade node-originated traffic whose source is a service VIP.
                nat.add("\(base) src,dst -j KUBE-MARK-MASQ")
            }
        }
        for set in [ProxyIPSet.externalIP, .externalIPLocal] where nonEmpty.contains(set) {
            let base = "-A KUBE-SERVICES \(comment(set)) -m set --match-set \(name(set)) dst,dst"
            if set == .externalIP { nat.add("\(base) -j KUBE-MARK-MASQ") }
            nat.add("\(base) -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT")
            nat.add("\(base) -m addrtype --dst-type LOCAL -j ACCEPT")
        }
        nat.add("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT")
        nat.add("-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ")
        filter.add("-A KUBE-SOURCE-RANGES-FIREWALL -j DROP")
        for key in Set(nodeAccessBlocked).sorted() where key.address.family == family {
            filter.add("-A KUBE-IPVS-OUT-FILTER -s \(key.address) -m ipvs --vaddr \(key.address) "
                       + "--vproto \(key.proto.rawValue) --vport \(key.port) -j DROP")
        }
        for set in [ProxyIPSet.clusterIP, .loadBalancer] where nonEmpty.contains(set) {
            nat.add("-A KUBE-SERVICES -m set --match-set \(name(set)) dst,dst -j ACCEPT")
        }
        let mark = config.masqueradeMark
        filter.add("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" "
                   + "-m mark --mark \(mark)/\(mark) -j ACCEPT")
        filter.add("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" "
                   + "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
        filter.add("-A KUBE-NODE-PORT \(comment(.healthCheckNodePort)) "
                   + "-m set --match-set \(name(.healthCheckNodePort)) dst -j ACCEPT")
        for set in [ProxyIPSet.loadBalancer, .clusterIP, .externalIP, .externalIPLocal] {
            filter.add("-A KUBE-IPVS-FILTER -m set --match-set \(name(set)) dst,dst -j RETURN")
        }
        filter.add("-A KUBE-IPVS-FILTER -m set --match-set \(name(.healthCheckNodePort)) dst -j RETURN")
        filter.add("-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set \(name(.ipvsIPs)) dst -j REJECT")
        nat.add("-A KUBE-POSTROUTING -m mark ! --mark \(mark)/\(mark) -j RETURN")
        nat.add("-A KUBE-POSTROUTING -j MARK --xor-mark \(mark)")
        nat.add("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" "
                + "-j MASQUERADE --random-fully")
        nat.add("-A KUBE-MARK-MASQ -j MARK --or-mark \(mark)")
        return table("nat", natChains, nat) + table("filter", filterChains, filter)
    }

    static func table(_ name: String, _ chains: [String], _ rules: Lines) -> String {
        var text = "*\(name)\n"
        for chain in chains { text += ":\(chain) - [0:0]\n" }
        text += rules.text
        text += "COMMIT\n"
        return text
    }

    /// Newline-terminated lines.
    struct Lines {
        var text = ""
        mutating func add(_ line: String) {
            text += line
            text += "\n"
        }
    }
}
