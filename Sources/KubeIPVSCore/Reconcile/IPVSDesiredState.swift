/// The IPVS mode's desired kernel state, kept up to date one service at a time so a sync after a
/// single EndpointSlice change costs O(that service), not O(cluster). Pure value type.
///
/// Contributions of every service port are reference-counted (two ports may share an address,
/// a set member or, in conflict, a virtual server); what changed since the last `takeDirty()` is
/// recorded so the daemon diffs and applies only that.
public struct IPVSDesiredState: Sendable {
    /// What changed since the last `takeDirty()`.
    public struct Dirty: Sendable, Equatable {
        public var virtualServers: Set<VirtualServerKey> = []
        public var addresses: Set<IPAddress> = []
        /// Set name → entries whose membership may have changed.
        public var entries: [String: Set<IPSetEntry>] = [:]
        public var companionRules = false

        public var isEmpty: Bool {
            virtualServers.isEmpty && addresses.isEmpty && entries.isEmpty && !companionRules
        }
    }

    /// The winning virtual server per key (the first claimant in `PlannedVirtualServer` order).
    public private(set) var table: IPVSTableState = [:]
    public private(set) var portPlans: [ServicePortName: PortPlan] = [:]
    private var portsByService: [ServiceName: [ServicePortName]] = [:]
    private var claims: [VirtualServerKey: [PlannedVirtualServer]] = [:]
    private var addressRefs: [IPAddress: Int] = [:]
    private var entryRefs: [String: [IPSetEntry: Int]] = [:]
    private var blockedRefs: [VirtualServerKey: Int] = [:]
    /// Keys claimed by more than one service port (their losers are rejected).
    private var contested: Set<VirtualServerKey> = []
    /// Ports whose plan has a health-check node port.
    private var healthChecked: Set<ServicePortName> = []
    /// Ports with a Local policy and endpoints on other nodes only (internal, external traffic).
    private var noLocalInternal: Set<ServicePortName> = []
    private var noLocalExternal: Set<ServicePortName> = []
    private var dirty = Dirty()

    public init() {}

    /// Replaces everything a service contributed with `plans` (empty when the service is gone). A port
    /// planned before and now contributes only the difference (one endpoint moved: two set members,
    /// one virtual server), so a sync after a small change costs that change.
    public mutating func replace(service: ServiceName, with plans: [PortPlan]) {
        var previous: [ServicePortName: PortPlan] = [:]
        for name in portsByService[service] ?? [] {
            previous[name] = portPlans.removeValue(forKey: name)
            healthChecked.remove(name)
            noLocalInternal.remove(name)
            noLocalExternal.remove(name)
        }
        portsByService[service] = plans.isEmpty ? nil : plans.map(\.servicePort)
        for plan in plans {
            portPlans[plan.servicePort] = plan
            if plan.healthCheckNodePort != nil { healthChecked.insert(plan.servicePort) }
            if plan.internalNoLocalEndpoints { noLocalInternal.insert(plan.servicePort) }
            if plan.externalNoLocalEndpoints { noLocalExternal.insert(plan.servicePort) }
            if let old = previous.removeValue(forKey: plan.servicePort) {
                update(from: old, to: plan)
            } else {
                contribute(plan, sign: 1)
            }
        }
        for old in previous.values { contribute(old, sign: -1) }
    }

    /// Returns and clears what changed.
    public mutating func takeDirty() -> Dirty {
        defer { dirty = Dirty() }
        return dirty
    }

    /// Addresses to bind on the dummy interface.
    public var boundAddresses: Set<IPAddress> { Set(addressRefs.keys) }

    /// Whether `address` is to be bound on the dummy interface (O(1), unlike ``boundAddresses``).
    public func binds(_ address: IPAddress) -> Bool { addressRefs[address] != nil }

    /// Whether any address of `family` is to be bound on the dummy interface.
    public func bindsAny(_ family: IPFamily) -> Bool { addressRefs.keys.contains { $0.family == family } }

    /// Whether the planned set `name` holds `entry` (O(1), unlike ``ipsets()``).
    public func contains(_ entry: IPSetEntry, inSet name: String) -> Bool { entryRefs[name]?[entry] != nil }

    /// Every planned set with its full membership (every known set, even empty).
    public func ipsets() -> [String: IPSetState] {
        var out: [String: IPSetState] = [:]
        for family in [IPFamily.v4, .v6] {
            for set in ProxyIPSet.allCases {
                let spec = set.spec(family)
                out[spec.name] = IPSetState(spec: spec, entries: Set(entryRefs[spec.name].map { Array($0.keys) } ?? []))
            }
        }
        return out
    }

    /// The companion iptables-restore text for one family, from the current state.
    public func companionRules(_ family: IPFamily, config: ProxyConfiguration) -> String {
        let nonEmpty = Set(ProxyIPSet.allCases.filter { entryRefs[$0.name(family)]?.isEmpty == false })
        let blocked = blockedRefs.keys.filter { $0.address.family == family }.sorted()
        return IPVSCompanionRules.render(family: family, nonEmpty: nonEmpty, nodeAccessBlocked: blocked, config: config)
    }

    /// Services (not ports: kube-proxy's IPVS proxier counts service names) with a Local internal or
    /// external traffic policy, endpoints on other nodes and none on this one.
    public func servicesWithoutLocalEndpoints() -> (internal: Int, external: Int) {
        (Set(noLocalInternal.map(\.service)).count, Set(noLocalExternal.map(\.service)).count)
    }

