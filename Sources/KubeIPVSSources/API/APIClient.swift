import AsyncHTTPClient
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Lists and watches Kubernetes resources over HTTP(S) with AsyncHTTPClient, decoding objects as any `APIObject`.
/// Creating a client opens nothing; call `shutdown()` when done.
public final class APIClient: Sendable {
    /// Where and how to connect.
    public let configuration: ClientConfiguration
    /// The HTTP client of new requests, and what replaces it when the client certificate rotates.
    let transport: NIOLockedValueBox<Transport>
    let eventLoopGroup: any EventLoopGroup
    let created = ContinuousClock.now
    let logger: Logger
    let baseURL: String
    /// Sees every request (rest client metrics).
    let observer: APIRequestObserver?

    /// A client for `configuration`; throws `APIError(.configuration)` for unusable TLS material.
    public init(configuration: ClientConfiguration, logger: Logger,
                eventLoopGroup: any EventLoopGroup = HTTPClient.defaultEventLoopGroup,
                observer: APIRequestObserver? = nil) throws {
        self.configuration = configuration
        self.logger = logger
        self.observer = observer
        var server = configuration.server
        while server.hasSuffix("/") { server.removeLast() }
        guard let url = URL(string: server), let scheme = url.scheme, ["http", "https"].contains(scheme),
              url.host != nil else {
            throw APIError(.configuration, operation: "configure API client", url: configuration.server,
                           message: "the server must be an http:// or https:// URL")
        }
        baseURL = server
        self.eventLoopGroup = eventLoopGroup
        let https = scheme == "https"
        transport = NIOLockedValueBox(Transport(
            current: try Self.makeHTTPClient(configuration, https: https, eventLoopGroup: eventLoopGroup, logger: logger),
            configuration: configuration, reloader: https ? ClientCertificateReloader(configuration) : nil))
    }

    static func makeHTTPClient(_ configuration: ClientConfiguration, https: Bool, eventLoopGroup: any EventLoopGroup,
                               logger: Logger) throws -> HTTPClient {
        // Watches are long-lived and may be quiet: no read timeout here; lists and watches carry their own deadlines.
        let http = HTTPClient.Configuration(
            tlsConfiguration: https ? try configuration.makeTLSConfiguration() : nil,
            redirectConfiguration: .disallow, timeout: .init(connect: Self.timeAmount(configuration.connectTimeout), read: nil))
        return HTTPClient(eventLoopGroup: eventLoopGroup, configuration: http, backgroundActivityLogger: logger)
    }

    /// Closes every connection (those of clients replaced by a certificate rotation too).
    public func shutdown() async throws {
        let clients = transport.withLockedValue { [$0.current] + $0.retired }
        for client in clients { try await client.shutdown() }
    }

    /// The URL of a collection with query parameters, percent-encoded as Go's `url.Values.Encode` does.
    func url(_ resource: APIResource, namespace: String?, _ parameters: [(String, String)]) -> String {
        let query = parameters.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        return baseURL + resource.collectionPath(namespace: namespace) + (query.isEmpty ? "" : "?" + query)
    }

    private static let unreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// Sends a GET and returns the response once its head arrived (within `requestTimeout`).
    func get(_ url: String, operation: String) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        if let token = configuration.currentBearerToken() {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        do {
            return try await execute(request, requestBytes: 0)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw APIError(.timeout, operation: operation, url: url, message: "no response head in time",
                           underlying: error)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw APIError(.transport, operation: operation, url: url, underlying: error)
        }
    }

    /// The error for a non-200 response: 410 is `.gone`; the Status body's message is kept.
    func failure(_ response: HTTPClientResponse, operation: String, url: String) async -> APIError {
        let body = try? await response.body.collect(upTo: 1 << 20)
        let status = body.flatMap { try? JSONDecoder().decode(APIStatus.self, from: Data($0.readableBytesView)) }
        let code = Int(response.status.code)
        return APIError(code == 410 ? .gone : .httpStatus, operation: operation, url: url, httpStatus: code,
                        message: status?.message ?? response.status.reasonPhrase)
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// Runs `body`, failing with `APIError(.timeout)` if it takes longer than `duration`.
    func withDeadline<T: Sendable>(_ duration: Duration, operation: String, url: String,
                                   _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: duration)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw APIError(.timeout, operation: operation, url: url, message: "no complete response in \(duration)")
            }
            return value
        }
    }
}
