/// Accumulates port plans into an `IPVSPlan`.
struct PlanMerger {
    var virtualServers: [PlannedVirtualServer] = []
    var bound: [IPAddress] = []
    /// Entries per (set, family): index `set.rawValue * 2 + (family == .v6 ? 1 : 0)`.
    var entries: [[IPSetEntry]] = Array(repeating: [], count: ProxyIPSet.allCases.count * 2)
    var health: [ServiceName: (port: UInt16, addresses: Set<IPAddress>)] = [:]
    var blocked: [VirtualServerKey] = []

    init(capacity: Int, virtualServers expected: Int? = nil) {
        virtualServers.reserveCapacity(expected ?? capacity)
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
        virtualServers = []   // released before the sets are built: the peak of a 50k-service plan
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
        // Sort indices: moving the servers themselves costs retains per swap.
        let order = virtualServers.withUnsafeBufferPointer { vs in
            vs.indices.sorted { a, b in
                let x = vs[a].server.key, y = vs[b].server.key   // plain data: no retains
                if x != y { return x < y }
                if vs[a].role != vs[b].role { return vs[a].role < vs[b].role }
                return vs[a].servicePort < vs[b].servicePort
            }
        }
        var out: [PlannedVirtualServer] = []
        out.reserveCapacity(order.count)
        var previous: Int?
        for i in order {
            if let p = previous, virtualServers[p].server.key == virtualServers[i].server.key {
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
