/// A Kubernetes resource as addressed in URLs: group, version and plural name.
public struct APIResource: Sendable, Hashable, CustomStringConvertible {
    /// API group; empty for the core group.
    public var group: String
    /// API version (`v1`).
    public var version: String
    /// Plural name (`services`).
    public var plural: String
    /// Whether objects live in namespaces.
    public var namespaced: Bool

    /// A resource descriptor.
    public init(group: String, version: String, plural: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.namespaced = namespaced
    }

    /// The collection path: `/api/v1/services`, `/apis/discovery.k8s.io/v1/namespaces/demo/endpointslices`.
    public func collectionPath(namespace: String? = nil) -> String {
        let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if let namespace, namespaced { return "\(prefix)/namespaces/\(namespace)/\(plural)" }
        return "\(prefix)/\(plural)"
    }

    /// `services`, `endpointslices.discovery.k8s.io`.
    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// Core v1 Services.
    public static let services = APIResource(group: "", version: "v1", plural: "services", namespaced: true)
    /// discovery.k8s.io/v1 EndpointSlices.
    public static let endpointSlices = APIResource(group: "discovery.k8s.io", version: "v1", plural: "endpointslices",
                                                   namespaced: true)
    /// Core v1 Nodes.
    public static let nodes = APIResource(group: "", version: "v1", plural: "nodes", namespaced: false)
}
