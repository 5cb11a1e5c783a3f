/// One event of a Kubernetes watch stream: `{"type": "ADDED", "object": {...}}`.
public enum KubeWatchEvent<Object: Decodable>: Decodable {
    case added(Object)
    case modified(Object)
    case deleted(Object)
    /// A progress marker carrying only the resourceVersion to resume from.
    case bookmark(resourceVersion: String)
    /// The server ended the watch (typically 410 Gone: the resourceVersion is too old).
    case error(KubeStatus)

    enum CodingKeys: String, CodingKey { case type, object }

    /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "ADDED": self = .added(try c.decode(Object.self, forKey: .object))
        case "MODIFIED": self = .modified(try c.decode(Object.self, forKey: .object))
        case "DELETED": self = .deleted(try c.decode(Object.self, forKey: .object))
        case "BOOKMARK":
            let header = try c.decode(KubeObjectHeader.self, forKey: .object)
            self = .bookmark(resourceVersion: header.resourceVersion ?? "")
        case "ERROR": self = .error(try c.decode(KubeStatus.self, forKey: .object))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c,
                                                   debugDescription: "unknown watch event type \"\(type)\"")
        }
    }
}

/// A meta/v1 Status, as sent in a watch ERROR event.
public struct KubeStatus: Codable, Hashable, Sendable {
    /// The API's `code` field.
    public var code: Int?
    /// The API's `reason` field.
    public var reason: String?
    /// The API's `message` field.
    public var message: String?

    /// Creates a value from its parts.
    public init(code: Int? = nil, reason: String? = nil, message: String? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
    }
}
