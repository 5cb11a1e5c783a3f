/// Everything the planners read: validated service ports, their endpoints, and what was rejected
/// on the way. Built from Kubernetes objects by the normalizers; input order never matters.
public struct ProxySnapshot: Hashable, Sendable {
    /// Proxied service ports (headless, ExternalName and foreign-proxy services are absent).
    public var servicePorts: [ServicePortName: ServicePort]
    /// Endpoints per service port, merged across the service's EndpointSlices (unsorted, may repeat).
    public var endpoints: [ServicePortName: [Endpoint]]
    /// Objects or parts of objects that were refused.
    public var rejections: [Rejection]

    public init(servicePorts: [ServicePortName: ServicePort] = [:],
                endpoints: [ServicePortName: [Endpoint]] = [:], rejections: [Rejection] = []) {
        self.servicePorts = servicePorts
        self.endpoints = endpoints
        self.rejections = rejections
    }

    /// The endpoint selection for one port.
    public func selection(for port: ServicePort) -> EndpointSelection {
        EndpointSelection(port: port, endpoints: endpoints[port.name] ?? [])
    }
}
