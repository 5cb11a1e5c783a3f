import KubeIPVSCore

/// The objects a manifest source found, and the documents it could not use.
public struct ManifestObjects: Hashable, Sendable {
    /// Services found, in file and document order.
    public var services: [KubeService]
    /// EndpointSlices found, in file and document order.
    public var endpointSlices: [KubeEndpointSlice]
    /// Nodes found, in file and document order.
    public var nodes: [KubeNode]
    /// One per document (or list item, or watch line) that failed to parse or decode.
    public var rejections: [Rejection]

    /// Creates a value from its parts.
    public init(services: [KubeService] = [], endpointSlices: [KubeEndpointSlice] = [], nodes: [KubeNode] = [],
                rejections: [Rejection] = []) {
        self.services = services
        self.endpointSlices = endpointSlices
        self.nodes = nodes
        self.rejections = rejections
    }

    /// Appends every object and rejection of `other`.
    public mutating func append(_ other: ManifestObjects) {
        services += other.services
        endpointSlices += other.endpointSlices
        nodes += other.nodes
        rejections += other.rejections
    }

    mutating func add(_ object: KubeObject) {
        switch object {
        case .service(let s): services.append(s)
        case .endpointSlice(let e): endpointSlices.append(e)
        case .node(let n): nodes.append(n)
        case .other: break
        }
    }

    mutating func reject(_ object: String, _ reason: String) {
        rejections.append(Rejection(kind: .manifest, object: object, reason: reason))
    }
}
