/// Builds one service port's `PortPlan` (kube-proxy's per-service body of `syncProxyRules`).
struct PortPlanBuilder {
    let port: ServicePort
    let context: PlanningContext
    let families: [IPFamily]
    var plan: PortPlan

    init(port: ServicePort, context: PlanningContext) {
        self.port = port
        self.context = context
        // At most one ClusterIP per family (the normalizer guarantees it).
        families = port.clusterIPs.map(\.family).sorted()
        plan = PortPlan(servicePort: port.name)
    }

    mutating func build(_ selection: EndpointSelection) -> PortPlan {
        let internalRS = RealServerSets(selection.forInternalTraffic)
        let externalRS = port.internalPolicyLocal == port.externalPolicyLocal
            ? internalRS : RealServerSets(selection.forExternalTraffic)
        addClusterIPs(internalRS)
        addExternalIPs(externalRS)
        addLoadBalancers(externalRS)
        addNodePorts(externalRS)
        addHealthCheck(selection)
        addLoopBack(selection)
        let elsewhereOnly = !selection.cluster.isEmpty && selection.local.isEmpty
        plan.internalNoLocalEndpoints = elsewhereOnly && port.internalPolicyLocal
        plan.externalNoLocalEndpoints = elsewhereOnly && port.externalPolicyLocal
        return finish()
    }

    mutating func addVirtualServer(_ address: IPAddress, _ number: UInt16, _ role: PlannedVirtualServer.Role,
                                   _ realServers: RealServerSets) {
        let key = VirtualServerKey(address: address, proto: port.proto, port: number)
        let server = VirtualServer(key: key, scheduler: context.config.scheduler,
                                   persistenceTimeout: port.sessionAffinityTimeout)
        plan.virtualServers.append(PlannedVirtualServer(server: server, realServers: realServers[address.family],
                                                        servicePort: port.name, role: role))
    }

    mutating func member(_ set: ProxyIPSet, _ family: IPFamily, _ entry: IPSetEntry) {
        plan.ipsetEntries.append(IPSetMember(set: set, family: family, entry: entry))
    }

    mutating func addClusterIPs(_ realServers: RealServerSets) {
        for ip in port.clusterIPs where !context.isExcluded(ip) {
            member(.clusterIP, ip.family, .ipPort(ip, port.proto, port.port))
            addVirtualServer(ip, port.port, .clusterIP, realServers)
            plan.boundAddresses.append(ip)
        }
    }

    mutating func addExternalIPs(_ realServers: RealServerSets) {
        for ip in port.externalIPs where !context.isExcluded(ip) {
            member(port.externalPolicyLocal ? .externalIPLocal : .externalIP, ip.family,
                   .ipPort(ip, port.proto, port.port))
            addVirtualServer(ip, port.port, .externalIP, realServers)
            // An address already on a real interface must not be added to the dummy one.
            if !context.nodeAddresses.contains(ip) { plan.boundAddresses.append(ip) }
        }
    }

    mutating func addLoadBalancers(_ realServers: RealServerSets) {
        for ip in port.loadBalancerIPs where !context.isExcluded(ip) {
            let entry = IPSetEntry.ipPort(ip, port.proto, port.port)
            member(.loadBalancer, ip.family, entry)
            if port.externalPolicyLocal { member(.loadBalancerLocal, ip.family, entry) }
            if !port.loadBalancerSourceRanges.isEmpty { addSourceRanges(ip, entry) }
            addVirtualServer(ip, port.port, .loadBalancer, realServers)
            if !context.nodeAddresses.contains(ip) { plan.boundAddresses.append(ip) }
        }
    }

