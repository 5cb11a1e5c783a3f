/// The rules of one service port in one family, following kube-proxy's `syncProxyRules` loop body
/// (v1.28): which chains exist, which traffic is captured where, and what the filter table
/// rejects or drops.
struct IptablesServiceRules {
    /// Per-sync facts shared by every service port.
    struct Context {
        var family: IPFamily
        var masqueradeAll: Bool
        /// `--cluster-cidr` of the family: kube-proxy's ClusterCIDR local-traffic detector (nil: not implemented).
        var localCIDR: CIDR?
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
        name = port.name.description
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
        // kube-proxy orders endpoints by their "ip:port" text.
        let cluster = Self.kubeProxyOrder(selection.cluster)
        let local = Self.kubeProxyOrder(selection.local)
        let externallyAccessible = port.nodePort != nil || !externalIPs.isEmpty || !loadBalancerIPs.isEmpty
        let externalLocal = port.externalPolicyLocal && externallyAccessible
        let internalLocal = port.internalPolicyLocal
        // Externally reachable ports always need the cluster chain: Local policies short-circuit to it.
        let usesClusterEndpoints = !internalLocal || externallyAccessible
        let usesLocalEndpoints = internalLocal || externalLocal
        let hasEndpoints = !cluster.isEmpty
        let usesClusterChain = hasEndpoints && usesClusterEndpoints
        let usesLocalChain = !local.isEmpty && usesLocalEndpoints
        let hasInternal = hasEndpoints && (!internalLocal || !local.isEmpty)
        let hasExternal = hasEndpoints && (!externalLocal || !local.isEmpty)
        let internalChain = internalLocal ? svlChain : svcChain
        let externalPolicyChain = externalLocal ? svlChain : svcChain
        let usesExtChain = hasEndpoints && externallyAccessible
        let usesFWChain = hasEndpoints && !loadBalancerIPs.isEmpty && !sourceRanges.isEmpty

        var internalTarget = "", externalTarget = ""
        var internalComment = "", externalComment = ""
        if !hasEndpoints {
            internalTarget = "REJECT"; externalTarget = "REJECT"
            internalComment = "\"\(name) has no endpoints\""; externalComment = internalComment
        } else {
            if !hasInternal { internalTarget = "DROP"; internalComment = "\"\(name) has no local endpoints\"" }
            if !hasExternal { externalTarget = "DROP"; externalComment = "\"\(name) has no local endpoints\"" }
        }

        captures(hasInternal: hasInternal, hasEndpoints: hasEndpoints, hasExternal: hasExternal,
                 internalChain: internalChain, lbChain: usesFWChain ? fwChain : extChain, usesFWChain: usesFWChain,
                 internalFilter: (internalTarget, internalComment), externalFilter: (externalTarget, externalComment))

        if hasInternal {
            let args = "-m comment --comment \"\(name) cluster IP\" \(destination(clusterIP, port.port))"
            if context.masqueradeAll {
                own("-A \(internalChain) \(args) -j \(mark)")
            } else if let cidr = context.localCIDR {
                // Off-cluster traffic to a ClusterIP may bounce off-node: masquerade it.
                own("-A \(internalChain) \(args) ! -s \(cidr) -j \(mark)")
            }
        }
        if usesExtChain { externalChainRules(local: externalLocal, hasExternal: hasExternal, policyChain: externalPolicyChain) }
        if usesFWChain { firewallChainRules() }
        if usesClusterChain {
            declare(svcChain)
            endpointRules(svcChain, cluster)
        }
        if usesLocalChain {
            declare(svlChain)
            endpointRules(svlChain, local)
        }
        var reachable: [Endpoint] = []
        if usesClusterEndpoints { reachable += cluster }
        if usesLocalEndpoints { reachable += local }
        for endpoint in Self.kubeProxyOrder(reachable) {
            endpointChain(endpoint)
        }
    }