    /// Health-check node ports and this node's ready endpoint count per service.
    public func healthChecks() -> [HealthCheck] {
        var byService: [ServiceName: (UInt16, Set<IPAddress>)] = [:]
        for name in healthChecked {
            guard let plan = portPlans[name], let port = plan.healthCheckNodePort else { continue }
            byService[plan.servicePort.service, default: (port, [])].1.formUnion(plan.localReadyAddresses)
        }
        return byService.map { HealthCheck(service: $0.key, nodePort: $0.value.0, localEndpoints: $0.value.1.count) }
            .sorted()
    }

    /// The claim that won `key` (the service port whose plan the table entry comes from), or nil
    /// when nothing plans it.
    public func owner(of key: VirtualServerKey) -> PlannedVirtualServer? { claims[key]?.min() }

    /// Conflicting claims: virtual servers wanted by more than one service port (the loser is rejected).
    public func conflicts() -> [Rejection] {
        contested.compactMap { claims[$0] }.flatMap { list -> [Rejection] in
            let sorted = list.sorted(), kept = sorted[0]
            return sorted.dropFirst().map { vs in
                Rejection(kind: .service, object: vs.servicePort.service.description, reason:
                    "virtual server \(vs.key) (\(vs.role) of \(vs.servicePort)) is already planned as "
                    + "\(kept.role) of \(kept.servicePort)")
            }
        }.sorted()
    }

    private mutating func contribute(_ plan: PortPlan, sign: Int) {
        for vs in plan.virtualServers { claim(vs, sign: sign) }
        for address in plan.boundAddresses { bind(address, sign) }
        for member in plan.ipsetEntries { countEntry(member, sign) }
        for key in plan.nodeAccessBlocked { block(key, sign) }
    }

    /// Contributes what differs between two plans of one service port (each list is sorted, unique).
    private mutating func update(from old: PortPlan, to new: PortPlan) {
        guard old != new else { return }
        walkSorted(old.virtualServers, new.virtualServers, onlyOld: { claim($0, sign: -1) },
                   onlyNew: { claim($0, sign: 1) }, inBoth: { if $0 != $1 { reclaim($0, with: $1) } })
        walkSorted(old.boundAddresses, new.boundAddresses, onlyOld: { bind($0, -1) }, onlyNew: { bind($0, 1) })
        walkSorted(old.ipsetEntries, new.ipsetEntries, onlyOld: { countEntry($0, -1) }, onlyNew: { countEntry($0, 1) })
        walkSorted(old.nodeAccessBlocked, new.nodeAccessBlocked, onlyOld: { block($0, -1) }, onlyNew: { block($0, 1) })
    }

    private mutating func bind(_ address: IPAddress, _ sign: Int) {
        guard count(&addressRefs, address, sign) else { return }
        dirty.addresses.insert(address)
        countEntry(IPSetMember(set: .ipvsIPs, family: address.family, entry: .ip(address)), sign)
    }

    private mutating func block(_ key: VirtualServerKey, _ sign: Int) {
        if count(&blockedRefs, key, sign) { dirty.companionRules = true }
    }

    private mutating func claim(_ vs: PlannedVirtualServer, sign: Int) {
        var list = claims.removeValue(forKey: vs.key) ?? []
        if sign > 0 { list.append(vs) } else if let i = list.firstIndex(of: vs) { list.remove(at: i) }
        settle(vs.key, list)
    }

    /// The same claim with new settings or real servers.
    private mutating func reclaim(_ old: PlannedVirtualServer, with new: PlannedVirtualServer) {
        var list = claims.removeValue(forKey: new.key) ?? []
        if let i = list.firstIndex(of: old) { list[i] = new } else { list.append(new) }
        settle(new.key, list)
    }

    /// Stores the claims on `key` and its winner in the table.
    private mutating func settle(_ key: VirtualServerKey, _ list: [PlannedVirtualServer]) {
        if list.isEmpty { claims[key] = nil } else { claims[key] = list }
        if list.count > 1 { contested.insert(key) } else { contested.remove(key) }
        dirty.virtualServers.insert(key)
        if let winner = list.min() {
            table[key] = IPVSServiceState(server: winner.server, realServers: winner.realServers)
        } else {
            table[key] = nil
        }
    }

    private mutating func countEntry(_ member: IPSetMember, _ sign: Int) {
        let name = member.set.name(member.family)
        // Moved out, counted, moved back: mutating it through the outer subscript copied the whole set
        // per member (seen in a profile), which made a full plan O(n²) in set size.
        var refs = entryRefs.removeValue(forKey: name) ?? [:]
        let wasEmpty = refs.isEmpty
        if count(&refs, member.entry, sign) { dirty.entries[name, default: []].insert(member.entry) }
        let isEmpty = refs.isEmpty
        if !isEmpty { entryRefs[name] = refs }
        if wasEmpty != isEmpty { dirty.companionRules = true }
    }

    /// Adjusts a reference count; true when the key appeared or disappeared.
    private func count<K: Hashable>(_ refs: inout [K: Int], _ key: K, _ sign: Int) -> Bool {
        let n = (refs[key] ?? 0) + sign
        refs[key] = n > 0 ? n : nil
        return (sign > 0 && n == 1) || (sign < 0 && n == 0)
    }
}
