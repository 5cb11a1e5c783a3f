/// Plans the IPVS mode's kernel state from a `ProxySnapshot`: pure and deterministic (the input
/// order of services and endpoints never changes the plan).
///
/// Per service port, as kube-proxy's IPVS proxier (`syncProxyRules`) does:
/// - a virtual server per ClusterIP, externalIP and LoadBalancer IP on the service port, and per
///   NodePort address (from `--nodeport-addresses`) on the nodePort, in each family the service
///   has a ClusterIP for; none inside `excludeCIDRs`;
/// - real servers: the selected endpoints of the virtual server's family, Masq, weight 1;
///   ClusterIP virtual servers use `forInternalTraffic`, the others `forExternalTraffic`;
/// - ClusterIPs, externalIPs and LB IPs are bound on the dummy interface, except external/LB IPs
///   that are already on another interface of the node.
///
/// Deliberate differences from kube-proxy's IPVS mode:
/// - a Local traffic policy with no local endpoint leaves the virtual server without real servers
///   (kube-proxy IPVS fell back to every endpoint, breaking source-IP preservation); this is what
///   its iptables and nftables modes do;
/// - `loadBalancerSourceRanges` fail closed: an LB IP with ranges but none of its family accepts
///   nobody (kube-proxy filtered the ranges per family and then left the IP open);
/// - a virtual server claimed by two service ports goes to one of them deterministically, with a
///   rejection for the other (kube-proxy's last writer won, in map order).
public enum IPVSPlanner {
    /// The whole plan: `merge` of `planPort` for every service port of the snapshot, within `caps`
    /// (when the totals would exceed one, the newest Services are refused: `ClusterCaps.refused`).
    public static func plan(_ snapshot: ProxySnapshot, node: NodeContext, config: ProxyConfiguration,
                            caps: ClusterCaps = .default) -> IPVSPlan {
        let context = PlanningContext(node: node, config: config)
        var total = PlanCost()
        let plan = merged(snapshot, context, skipping: [:]) { total.add($0) }
        guard !caps.admits(total) else { return plan }
        // Over a cap (rare): cost each Service, then plan again without the refused ones, rather than keep
        // every PortPlan (or a cost per Service) alive in the common case.
        var costs: [ServiceName: PlanCost] = [:]
        for port in snapshot.servicePorts.values {
            var builder = PortPlanBuilder(port: port, context: context)
            costs[port.name.service, default: PlanCost()].add(builder.build(snapshot.selection(for: port)))
        }
        let refused = caps.refused(costs.map {
            ClusterCaps.Claim(service: $0.key, created: snapshot.creationTimestamps[$0.key], cost: $0.value)
        })
        var capped = merged(snapshot, context, skipping: refused) { _ in }
        capped.rejections = (capped.rejections + refused.values).sorted()
        return capped
    }

    static func merged(_ snapshot: ProxySnapshot, _ context: PlanningContext, skipping: [ServiceName: Rejection],
                       observe: (PortPlan) -> Void) -> IPVSPlan {
        // Same as merge(ports.map(planPort)), without keeping every PortPlan alive at once. Sized up
        // front: growing by doubling would hold the old and the new buffer at once (the peak).
        var merger = PlanMerger(capacity: snapshot.servicePorts.count,
                                virtualServers: virtualServerEstimate(snapshot, context))
        for port in snapshot.servicePorts.values where skipping[port.name.service] == nil {
            var builder = PortPlanBuilder(port: port, context: context)
            let plan = builder.build(snapshot.selection(for: port))
            observe(plan)
            merger.add(plan)
        }
        return merger.finish(rejections: snapshot.rejections, config: context.config)
    }

    /// An upper bound of the virtual servers `plan` makes (per family: addresses, plus NodePort
    /// addresses when the port has a nodePort).
    static func virtualServerEstimate(_ snapshot: ProxySnapshot, _ context: PlanningContext) -> Int {
        let nodePorts = context.nodePortAddressesV4.count + context.nodePortAddressesV6.count
        return snapshot.servicePorts.values.reduce(0) { total, port in
            let addresses = port.clusterIPs.count + port.externalIPs.count + port.loadBalancerIPs.count
            return total + addresses + (port.nodePort == nil ? 0 : nodePorts)
        }
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
