import KubeIPVSSources
import Prometheus

/// client-go's rest client metrics (`k8s.io/client-go/tools/metrics`, registered by component-base's
/// restclient adapter), fed by the API client's request observer. Names, labels and buckets as
/// kube-proxy exports them (docs/metrics.md); label sets appear with the first request, as in Go.
public final class RestClientMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    /// client-go's latency buckets (seconds).
    public static let latencyBuckets: [Double] = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60]
    /// client-go's body size buckets (bytes): 64 × 4ⁿ up to 16 MiB, with 512 and 1024.
    public static let sizeBuckets: [Double] = [64, 256, 512, 1024, 4096, 16384, 65536, 262144, 1_048_576,
                                               4_194_304, 16_777_216]

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        // Unlabelled families client-go always exports.
        _ = registry.makeGauge(name: "rest_client_transport_cache_entries",
                               help: "Number of transport entries in the internal cache.")
    }

    /// Records one request (the ``APIRequestObserver`` of the daemon's API client).
    public func observe(_ r: APIRequestRecord) {
        registry.makeCounter(name: "rest_client_requests_total",
                             labels: [("code", r.code), ("host", r.host), ("method", r.method)],
                             help: "Number of HTTP requests, partitioned by status code, method, and host.")
            .increment()
        let byVerb = [("host", r.host), ("verb", r.method)]
        registry.makeValueHistogram(name: "rest_client_request_duration_seconds", labels: byVerb,
                                    buckets: Self.latencyBuckets,
                                    help: "Request latency in seconds. Broken down by verb, and host.")
            .record(Double(r.duration.components.seconds) + Double(r.duration.components.attoseconds) / 1e18)
        registry.makeValueHistogram(name: "rest_client_request_size_bytes", labels: byVerb, buckets: Self.sizeBuckets,
                                    help: "Request size in bytes. Broken down by verb and host.")
            .record(Double(r.requestBytes))
        if let bytes = r.responseBytes {
            registry.makeValueHistogram(name: "rest_client_response_size_bytes", labels: byVerb,
                                        buckets: Self.sizeBuckets,
                                        help: "Response size in bytes. Broken down by verb and host.")
                .record(Double(bytes))
        }
    }
}
