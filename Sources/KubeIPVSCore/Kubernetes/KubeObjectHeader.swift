/// What any Kubernetes object says about itself, decoded leniently (every field optional):
/// used to route documents by `kind` and to name objects that fail to decode.
public struct KubeObjectHeader: Decodable, Hashable, Sendable {
    /// The API's `kind` field.
    public var kind: String?
    /// The API's `apiVersion` field.
    public var apiVersion: String?
    /// The API's `name` field.
    public var name: String?
    /// The API's `namespace` field.
    public var namespace: String?
    /// The API's `resourceVersion` field.
    public var resourceVersion: String?

    enum CodingKeys: String, CodingKey { case kind, apiVersion, metadata }
    enum MetaKeys: String, CodingKey { case name, namespace, resourceVersion }

    /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try? c.decodeIfPresent(String.self, forKey: .kind)
        apiVersion = try? c.decodeIfPresent(String.self, forKey: .apiVersion)
        if let meta = try? c.nestedContainer(keyedBy: MetaKeys.self, forKey: .metadata) {
            name = try? meta.decodeIfPresent(String.self, forKey: .name)
            namespace = try? meta.decodeIfPresent(String.self, forKey: .namespace)
            resourceVersion = try? meta.decodeIfPresent(String.self, forKey: .resourceVersion)
        }
    }

    /// `Service demo/web` (kind falls back to `defaultKind`; empty when nothing is known).
    func label(defaultKind: String) -> String {
        let k = kind ?? defaultKind.replacingPrefix("Kube")
        guard let name, !name.isEmpty else { return k }
        if let namespace, !namespace.isEmpty { return "\(k) \(namespace)/\(name)" }
        return "\(k) \(name)"
    }
}

extension String {
    func replacingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
