import KubeIPVSCore
import KubeIPVSIptables
import Logging

/// The iptables fallback as a ``Proxier``: kube-proxy's iptables-mode rules, written with
/// `iptables-restore --noflush`, only the changed services' chains on partial syncs.
public actor IptablesModeProxier: Proxier {
    public nonisolated let mode = ProxyMode.iptables
    let proxier: IptablesProxier
    let cleanupAction: @Sendable () async throws -> Void
    let logger: Logger

    public init(proxier: IptablesProxier, cleanup: @escaping @Sendable () async throws -> Void, logger: Logger) {
        self.proxier = proxier
        self.cleanupAction = cleanup
        self.logger = logger
    }

    /// Passes the run-time local-traffic detector (`NodeCIDR`) to the iptables proxier.
    public func setLocalDetector(_ detector: LocalTrafficDetector) async {
        await proxier.setLocalDetector(detector)
    }

    public func sync(_ request: SyncRequest) async -> SyncOutcome {
        await proxier.setNode(request.node)
        // The first sync writes everything; a periodic one writes the changes, then verifies the
        // tables and rewrites them only if they drifted (docs/iptables-fallback.md).
        if request.changed == nil { await proxier.requestFullSync() }
        let objects = request.store.objects()
        let snapshot = ProxySnapshot.build(services: objects.services, slices: objects.slices, node: request.node)
        let checks = Self.healthChecks(snapshot)
        let failuresBefore = await proxier.restoreFailures
        var outcome: SyncOutcome
        do {
            // The hint lets the proxier render and compare only the changed services (nil: all).
            let report = try await proxier.sync(snapshot, changed: request.changed,
                                                verify: request.reconcileKernel && request.changed != nil)
            for failure in report.conntrackFailures {
                logger.warning("conntrack cleanup failed", metadata: ["error": "\(failure)"])
            }
            let counts = await proxier.appliedRulesets.values.map(\.ruleCounts)
            outcome = SyncOutcome(success: true, full: request.isFull, healthChecks: checks,
                                  noLocalEndpoints: Self.noLocalEndpoints(snapshot),
                                  iptablesRules: (counts.map(\.filter).reduce(0, +), counts.map(\.nat).reduce(0, +)))
        } catch {
            logger.error("iptables-restore failed", metadata: ["error": "\(error)"])
            outcome = SyncOutcome(success: false, full: request.isFull, errors: ["\(error)"], healthChecks: checks)
        }
        // Services whose rules iptables-restore refused are rejected like any invalid object.
        outcome.rejections = (snapshot.rejections + (await proxier.quarantineRejections)).sorted()
        outcome.restoreFailures = await proxier.restoreFailures - failuresBefore
        return outcome
    }

    public func cleanup() async throws { try await cleanupAction() }

    /// Service ports with a Local internal / external policy, endpoints elsewhere and none here (kube-proxy's
    /// iptables proxier counts ports).
    static func noLocalEndpoints(_ snapshot: ProxySnapshot) -> (internal: Int, external: Int) {
        var counts = (internal: 0, external: 0)
        for port in snapshot.servicePorts.values where port.internalPolicyLocal || port.externalPolicyLocal {
            let selection = snapshot.selection(for: port)
            guard !selection.cluster.isEmpty, selection.local.isEmpty else { continue }
            if port.internalPolicyLocal { counts.internal += 1 }
            if port.externalPolicyLocal { counts.external += 1 }
        }
        return counts
    }

    /// healthCheckNodePort → local ready endpoint count, as kube-proxy serves in every mode.
    static func healthChecks(_ snapshot: ProxySnapshot) -> [HealthCheck] {
        var byService: [ServiceName: (UInt16, Set<IPAddress>)] = [:]
        for port in snapshot.servicePorts.values {
            guard let hc = port.healthCheckNodePort else { continue }
            let local = snapshot.selection(for: port).local.map(\.address)
            byService[port.name.service, default: (hc, [])].1.formUnion(local)
        }
        return byService.map { HealthCheck(service: $0.key, nodePort: $0.value.0, localEndpoints: $0.value.1.count) }
            .sorted()
    }
}
