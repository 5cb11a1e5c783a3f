import Hummingbird
import KubeIPVSCore
import Logging
import Synchronization

/// Serves each externalTrafficPolicy Local service's healthCheckNodePort the way kube-proxy does:
/// 200 with the local endpoint count when this node has endpoints, 503 otherwise, so external load
/// balancers only send traffic to nodes that can serve it (docs/kube-proxy-ipvs.md, failure 8).
public final class HealthCheckNodePorts: Sendable {
    /// What one port reports.
    public struct Entry: Hashable, Sendable {
        public var service: ServiceName
        public var localEndpoints: Int

        public init(service: ServiceName, localEndpoints: Int) {
            self.service = service
            self.localEndpoints = localEndpoints
        }
    }

    private let entries = Mutex<[UInt16: Entry]>([:])
    private let logger: Logger
    /// kube-proxy's own health (`/healthz`): an unhealthy proxy answers 503 on every port.
    private let proxyHealthy: @Sendable () -> Bool

    public init(logger: Logger, proxyHealthy: @escaping @Sendable () -> Bool = { true }) {
        self.logger = logger
        self.proxyHealthy = proxyHealthy
    }

    /// Replaces the served state; returns the ports that must now have a listener.
    public func update(_ new: [UInt16: Entry]) { entries.withLock { $0 = new } }

    /// The ports currently wanted.
    public var ports: Set<UInt16> { entries.withLock { Set($0.keys) } }

    /// The response for `port` (also used directly by tests): kube-proxy v1.34's body byte for byte
    /// (tab-indented), 200 only with local endpoints and a healthy proxy.
    public func response(port: UInt16) -> (status: Int, body: String) {
        guard let e = entries.withLock({ $0[port] }) else { return (404, "") }
        let healthy = proxyHealthy()
        let body = "{\n\t\"service\": {\n\t\t\"namespace\": \(Self.quoted(e.service.namespace)),\n"
            + "\t\t\"name\": \(Self.quoted(e.service.name))\n\t},\n\t\"localEndpoints\": \(e.localEndpoints),\n"
            + "\t\"serviceProxyHealthy\": \(healthy)\n}"
        return (e.localEndpoints > 0 && healthy ? 200 : 503, body)
    }

    /// The headers kube-proxy sends with it (the weight header lets weighted load balancers spread
    /// by local endpoint count).
    public func headers(port: UInt16) -> [(String, String)] {
        let count = entries.withLock { $0[port]?.localEndpoints } ?? 0
        return [("Content-Type", "application/json"), ("X-Content-Type-Options", "nosniff"),
                ("X-Load-Balancing-Endpoint-Weight", "\(count)")]
    }

    /// A JSON string literal (names come from Kubernetes objects: quotes and controls are escaped).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count)
                + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    /// A listener for one port (any path answers, as kube-proxy's does).
    public func application(port: UInt16, host: String = "0.0.0.0") -> some ApplicationProtocol {
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { [self] _, _ in
            let r = response(port: port)
            var fields = HTTPFields()
            for (name, value) in headers(port: port) {
                if let field = HTTPFields.Element.Name(name) { fields[field] = value }
            }
            return Response(status: HTTPResponse.Status(code: r.status), headers: fields,
                            body: .init(byteBuffer: ByteBuffer(string: r.body)))
        }
        router.get("/", use: handler)
        router.get("**", use: handler)
        return Application(router: router, configuration: .init(address: .hostname(host, port: Int(port))),
                           logger: logger)
    }
}
