/// The identity and version of an API object, the part of `ObjectMeta` list/watch needs.
public struct APIObjectMeta: Sendable, Hashable {
    /// `metadata.namespace`; empty for cluster-scoped objects.
    public var namespace: String
    /// `metadata.name`.
    public var name: String
    /// `metadata.resourceVersion`, if the object carries one.
    public var resourceVersion: String?

    /// Metadata with these fields.
    public init(namespace: String = "", name: String, resourceVersion: String? = nil) {
        self.namespace = namespace
        self.name = name
        self.resourceVersion = resourceVersion
    }

    /// `namespace/name`, or `name` for cluster-scoped objects (client-go's `MetaNamespaceKeyFunc`).
    public var key: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }
}

/// An object the API client can list and watch: any JSON-decodable, sendable type that can name its metadata.
/// The Kubernetes model types (Service, EndpointSlice, Node) conform; tests use tiny types of their own.
public protocol APIObject: Decodable, Sendable {
    /// The object's namespace, name and resourceVersion.
    var apiMetadata: APIObjectMeta { get }
}
