/// Renders kube-proxy's iptables-mode ruleset (v1.28 structure) for one IP family: the fallback
/// proxier used when the kernel has no IPVS. Pure and deterministic: service ports are written in
/// ``ServicePortName`` order and endpoints in kube-proxy's order (by `ip:port` text).
///
/// nat: KUBE-SERVICES → KUBE-SVC-* (cluster policy) / KUBE-SVL-* (local policy) → KUBE-SEP-* (DNAT);
/// KUBE-EXT-* for NodePort/externalIP/LoadBalancer traffic; KUBE-FW-* for loadBalancerSourceRanges;
/// KUBE-NODEPORTS; KUBE-MARK-MASQ; KUBE-POSTROUTING. filter: KUBE-SERVICES / KUBE-EXTERNAL-SERVICES
/// (REJECT without endpoints, DROP without local endpoints), KUBE-FORWARD, KUBE-NODEPORTS
/// (health check ports), KUBE-PROXY-FIREWALL, KUBE-FIREWALL.
public struct IptablesModeRenderer: Sendable {
    /// Masquerade mark, cluster CIDRs, `--masquerade-all`, NodePort addresses.
    public var configuration: ProxyConfiguration
    /// iptables-only settings.
    public var options: IptablesModeOptions

    /// A renderer; it holds no state between renders.
    public init(configuration: ProxyConfiguration, options: IptablesModeOptions = IptablesModeOptions()) {
        self.configuration = configuration
        self.options = options
    }

    /// The whole ruleset of `family` for `snapshot` on `node`.
    public func render(_ snapshot: ProxySnapshot, node: NodeContext, family: IPFamily) -> IptablesRuleset {
        var cache = IptablesRenderCache()
        return render(snapshot, node: node, family: family, cache: &cache)
    }

    /// The whole ruleset of `family`, reusing from `cache` the rules of service ports whose inputs
    /// did not change, and leaving the new rules in it. The result equals an uncached render.
    /// - Parameter changed: when given, the only services whose ports or endpoints may differ
    ///   from the snapshot of the previous render with this cache (a promise: other services'
    ///   endpoints are not compared); nil compares every port's inputs.
    public func render(_ snapshot: ProxySnapshot, node: NodeContext, family: IPFamily,
                       cache: inout IptablesRenderCache, changed: Set<ServiceName>? = nil) -> IptablesRuleset {
        let nodePorts = IptablesNodePortTarget(configuration.nodePortAddresses, node: node, family: family)
        let localhostNodePorts = family == .v4 && options.localhostNodePorts && nodePorts.containsIPv4Loopback
        let mark = configuration.masqueradeMark
        let chains = IptablesChainNames.self

        var ruleset = IptablesRuleset(family: family)
        ruleset.filterChains = [chains.services, chains.externalServices, chains.forward, chains.nodePorts,
                                chains.proxyFirewall]
        ruleset.natChains = [chains.services, chains.nodePorts, chains.postrouting, chains.markMasq]
        ruleset.natHeadRules = [
            "-A \(chains.postrouting) -m mark ! --mark \(mark)/\(mark) -j RETURN",
            // Clear the mark so a packet that re-traverses the stack is not masqueraded twice.
            "-A \(chains.postrouting) -j MARK --xor-mark \(mark)",
            "-A \(chains.postrouting) -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE"
                + (options.randomFully ? " --random-fully" : ""),
            "-A \(chains.markMasq) -j MARK --or-mark \(mark)",
        ]
        if localhostNodePorts {
            // route_localnet opens a hole (https://issues.k8s.io/90259); this closes it (kubelet writes the same rule).
            ruleset.filterChains.append(chains.kubeletFirewall)
            ruleset.filterRules.append("-A \(chains.kubeletFirewall) -m comment --comment \"block incoming localnet connections\""
                + " -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP")
        }

        let context = IptablesServiceRules.Context(
            family: family, masqueradeAll: configuration.masqueradeAll,
            localTraffic: configuration.localTraffic(family),
            nodeIP: node.primaryIPs.first { $0.family == family }, largeCluster: false)
        let rendered = serviceRules(snapshot, context: context, cache: &cache, changed: changed)
        ruleset.services.reserveCapacity(rendered.count)
        for entry in rendered {
            ruleset.services.append(entry.section)
            ruleset.filterRules += entry.filterRules
        }

        ruleset.natTailRules = nodePortJumps(nodePorts, family: family, localhostNodePorts: localhostNodePorts)
        ruleset.filterRules += [
            "-A \(chains.forward) -m conntrack --ctstate INVALID -j DROP",
            "-A \(chains.forward) -m comment --comment \"kubernetes forwarding rules\" -m mark --mark \(mark)/\(mark) -j ACCEPT",
            "-A \(chains.forward) -m comment --comment \"kubernetes forwarding conntrack rule\""
                + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        ]
        return ruleset
    }

    /// The rulesets of both families, IPv4 first (for `iptables-restore` and `ip6tables-restore`).
    public func renderAll(_ snapshot: ProxySnapshot, node: NodeContext) -> [IptablesRuleset] {
        IPFamily.allFamilies.map { render(snapshot, node: node, family: $0) }
    }

    /// The restore input of `family` plus the stale chains it deletes, in one call: writes only the
    /// per-service chains of `onlyServices` (all when nil) and deletes every per-service chain of
    /// `previousChains` that is no longer used.
    public func restoreInput(_ snapshot: ProxySnapshot, node: NodeContext, family: IPFamily,
                             onlyServices: Set<ServicePortName>? = nil,
                             previousChains: Set<String> = []) -> (text: String, staleChains: [String]) {
        let ruleset = render(snapshot, node: node, family: family)
        let stale = ruleset.staleChains(existing: previousChains)
        return (ruleset.restoreText(only: onlyServices, deleting: stale), stale)
    }

    /// The last KUBE-SERVICES rule(s): NodePort traffic to local addresses goes to KUBE-NODEPORTS.
    func nodePortJumps(_ target: IptablesNodePortTarget, family: IPFamily, localhostNodePorts: Bool) -> [String] {
        let head = "-A \(IptablesChainNames.services) -m comment --comment"
            + " \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\""
        let jump = "-j \(IptablesChainNames.nodePorts)"
        switch target {
        case .allLocal:
            // Block localhost NodePorts where they cannot work (IPv6) or are disabled.
            let loopback = family == .v6 ? " ! -d ::1/128" : (localhostNodePorts ? "" : " ! -d 127.0.0.0/8")
            return ["\(head) -m addrtype --dst-type LOCAL\(loopback) \(jump)"]
        case .addresses(let ips, _):
            return ips.filter { !$0.isLoopback || (family == .v4 && localhostNodePorts) }
                .map { "\(head) -d \($0) \(jump)" }
        }
    }
}

extension IPFamily {
    /// IPv4 then IPv6.
    public static let allFamilies: [IPFamily] = [.v4, .v6]
}
