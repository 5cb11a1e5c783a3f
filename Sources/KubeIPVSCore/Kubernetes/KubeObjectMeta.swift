/// The `metadata` fields kube-ipvs reads from any Kubernetes object; unknown fields are ignored
/// and missing ones default to empty.
public struct KubeObjectMeta: Codable, Hashable, Sendable {
    /// The API's `name` field.
    public var name: String
    /// Empty for cluster-scoped objects and for manifests that omit it (normalizers read "default").
    public var namespace: String
    /// The API's `labels` field.
    public var labels: [String: String]
    /// The API's `resourceVersion` field.
    public var resourceVersion: String
    /// The API's `uid` field.
    public var uid: String

    /// Creates a value from its parts.
    public init(name: String = "", namespace: String = "", labels: [String: String] = [:],
                resourceVersion: String = "", uid: String = "") {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.resourceVersion = resourceVersion
        self.uid = uid
    }

    enum CodingKeys: String, CodingKey {
        case name, namespace, labels, resourceVersion, uid
    }

    /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.value(.name, default: "")
        namespace = try c.value(.namespace, default: "")
        labels = try c.value(.labels, default: [:])
        resourceVersion = try c.value(.resourceVersion, default: "")
        uid = try c.value(.uid, default: "")
    }

    /// `namespace/name`, with an empty namespace read as `default`.
    public var qualifiedName: String { "\(namespace.isEmpty ? "default" : namespace)/\(name)" }
}

extension KeyedDecodingContainer {
    /// The value for `key`, or `fallback` when the key is absent or null.
    func value<T: Decodable>(_ key: Key, default fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }
}
