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
    /// The `endpoints.kubernetes.io/last-change-trigger-time` annotation (RFC 3339), the only annotation
    /// kept: kubeproxy_network_programming_duration_seconds is measured from it (docs/metrics.md).
    public var lastChangeTriggerTime: String?
    /// The API's `deletionTimestamp` field (RFC 3339): set once the object is being deleted; read for
    /// the Node (docs/routing-decisions.md, "/healthz and nodeEligible").
    public var deletionTimestamp: String?
    /// The API's `creationTimestamp` field, as sent (RFC 3339; the normalizers validate it). The newest
    /// Services are the ones refused when a cluster-wide cap is reached (docs/bounds.md).
    public var creationTimestamp: String?

    /// Creates a value from its parts.
    public init(name: String = "", namespace: String = "", labels: [String: String] = [:],
                resourceVersion: String = "", uid: String = "", lastChangeTriggerTime: String? = nil,
                deletionTimestamp: String? = nil, creationTimestamp: String? = nil) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.resourceVersion = resourceVersion
        self.uid = uid
        self.lastChangeTriggerTime = lastChangeTriggerTime
        self.deletionTimestamp = deletionTimestamp
        self.creationTimestamp = creationTimestamp
    }

    enum CodingKeys: String, CodingKey {
        case name, namespace, labels, resourceVersion, uid, annotations, deletionTimestamp, creationTimestamp
    }

    /// The annotation the EndpointSlice controller sets to the time of the change a slice reflects.
    public static let lastChangeTriggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time"

    /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.value(.name, default: "")
        namespace = try c.value(.namespace, default: "")
        labels = try c.value(.labels, default: [:])
        resourceVersion = try c.value(.resourceVersion, default: "")
        uid = try c.value(.uid, default: "")
        let annotations = try c.value(.annotations, default: [String: String]())
        lastChangeTriggerTime = annotations[Self.lastChangeTriggerTimeAnnotation]
        deletionTimestamp = try c.decodeIfPresent(String.self, forKey: .deletionTimestamp)
        creationTimestamp = try c.value(.creationTimestamp, default: nil as String?)
    }

    /// Encodes the kept fields (the trigger time back as its annotation).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(namespace, forKey: .namespace)
        try c.encode(labels, forKey: .labels)
        try c.encode(resourceVersion, forKey: .resourceVersion)
        try c.encode(uid, forKey: .uid)
        try c.encodeIfPresent(creationTimestamp, forKey: .creationTimestamp)
        if let lastChangeTriggerTime {
            try c.encode([Self.lastChangeTriggerTimeAnnotation: lastChangeTriggerTime], forKey: .annotations)
        }
        try c.encodeIfPresent(deletionTimestamp, forKey: .deletionTimestamp)
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
