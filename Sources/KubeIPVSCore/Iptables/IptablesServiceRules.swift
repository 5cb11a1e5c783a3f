/// The rules of one service port in one family, following kube-proxy's `syncProxyRules` loop body
/// (v1.28): which chains exist, which traffic is captured where, and what the filter table
/// rejects or drops.
struct IptablesServiceRules {
    /// Per-sync facts shared by every service port.
    struct Context: Hashable, Sendable {
        var family: IPFamily
        var masqueradeAll: Bool
        /// The local-traffic detector's arguments for the family (nil: not implemented).
        var localTraffic: LocalTrafficMatch?
        /// The node's primary IP of the family (loadBalancerSourceRanges that include it allow the node).
        var nodeIP: IPAddress?
        /// Leave per-endpoint comments out (over `largeClusterEndpointsThreshold` endpoints).
        var largeCluster: Bool
    }

    private(set) var section: IptablesRuleset.ServiceSection
    private(set) var filterRules: [String] = []

    private let port: ServicePort
    private let context: Context
    private let name: String
    private let proto: String
    private let clusterIP: IPAddress
    private let externalIPs: [IPAddress]
    private let loadBalancerIPs: [IPAddress]
    private let sourceRanges: [CIDR]
    private let svcChain: String, svlChain: String, extChain: String, fwChain: String
    private let mark = IptablesChainNames.markMasq

    init(port: ServicePort, endpoints: [Endpoint], context: Context) {
        let family = context.family
        self.port = port
        self.context = context
        name = IptablesComment.name(port.name.description)
        proto = port.proto.rawValue
        clusterIP = port.clusterIPs.first { $0.family == family }!
        externalIPs = port.externalIPs.filter { $0.family == family }
        loadBalancerIPs = port.loadBalancerIPs.filter { $0.family == family }
        sourceRanges = port.loadBalancerSourceRanges.filter { $0.family == family }
        svcChain = IptablesChainNames.service(port.name)
        svlChain = IptablesChainNames.local(port.name)
        extChain = IptablesChainNames.external(port.name)
        fwChain = IptablesChainNames.firewall(port.name)
        section = IptablesRuleset.ServiceSection(name: port.name)
        build(EndpointSelection(port: port, endpoints: endpoints))
    }

    /// `-m tcp -p tcp -d 10.96.0.1 --dport 443`.
    private func destination(_ ip: IPAddress, _ port: UInt16) -> String {
        "-m \(proto) -p \(proto) -d \(ip) --dport \(port)"
    }

    private mutating func nat(_ rule: String) { section.topLevelRules.append(rule) }
    private mutating func own(_ rule: String) { section.chainRules.append(rule) }
    private mutating func declare(_ chain: String) { section.chains.append(chain) }

    private mutating func build(_ selection: EndpointSelection) {
        let policy = IptablesServicePolicy(
            port: port, selection: selection, name: name,
            externallyAccessible: port.nodePort != nil || !externalIPs.isEmpty || !loadBalancerIPs.isEmpty,
            hasLoadBalancerSourceRanges: !sourceRanges.isEmpty, hasLoadBalancerIPs: !loadBalancerIPs.isEmpty)
        let internalChain = policy.internalLocal ? svlChain : svcChain
        captures(policy, internalChain: internalChain)
        if policy.hasInternal {
            let args = "-m comment --comment \(quote("\(name) cluster IP")) \(destination(clusterIP, port.port))"
            if context.masqueradeAll {
                own("-A \(internalChain) \(args) -j \(mark)")
            } else if let local = context.localTraffic {
                // Off-cluster traffic to a ClusterIP may bounce off-node: masquerade it.
                own("-A \(internalChain) \(args) \(local.ifNotLocal) -j \(mark)")
            }
        }
        if policy.usesExtChain {
            externalChainRules(local: policy.externalLocal, hasExternal: policy.hasExternal,
                               policyChain: policy.externalLocal ? svlChain : svcChain)
        }
        if policy.usesFWChain { firewallChainRules() }
        if policy.usesClusterChain {
            declare(svcChain)
            endpointRules(svcChain, policy.cluster)
        }
        if policy.usesLocalChain {
            declare(svlChain)
            endpointRules(svlChain, policy.local)
        }
        for endpoint in policy.reachable { endpointChain(endpoint) }
    }

    /// Jumps from KUBE-SERVICES / KUBE-NODEPORTS, and filter rules for traffic without endpoints.
    private mutating func captures(_ policy: IptablesServicePolicy, internalChain: String) {
        let services = IptablesChainNames.services
        let (internalFilter, externalFilter) = (policy.internalFilter, policy.externalFilter)
        let lbChain = policy.usesFWChain ? fwChain : extChain
        if policy.hasInternal {
            nat("-A \(services) -m comment --comment \(quote("\(name) cluster IP")) \(destination(clusterIP, port.port)) -j \(internalChain)")
        } else {
            filterRules.append("-A \(services) -m comment --comment \(internalFilter.comment) \(destination(clusterIP, port.port)) -j \(internalFilter.target)")
        }
        for ip in externalIPs {
            if policy.hasEndpoints {
                nat("-A \(services) -m comment --comment \(quote("\(name) external IP")) \(destination(ip, port.port)) -j \(extChain)")
            }
            if !policy.hasExternal {
                filterRules.append("-A \(IptablesChainNames.externalServices) -m comment --comment \(externalFilter.comment)"
                    + " \(destination(ip, port.port)) -j \(externalFilter.target)")
            }
        }
        for ip in loadBalancerIPs {
            if policy.hasEndpoints {
                nat("-A \(services) -m comment --comment \(quote("\(name) loadbalancer IP")) \(destination(ip, port.port)) -j \(lbChain)")
            }
            if policy.usesFWChain {
                filterRules.append("-A \(IptablesChainNames.proxyFirewall) -m comment --comment"
                    + " \"\(name) traffic not accepted by \(fwChain)\" \(destination(ip, port.port)) -j DROP")
            }
        }
        if !policy.hasExternal {
            for ip in loadBalancerIPs {
                filterRules.append("-A \(IptablesChainNames.externalServices) -m comment --comment \(externalFilter.comment)"
                    + " \(destination(ip, port.port)) -j \(externalFilter.target)")
            }
        }
        if let nodePort = port.nodePort {
            if policy.hasEndpoints {
                nat("-A \(IptablesChainNames.nodePorts) -m comment --comment \(quote(name)) -m \(proto) -p \(proto) --dport \(nodePort) -j \(extChain)")
            }
            if !policy.hasExternal {
                filterRules.append("-A \(IptablesChainNames.externalServices) -m comment --comment \(externalFilter.comment)"
                    + " -m addrtype --dst-type LOCAL -m \(proto) -p \(proto) --dport \(nodePort) -j \(externalFilter.target)")
            }
        }
        if let healthCheck = port.healthCheckNodePort {
            filterRules.append("-A \(IptablesChainNames.nodePorts) -m comment --comment \(quote("\(name) health check node port"))"
                + " -m tcp -p tcp --dport \(healthCheck) -j ACCEPT")
        }
    }

