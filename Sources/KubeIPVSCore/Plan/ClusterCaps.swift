/// Cluster-wide caps on the planned totals, so many medium Services cannot amplify into a state the
/// kernel cannot hold (or the daemon cannot plan). When the totals would exceed a cap, the NEWEST
/// Services are refused (by `metadata.creationTimestamp`, ties by namespace/name) and the older ones
/// keep working; see docs/bounds.md "Cluster-wide caps".
public struct ClusterCaps: Hashable, Sendable {
    /// Most virtual servers in all.
    public var maxVirtualServers: Int
    /// Most real servers in all (summed over virtual servers).
    public var maxRealServers: Int
    /// Most entries in any one hash ipset (per family): the sets are created with this `maxelem`.
    public var maxSetEntries: Int

    /// Creates caps; the defaults are `ClusterCaps.default`'s.
    public init(maxVirtualServers: Int = 262_144, maxRealServers: Int = 1_048_576,
                maxSetEntries: Int = Int(ProxyIPSet.clusterIP.spec(.v4).maxElements)) {
        self.maxVirtualServers = maxVirtualServers
        self.maxRealServers = maxRealServers
        self.maxSetEntries = maxSetEntries
    }

    /// 262,144 virtual servers, 1,048,576 real servers, 65,536 entries per set (docs/bounds.md).
    public static let `default` = ClusterCaps()

    /// One Service's claim on the totals.
    public struct Claim: Sendable {
        public var service: ServiceName
        /// nil (no timestamp) reads as the oldest.
        public var created: KubeTimestamp?
        public var cost: PlanCost

        /// Creates a value from its parts.
        public init(service: ServiceName, created: KubeTimestamp?, cost: PlanCost) {
            self.service = service
            self.created = created
            self.cost = cost
        }
    }

    /// Whether `total` is within every cap.
    public func admits(_ total: PlanCost) -> Bool { exceeded(by: total) == nil }

    /// The first cap `total` is over, as text (`virtual servers (70000 with it, at most 65536 in all)`), or nil.
    public func exceeded(by total: PlanCost) -> String? {
        if total.virtualServers > maxVirtualServers {
            return "virtual servers (\(total.virtualServers) with it, at most \(maxVirtualServers) in all)"
        }
        if total.realServers > maxRealServers {
            return "real servers (\(total.realServers) with it, at most \(maxRealServers) in all)"
        }
        for family in [IPFamily.v4, .v6] {
            for set in ProxyIPSet.allCases where set.type != .bitmapPort {
                let n = total.setEntries[PlanCost.slot(set, family)]
                if n > maxSetEntries {
                    return "entries of ipset \(set.name(family)) (\(n) with it, at most \(maxSetEntries))"
                }
            }
        }
        return nil
    }

    /// The Services refused so that the rest fits: claims are taken oldest first (creationTimestamp, then
    /// namespace/name) and a claim that would push a running total over a cap is refused; a later, smaller
    /// one that still fits is admitted. Deterministic: the same claims always refuse the same Services.
    public func refused(_ claims: [Claim]) -> [ServiceName: Rejection] {
        let total = claims.reduce(into: PlanCost()) { $0 += $1.cost }
        guard !admits(total) else { return [:] }
        let ordered = claims.sorted { a, b in
            let x = a.created ?? KubeTimestamp(seconds: .min), y = b.created ?? KubeTimestamp(seconds: .min)
            return x != y ? x < y : a.service < b.service
        }
        var running = PlanCost()
        var out: [ServiceName: Rejection] = [:]
        for claim in ordered {
            let next = running + claim.cost
            if let cap = exceeded(by: next) {
                out[claim.service] = Rejection(kind: .service, object: claim.service.description, reason:
                    "cluster-wide cap reached: planning it would exceed \(cap); newer Services are refused first")
            } else {
                running = next
            }
        }
        return out
    }
}
