import KubeIPVSCore

/// One sync's input: the current objects, which services changed (nil: all of them, nothing to be
/// incremental from), whether the kernel is to be re-read and repaired, the node facts, and the
/// monotonic time.
public struct SyncRequest: Sendable {
    public var store: ObjectStore
    public var changed: Set<ServiceName>?
    /// A periodic full reconcile (the running mode's `syncPeriod`): re-read the kernel and repair
    /// drift, even though only `changed` need re-planning (in iptables mode: verify, write only on
    /// drift; docs/iptables-fallback.md).
    public var reconcileKernel: Bool
    public var node: NodeContext
    public var now: Duration

    public init(store: ObjectStore, changed: Set<ServiceName>?, reconcileKernel: Bool = false,
                node: NodeContext, now: Duration) {
        self.store = store
        self.changed = changed
        self.reconcileKernel = reconcileKernel
        self.node = node
        self.now = now
    }

    /// Everything is compared against the kernel (first sync, or a periodic full reconcile).
    public var isFull: Bool { changed == nil || reconcileKernel }
}

/// What a sync did.
public struct SyncOutcome: Sendable {
    /// Everything applied; false schedules a retry (with backoff) and a full resync.
    public var success: Bool
    public var full: Bool
    /// Each failed kernel operation or rule restore, already logged.
    public var errors: [String]
    /// All objects currently refused.
    public var rejections: [Rejection]
    /// Something still needs attention soon (draining real servers): sync again shortly.
    public var wantsFollowUp: Bool
    /// Size of the programmed state (virtual servers, real servers; 0 in iptables mode).
    public var virtualServers: Int
    public var realServers: Int
    public var draining: Int
    /// Health-check node ports to serve: port → (service, local endpoints).
    public var healthChecks: [HealthCheck]
    /// iptables-restore runs that failed during this sync (retries after a quarantine included).
    public var restoreFailures: Int = 0
    /// Services with a Local internal / external traffic policy and no local endpoint (kube-proxy's
    /// kubeproxy_sync_proxy_rules_no_local_endpoints_total); nil when the proxier does not count them.
    public var noLocalEndpoints: (internal: Int, external: Int)?
    /// Rules kube-ipvs owns per table in iptables mode (kubeproxy_sync_proxy_rules_iptables_total); nil otherwise.
    public var iptablesRules: (filter: Int, nat: Int)?

    public init(success: Bool, full: Bool, errors: [String] = [], rejections: [Rejection] = [],
                wantsFollowUp: Bool = false, virtualServers: Int = 0, realServers: Int = 0, draining: Int = 0,
                healthChecks: [HealthCheck] = [], noLocalEndpoints: (internal: Int, external: Int)? = nil,
                iptablesRules: (filter: Int, nat: Int)? = nil) {
        self.success = success
        self.full = full
        self.errors = errors
        self.rejections = rejections
        self.wantsFollowUp = wantsFollowUp
        self.virtualServers = virtualServers
        self.realServers = realServers
        self.draining = draining
        self.healthChecks = healthChecks
        self.noLocalEndpoints = noLocalEndpoints
        self.iptablesRules = iptablesRules
    }
}

/// A data-plane backend: IPVS, or the iptables fallback.
public protocol Proxier: Actor {
    var mode: ProxyMode { get }
    /// Brings the kernel to the state the objects describe (only the changed services unless full).
    func sync(_ request: SyncRequest) async -> SyncOutcome
    /// Removes everything this mode owns (`--cleanup`, or switching modes).
    func cleanup() async throws
    /// Takes the local-traffic detector the daemon resolved at run time (`NodeCIDR`: the Node's pod
    /// CIDRs, docs/local-traffic-detection.md); the rules that use it are rewritten by the next sync.
    func setLocalDetector(_ detector: LocalTrafficDetector) async
}
