import AsyncHTTPClient
import Foundation

/// One request to the API server as client-go's rest client metrics see it (the daemon exports them as
/// `rest_client_*`): method, `host:port`, status code (`<error>` when no response came), time until
/// the response head, and the body sizes.
public struct APIRequestRecord: Sendable, Hashable {
    public var method: String
    public var host: String
    public var code: String
    public var duration: Duration
    public var requestBytes: Int
    /// The response's Content-Length; nil when not announced (chunked lists and watches) or no response.
    public var responseBytes: Int?

    /// Creates a value from its parts.
    public init(method: String, host: String, code: String, duration: Duration, requestBytes: Int, responseBytes: Int?) {
        self.method = method
        self.host = host
        self.code = code
        self.duration = duration
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
    }

    /// `host:port` of `url` (the port the scheme implies when absent), as client-go's `host` label.
    public static func host(of url: String) -> String {
        guard let u = URL(string: url), let host = u.host else { return "" }
        let port = u.port ?? (u.scheme == "https" ? 443 : 80)
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// Receives every ``APIRequestRecord`` of a client (called on the request's task; keep it cheap).
public typealias APIRequestObserver = @Sendable (APIRequestRecord) -> Void

extension APIClient {
    /// Executes `request`, reporting it to the client's observer.
    func execute(_ request: HTTPClientRequest, requestBytes: Int) async throws -> HTTPClientResponse {
        let clock = ContinuousClock()
        let start = clock.now
        func report(_ code: String, _ responseBytes: Int?) {
            observer?(APIRequestRecord(method: request.method.rawValue, host: APIRequestRecord.host(of: request.url),
                                       code: code, duration: clock.now - start, requestBytes: requestBytes,
                                       responseBytes: responseBytes))
        }
        do {
            let response = try await httpClient().execute(request, timeout: Self.timeAmount(configuration.requestTimeout),
                                                          logger: logger)
            report(String(response.status.code), response.headers.first(name: "Content-Length").flatMap { Int($0) })
            // Refused credentials: the certificate may have rotated since the last look.
            if [401, 403].contains(response.status.code) { transport.withLockedValue { $0.reloader?.requestCheck() } }
            return response
        } catch {
            report("<error>", nil)
            transport.withLockedValue { $0.reloader?.requestCheck() }
            throw error
        }
    }
}