    /// KUBE-EXT-*: masquerade (Cluster policy) or keep the source and short-circuit local traffic (Local policy).
    private mutating func externalChainRules(local: Bool, hasExternal: Bool, policyChain: String) {
        declare(extChain)
        if !local {
            own("-A \(extChain) -m comment --comment \(quote("masquerade traffic for \(name) external destinations")) -j \(mark)")
        } else {
            if let local = context.localTraffic {
                // Pod → external destination is subject to neither policy (as if it went out to the LB and back).
                own("-A \(extChain) -m comment --comment \(quote("pod traffic for \(name) external destinations")) \(local.ifLocal) -j \(svcChain)")
            }
            // The node itself picks the (local) external IP as source: it must be masqueraded.
            own("-A \(extChain) -m comment --comment \(quote("masquerade LOCAL traffic for \(name) external destinations"))"
                + " -m addrtype --src-type LOCAL -j \(mark)")
            own("-A \(extChain) -m comment --comment \(quote("route LOCAL traffic for \(name) external destinations"))"
                + " -m addrtype --src-type LOCAL -j \(svcChain)")
        }
        if hasExternal { own("-A \(extChain) -j \(policyChain)") }
    }

    /// KUBE-FW-*: loadBalancerSourceRanges; whatever falls through is dropped by KUBE-PROXY-FIREWALL.
    private mutating func firewallChainRules() {
        declare(fwChain)
        let head = "-A \(fwChain) -m comment --comment \(quote("\(name) loadbalancer IP"))"
        for range in sourceRanges { own("\(head) -s \(range) -j \(extChain)") }
        if let nodeIP = context.nodeIP, sourceRanges.contains(where: { $0.contains(nodeIP) }) {
            // A node reaching a VIP bound locally arrives with the VIP as source.
            for ip in loadBalancerIPs { own("\(head) -s \(ip) -j \(extChain)") }
        }
        own("-A \(fwChain) -m comment --comment \(quote("other traffic to \(name) will be dropped by KUBE-PROXY-FIREWALL"))")
    }

    /// A KUBE-SVC/SVL chain: affinity checks first, then one random-probability jump per endpoint.
    private mutating func endpointRules(_ chain: String, _ endpoints: [Endpoint]) {
        if let timeout = port.sessionAffinityTimeout {
            for endpoint in endpoints {
                let sep = IptablesChainNames.endpoint(port.name, endpoint)
                own("-A \(chain)\(comment(quote("\(name) -> \(endpoint)"))) -m recent --name \(sep)"
                    + " --rcheck --seconds \(timeout) --reap -j \(sep)")
            }
        }
        for (index, endpoint) in endpoints.enumerated() {
            let sep = IptablesChainNames.endpoint(port.name, endpoint)
            var rule = "-A \(chain)\(comment(quote("\(name) -> \(endpoint)")))"
            if index < endpoints.count - 1 {
                rule += " -m statistic --mode random --probability \(IptablesProbability.text(endpoints.count - index))"
            }
            own(rule + " -j \(sep)")
        }
    }

    /// A KUBE-SEP chain: hairpin masquerade, affinity record, DNAT.
    private mutating func endpointChain(_ endpoint: Endpoint) {
        let sep = IptablesChainNames.endpoint(port.name, endpoint)
        declare(sep)
        let head = "-A \(sep)\(comment(quote(name)))"
        own("\(head) -s \(endpoint.address) -j \(mark)")
        let affinity = port.sessionAffinityTimeout == nil ? "" : " -m recent --name \(sep) --set"
        own("\(head)\(affinity) -m \(proto) -p \(proto) -j DNAT --to-destination \(endpoint)")
    }

    /// Unique by `ip:port` (two slices may list one address with different conditions), ordered by that
    /// text as kube-proxy's endpoints map is.
    static func kubeProxyOrder(_ endpoints: [Endpoint]) -> [Endpoint] {
        var seen: Set<String> = []
        return endpoints.sorted { $0.description < $1.description }.filter { seen.insert($0.description).inserted }
    }

    /// One `--comment` argument (quoted as iptables-restore needs).
    private func quote(_ text: String) -> String { IptablesComment.argument(text) }

    /// ` -m comment --comment X`, or nothing in large-cluster mode.
    private func comment(_ text: String) -> String {
        context.largeCluster ? "" : " -m comment --comment \(text)"
    }
}
