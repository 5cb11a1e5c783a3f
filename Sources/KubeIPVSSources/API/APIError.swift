/// The API client's one error type: what failed (operation, URL), how (code), and the HTTP status or
/// underlying error.
public struct APIError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: String, Sendable, Hashable {
        /// Bad or unusable client configuration (kubeconfig, certificates, URL).
        case configuration
        /// Connecting, sending or receiving failed (refused, reset, closed mid-stream, TLS).
        case transport
        /// The server answered with an error status other than 410.
        case httpStatus
        /// 410 Gone / Expired: the resourceVersion or continue token is too old; relist.
        case gone
        /// A response body could not be decoded.
        case decoding
        /// One watch event (or list item) could not be decoded; it was skipped.
        case malformedEvent
        /// The watch stream carried an ERROR event other than 410.
        case watchError
        /// The request or the watch outlived its deadline.
        case timeout
        /// A list exceeded one of its `ListLimits` (pages, body bytes, overall deadline).
        case limitExceeded
    }

    /// What kind of failure.
    public var code: Code
    /// What was being done (`list services`, `watch endpointslices.discovery.k8s.io`).
    public var operation: String
    /// The URL, when a request was involved.
    public var url: String?
    /// The HTTP status code, or the `code` of an ERROR event's Status.
    public var httpStatus: Int?
    /// Details: the Status message, the decoding error, the offending line.
    public var message: String
    /// The underlying error, if any.
    public var underlying: (any Error)?

    /// An error with these fields.
    public init(_ code: Code, operation: String, url: String? = nil, httpStatus: Int? = nil, message: String = "",
                underlying: (any Error)? = nil) {
        self.code = code
        self.operation = operation
        self.url = url
        self.httpStatus = httpStatus
        self.message = message
        self.underlying = underlying
    }

    /// Whether the client must relist (410 Gone by HTTP status or ERROR event).
    public var isGone: Bool { code == .gone }

    /// Whether the watch cache refused a read at a resourceVersion newer than it has: kube-apiserver answers 504
    /// `Too large resource version: RV, current: N` (client-go's `isTooLargeResourceVersionError`).
    public var isTooLargeResourceVersion: Bool {
        code == .httpStatus && message.contains("Too large resource version")
    }

    public var description: String {
        var text = "\(operation): \(code.rawValue)"
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        if !message.isEmpty { text += ": \(message)" }
        if let url { text += " [\(url)]" }
        if let underlying { text += " caused by: \(underlying)" }
        return text
    }
}

/// A Kubernetes `Status` object, as carried by error responses and ERROR watch events.
public struct APIStatus: Decodable, Sendable, Hashable {
    /// `Success` or `Failure`.
    public var status: String?
    /// Human-readable description.
    public var message: String?
    /// Machine-readable reason (`Expired`, `NotFound`, ...).
    public var reason: String?
    /// HTTP status code equivalent.
    public var code: Int?

    /// A status with these fields.
    public init(status: String? = nil, message: String? = nil, reason: String? = nil, code: Int? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
        self.code = code
    }
}
