/// What `ServiceNormalizer` made of one Service: the ports it proxies and what it refused.
/// Both can be non-empty: a bad port is refused while the service's other ports are kept.
public struct NormalizedService: Hashable, Sendable {
    /// Why a service is deliberately not proxied (not an error).
    public enum Skip: String, Hashable, Sendable {
        /// `clusterIP: None`.
        case headless
        /// `type: ExternalName` (DNS only).
        case externalName
        /// Labelled `service.kubernetes.io/service-proxy-name`: another proxy owns it.
        case otherProxy
    }

    /// The service (`namespace/name`, empty namespace read as `default`).
    public var name: ServiceName
    /// Validated ports, in spec order.
    public var ports: [ServicePort]
    /// What was refused, with reasons.
    public var rejections: [Rejection]
    /// Set when the service is skipped on purpose; `ports` is then empty.
    public var skipped: Skip?

    /// Creates a value from its parts.
    public init(name: ServiceName, ports: [ServicePort] = [], rejections: [Rejection] = [], skipped: Skip? = nil) {
        self.name = name
        self.ports = ports
        self.rejections = rejections
        self.skipped = skipped
    }
}
