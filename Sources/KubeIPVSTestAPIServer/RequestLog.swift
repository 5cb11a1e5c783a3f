import NIOConcurrencyHelpers

/// One request the test API server received.
public struct RecordedRequest: Sendable, Equatable, CustomStringConvertible {
    /// HTTP method (`GET`).
    public var method: String
    /// URL path (`/api/v1/services`).
    public var path: String
    /// Decoded query parameters.
    public var query: [String: String]

    /// Whether this is a watch (`watch=1` or `watch=true`).
    public var isWatch: Bool { query["watch"] == "1" || query["watch"] == "true" }

    /// Which read it made: watch cache, etcd, a later page, a watch (meaningful for resource paths).
    public var read: ServedRead { ServedRead(query: query) }

    /// `GET /api/v1/services?limit=500` with parameters sorted.
    public var description: String {
        let parameters = query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return parameters.isEmpty ? "\(method) \(path)" : "\(method) \(path)?\(parameters)"
    }
}

/// Every request the server received, in arrival order.
public final class RequestLog: Sendable {
    private let entries = NIOLockedValueBox<[RecordedRequest]>([])

    /// An empty log.
    public init() {}

    /// The requests so far.
    public var requests: [RecordedRequest] { entries.withLockedValue { $0 } }

    /// Requests to resource paths (not `/_test/`, `/version`, health checks).
    public var resourceRequests: [RecordedRequest] {
        requests.filter { $0.path.hasPrefix("/api/") || $0.path.hasPrefix("/apis/") }
    }

    /// The reads of the list requests (not watches) to paths containing `pathContains`, in order.
    public func listReads(pathContains: String? = nil) -> [ServedRead] {
        resourceRequests.filter { request in
            request.method == "GET" && !request.isWatch && (pathContains.map(request.path.contains) ?? true)
        }.map(\.read)
    }

    /// Forgets the requests so far.
    public func clear() { entries.withLockedValue { $0.removeAll() } }

    func record(_ request: RecordedRequest) { entries.withLockedValue { $0.append(request) } }
}
