extension Reflector {
    /// Lists the resource and emits `.replaced`. The read is client-go's (docs/api-client.md): the watch cache at
    /// `resourceVersion=0` first, then not older than the last resourceVersion seen; when the cache cannot serve
    /// that (410 Gone, "Too large resource version"), one quorum read at once, and cache reads again after it.
    func relist() async throws {
        listActivity?(true)
        defer { listActivity?(false) }
        let read = relistRead
        var result: ListResult<Object>
        do {
            result = try await list(read)
        } catch let error as APIError where read != .quorum && (error.isGone || error.isTooLargeResourceVersion) {
            logger.info("the watch cache cannot serve the list; reading from etcd",
                        metadata: ["read": "\(read)", "error": "\(error)"])
            state.withLockedValue { $0.lastSyncUnavailable = true }
            result = try await list(.quorum)
        }
        for item in result.malformedItems { reportMalformed(item) }
        state.withLockedValue {
            $0.lists += 1
            $0.resourceVersion = result.resourceVersion
            $0.lastSyncResourceVersion = result.resourceVersion
            $0.lastSyncUnavailable = false
        }
        logger.debug("listed", metadata: ["count": "\(result.items.count)", "resourceVersion": "\(result.resourceVersion)",
                                          "pages": "\(result.pages)", "read": "\(read)"])
        continuation.yield(.replaced(result.items))
    }

    /// client-go's `relistResourceVersion`: "0" before anything was seen, "" once the cache refused the last one.
    var relistRead: ListRead {
        state.withLockedValue { state in
            if state.lastSyncUnavailable { return .quorum }
            guard let version = state.lastSyncResourceVersion, !version.isEmpty else { return .cache }
            return .notOlderThan(version)
        }
    }

    /// One complete list with `read`. A `NotOlderThan` read goes unpaged unless the server paged a cache read
    /// before: a watch cache without paging support serves a resourceVersion read only when `limit` is unset.
    private func list(_ read: ListRead) async throws -> ListResult<Object> {
        var options = configuration.listOptions
        let paginated = state.withLockedValue { state in
            state.lastListRead = read
            if read == .quorum { state.quorumLists += 1 } else { state.cacheLists += 1 }
            return state.paginatedResult
        }
        if case .notOlderThan = read, !paginated { options.pageSize = 0 }
        let result = try await client.list(Object.self, resource, options: options, read: read)
        if read == .cache, result.pages > 1 { state.withLockedValue { $0.paginatedResult = true } }
        return result
    }
}
