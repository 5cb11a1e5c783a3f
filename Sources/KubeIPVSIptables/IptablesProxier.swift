import KubeIPVSCore
import Logging

/// The iptables fallback proxier: renders kube-proxy's iptables-mode rules for each snapshot and
/// applies them with one `iptables-restore --noflush` per family, writing only the chains that
/// changed since the last successful sync (kube-proxy >= 1.26 writes only changed service chains;
/// we also leave unchanged top-level chains alone and skip a family with nothing to write),
/// deleting the chains no longer used, and clearing UDP conntrack entries that point at removed
/// endpoints. Rules of service ports whose inputs did not change are not rendered again
/// (``IptablesRenderCache``).
///
/// After a failed restore, a node change, or a flush seen by ``checkCanary()``, the next sync of
/// that family is full: it re-reads the tables, re-ensures the jump rules and rewrites every chain.
public actor IptablesProxier {
    /// What one sync did.
    public struct SyncReport: Sendable, Hashable {
        /// Families synced in full (others were partial).
        public var fullSyncs: Set<IPFamily> = []
        /// Service ports whose chains were written, per family.
        public var servicesWritten: [IPFamily: Int] = [:]
        /// Chains deleted, per family.
        public var deletedChains: [IPFamily: [String]] = [:]
        /// conntrack deletions that ran.
        public var conntrackDeletions: [ConntrackDeletion] = []
        /// conntrack commands that failed (best effort: the sync still succeeded).
        public var conntrackFailures: [IptablesError] = []
        /// Bytes of restore input, per family.
        public var bytesWritten: [IPFamily: Int] = [:]
        /// Time spent rendering and diffing the rules (all families).
        public var renderTime: Duration = .zero
        /// Time spent in iptables-save and iptables-restore (all families).
        public var restoreTime: Duration = .zero
        /// Time spent deleting stale conntrack entries.
        public var conntrackTime: Duration = .zero
        /// Families with nothing to write: no restore ran.
        public var skippedFamilies: Set<IPFamily> = []
        /// Top-level chains a partial sync rewrote (`nat/KUBE-SERVICES`), per family.
        public var rewrittenChains: [IPFamily: [String]] = [:]
        /// Service ports rendered again (the others came from the render cache), per family.
        public var servicesRendered: [IPFamily: Int] = [:]
    }

    var renderer: IptablesModeRenderer
    var node: NodeContext
    private let tools: [IptablesRestore]
    private let conntrack: ConntrackCleaner
    let logger: Logger
    private var applied: [IPFamily: IptablesRuleset] = [:]
    private var appliedTopLevel: [IPFamily: IptablesRuleset.TopLevelChains] = [:]
    var caches: [IPFamily: IptablesRenderCache] = [:]
    private var needFullSync: Set<IPFamily>
    /// What was last synced successfully (for stale conntrack entries).
    private var lastSnapshot: ProxySnapshot?
    /// Services changed since `lastSnapshot`; nil: any.
    private var conntrackPending: Set<ServiceName>?
    var desired = ProxySnapshot()
    /// Service port names per service in `desired` (ports and endpoints), built on demand.
    var portIndex: [ServiceName: Set<ServicePortName>]?
    /// Services whose rules iptables-restore refused, with their rejection; left out of every sync.
    var quarantined: [ServiceName: Rejection] = [:]
    /// iptables-restore runs that failed since the proxier was made (kube-proxy's
    /// `sync_proxy_rules_iptables_restore_failures_total`).
    public private(set) var restoreFailures = 0
    private let clock = ContinuousClock()

    /// - Parameters:
    ///   - families: the families to program (IPv4 then IPv6 by default).
    ///   - runner: runs the tools (`ProcessRunner.inNetworkNamespace` to work inside a namespace).
    ///   - timeout: limit per iptables-save/iptables-restore (a full restore of 10,000 services takes seconds).
    public init(configuration: ProxyConfiguration, options: IptablesModeOptions = IptablesModeOptions(),
                node: NodeContext, backend: IptablesBackend, families: [IPFamily] = IPFamily.allFamilies,
                runner: any CommandRunning = ProcessRunner(), timeout: Duration = .seconds(30), logger: Logger) {
        renderer = IptablesModeRenderer(configuration: configuration, options: options)
        self.node = node
        tools = families.map { IptablesRestore(backend: backend, family: $0, runner: runner, timeout: timeout) }
        conntrack = ConntrackCleaner(runner: runner)
        self.logger = logger
        needFullSync = Set(families)
    }

    /// The services left out because iptables-restore refused their rules, as rejections.
    public var quarantineRejections: [Rejection] { quarantined.values.sorted() }

    /// The rulesets last applied, per family.
    public var appliedRulesets: [IPFamily: IptablesRuleset] { applied }

    /// New node facts (addresses for NodePorts): the next sync is full.
    public func setNode(_ node: NodeContext) {
        guard node != self.node else { return }
        // The zone only reaches zone-hinted services, which arrive as changed: no full sync for it.
        var zoneless = node
        zoneless.zone = self.node.zone
        if zoneless != self.node { needFullSync = Set(tools.map(\.family)) }
        self.node = node
    }

    /// Makes the next sync full (kube-proxy's periodic `forceSyncProxyRules`).
    public func requestFullSync() {
        needFullSync = Set(tools.map(\.family))
    }

    /// The state the last sync asked for (after ``sync(changes:for:)``, the merged one).
    public var snapshot: ProxySnapshot { desired }

    /// Programs `snapshot`. Throws the first family's restore failure (the other families were
    /// still attempted); that family's next sync is full.
    /// - Parameter changed: when given, the only services whose ports or endpoints differ from the
    ///   snapshot of the previous call (the daemon's change tracker knows); the others are not
    ///   compared, which saves most of the work at 10,000 services. nil compares everything.
    @discardableResult
    public func sync(_ snapshot: ProxySnapshot, changed: Set<ServiceName>? = nil) async throws -> SyncReport {
        desired = snapshot
        portIndex = nil
        releaseQuarantine(changed)
        removeQuarantined()
        return try await apply(changed: changed)
    }

    /// Programs a change of some services without normalizing the others again: `update` is a
    /// snapshot built from the objects of `services` alone (their Services and every EndpointSlice
    /// of theirs); it replaces those services' ports and endpoints in the last snapshot (a service
    /// absent from `update` is deleted). Everything else stays as last synced. ``snapshot`` is the
    /// merged result; its rejections are `update`'s.
    @discardableResult
    public func sync(changes update: ProxySnapshot, for services: Set<ServiceName>) async throws -> SyncReport {
        var changed = services
        for name in update.servicePorts.keys { changed.insert(name.service) }
        for name in update.endpoints.keys { changed.insert(name.service) }
        var index = portIndex ?? Self.index(desired)
        for service in changed {
            for name in index.removeValue(forKey: service) ?? [] {
                desired.servicePorts[name] = nil
                desired.endpoints[name] = nil
            }
        }
        for (name, port) in update.servicePorts {
            desired.servicePorts[name] = port
            index[name.service, default: []].insert(name)
        }
        for (name, endpoints) in update.endpoints {
            desired.endpoints[name] = endpoints
            index[name.service, default: []].insert(name)
        }
        desired.rejections = update.rejections
        portIndex = index
        releaseQuarantine(changed)
        removeQuarantined()
        return try await apply(changed: changed)
    }

    static func index(_ snapshot: ProxySnapshot) -> [ServiceName: Set<ServicePortName>] {
        var index: [ServiceName: Set<ServicePortName>] = [:]
        for name in snapshot.servicePorts.keys { index[name.service, default: []].insert(name) }
        for name in snapshot.endpoints.keys { index[name.service, default: []].insert(name) }
        return index
    }

    private func apply(changed: Set<ServiceName>?) async throws -> SyncReport {
        if let changed {
            conntrackPending?.formUnion(changed)
        } else {
            conntrackPending = nil
        }
        var report = SyncReport()
        var firstError: Error?
        for tool in tools {
            do {
                try await sync(tool: tool, changed: changed, report: &report)
            } catch {
                restoreFailures += 1
                needFullSync.insert(tool.family)
                logger.error("iptables restore failed", metadata: ["ip.family": "\(tool.family)", "error": "\(error)"])
                // One service's rules must not hold back everyone else's: leave the offenders out, retry once.
                guard !(await quarantineOffenders(tool: tool, error: error)).isEmpty else {
                    if firstError == nil { firstError = error }
                    continue
                }
                do {
                    try await sync(tool: tool, changed: nil, report: &report)
                } catch {
                    restoreFailures += 1
                    if firstError == nil { firstError = error }
                }
            }
        }
        if let firstError { throw firstError }
        let families = Set(tools.map(\.family))
        var started = clock.now
        let deletions = StaleConntrack.deletions(previous: lastSnapshot, current: desired, services: conntrackPending)
            .filter { families.contains(Self.family(of: $0)) }
        report.renderTime += clock.now - started
        lastSnapshot = desired
        conntrackPending = []
        started = clock.now
        let (_, failures) = await conntrack.delete(deletions)
        report.conntrackTime = clock.now - started
        report.conntrackDeletions = deletions
        report.conntrackFailures = failures
        for failure in failures { logger.warning("conntrack cleanup failed", metadata: ["error": "\(failure)"]) }
        return report
    }

    private func sync(tool: IptablesRestore, changed: Set<ServiceName>?, report: inout SyncReport) async throws {
        let family = tool.family
        var started = clock.now
        var cache = caches.removeValue(forKey: family) ?? IptablesRenderCache()
        let ruleset = renderer.render(desired, node: node, family: family, cache: &cache, changed: changed)
        let candidates = cache.lastRendered.union(cache.lastRemoved)
        report.servicesRendered[family] = cache.lastRendered.count
        caches[family] = cache
        let text: String?, stale: [String], written: Int, topLevel: IptablesRuleset.TopLevelChains
        if let previous = applied[family], let previousTop = appliedTopLevel[family], !needFullSync.contains(family) {
            let changedPorts = ruleset.changedServices(since: previous, among: candidates)
            stale = ruleset.staleChains(since: previous, among: candidates)
            let partial = ruleset.partialRestore(since: previousTop, changed: changedPorts, deleting: stale)
            (text, topLevel, written) = (partial.text, partial.topLevel, changedPorts.count)
            report.rewrittenChains[family] = partial.rewrittenChains
            report.renderTime += clock.now - started
        } else {
            report.renderTime += clock.now - started
            started = clock.now
            let saved = try await tool.save()
            report.restoreTime += clock.now - started
            started = clock.now
            let dump = IptablesSaveDump(parsing: saved)
            stale = ruleset.staleChains(existing: dump["nat"].chains)
            text = ruleset.restoreText(deleting: stale, natPrelude: Self.natPrelude(ruleset, backend: tool.backend))
                + IptablesJumpPlan.restoreText(dump: dump, family: family, declared: ruleset.chainsByTable)
            (topLevel, written) = (ruleset.topLevelChains, ruleset.services.count)
            report.fullSyncs.insert(family)
            report.renderTime += clock.now - started
        }
        if let text {
            logger.trace("Restoring iptables", metadata: ["ipFamily": "\(family)", "rules": "\(text)"])
            started = clock.now
            try await tool.restore(text, target: "\(family) filter+nat")
            report.restoreTime += clock.now - started
        } else {
            report.skippedFamilies.insert(family)
        }
        report.bytesWritten[family] = text?.utf8.count ?? 0
        applied[family] = ruleset
        appliedTopLevel[family] = topLevel
        needFullSync.remove(family)
        report.servicesWritten[family] = written
        report.deletedChains[family] = stale
        logger.debug("iptables rules synced", metadata: [
            "ip.family": "\(family)", "sync.full": "\(report.fullSyncs.contains(family))",
            "sync.services": "\(written)", "sync.deletedChains": "\(stale.count)",
            "sync.bytes": "\(text?.utf8.count ?? 0)",
        ])
    }

    /// True (and the next sync made full) when a family's KUBE-PROXY-CANARY chain in mangle is
    /// gone: someone flushed the tables behind our back.
    @discardableResult
    public func checkCanary() async -> Bool {
        var flushed = false
        for tool in tools where applied[tool.family] != nil {
            let result = try? await tool.command(["-t", "mangle", "-S", IptablesChainNames.proxyCanary])
            if result?.status != 0 {
                needFullSync.insert(tool.family)
                flushed = true
            }
        }
        return flushed
    }

    /// Removes every KUBE-* chain (nat, filter, mangle) and the built-in chains' jumps into them:
    /// ours, and those an IPVS-mode proxy left. kubelet's chains (KUBE-FIREWALL,
    /// KUBE-KUBELET-CANARY, …) stay unless `includingKubeletChains`.
    public func cleanup(includingKubeletChains: Bool = false) async throws {
        for tool in tools {
            for table in ["nat", "filter", "mangle"] {
                let dump = IptablesSaveDump(parsing: try await tool.save(table: table))
                if let text = IptablesJumpPlan.cleanupText(dump: dump, table: table, family: tool.family,
                                                           includingKubelet: includingKubeletChains) {
                    try await tool.restore(text, target: "\(tool.family) \(table) cleanup")
                }
            }
        }
        applied = [:]
        appliedTopLevel = [:]
        lastSnapshot = nil
        conntrackPending = nil
        needFullSync = Set(tools.map(\.family))
        logger.info("iptables proxy rules removed")
    }
}
