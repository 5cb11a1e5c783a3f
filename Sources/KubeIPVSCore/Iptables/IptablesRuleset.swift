/// The complete kube-proxy iptables-mode ruleset of one IP family, as the lines
/// `iptables-restore --noflush` reads, grouped so that a sync can leave out the per-service chains
/// that did not change (kube-proxy >= 1.26 partial syncs).
///
/// Line order is kube-proxy's: `*filter` (chain lines, rules) then `*nat` (top-level chain lines,
/// per-service chain lines, stale chain lines; POSTROUTING/MARK-MASQ rules; per service its
/// KUBE-SERVICES/KUBE-NODEPORTS jumps then its own chains' rules; `-X` of stale chains; the
/// final KUBE-NODEPORTS jump of KUBE-SERVICES).
public struct IptablesRuleset: Hashable, Sendable {
    /// What one service port contributes to the nat table.
    public struct ServiceSection: Hashable, Sendable {
        /// The service port this section belongs to.
        public var name: ServicePortName
        /// Rules appended to top-level chains (KUBE-SERVICES, KUBE-NODEPORTS); always written.
        public var topLevelRules: [String]
        /// The port's own chains (EXT, FW, SVC, SVL, SEP…), in declaration order.
        public var chains: [String]
        /// Rules of those chains; written only when the port is part of the sync.
        public var chainRules: [String]

        /// A section; the renderer fills it.
        public init(name: ServicePortName, topLevelRules: [String] = [], chains: [String] = [], chainRules: [String] = []) {
            self.name = name
            self.topLevelRules = topLevelRules
            self.chains = chains
            self.chainRules = chainRules
        }
    }

    /// IPv4 (`iptables-restore`) or IPv6 (`ip6tables-restore`).
    public var family: IPFamily
    /// Filter chains written in full on every sync.
    public var filterChains: [String]
    /// Filter rules, written in full on every sync.
    public var filterRules: [String]
    /// Top-level nat chains written in full on every sync.
    public var natChains: [String]
    /// KUBE-POSTROUTING and KUBE-MARK-MASQ rules.
    public var natHeadRules: [String]
    /// Service ports in a stable order (by ``ServicePortName``).
    public var services: [ServiceSection]
    /// The KUBE-SERVICES → KUBE-NODEPORTS jump(s), which must stay last.
    public var natTailRules: [String]

    /// A ruleset; the renderer fills it.
    public init(family: IPFamily, filterChains: [String] = [], filterRules: [String] = [], natChains: [String] = [],
                natHeadRules: [String] = [], services: [ServiceSection] = [], natTailRules: [String] = []) {
        self.family = family
        self.filterChains = filterChains
        self.filterRules = filterRules
        self.natChains = natChains
        self.natHeadRules = natHeadRules
        self.services = services
        self.natTailRules = natTailRules
    }

    /// Every per-service nat chain this ruleset uses (upstream's `activeNATChains`).
    public var serviceChainNames: Set<String> {
        Set(services.flatMap(\.chains))
    }

    /// Every chain, per table, this ruleset declares when written in full.
    public var chainsByTable: [String: [String]] {
        ["filter": filterChains, "nat": natChains + services.flatMap(\.chains)]
    }

    /// Per-service chains in `existing` (chain names of the nat table) that this ruleset no
    /// longer uses, sorted; chains that are not per-service chains are never reported.
    public func staleChains<S: Sequence<String>>(existing: S) -> [String] {
        let active = serviceChainNames
        return Set(existing.filter { IptablesChainNames.isServiceChain($0) && !active.contains($0) }).sorted()
    }

    /// Service ports whose own chains differ from `previous` (or that `previous` lacks); all
    /// ports when there is no previous ruleset.
    public func changedServices(since previous: IptablesRuleset?) -> Set<ServicePortName> {
        guard let previous else { return Set(services.map(\.name)) }
        var old: [ServicePortName: ServiceSection] = [:]
        for section in previous.services { old[section.name] = section }
        return Set(services.filter { section in
            guard let before = old[section.name] else { return true }
            return before.chains != section.chains || before.chainRules != section.chainRules
        }.map(\.name))
    }

    /// The `iptables-restore --noflush` input.
    /// - Parameters:
    ///   - only: service ports whose own chains are written; nil writes every one (full sync).
    ///   - deleting: stale chains to flush and delete (`-X`) in the nat table.
    ///   - natPrelude: commands written first in the nat table (the nft backend's `-Z`, see the proxier).
    public func restoreText(only: Set<ServicePortName>? = nil, deleting: [String] = [], natPrelude: [String] = []) -> String {
        var lines = ["*filter"]
        lines += filterChains.map(Self.chainLine)
        lines += filterRules
        lines.append("COMMIT")
        lines.append("*nat")
        lines += natPrelude
        lines += natChains.map(Self.chainLine)
        let written = services.filter { only?.contains($0.name) ?? true }
        lines += written.flatMap(\.chains).map(Self.chainLine)
        lines += deleting.map(Self.chainLine)
        lines += natHeadRules
        for section in services {
            lines += section.topLevelRules
            if only?.contains(section.name) ?? true { lines += section.chainRules }
        }
        lines += deleting.map { "-X \($0)" }
        lines += natTailRules
        lines.append("COMMIT")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `:CHAIN - [0:0]`: declares (and flushes) a chain in restore input.
    public static func chainLine(_ chain: String) -> String { ":\(chain) - [0:0]" }
}
