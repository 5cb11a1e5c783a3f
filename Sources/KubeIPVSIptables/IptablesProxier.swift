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
/// A periodic sync (`verify`) reads the tables back and writes everything only if they drifted
/// (docs/iptables-fallback.md): at rest nothing is written and packet counters keep counting.
public actor IptablesProxier {
    var renderer: IptablesModeRenderer
    var node: NodeContext
    let tools: [IptablesRestore]
    private let conntrack: ConntrackCleaner
    let logger: Logger
    private var applied: [IPFamily: IptablesRuleset] = [:]
    private var appliedTopLevel: [IPFamily: IptablesRuleset.TopLevelChains] = [:]
    var caches: [IPFamily: IptablesRenderCache] = [:]
    var needFullSync: Set<IPFamily>
    /// Per family, what the periodic verification has proven the kernel holds.
    var driftChecks: [IPFamily: IptablesDriftCheck] = [:]
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
    /// iptables-restore runs started by syncs since the proxier was made (cleanup and quarantine
    /// probes excluded): none while nothing changes and nothing drifts.
    public internal(set) var restores = 0
    let clock = ContinuousClock()

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
    /// - Parameter verify: a periodic sync: after writing the changes, read the tables back and
    ///   compare them with the whole applied ruleset; write everything only if they drifted.
    @discardableResult
    public func sync(_ snapshot: ProxySnapshot, changed: Set<ServiceName>? = nil,
                     verify: Bool = false) async throws -> SyncReport {
        desired = snapshot
        portIndex = nil
        releaseQuarantine(changed)
        removeQuarantined()
        return try await apply(changed: changed, verify: verify)
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
        return try await apply(changed: changed, verify: false)
    }

    static func index(_ snapshot: ProxySnapshot) -> [ServiceName: Set<ServicePortName>] {
        var index: [ServiceName: Set<ServicePortName>] = [:]
        for name in snapshot.servicePorts.keys { index[name.service, default: []].insert(name) }
        for name in snapshot.endpoints.keys { index[name.service, default: []].insert(name) }
        return index
    }

    private func apply(changed: Set<ServiceName>?, verify: Bool) async throws -> SyncReport {
        if let changed {
            conntrackPending?.formUnion(changed)
        } else {
            conntrackPending = nil
        }
        var report = SyncReport()
        var firstError: Error?
        for tool in tools {
            do {
                try await sync(tool: tool, changed: changed, verify: verify, report: &report)
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
                    try await sync(tool: tool, changed: nil, verify: false, report: &report)
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

    private func sync(tool: IptablesRestore, changed: Set<ServiceName>?, verify: Bool,
                      report: inout SyncReport) async throws {
        let family = tool.family
        let started = clock.now
        var cache = caches.removeValue(forKey: family) ?? IptablesRenderCache()
        let ruleset = renderer.render(desired, node: node, family: family, cache: &cache, changed: changed)
        let candidates = cache.lastRendered.union(cache.lastRemoved)
        report.servicesRendered[family] = cache.lastRendered.count
        caches[family] = cache
        var written: Written
        if let previous = applied[family], let previousTop = appliedTopLevel[family], !needFullSync.contains(family) {
            let changedPorts = ruleset.changedServices(since: previous, among: candidates)
            let stale = ruleset.staleChains(since: previous, among: candidates)
            let partial = ruleset.partialRestore(since: previousTop, changed: changedPorts, deleting: stale)
            written = Written(text: partial.text, stale: stale, services: changedPorts.count, topLevel: partial.topLevel)
            report.rewrittenChains[family] = partial.rewrittenChains
            report.renderTime += clock.now - started
            try await restore(written.text, tool: tool, report: &report)
            if verify, let repaired = try await verified(ruleset, tool: tool, report: &report) { written = repaired }
        } else {
            report.renderTime += clock.now - started
            written = try await full(ruleset, tool: tool, dump: nil, report: &report)
        }
        report.bytesWritten[family, default: 0] += written.text?.utf8.count ?? 0
        if report.bytesWritten[family] == 0 { report.skippedFamilies.insert(family) }
        applied[family] = ruleset
        appliedTopLevel[family] = written.topLevel
        needFullSync.remove(family)
        report.servicesWritten[family] = written.services
        report.deletedChains[family] = written.stale
        logger.debug("iptables rules synced", metadata: [
            "ip.family": "\(family)", "sync.full": "\(report.fullSyncs.contains(family))",
            "sync.services": "\(written.services)", "sync.deletedChains": "\(written.stale.count)",
            "sync.bytes": "\(report.bytesWritten[family] ?? 0)",
        ])
    }

    /// A full sync of `ruleset`: every chain written, stale chains deleted, jumps re-ensured, from
    /// the tables in `dump` (read when nil).
    func full(_ ruleset: IptablesRuleset, tool: IptablesRestore, dump: IptablesSaveDump?,
              report: inout SyncReport) async throws -> Written {
        var started = clock.now
        var current = dump
        if current == nil { current = IptablesSaveDump(parsing: try await tool.save()) }
        let dump = current ?? IptablesSaveDump()
        report.restoreTime += clock.now - started
        started = clock.now
        let stale = ruleset.staleChains(existing: dump["nat"].chains)
        let text = ruleset.restoreText(deleting: stale, natPrelude: Self.natPrelude(ruleset, backend: tool.backend))
            + IptablesJumpPlan.restoreText(dump: dump, family: tool.family, declared: ruleset.chainsByTable)
        report.fullSyncs.insert(tool.family)
        report.renderTime += clock.now - started
        try await restore(text, tool: tool, report: &report)
        return Written(text: text, stale: stale, services: ruleset.services.count, topLevel: ruleset.topLevelChains)
    }

    /// Runs one restore of `text` (nothing when nil), timed and counted.
    func restore(_ text: String?, tool: IptablesRestore, report: inout SyncReport) async throws {
        guard let text else { return }
        logger.trace("Restoring iptables", metadata: ["ipFamily": "\(tool.family)", "rules": "\(text)"])
        let started = clock.now
        restores += 1
        report.restores += 1
        try await tool.restore(text, target: "\(tool.family) filter+nat")
        report.restoreTime += clock.now - started
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
                for text in IptablesJumpPlan.cleanupBatches(dump: dump, table: table, family: tool.family,
                                                            includingKubelet: includingKubeletChains) {
                    try await tool.restore(text, target: "\(tool.family) \(table) cleanup")
                }
            }
        }
        applied = [:]
        appliedTopLevel = [:]
        driftChecks = [:]
        lastSnapshot = nil
        conntrackPending = nil
        needFullSync = Set(tools.map(\.family))
        logger.info("iptables proxy rules removed")
    }
}
