import KubeIPVSCore
import Logging

/// The iptables fallback proxier: renders kube-proxy's iptables-mode rules for each snapshot and
/// applies them with one `iptables-restore --noflush` per family, writing only the service chains
/// that changed since the last successful sync (kube-proxy >= 1.26), deleting the chains no longer
/// used, and clearing UDP conntrack entries that point at removed endpoints.
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
    }

    private var renderer: IptablesModeRenderer
    private var node: NodeContext
    private let tools: [IptablesRestore]
    private let conntrack: ConntrackCleaner
    private let logger: Logger
    private var applied: [IPFamily: IptablesRuleset] = [:]
    private var needFullSync: Set<IPFamily>
    private var lastSnapshot: ProxySnapshot?

    /// - Parameters:
    ///   - families: the families to program (IPv4 then IPv6 by default).
    ///   - runner: runs the tools (`ProcessRunner.inNetworkNamespace` to work inside a namespace).
    public init(configuration: ProxyConfiguration, options: IptablesModeOptions = IptablesModeOptions(),
                node: NodeContext, backend: IptablesBackend, families: [IPFamily] = IPFamily.allFamilies,
                runner: any CommandRunning = ProcessRunner(), logger: Logger) {
        renderer = IptablesModeRenderer(configuration: configuration, options: options)
        self.node = node
        tools = families.map { IptablesRestore(backend: backend, family: $0, runner: runner) }
        conntrack = ConntrackCleaner(runner: runner)
        self.logger = logger
        needFullSync = Set(families)
    }

    /// The rulesets last applied, per family.
    public var appliedRulesets: [IPFamily: IptablesRuleset] { applied }

    /// New node facts (addresses for NodePorts): the next sync is full.
    public func setNode(_ node: NodeContext) {
        guard node != self.node else { return }
        self.node = node
        needFullSync = Set(tools.map(\.family))
    }

    /// Makes the next sync full (kube-proxy's periodic `forceSyncProxyRules`).
    public func requestFullSync() {
        needFullSync = Set(tools.map(\.family))
    }

    /// Programs `snapshot`. Throws the first family's restore failure (the other families were
    /// still attempted); that family's next sync is full.
    @discardableResult
    public func sync(_ snapshot: ProxySnapshot) async throws -> SyncReport {
        var report = SyncReport()
        var firstError: Error?
        for tool in tools {
            do {
                try await sync(snapshot, tool: tool, report: &report)
            } catch {
                needFullSync.insert(tool.family)
                logger.error("iptables restore failed", metadata: ["ip.family": "\(tool.family)", "error": "\(error)"])
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
        let families = Set(tools.map(\.family))
        let deletions = StaleConntrack.deletions(previous: lastSnapshot, current: snapshot).filter {
            families.contains(Self.family(of: $0))
        }
        lastSnapshot = snapshot
        let (_, failures) = await conntrack.delete(deletions)
        report.conntrackDeletions = deletions
        report.conntrackFailures = failures
        for failure in failures { logger.warning("conntrack cleanup failed", metadata: ["error": "\(failure)"]) }
        return report
    }

    private func sync(_ snapshot: ProxySnapshot, tool: IptablesRestore, report: inout SyncReport) async throws {
        let family = tool.family
        let ruleset = renderer.render(snapshot, node: node, family: family)
        let text: String, stale: [String], written: Int
        if let previous = applied[family], !needFullSync.contains(family) {
            let changed = ruleset.changedServices(since: previous)
            stale = ruleset.staleChains(existing: previous.serviceChainNames)
            text = ruleset.restoreText(only: changed, deleting: stale)
            written = changed.count
        } else {
            let dump = IptablesSaveDump(parsing: try await tool.save())
            stale = ruleset.staleChains(existing: dump["nat"].chains)
            text = ruleset.restoreText(deleting: stale)
                + IptablesJumpPlan.restoreText(dump: dump, family: family, declared: ruleset.chainsByTable)
            written = ruleset.services.count
            report.fullSyncs.insert(family)
        }
        try await tool.restore(text, target: "\(family) filter+nat")
        applied[family] = ruleset
        needFullSync.remove(family)
        report.servicesWritten[family] = written
        report.deletedChains[family] = stale
        logger.debug("iptables rules synced", metadata: [
            "ip.family": "\(family)", "sync.full": "\(report.fullSyncs.contains(family))",
            "sync.services": "\(written)", "sync.deletedChains": "\(stale.count)", "sync.bytes": "\(text.utf8.count)",
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
        lastSnapshot = nil
        needFullSync = Set(tools.map(\.family))
        logger.info("iptables proxy rules removed")
    }

    static func family(of deletion: ConntrackDeletion) -> IPFamily {
        switch deletion.filter {
        case .serviceIPPort(let ip, _), .serviceEndpoint(let ip, _), .nodePortEndpoint(_, let ip): ip.family
        case .nodePort(_, let family): family
        }
    }
}
