import NIOConcurrencyHelpers

/// Faults the test API server injects on request, so clients can be tested against the failures a real
/// kube-apiserver and network produce. Watch-stream faults (drop, truncate, expire, end) act through the store.
public final class FaultInjector: Sendable {
    /// A canned failure for the next matching requests.
    public struct RequestFailure: Sendable, Equatable {
        /// HTTP status code.
        public var code: Int
        /// `Status.reason`.
        public var reason: String
        /// Only requests whose path contains this (nil: any request).
        public var pathContains: String?
        /// Only watch requests (true), only non-watch requests (false), or both (nil).
        public var watch: Bool?
        /// Only requests making these reads (nil: any), e.g. `[.cache, .notOlderThan]` for watch-cache lists.
        public var reads: Set<ServedRead>?
        /// `Status.message` (default `injected failure`).
        public var message: String
        /// How many more requests it answers.
        public var remaining: Int

        /// A failure answering the next `count` matching requests.
        public init(code: Int, reason: String, pathContains: String? = nil, watch: Bool? = nil,
                    reads: Set<ServedRead>? = nil, message: String = "injected failure", count: Int = 1) {
            self.code = code
            self.reason = reason
            self.pathContains = pathContains
            self.watch = watch
            self.reads = reads
            self.message = message
            self.remaining = count
        }
    }

    /// How the server answers a watch-list request (`sendInitialEvents=true`).
    public enum WatchListSupport: Sendable, Equatable {
        /// Serves it: initial ADDED events, then the initial-events-end BOOKMARK (kube-apiserver with WatchList).
        case served
        /// 422 Invalid, as kube-apiserver without the WatchList feature gate.
        case rejected
        /// Ignores the parameter and serves a plain watch (an older server): no initial-events-end bookmark.
        case ignored
    }

    struct State {
        var refuseNext = 0
        var refusing = false
        var refused = 0
        var failures: [RequestFailure] = []
        var failed = 0
        var splitWrites: Int?
        var ignoreWatchTimeouts = false
        var hostileList: HostileList?
        var pagesCacheLists = false
        var watchList = WatchListSupport.served
    }

    private let state = NIOLockedValueBox(State())

    /// No faults.
    public init() {}

    /// Closes the next `count` accepted connections before reading a byte.
    public func refuseConnections(count: Int) {
        state.withLockedValue { $0.refuseNext += count }
    }

    /// Closes every accepted connection until turned off.
    public func setRefusingConnections(_ refusing: Bool) {
        state.withLockedValue { $0.refusing = refusing }
    }

    /// How many connections were refused so far.
    public var refusedConnections: Int { state.withLockedValue { $0.refused } }

    /// Answers the next matching requests with a Status failure instead of serving them.
    public func failRequests(_ failure: RequestFailure) {
        state.withLockedValue { $0.failures.append(failure) }
    }

    /// Forgets the pending request failures.
    public func clearRequestFailures() {
        state.withLockedValue { $0.failures.removeAll() }
    }

    /// How many requests were answered with an injected failure so far.
    public var failedRequests: Int { state.withLockedValue { $0.failed } }

    /// Writes every watch event in pieces of `size` bytes, each its own HTTP chunk (nil: whole events).
    public func splitWatchWrites(into size: Int?) {
        state.withLockedValue { $0.splitWrites = size.map { max(1, $0) } }
    }

    var splitWrites: Int? { state.withLockedValue { $0.splitWrites } }

    /// Makes watches ignore `timeoutSeconds` and stay silent as a dead connection would (false restores).
    public func setIgnoringWatchTimeouts(_ ignoring: Bool) {
        state.withLockedValue { $0.ignoreWatchTimeouts = ignoring }
    }

    var ignoresWatchTimeouts: Bool { state.withLockedValue { $0.ignoreWatchTimeouts } }

    /// Makes watch-cache lists honour `limit` and answer in pages (kube-apiserver 1.31+, or a watch cache that
    /// delegates to etcd); by default they ignore it, as older servers do (false restores).
    public func setPagingCacheLists(_ paging: Bool) {
        state.withLockedValue { $0.pagesCacheLists = paging }
    }

    var pagesCacheLists: Bool { state.withLockedValue { $0.pagesCacheLists } }

    /// Sets how watch-list requests are answered.
    public func setWatchList(_ support: WatchListSupport) {
        state.withLockedValue { $0.watchList = support }
    }

    var watchList: WatchListSupport { state.withLockedValue { $0.watchList } }

    /// Serves every list (not watch) request as `list` until set to nil.
    public func setHostileList(_ list: HostileList?) {
        state.withLockedValue { $0.hostileList = list }
    }

    var hostileList: HostileList? { state.withLockedValue { $0.hostileList } }

    /// Whether to refuse a newly accepted connection (and count it).
    func shouldRefuseConnection() -> Bool {
        state.withLockedValue { state in
            guard state.refusing || state.refuseNext > 0 else { return false }
            if !state.refusing { state.refuseNext -= 1 }
            state.refused += 1
            return true
        }
    }

    /// The failure to answer this request with, if one matches (and uses it up).
    func failure(path: String, read: ServedRead) -> TestAPIError? {
        let watch = read == .watch
        return state.withLockedValue { state in
            guard let index = state.failures.firstIndex(where: { failure in
                (failure.pathContains.map(path.contains) ?? true) && (failure.watch.map { $0 == watch } ?? true)
                    && (failure.reads.map { $0.contains(read) } ?? true)
            }) else { return nil }
            let failure = state.failures[index]
            state.failed += 1
            state.failures[index].remaining -= 1
            if state.failures[index].remaining <= 0 { state.failures.remove(at: index) }
            return TestAPIError(code: failure.code, reason: failure.reason, message: failure.message)
        }
    }
}
