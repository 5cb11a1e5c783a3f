/// Plans the IPVS mode's kernel state from a `ProxySnapshot`: pure and deterministic (the input
/// order of services and endpoints never changes the plan).
///
/// Per service port (kube-proxy's IPVS proxier, with the differences documented in FIELD.md):
/// - a virtual server per ClusterIP, externalIP and LoadBalancer IP on the service port, and per
///   NodePort address (from `--nodeport-addresses`) on the nodePort, in each family the service
///   has a ClusterIP for; none inside `excludeCIDRs`;
/// - real servers: the selected endpoints of the virtual server's family, Masq, weight 1;
///   ClusterIP virtual servers use `forInternalTraffic`, the others `forExternalTraffic`;
/// - ClusterIPs, externalIPs and LB IPs are bound on the dummy interface, except external/LB IPs
///   that are already on another interface of the node.
public enum IPVSPlanner {
    /// The whole plan: `merge` of `planPort` for every service port of the snapshot.
    public static func plan(_ snapshot: ProxySnapshot, node: NodeContext, config: ProxyConfiguration) -> IPVSPlan {
        let context = PlanningContext(node: node, config: config)
        // Same as merge(ports.map(planPort)), without keeping every PortPlan alive at once.
        var merger = PlanMerger(capacity: snapshot.servicePorts.count)
        for port in snapshot.servicePorts.values {
            var builder = PortPlanBuilder(port: port, context: context)
            merger.add(builder.build(snapshot.selection(for: port)))
        }
        return merger.finish(rejections: snapshot.rejections, config: config)
    }

    /// The plan for one service port, so a sync can re-plan only the ports that changed and
    /// `merge` them with the unchanged ones.
    public static func planPort(_ port: ServicePort, selection: EndpointSelection, node: NodeContext,
                                config: ProxyConfiguration) -> PortPlan {
        var builder = PortPlanBuilder(port: port, context: PlanningContext(node: node, config: config))
        return builder.build(selection)
    }

    /// The addresses NodePort virtual servers listen on for this node and configuration (sorted):
    /// `.all` is every local address except loopback, IPv6 link-local and the dummy interface's;
    /// `.cidrs` those inside the prefixes (never loopback); `.primary` the node's primary IPs.
    public static func nodePortAddresses(node: NodeContext, config: ProxyConfiguration) -> [IPAddress] {
        let context = PlanningContext(node: node, config: config)
        return context.nodePortAddressesV4 + context.nodePortAddressesV6
    }

    /// Combines port plans (any order) into one plan. When two service ports claim the same virtual
    /// server, the first by (role: clusterIP, externalIP, loadBalancer, nodePort; then service port
    /// name) keeps it and the other gets a rejection.
    public static func merge(_ ports: [PortPlan], rejections: [Rejection] = [],
                             config: ProxyConfiguration) -> IPVSPlan {
        var merger = PlanMerger(capacity: ports.count)
        for port in ports { merger.add(port) }
        return merger.finish(rejections: rejections, config: config)
    }
}

/// Accumulates port plans into an `IPVSPlan`.
struct PlanMerger {
    var virtualServers: [PlannedVirtualServer] = []
    var bound: [IPAddress] = []
    /// Entries per (set, family): index `set.rawValue * 2 + (family == .v6 ? 1 : 0)`.
    var entries: [[IPSetEntry]] = Array(repeating: [], count: ProxyIPSet.allCases.count * 2)
    var health: [ServiceName: (port: UInt16, addresses: Set<IPAddress>)] = [:]
    var blocked: [VirtualServerKey] = []

    init(capacity: Int) {
        virtualServers.reserveCapacity(capacity)
        bound.reserveCapacity(capacity)
    }

    static func slot(_ set: ProxyIPSet, _ family: IPFamily) -> Int { set.rawValue * 2 + (family == .v6 ? 1 : 0) }

    mutating func add(_ port: PortPlan) {
        virtualServers += port.virtualServers
        bound += port.boundAddresses
        for m in port.ipsetEntries { entries[PlanMerger.slot(m.set, m.family)].append(m.entry) }
        blocked += port.nodeAccessBlocked
        if let healthPort = port.healthCheckNodePort {
            health[port.servicePort.service, default: (healthPort, [])].addresses
                .formUnion(port.localReadyAddresses)
        }
    }

    mutating func finish(rejections: [Rejection], config: ProxyConfiguration) -> IPVSPlan {
        var plan = IPVSPlan()
        var refused = rejections
        plan.virtualServers = resolveConflicts(&refused)
        sortUnique(&bound)
        plan.boundAddresses = bound
        for family in [IPFamily.v4, .v6] {
            for set in ProxyIPSet.allCases {
                let slot = PlanMerger.slot(set, family)
                if set == .ipvsIPs {
                    entries[slot] = plan.boundAddresses.filter { $0.family == family }.map { .ip($0) }
                }
                sortUnique(&entries[slot])
                plan.ipsets.append(PlannedIPSet(set: set, ipFamily: family, entries: entries[slot]))
                entries[slot] = []
            }
        }
        plan.ipsets.sort { $0.spec.name < $1.spec.name }
        sortUnique(&blocked)
        let blockedKeys = blocked
        plan.companionRules = companion(.v4, plan.ipsets, blockedKeys, config)
        plan.companionRulesIPv6 = companion(.v6, plan.ipsets, blockedKeys, config)
        plan.healthChecks = health.map { HealthCheck(service: $0.key, nodePort: $0.value.port,
                                                     localEndpoints: $0.value.addresses.count) }.sorted()
        sortUnique(&refused)
        plan.rejections = refused
        return plan
    }

    /// Sorted virtual servers with one per key; the losers of a conflict become rejections.
    func resolveConflicts(_ rejections: inout [Rejection]) -> [PlannedVirtualServer] {
        // Sort indices by plain-data keys: moving the servers themselves costs retains per swap.
        let keys = virtualServers.map { ($0.server.key, $0.role.rank) }
        let order = virtualServers.indices.sorted { a, b in
            let x = keys[a], y = keys[b]
            if x.0 != y.0 { return x.0 < y.0 }
            if x.1 != y.1 { return x.1 < y.1 }
            return virtualServers[a].servicePort < virtualServers[b].servicePort
        }
        var out: [PlannedVirtualServer] = []
        out.reserveCapacity(order.count)
        var previous: Int?
        for i in order {
            if let p = previous, keys[p].0 == keys[i].0 {
                let vs = virtualServers[i], kept = virtualServers[p]
                rejections.append(Rejection(kind: .service, object: vs.servicePort.service.description, reason:
                    "virtual server \(vs.key) (\(vs.role) of \(vs.servicePort)) is already planned as "
                    + "\(kept.role) of \(kept.servicePort)"))
                continue
            }
            previous = i
            out.append(virtualServers[i])
        }
        return out
    }

    func companion(_ family: IPFamily, _ sets: [PlannedIPSet], _ blocked: [VirtualServerKey],
                   _ config: ProxyConfiguration) -> String {
        let nonEmpty = Set(sets.lazy.filter { $0.ipFamily == family && !$0.entries.isEmpty }.map(\.set))
        return IPVSCompanionRules.render(family: family, nonEmpty: nonEmpty,
                                         nodeAccessBlocked: blocked.filter { $0.address.family == family },
                                         config: config)
    }
}
