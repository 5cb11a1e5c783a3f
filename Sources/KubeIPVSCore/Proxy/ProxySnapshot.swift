/// Everything the planners read: validated service ports, their endpoints, and what was rejected
/// on the way. Built from Kubernetes objects by the normalizers; input order never matters.
public struct ProxySnapshot: Hashable, Sendable {
    /// Proxied service ports (headless, ExternalName and foreign-proxy services are absent).
    public var servicePorts: [ServicePortName: ServicePort]
    /// Endpoints per service port, merged across the service's EndpointSlices (unsorted, may repeat).
    public var endpoints: [ServicePortName: [Endpoint]]
    /// Objects or parts of objects that were refused.
    public var rejections: [Rejection]
    /// Each planned Service's `metadata.creationTimestamp` (absent: read as the oldest), which decides
    /// who is refused first when a cluster-wide cap is reached (`ClusterCaps`).
    public var creationTimestamps: [ServiceName: KubeTimestamp]

    public init(servicePorts: [ServicePortName: ServicePort] = [:],
                endpoints: [ServicePortName: [Endpoint]] = [:], rejections: [Rejection] = [],
                creationTimestamps: [ServiceName: KubeTimestamp] = [:]) {
        self.servicePorts = servicePorts
        self.endpoints = endpoints
        self.rejections = rejections
        self.creationTimestamps = creationTimestamps
    }

    /// The endpoint selection for one port.
    public func selection(for port: ServicePort) -> EndpointSelection {
        EndpointSelection(port: port, endpoints: endpoints[port.name] ?? [])
    }
}
