import Hummingbird
import KubeIPVSCore
import Logging

/// Builds the daemon's HTTP applications: healthz (kube-proxy semantics) and Prometheus metrics.
public enum StatusServers {
    /// `/healthz` (200 when healthy and the node is eligible, else 503) and `/livez` (200 when healthy,
    /// else 503), as kube-proxy's proxier health server answers them (docs/routing-decisions.md).
    public static func healthz(address: BindAddress, health: HealthState, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.get("healthz") { _, _ -> Response in
            let (ok, body) = health.healthz()
            return json(ok ? .ok : .serviceUnavailable, body, nosniff: true)
        }
        router.get("livez") { _, _ -> Response in
            let (ok, body) = health.livez()
            return json(ok ? .ok : .serviceUnavailable, body, nosniff: true)
        }
        return Application(router: router, configuration: .init(address: .hostname(address.listenHost, port: address.port)),
                           logger: logger)
    }

    /// `/metrics` (Prometheus text), `/proxyMode` (the active mode, as kube-proxy answers it), and
    /// `/configz` (the effective configuration, `{"kubeproxy.config.k8s.io": {...}}`) when given.
    public static func metrics(address: BindAddress, metrics: DaemonMetrics, mode: @escaping @Sendable () -> ProxyMode,
                               configz: String? = nil, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            text(.ok, metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("proxyMode") { _, _ -> Response in text(.ok, mode().rawValue, contentType: "text/plain") }
        if let configz { router.get("configz") { _, _ -> Response in json(.ok, configz) } }
        return Application(router: router, configuration: .init(address: .hostname(address.listenHost, port: address.port)),
                           logger: logger)
    }

    static func json(_ status: HTTPResponse.Status, _ body: String, nosniff: Bool = false) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if nosniff { headers[HTTPFields.Element.Name("X-Content-Type-Options")!] = "nosniff" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func text(_ status: HTTPResponse.Status, _ body: String, contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
