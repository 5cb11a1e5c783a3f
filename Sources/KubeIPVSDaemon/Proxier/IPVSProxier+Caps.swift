import KubeIPVSCore

/// What enforcing the cluster-wide caps needs between syncs: each Service's plan cost (kept for
/// refused Services too, without their plans), which Services are in the desired state, and which
/// are refused. Their sums let a sync under every cap skip the ordering entirely.
struct CapState {
    /// The cost of every planned Service (admitted or refused).
    var costs: [ServiceName: PlanCost] = [:]
    /// Sum of `costs`.
    var total = PlanCost()
    /// Services whose plans are in the desired state, with their cost.
    var admitted: [ServiceName: PlanCost] = [:]
    /// Sum of `admitted`.
    var admittedTotal = PlanCost()
    /// Services left out, with their rejection (a placeholder until `enforceCaps` orders them).
    var refused: [ServiceName: Rejection] = [:]

    var refusedRejections: [Rejection] { refused.values.sorted() }

    mutating func setCost(_ name: ServiceName, _ cost: PlanCost?) {
        if let old = costs.removeValue(forKey: name) { total -= old }
        if let cost {
            costs[name] = cost
            total += cost
        }
    }

    mutating func setAdmitted(_ name: ServiceName, _ cost: PlanCost?) {
        if let old = admitted.removeValue(forKey: name) { admittedTotal -= old }
        if let cost {
            admitted[name] = cost
            admittedTotal += cost
        }
    }
}

extension IPVSProxier {
    /// Records a re-planned Service's cost and says whether its plans may enter the desired state: not
    /// while it is refused, nor when it would take the admitted totals over a cap (then it is refused
    /// for now, and `enforceCaps` decides by age). The desired state so never exceeds the caps by more
    /// than one Service, whose size the per-Service bounds limit.
    func admit(_ name: ServiceName, _ plans: [PortPlan]) -> Bool {
        let cost = plans.isEmpty ? nil : PlanCost(plans)
        capState.setCost(name, cost)
        capState.setAdmitted(name, nil)
        guard let cost else {
            capState.refused[name] = nil
            return true
        }
        guard capState.refused[name] == nil, caps.admits(capState.admittedTotal + cost) else {
            capState.refused[name] = capState.refused[name]
                ?? Rejection(kind: .service, object: name.description, reason: "cluster-wide cap reached")
            return false
        }
        capState.setAdmitted(name, cost)
        return true
    }

    /// Refuses the newest Services while the planned totals exceed a cap (`ClusterCaps.refused`) and
    /// re-admits refused ones that fit again (an older Service shrank or left). Deterministic: which
    /// Services are refused depends only on the objects, not on the order they arrived in.
    func enforceCaps(_ store: ObjectStore, node: NodeContext) {
        guard !capState.refused.isEmpty || !caps.admits(capState.total) else { return }
        let claims = capState.costs.map { name, cost in
            ClusterCaps.Claim(service: name, created: store.services[name]?.metadata.creationTimestamp
                .flatMap(KubeTimestamp.init(rfc3339:)), cost: cost)
        }
        let refused = caps.refused(claims)
        for name in capState.admitted.keys where refused[name] != nil {
            desired.replace(service: name, with: [])
            capState.setAdmitted(name, nil)
        }
        let readmit = Set(capState.refused.keys.filter { refused[$0] == nil })
        capState.refused = refused
        // The ordering admitted them together with what stays admitted, so they fit.
        if !readmit.isEmpty { replan(store, services: readmit, node: node) }
    }
}