    /// Source-range firewall: allowed CIDRs of the IP's family; if none covers the node's own IP,
    /// the node is blocked too (kube-proxy #119656). An IP whose family has no allowed range stays
    /// in the firewall set and so accepts nobody (fail closed).
    mutating func addSourceRanges(_ ip: IPAddress, _ entry: IPSetEntry) {
        member(.loadBalancerFW, ip.family, entry)
        var allowNode = false
        let nodeIP = context.primaryIP(ip.family)
        for cidr in port.loadBalancerSourceRanges where cidr.family == ip.family {
            member(.loadBalancerSourceCIDR, ip.family, .ipPortNet(ip, port.proto, port.port, cidr))
            if let nodeIP, cidr.contains(nodeIP) { allowNode = true }
        }
        if allowNode {
            member(.loadBalancerSourceIP, ip.family, .ipPortIP(ip, port.proto, port.port, ip))
        } else {
            plan.nodeAccessBlocked.append(VirtualServerKey(address: ip, proto: port.proto, port: port.port))
        }
    }

    mutating func addNodePorts(_ realServers: RealServerSets) {
        guard let nodePort = port.nodePort else { return }
        for family in families {
            let addresses = context.nodePortAddresses(family)
            // kube-proxy skips the NodePort (sets included) when no address qualifies.
            guard !addresses.isEmpty else { continue }
            var sets = [ProxyIPSet.nodePort(port.proto, local: false)]
            if port.externalPolicyLocal { sets.append(.nodePort(port.proto, local: true)) }
            for set in sets {
                if port.proto == .sctp {
                    for ip in addresses { member(set, family, .ipPort(ip, .sctp, nodePort)) }
                } else {
                    member(set, family, .port(nodePort))
                }
            }
            for ip in addresses where !context.isExcluded(ip) {
                addVirtualServer(ip, nodePort, .nodePort, realServers)
            }
        }
    }

    mutating func addHealthCheck(_ selection: EndpointSelection) {
        guard let healthPort = port.healthCheckNodePort else { return }
        plan.healthCheckNodePort = healthPort
        for family in families { member(.healthCheckNodePort, family, .port(healthPort)) }
        plan.localReadyAddresses = Array(Set(selection.local.lazy.filter(\.ready).map(\.address))).sorted()
    }

    /// Hairpin: a local real server reaching its own service is masqueraded (KUBE-LOOP-BACK).
    mutating func addLoopBack(_ selection: EndpointSelection) {
        let used = [selection.forInternalTraffic, selection.forExternalTraffic]
        for list in used {
            for e in list where e.isLocal && families.contains(e.address.family) {
                member(.loopBack, e.address.family, .ipPortIP(e.address, port.proto, e.port, e.address))
            }
        }
    }

    mutating func finish() -> PortPlan {
        if !isStrictlySorted(plan.virtualServers) { plan.virtualServers.sort() }
        sortUnique(&plan.boundAddresses)
        sortUnique(&plan.ipsetEntries)
        sortUnique(&plan.nodeAccessBlocked)
        return plan
    }
}

/// Real servers per family from selected endpoints: sorted by address and port, one per `address:port`.
struct RealServerSets {
    let v4: [RealServer]
    let v6: [RealServer]

    init(_ endpoints: [Endpoint]) {
        var v4: [RealServer] = [], v6: [RealServer] = []
        if let first = endpoints.first?.address.family, endpoints.allSatisfy({ $0.address.family == first }) {
            // One family (the common case): one exactly-sized array.
            let all = endpoints.map { RealServer(address: $0.address, port: $0.port) }
            if first == .v4 { v4 = all } else { v6 = all }
        } else {
            for e in endpoints {
                let rs = RealServer(address: e.address, port: e.port)
                if e.address.family == .v4 { v4.append(rs) } else { v6.append(rs) }
            }
        }
        // Selections are sorted by address and port; sort anyway if a caller built one by hand.
        sortUnique(&v4)
        sortUnique(&v6)
        self.v4 = v4
        self.v6 = v6
    }

    subscript(family: IPFamily) -> [RealServer] { family == .v4 ? v4 : v6 }
}
