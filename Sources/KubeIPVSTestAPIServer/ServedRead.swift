/// Which copy of the data a request read, as kube-apiserver decides it (docs/api-client.md), so tests can assert
/// the client spares etcd.
public enum ServedRead: String, Sendable, Hashable {
    /// A list with `resourceVersion=0`: the watch cache, any state.
    case cache
    /// A list with `resourceVersion=RV` (`resourceVersionMatch=NotOlderThan` or none): the watch cache once fresh.
    case notOlderThan
    /// A list with `resourceVersion=RV&resourceVersionMatch=Exact`: etcd at that revision.
    case exact
    /// A list with no resourceVersion: a quorum read from etcd.
    case quorum
    /// A later page of a paged list (its read was the first page's).
    case continuation
    /// A watch.
    case watch
    /// A watch-list (`watch=1&sendInitialEvents=true`): the initial state streamed from the watch cache.
    case watchList

    /// The read `query` asks for (not validated; see `validatedListRead`).
    public init(query: [String: String]) {
        if query["watch"] == "1" || query["watch"] == "true" {
            self = query["sendInitialEvents"] == "true" ? .watchList : .watch
        } else if let token = query["continue"], !token.isEmpty {
            self = .continuation
        } else {
            switch (query["resourceVersion"] ?? "", query["resourceVersionMatch"] ?? "") {
            case ("", _): self = .quorum
            case ("0", _): self = .cache
            case (_, "Exact"): self = .exact
            default: self = .notOlderThan
            }
        }
    }

    /// Whether the watch cache serves it (no etcd read).
    public var fromCache: Bool { self == .cache || self == .notOlderThan || self == .watchList }

    /// The list's read after kube-apiserver's validation of the list options: a resourceVersionMatch needs a
    /// resourceVersion, a continue token allows neither; a cache read ahead of the store's newest resourceVersion
    /// is 504 "Too large resource version" (the watch cache gives up waiting to catch up).
    static func validatedListRead(_ query: [String: String], current: UInt64) throws -> ServedRead {
        let version = query["resourceVersion"] ?? ""
        let match = query["resourceVersionMatch"] ?? ""
        if !match.isEmpty {
            guard version != "" else {
                throw TestAPIError.badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided")
            }
            guard match == "NotOlderThan" || match == "Exact" else {
                throw TestAPIError.badRequest("unsupported resourceVersionMatch value \"\(match)\"")
            }
        }
        if let token = query["continue"], !token.isEmpty, !version.isEmpty {
            throw TestAPIError.badRequest("specifying resource version is not allowed when using continue")
        }
        guard version.isEmpty || UInt64(version) != nil else {
            throw TestAPIError.badRequest("invalid resourceVersion \(version)")
        }
        let read = ServedRead(query: query)
        if read.fromCache, let requested = UInt64(version), requested > current {
            throw TestAPIError(code: 504, reason: "Timeout",
                               message: "Too large resource version: \(requested), current: \(current)")
        }
        return read
    }

    /// Whether a watch asks for watch-list, after kube-apiserver's validation: `sendInitialEvents` needs
    /// `resourceVersionMatch=NotOlderThan` and `allowWatchBookmarks=true`, and a watch takes a resourceVersionMatch
    /// only with it. `support` plays a server without the WatchList feature (422) or one that ignores it.
    static func validatedWatchList(_ query: [String: String], support: FaultInjector.WatchListSupport) throws -> Bool {
        let send = query["sendInitialEvents"] == "true"
        let match = query["resourceVersionMatch"] ?? ""
        switch support {
        case .ignored: return false
        case .rejected where send:
            throw TestAPIError(code: 422, reason: "Invalid", message: "ListOptions.meta.k8s.io \"\" is invalid: "
                               + "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the "
                               + "WatchList feature gate is enabled")
        default: break
        }
        guard send else {
            if !match.isEmpty {
                throw TestAPIError.badRequest("resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")
            }
            return false
        }
        guard match == "NotOlderThan" else {
            throw TestAPIError.badRequest("sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")
        }
        guard query["allowWatchBookmarks"] == "true" else {
            throw TestAPIError.badRequest("sendInitialEvents requires setting allowWatchBookmarks to true")
        }
        return true
    }
}
