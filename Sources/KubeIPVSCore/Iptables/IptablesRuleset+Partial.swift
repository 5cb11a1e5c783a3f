extension IptablesRuleset {
    /// The rules of the chains a full sync rewrites whole (filter: every chain; nat: KUBE-SERVICES,
    /// KUBE-NODEPORTS, KUBE-POSTROUTING, KUBE-MARK-MASQ), per table and chain, in restore order.
    public struct TopLevelChains: Hashable, Sendable {
        /// filter chain → its rules.
        public var filter: [String: [String]] = [:]
        /// nat top-level chain → its rules.
        public var nat: [String: [String]] = [:]

        /// Nothing known (every chain counts as changed).
        public init() {}
    }

    /// A partial sync's restore input.
    public struct PartialRestore: Hashable, Sendable {
        /// The `iptables-restore --noflush` input; nil when nothing differs.
        public var text: String?
        /// Top-level chains rewritten, `table/chain`.
        public var rewrittenChains: [String]
        /// The top-level chains of this ruleset (what is applied once `text` is).
        public var topLevel: TopLevelChains
    }

    /// This ruleset's top-level chains.
    public var topLevelChains: TopLevelChains {
        var top = TopLevelChains()
        for chain in filterChains { top.filter[chain] = [] }
        for rule in filterRules { top.filter[Self.chain(of: rule), default: []].append(rule) }
        for chain in natChains { top.nat[chain] = [] }
        for rule in natHeadRules { top.nat[Self.chain(of: rule), default: []].append(rule) }
        for section in services {
            for rule in section.topLevelRules { top.nat[Self.chain(of: rule), default: []].append(rule) }
        }
        for rule in natTailRules { top.nat[Self.chain(of: rule), default: []].append(rule) }
        return top
    }

    /// The smallest input that turns the applied state (`previous` top-level chains, the same
    /// service chains as now except `changed`) into this ruleset: the top-level chains whose rules
    /// differ, the own chains of `changed`, and the deletion of `deleting`. Unlike kube-proxy,
    /// which rewrites KUBE-SERVICES and the filter chains on every sync, unchanged chains are left
    /// alone (a chain's declaration line flushes it). Sound because every chain belongs to one
    /// owner: a stale chain is referenced only from chains that change in the same transaction.
    public func partialRestore(since previous: TopLevelChains, changed: Set<ServicePortName>,
                               deleting: [String]) -> PartialRestore {
        let top = topLevelChains
        let filter = filterChains.filter { top.filter[$0] != previous.filter[$0] }
        let nat = natChains.filter { top.nat[$0] != previous.nat[$0] }
        let rewritten = filter.map { "filter/\($0)" } + nat.map { "nat/\($0)" }
        let sections = changed.isEmpty ? [] : services.filter { changed.contains($0.name) }
        guard !rewritten.isEmpty || !sections.isEmpty || !deleting.isEmpty else {
            return PartialRestore(text: nil, rewrittenChains: [], topLevel: top)
        }
        var lines = ["*filter"]
        lines += filter.map(Self.chainLine)
        for chain in filter { lines += top.filter[chain] ?? [] }
        lines += ["COMMIT", "*nat"]
        lines += nat.map(Self.chainLine)
        lines += sections.flatMap(\.chains).map(Self.chainLine)
        lines += deleting.map(Self.chainLine)
        for chain in nat { lines += top.nat[chain] ?? [] }
        for section in sections { lines += section.chainRules }
        lines += deleting.map { "-X \($0)" }
        lines.append("COMMIT")
        return PartialRestore(text: lines.joined(separator: "\n") + "\n", rewrittenChains: rewritten, topLevel: top)
    }

    /// Of `ports` (service ports rendered again or removed since `previous`), those whose own
    /// chains differ from `previous` or that `previous` lacks.
    public func changedServices(since previous: IptablesRuleset, among ports: Set<ServicePortName>) -> Set<ServicePortName> {
        Set(ports.filter { name in
            guard let now = section(named: name) else { return false }
            guard let before = previous.section(named: name) else { return true }
            return before.chains != now.chains || before.chainRules != now.chainRules
        })
    }

    /// Per-service chains of `previous` that this ruleset no longer uses, looking only at `ports`
    /// (every other port kept its chains); sorted.
    public func staleChains(since previous: IptablesRuleset, among ports: Set<ServicePortName>) -> [String] {
        var stale: [String] = []
        for name in ports {
            guard let before = previous.section(named: name) else { continue }
            let now = Set(section(named: name)?.chains ?? [])
            stale += before.chains.filter { !now.contains($0) }
        }
        return stale.sorted()
    }

    /// The section of `name` (binary search: sections are in ``ServicePortName`` order).
    public func section(named name: ServicePortName) -> ServiceSection? {
        var low = 0, high = services.count
        while low < high {
            let middle = (low + high) / 2
            if services[middle].name < name { low = middle + 1 } else { high = middle }
        }
        return low < services.count && services[low].name == name ? services[low] : nil
    }

    /// `KUBE-SERVICES` of `-A KUBE-SERVICES -m …`.
    static func chain(of rule: String) -> String {
        String(rule.utf8.dropFirst(3).prefix { $0 != UInt8(ascii: " ") }) ?? ""
    }
}
