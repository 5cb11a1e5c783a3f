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

    public init(logger: Logger) { self.logger = logger }

    /// Replaces the served state; returns the ports that must now have a listener.
    public func update(_ new: [UInt16: Entry]) { entries.withLock { $0 = new } }

    /// The ports currently wanted.
    public var ports: Set<UInt16> { entries.withLock { Set($0.keys) } }

    /// The response for `port` (also used directly by tests).
    public func response(port: UInt16) -> (status: Int, body: String) {
        guard let e = entries.withLock({ $0[port] }) else { return (404, "") }
        let body = "{\"service\": {\"namespace\": \"\(e.service.namespace)\",\"name\": \"\(e.service.name)\"}"
            + ",\"localEndpoints\": \(e.localEndpoints),\"serviceProxyHealthy\": true}"
        return (e.localEndpoints > 0 ? 200 : 503, body)
    }

    /// A listener for one port (any path answers, as kube-proxy's does).
    public func application(port: UInt16, host: String = "0.0.0.0") -> some ApplicationProtocol {
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { [self] _, _ in
            let r = response(port: port)
            return StatusServers.json(HTTPResponse.Status(code: r.status), r.body)
        }
        router.get("/", use: handler)
        router.get("**", use: handler)
        return Application(router: router, configuration: .init(address: .hostname(host, port: Int(port))),
                           logger: logger)
    }
}
