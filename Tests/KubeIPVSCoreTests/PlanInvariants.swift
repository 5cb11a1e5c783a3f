import KubeIPVSCore
import Testing

/// Structural properties every plan must have.
enum PlanInvariants {
    static func check(_ plan: IPVSPlan, sourceLocation: SourceLocation = #_sourceLocation) {
        let keys = plan.virtualServers.map(\.key)
        #expect(keys == keys.sorted(), "virtual servers sorted by key", sourceLocation: sourceLocation)
        #expect(Set(keys).count == keys.count, "one virtual server per key", sourceLocation: sourceLocation)
        for vs in plan.virtualServers {
            let rs = vs.realServers.map(\.key)
            #expect(rs == rs.sorted() && Set(rs).count == rs.count, "\(vs.key): real servers sorted, unique",
                    sourceLocation: sourceLocation)
            #expect(vs.realServers.allSatisfy { $0.key.address.family == vs.key.address.family
                && $0.weight == 1 && $0.forwarding == .masquerade }, sourceLocation: sourceLocation)
        }
        #expect(plan.boundAddresses == plan.boundAddresses.sorted(), sourceLocation: sourceLocation)
        #expect(Set(plan.boundAddresses).count == plan.boundAddresses.count, sourceLocation: sourceLocation)
        // Every kube-proxy set, both families, even when empty.
        #expect(plan.ipsets.count == ProxyIPSet.allCases.count * 2, sourceLocation: sourceLocation)
        for set in plan.ipsets {
            #expect(set.entries == set.entries.sorted() && Set(set.entries).count == set.entries.count,
                    "\(set.spec.name) sorted, unique", sourceLocation: sourceLocation)
            #expect(set.entries.allSatisfy { $0.setType == set.spec.type }, sourceLocation: sourceLocation)
            #expect(set.spec.name.utf8.count <= 31, sourceLocation: sourceLocation)
        }
        let ipvsIPs = plan.ipsets.filter { $0.set == .ipvsIPs }.flatMap(\.entries)
        #expect(Set(ipvsIPs) == Set(plan.boundAddresses.map { IPSetEntry.ip($0) }), sourceLocation: sourceLocation)
        #expect(plan.rejections == plan.rejections.sorted(), sourceLocation: sourceLocation)
    }
}
