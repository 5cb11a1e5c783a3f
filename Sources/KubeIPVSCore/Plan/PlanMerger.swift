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
