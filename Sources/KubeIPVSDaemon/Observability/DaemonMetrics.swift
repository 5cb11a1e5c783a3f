import KubeIPVSCore
import Prometheus

/// Every metric the daemon exports, created once with fixed labels. Names and meanings follow
/// kube-proxy's (`pkg/proxy/metrics`) where one exists; `kubeipvs_*` are ours.
public final class DaemonMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// kubeproxy_sync_proxy_rules_duration_seconds: time of one sync, any kind.
    public let syncDuration: DurationHistogram
    /// kubeproxy_sync_full_proxy_rules_duration_seconds / kubeproxy_sync_partial_proxy_rules_duration_seconds.
    public let fullSyncDuration: DurationHistogram
    public let partialSyncDuration: DurationHistogram
    /// kubeproxy_network_programming_duration_seconds: from the EndpointSlice's last-change-trigger-time
    /// annotation to the sync that programmed it (docs/metrics.md).
    public let networkProgrammingDuration: ValueHistogram
    /// kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy}: services with a Local traffic
    /// policy and no local endpoint, at the last sync.
    public let noLocalEndpointsInternal: Gauge
    public let noLocalEndpointsExternal: Gauge
    /// client-go's rest_client_* families, fed by the API client.
    public let restClient: RestClientMetrics
    let process: ProcessMetrics
    /// kubeproxy_sync_proxy_rules_last_timestamp_seconds: unix time of the last successful sync.
    public let lastSyncTimestamp: Gauge
    /// kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds: unix time a change was last queued.
    public let lastQueuedTimestamp: Gauge
    /// kubeproxy_sync_proxy_rules_service_changes_pending / _total, endpoint likewise.
    public let serviceChangesPending: Gauge
    public let serviceChangesTotal: Counter
    public let endpointChangesPending: Gauge
    public let endpointChangesTotal: Counter
    /// kubeproxy_sync_proxy_rules_iptables_restore_failures_total.
    public let iptablesRestoreFailures: Counter
    /// kubeipvs_sync_failures_total: syncs that did not fully apply.
    public let syncFailures: Counter
    /// kubeipvs_rejected_objects: objects currently refused by the planner, by kind.
    public let rejectedServices: Gauge
    public let rejectedEndpointSlices: Gauge
    public let rejectedManifests: Gauge
    /// kubeipvs_proxy_mode{mode}: 1 for the active mode, 0 for the other.
    public let modeIPVS: Gauge
    public let modeIptables: Gauge
    /// kubeipvs_ipvs_fallback: 1 when IPVS was wanted but iptables runs because IPVS is unusable.
    public let ipvsFallback: Gauge
    /// kubeipvs_virtual_servers / kubeipvs_real_servers: size of the programmed table.
    public let virtualServers: Gauge
    public let realServers: Gauge
    /// kubeipvs_real_servers_draining: TCP real servers at weight 0 waiting for connections to end.
    public let drainingRealServers: Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        let buckets: [Duration] = [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512,
                                   1.024, 2.048, 4.096, 8.192, 16.384].map { .milliseconds(Int64($0 * 1000)) }
        let r = registry
        syncDuration = r.makeDurationHistogram(name: "kubeproxy_sync_proxy_rules_duration_seconds", buckets: buckets,
                                               help: "SyncProxyRules latency in seconds")
        fullSyncDuration = r.makeDurationHistogram(name: "kubeproxy_sync_full_proxy_rules_duration_seconds",
                                                   buckets: buckets, help: "Full SyncProxyRules latency in seconds")
        partialSyncDuration = r.makeDurationHistogram(name: "kubeproxy_sync_partial_proxy_rules_duration_seconds",
                                                      buckets: buckets, help: "Partial SyncProxyRules latency in seconds")
        networkProgrammingDuration = r.makeValueHistogram(
            name: "kubeproxy_network_programming_duration_seconds", buckets: Self.networkProgrammingBuckets,
            help: "In Cluster Network Programming Latency in seconds")
        noLocalEndpointsInternal = r.makeGauge(name: "kubeproxy_sync_proxy_rules_no_local_endpoints_total",
                                               labels: [("traffic_policy", "internal")], help: Self.noLocalHelp)
        noLocalEndpointsExternal = r.makeGauge(name: "kubeproxy_sync_proxy_rules_no_local_endpoints_total",
                                               labels: [("traffic_policy", "external")], help: Self.noLocalHelp)
        restClient = RestClientMetrics(registry: r)
        process = ProcessMetrics(registry: r)
        BuildInfo.register(in: r)
        lastSyncTimestamp = r.makeGauge(name: "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
                                        help: "The last time proxy rules were successfully synced")
        lastQueuedTimestamp = r.makeGauge(name: "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds",
                                          help: "The last time a sync of proxy rules was queued")
        serviceChangesPending = r.makeGauge(name: "kubeproxy_sync_proxy_rules_service_changes_pending",
                                            help: "Pending proxy rules Service changes")
        serviceChangesTotal = r.makeCounter(name: "kubeproxy_sync_proxy_rules_service_changes_total",
                                            help: "Cumulative proxy rules Service changes")
        endpointChangesPending = r.makeGauge(name: "kubeproxy_sync_proxy_rules_endpoint_changes_pending",
                                             help: "Pending proxy rules Endpoint changes")
        endpointChangesTotal = r.makeCounter(name: "kubeproxy_sync_proxy_rules_endpoint_changes_total",
                                             help: "Cumulative proxy rules Endpoint changes")
        iptablesRestoreFailures = r.makeCounter(name: "kubeproxy_sync_proxy_rules_iptables_restore_failures_total",
                                                help: "Cumulative proxy iptables restore failures")
        syncFailures = r.makeCounter(name: "kubeipvs_sync_failures_total", help: "Syncs that did not fully apply")
        rejectedServices = r.makeGauge(name: "kubeipvs_rejected_objects", labels: [("kind", "Service")],
                                       help: "Objects currently rejected by the planner")
        rejectedEndpointSlices = r.makeGauge(name: "kubeipvs_rejected_objects", labels: [("kind", "EndpointSlice")],
                                             help: "Objects currently rejected by the planner")
        rejectedManifests = r.makeGauge(name: "kubeipvs_rejected_objects", labels: [("kind", "Manifest")],
                                        help: "Objects currently rejected by the planner")
        modeIPVS = r.makeGauge(name: "kubeipvs_proxy_mode", labels: [("mode", "ipvs")], help: "Active proxy mode")
        modeIptables = r.makeGauge(name: "kubeipvs_proxy_mode", labels: [("mode", "iptables")], help: "Active proxy mode")
        ipvsFallback = r.makeGauge(name: "kubeipvs_ipvs_fallback",
                                   help: "1 when IPVS mode was requested but the iptables fallback runs")
        virtualServers = r.makeGauge(name: "kubeipvs_virtual_servers", help: "Programmed IPVS virtual servers")
        realServers = r.makeGauge(name: "kubeipvs_real_servers", help: "Programmed IPVS real servers")
        drainingRealServers = r.makeGauge(name: "kubeipvs_real_servers_draining",
                                          help: "TCP real servers at weight 0 waiting for their connections to end")
    }

    /// Records the active mode and whether it is a fallback.
    public func setMode(_ mode: ProxyMode, fallback: Bool) {
        modeIPVS.set(to: mode == .ipvs ? 1 : 0)
        modeIptables.set(to: mode == .iptables ? 1 : 0)
        ipvsFallback.set(to: fallback ? 1 : 0)
    }

    /// kubeipvs_watch_events_oversized_total{resource}: watch event lines over the limit, each of which dropped
    /// its watch and relisted the resource (docs/bounds.md); the family appears with the first one.
    public func countOversizedWatchEvent(resource: String) {
        registry.makeCounter(name: "kubeipvs_watch_events_oversized_total", labels: [("resource", resource)],
                             help: "Watch event lines over the size limit (each dropped its watch and relisted)")
            .increment()
    }

    /// Records the current rejections by kind.
    public func setRejections(_ rejections: [Rejection]) {
        rejectedServices.set(to: Double(rejections.filter { $0.kind == .service }.count))
        rejectedEndpointSlices.set(to: Double(rejections.filter { $0.kind == .endpointSlice }.count))
        rejectedManifests.set(to: Double(rejections.filter { $0.kind == .manifest }.count))
    }

    static let noLocalHelp = "Number of services with a Local traffic policy and no endpoints"

    /// kube-proxy's: 0, 0.25 s and 0.5 s, every second to 59 s, every 5 s to 115 s, every 30 s to 5 min.
    public static let networkProgrammingBuckets: [Double] =
        [0, 0.25, 0.5] + (1...59).map(Double.init) + stride(from: 60.0, through: 115, by: 5) + stride(from: 120.0, through: 300, by: 30)

    /// Records the services with a Local policy and no local endpoint (a gauge set at each sync, as kube-proxy's).
    public func setNoLocalEndpoints(internal i: Int, external e: Int) {
        noLocalEndpointsInternal.set(to: Double(i))
        noLocalEndpointsExternal.set(to: Double(e))
    }

    /// kubeproxy_sync_proxy_rules_iptables_total{table}: rules kube-ipvs owns per table, in iptables mode only
    /// (kube-proxy registers it for its iptables proxier; the family appears with the first call).
    public func setIptablesRules(filter: Int, nat: Int) {
        let help = "Total number of iptables rules owned by kube-proxy"
        registry.makeGauge(name: "kubeproxy_sync_proxy_rules_iptables_total", labels: [("table", "filter")], help: help)
            .set(to: Double(filter))
        registry.makeGauge(name: "kubeproxy_sync_proxy_rules_iptables_total", labels: [("table", "nat")], help: help)
            .set(to: Double(nat))
    }

    /// Prometheus text exposition of every metric (process metrics read from /proc first).
    public func render() -> String {
        process.update()
        return registry.emitToString()
    }
}
