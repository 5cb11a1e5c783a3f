/// What one Service's plan adds to the kernel state: virtual servers, real servers and the entries of
/// each hash ipset (per family). Counted per Service before de-duplication across Services, so the sum
/// over Services is an upper bound of the merged plan (docs/bounds.md "Cluster-wide caps").
public struct PlanCost: Hashable, Sendable {
    /// Planned virtual servers.
    public var virtualServers = 0
    /// Real servers over all planned virtual servers.
    public var realServers = 0
    /// Entries per hash set, indexed by `PlanCost.slot(set, family)`; bitmap:port sets are not counted
    /// (their range, 0-65535, already bounds them).
    public var setEntries = [Int](repeating: 0, count: PlanCost.slots)

    /// Nothing.
    public init() {}

    /// The cost of one Service's port plans.
    public init(_ plans: [PortPlan]) {
        for plan in plans { add(plan) }
    }

    static let slots = ProxyIPSet.allCases.count * 2

    /// The index of (set, family) in `setEntries`.
    static func slot(_ set: ProxyIPSet, _ family: IPFamily) -> Int { set.rawValue * 2 + (family == .v6 ? 1 : 0) }

    /// Adds one port plan. KUBE-IPVS-IPS (hash:ip) holds the bound addresses.
    public mutating func add(_ plan: PortPlan) {
        virtualServers += plan.virtualServers.count
        for vs in plan.virtualServers { realServers += vs.realServers.count }
        for member in plan.ipsetEntries where member.set.type != .bitmapPort {
            setEntries[Self.slot(member.set, member.family)] += 1
        }
        for address in plan.boundAddresses { setEntries[Self.slot(.ipvsIPs, address.family)] += 1 }
    }

    /// Component-wise sum (saturating: a sum never wraps).
    public static func + (a: PlanCost, b: PlanCost) -> PlanCost {
        var out = a
        out += b
        return out
    }

    /// Component-wise sum in place (saturating).
    public static func += (a: inout PlanCost, b: PlanCost) {
        a.virtualServers = a.virtualServers.addingSaturating(b.virtualServers)
        a.realServers = a.realServers.addingSaturating(b.realServers)
        for i in a.setEntries.indices { a.setEntries[i] = a.setEntries[i].addingSaturating(b.setEntries[i]) }
    }

    /// Component-wise difference in place (for a Service that left the totals).
    public static func -= (a: inout PlanCost, b: PlanCost) {
        a.virtualServers -= b.virtualServers
        a.realServers -= b.realServers
        for i in a.setEntries.indices { a.setEntries[i] -= b.setEntries[i] }
    }
}

extension Int {
    func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
