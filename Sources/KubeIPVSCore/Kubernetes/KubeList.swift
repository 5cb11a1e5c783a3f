/// A Kubernetes list (`ServiceList`, `EndpointSliceList`, `NodeList`, `List`). Items are decoded one
/// by one: an item that fails is reported in `failures` and the others are kept.
public struct KubeList<Item: Decodable>: Decodable {
    /// The API's `kind` field.
    public var kind: String
    /// The API's `apiVersion` field.
    public var apiVersion: String
    /// `metadata.resourceVersion` (where a watch resumes).
    public var resourceVersion: String
    /// The API's `items` field.
    public var items: [Item]
    /// The API's `failures` field.
    public var failures: [KubeDecodeFailure]

    /// Creates a value from its parts.
    public init(kind: String = "List", apiVersion: String = "v1", resourceVersion: String = "",
                items: [Item] = [], failures: [KubeDecodeFailure] = []) {
        self.kind = kind
        self.apiVersion = apiVersion
        self.resourceVersion = resourceVersion
        self.items = items
        self.failures = failures
    }

    enum CodingKeys: String, CodingKey { case kind, apiVersion, metadata, items }
    enum MetaKeys: String, CodingKey { case resourceVersion }

    /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.value(.kind, default: "List")
        apiVersion = try c.value(.apiVersion, default: "")
        if c.contains(.metadata), try !c.decodeNil(forKey: .metadata) {
            let meta = try c.nestedContainer(keyedBy: MetaKeys.self, forKey: .metadata)
            resourceVersion = try meta.value(.resourceVersion, default: "")
        } else {
            resourceVersion = ""
        }
        items = []
        failures = []
        guard c.contains(.items), try !c.decodeNil(forKey: .items) else { return }
        var list = try c.nestedUnkeyedContainer(forKey: .items)
        var index = 0
        while !list.isAtEnd {
            switch try list.decode(LenientElement<Item>.self).result {
            case .success(let item): items.append(item)
            case .failure(let failure): failures.append(KubeDecodeFailure(index: index, reason: failure.reason))
            }
            index += 1
        }
    }
}