    /// Jumps from KUBE-SERVICES / KUBE-NODEPORTS, and filter rules for traffic without endpoints.
    private mutating func captures(hasInternal: Bool, hasEndpoints: Bool, hasExternal: Bool, internalChain: String,
                                   lbChain: String, usesFWChain: Bool,
                                   internalFilter: (target: String, comment: String),
                                   externalFilter: (target: String, comment: String)) {
        let services = IptablesChainNames.services
        if hasInternal {
            nat("-A \(services) -m comment --comment \"\(name) cluster IP\" \(destination(clusterIP, port.port)) -j \(internalChain)")
        } else {
            filterRules.append("-A \(services) -m comment --comment \(internalFilter.comment) \(destination(clusterIP, port.port)) -j \(internalFilter.target)")
        }
        for ip in externalIPs {
            if hasEndpoints {
                nat("-A \(services) -m comment --comment \"\(name) external IP\" \(destination(ip, port.port)) -j \(extChain)")
            }
            if !hasExternal {
                filterRules.append("-A \(IptablesChainNames.externalServices) -m comment --comment \(externalFilter.comment)"
                    + " \(destination(ip, port.port)) -j \(externalFilter.target)")
            }
        }
        for ip in loadBalancerIPs {
            if hasEndpoints {
                nat("-A \(services) -m comment --comment \"\(name) loadbalancer IP\" \(destination(ip, port.port)) -j \(lbChain)")
            }
            if usesFWChain {
                filterRules.append("-A \(IptablesChainNames.proxyFirewall) -m comment --comment"
                    + " \"\(name) traffic not accepted by \(fwChain)\" \(destination(ip, port.port)) -j DROP")
            }
        }
        if !hasExternal {
            for ip in loadBalancerIPs {
                filterRules.append("-A \(IptablesChainNames.externalServices) -m comment --comment \(externalFilter.comment)"
                    + " \(destination(ip, port.port)) -j \(externalFilter.target)")
            }
        }
        if let nodePort = port.nodePort {
            if hasEndpoints {
                nat("-A \(IptablesChainNames.nodePorts) -m comment --comment \(name) -m \(proto) -p \(proto) --dport \(nodePort) -j \(extChain)")
            }
            if !hasExternal {
                filterRules.append("-A \(IptablesChainNames.externalServices) -m comment --comment \(externalFilter.comment)"
                    + " -m addrtype --dst-type LOCAL -m \(proto) -p \(proto) --dport \(nodePort) -j \(externalFilter.target)")
            }
        }
        if let healthCheck = port.healthCheckNodePort {
            filterRules.append("-A \(IptablesChainNames.nodePorts) -m comment --comment \"\(name) health check node port\""
                + " -m tcp -p tcp --dport \(healthCheck) -j ACCEPT")
        }
    }

    /// KUBE-EXT-*: masquerade (Cluster policy) or keep the source and short-circuit local traffic (Local policy).
    private mutating func externalChainRules(local: Bool, hasExternal: Bool, policyChain: String) {
        declare(extChain)
        if !local {
            own("-A \(extChain) -m comment --comment \"masquerade traffic for \(name) external destinations\" -j \(mark)")
        } else {
            if let cidr = context.localCIDR {
                // Pod → external destination is subject to neither policy (as if it went out to the LB and back).
                own("-A \(extChain) -m comment --comment \"pod traffic for \(name) external destinations\" -s \(cidr) -j \(svcChain)")
            }
            // The node itself picks the (local) external IP as source: it must be masqueraded.
            own("-A \(extChain) -m comment --comment \"masquerade LOCAL traffic for \(name) external destinations\""
                + " -m addrtype --src-type LOCAL -j \(mark)")
            own("-A \(extChain) -m comment --comment \"route LOCAL traffic for \(name) external destinations\""
                + " -m addrtype --src-type LOCAL -j \(svcChain)")
        }
        if hasExternal { own("-A \(extChain) -j \(policyChain)") }
    }

    /// KUBE-FW-*: loadBalancerSourceRanges; whatever falls through is dropped by KUBE-PROXY-FIREWALL.
    private mutating func firewallChainRules() {
        declare(fwChain)
        let head = "-A \(fwChain) -m comment --comment \"\(name) loadbalancer IP\""
        for range in sourceRanges { own("\(head) -s \(range) -j \(extChain)") }
        if let nodeIP = context.nodeIP, sourceRanges.contains(where: { $0.contains(nodeIP) }) {
            // A node reaching a VIP bound locally arrives with the VIP as source.
            for ip in loadBalancerIPs { own("\(head) -s \(ip) -j \(extChain)") }
        }
        own("-A \(fwChain) -m comment --comment \"other traffic to \(name) will be dropped by KUBE-PROXY-FIREWALL\"")
    }

    /// A KUBE-SVC/SVL chain: affinity checks first, then one random-probability jump per endpoint.
    private mutating func endpointRules(_ chain: String, _ endpoints: [Endpoint]) {
        if let timeout = port.sessionAffinityTimeout {
            for endpoint in endpoints {
                let sep = IptablesChainNames.endpoint(port.name, endpoint)
                own("-A \(chain)\(comment("\"\(name) -> \(endpoint)\"")) -m recent --name \(sep)"
                    + " --rcheck --seconds \(timeout) --reap -j \(sep)")
            }
        }
        for (index, endpoint) in endpoints.enumerated() {
            let sep = IptablesChainNames.endpoint(port.name, endpoint)
            var rule = "-A \(chain)\(comment("\"\(name) -> \(endpoint)\""))"
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
        let head = "-A \(sep)\(comment(name))"
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

    /// ` -m comment --comment X`, or nothing in large-cluster mode.
    private func comment(_ text: String) -> String {
        context.largeCluster ? "" : " -m comment --comment \(text)"
    }
}
