/// A watch-list's initial state as it streams in (docs/api-client.md): ADDED events until the BOOKMARK annotated
/// `k8s.io/initial-events-end`. Bounded like a list: at most `maxPages × 500` objects (a list's most at
/// client-go's page size); the watch's own deadline bounds the time.
struct InitialEvents<Object: APIObject>: Sendable {
    private(set) var objects: [Object] = []
    let maxObjects: Int

    init(limits: ListLimits) {
        maxObjects = limits.maxPages * 500
    }

    /// Takes one event; returns the state and its resourceVersion once the end bookmark came. Any other change or
    /// bookmark first means the server ignored `sendInitialEvents` (`WatchListUnsupported`).
    mutating func take(_ event: WatchEvent<Object>, operation: String,
                       report: (APIError) -> Void) throws -> (objects: [Object], resourceVersion: String)? {
        switch event {
        case .added(let object):
            guard objects.count < maxObjects else {
                throw APIError(.limitExceeded, operation: operation,
                               message: "initial events exceed \(maxObjects) objects; refused")
            }
            objects.append(object)
            return nil
        case .initialEventsEnd(let version):
            return (objects, version)
        case .malformed(let error):
            report(error)
            return nil
        case .error(let status):
            let message = status.message ?? status.reason ?? "watch error"
            throw APIError(status.code == 410 ? .gone : .watchError, operation: operation, httpStatus: status.code,
                           message: message)
        case .modified, .deleted, .bookmark:
            throw WatchListUnsupported.error("a change or bookmark before the end of the initial events")
        }
    }
}

/// The server does not serve watch-list: it refused the request or streamed without ending the initial events.
struct WatchListUnsupported: Error {
    var reason: String

    static func error(_ reason: String) -> APIError {
        APIError(.watchError, operation: "watch-list", message: reason, underlying: WatchListUnsupported(reason: reason))
    }
}
