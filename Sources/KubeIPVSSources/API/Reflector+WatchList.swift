extension Reflector {
    /// One watch-list (docs/api-client.md) when configured and not known unsupported: nil to list instead;
    /// otherwise whether the watch made progress. A refusal (a 4xx status other than 401, 410 and 429, or a stream
    /// that does not end its initial events) switches this reflector to list+watch for good, as client-go falls
    /// back; any other error propagates and the next round tries watch-list again.
    func watchListIfSupported() async throws -> Bool? {
        guard configuration.watchList, !statistics.watchListUnsupported else { return nil }
        do {
            return try await watchOnce(watchList: true)
        } catch let error as APIError where Self.refusesWatchList(error) {
            state.withLockedValue { $0.watchListUnsupported = true }
            logger.info("the server does not serve watch-list; listing instead", metadata: ["error": "\(error)"])
            return nil
        }
    }

    static func refusesWatchList(_ error: APIError) -> Bool {
        if error.underlying is WatchListUnsupported { return true }
        guard error.code == .httpStatus, let status = error.httpStatus else { return false }
        return (400..<500).contains(status) && ![401, 410, 429].contains(status)
    }

    /// client-go's `rewatchResourceVersion`: the last version seen, or none (a consistent start) when the cache
    /// refused it.
    var rewatchResourceVersion: String? {
        state.withLockedValue { $0.lastSyncUnavailable ? nil : $0.lastSyncResourceVersion }
    }

    /// One event of the initial phase; a 410 there makes the next start consistent (no resourceVersion).
    func takeInitial(_ event: WatchEvent<Object>, into initial: inout InitialEvents<Object>) throws
        -> (objects: [Object], resourceVersion: String)? {
        do {
            return try initial.take(event, operation: "watch-list \(resource)", report: reportMalformed)
        } catch let error as APIError where error.isGone {
            state.withLockedValue { $0.lastSyncUnavailable = true }
            throw error
        }
    }

    /// The initial state arrived whole: the same as a completed list.
    func finishInitialEvents(_ objects: [Object], resourceVersion: String) {
        state.withLockedValue {
            $0.lists += 1
            $0.watchLists += 1
            $0.resourceVersion = resourceVersion
            $0.lastSyncResourceVersion = resourceVersion
            $0.lastSyncUnavailable = false
        }
        logger.debug("initial events streamed", metadata: ["count": "\(objects.count)",
                                                           "resourceVersion": "\(resourceVersion)"])
        continuation.yield(.replaced(objects))
    }
}
