/// Which copy of the data a list reads, as client-go's reflector chooses it (docs/api-client.md): the API
/// server's watch cache for the first list and for relists, a quorum read from etcd only as a fallback.
public enum ListRead: Sendable, Hashable, CustomStringConvertible {
    /// `resourceVersion=0`: any state the watch cache has (no etcd read). The server may ignore `limit`.
    case cache
    /// `resourceVersion=RV&resourceVersionMatch=NotOlderThan`: the watch cache once it has caught up to `RV`.
    case notOlderThan(String)
    /// No resourceVersion: a consistent read from etcd (expensive on a large cluster).
    case quorum

    /// The query parameters of the first page; continue pages carry none (the server refuses a
    /// resourceVersion beside a continue token).
    var parameters: [(String, String)] {
        switch self {
        case .cache: [("resourceVersion", "0")]
        case .notOlderThan(let version): [("resourceVersion", version), ("resourceVersionMatch", "NotOlderThan")]
        case .quorum: []
        }
    }

    /// `cache`, `notOlderThan(RV)` or `quorum`, for logs.
    public var description: String {
        switch self {
        case .cache: "cache"
        case .notOlderThan(let version): "notOlderThan(\(version))"
        case .quorum: "quorum"
        }
    }
}
