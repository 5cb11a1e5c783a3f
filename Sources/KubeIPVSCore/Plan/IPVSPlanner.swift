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
        var ports: [PortPlan] = []
        ports.reserveCapacity(snapshot.servicePorts.count)
        for port in snapshot.servicePorts.values {
            var builder = PortPlanBuilder(port: port, context: context)
            ports.append(builder.build(snapshot.selection(for: port)))
        }
        return merge(ports, rejections: snapshot.rejections, config: config)
    }

    /// The plan for one service port, so a sync can re-plan only the ports that changed and
    /// `merge` them with the unchanged ones.
    public static func planPort(_ port: ServicePort, selection: EndpointSelection, node: NodeContext,
                                config: ProxyConfiguration) -> PortPlan {
        var builder = PortPlanBuilder(port: port, context: PlanningContext(node: node, config: config))
        return builder.build(selection)
    }

    /// The plans of every service port of `snapshot` (any order), sharing one node/config context, so a
    /// sync can re-plan many ports without recomputing the node facts per port.
    public static func planPorts(_ snapshot: ProxySnapshot, node: NodeContext,
                                 config: ProxyConfiguration) -> [PortPlan] {
        let context = PlanningContext(node: node, config: config)
        return snapshot.servicePorts.values.map { port in
            var builder = PortPlanBuilder(port: port, context: context)
            return builder.build(snapshot.selection(for: port))
        }
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
        plan.boundAddresses = sortedUnique(bound)
        for family in [IPFamily.v4, .v6] {
            for set in ProxyIPSet.allCases {
                var members = entries[PlanMerger.slot(set, family)]
                if set == .ipvsIPs { members = bound.filter { $0.family == family }.map { .ip($0) } }
                plan.ipsets.append(PlannedIPSet(set: set, ipFamily: family, entries: sortedUnique(members)))
            }
        }
        plan.ipsets.sort { $0.spec.name < $1.spec.name }
        let blockedKeys = sortedUnique(blocked)
        plan.companionRules = companion(.v4, plan.ipsets, blockedKeys, config)
        plan.companionRulesIPv6 = companion(.v6, plan.ipsets, blockedKeys, config)
        plan.healthChecks = health.map { HealthCheck(service: $0.key, nodePort: $0.value.port,
                                                     localEndpoints: $0.value.addresses.count) }.sorted()
        plan.rejections = sortedUnique(refused)
        return plan
    }

    /// Sorted virtual servers with one per key; the losers of a conflict become rejections.
    func resolveConflicts(_ rejections: inout [Rejection]) -> [PlannedVirtualServer] {
        let sorted = virtualServers.sorted()
        var out: [PlannedVirtualServer] = []
        out.reserveCapacity(sorted.count)
        for vs in sorted {
            if let kept = out.last, kept.key == vs.key {
                rejections.append(Rejection(kind: .service, object: vs.servicePort.service.description, reason:
                    "virtual server \(vs.key) (\(vs.role) of \(vs.servicePort)) is already planned as "
                    + "\(kept.role) of \(kept.servicePort)"))
                continue
            }
            out.append(vs)
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
