/// Any Kubernetes object, routed by `kind`: the three kinds a proxy reads, or something else
/// (Namespace, Deployment, ...) that callers ignore.
public enum KubeObject: Decodable, Hashable, Sendable {
    case service(KubeService)
    case endpointSlice(KubeEndpointSlice)
    case node(KubeNode)
    /// Another kind; only its header is kept.
    case other(kind: String)

    /// Decodes by the object's own `kind`, or `defaultKind` when it has none (items of a typed list).
    public init(from decoder: any Decoder, defaultKind: String?) throws {
        let header = try KubeObjectHeader(from: decoder)
        switch header.kind ?? defaultKind ?? "" {
        case "Service": self = .service(try KubeService(from: decoder))
        case "EndpointSlice": self = .endpointSlice(try KubeEndpointSlice(from: decoder))
        case "Node": self = .node(try KubeNode(from: decoder))
        case let kind: self = .other(kind: kind)
        }
    }

    /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, defaultKind: nil)
    }

    /// The object's kind.
    public var kind: String {
        switch self {
        case .service: "Service"
        case .endpointSlice: "EndpointSlice"
        case .node: "Node"
        case .other(let kind): kind
        }
    }

    /// `namespace/name` for the kinds a proxy reads; nil for others.
    public var metadata: KubeObjectMeta? {
        switch self {
        case .service(let s): s.metadata
        case .endpointSlice(let e): e.metadata
        case .node(let n): n.metadata
        case .other: nil
        }
    }
}
