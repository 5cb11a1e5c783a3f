import KubeIPVSSources
import KubeIPVSTestAPIServer
import Testing

/// Which read each list makes (docs/api-client.md): the watch cache at start and after a 410, etcd only when the
/// cache refuses the version, as client-go's reflector does.
@Suite struct ReflectorReadTests {
    private func store(services count: Int) throws -> APIStore {
        let store = APIStore()
        for index in 0..<count { try store.create(.services, serviceJSON("s\(index)")) }
        return store
    }

    private func lists(_ server: TestAPIServer) -> [RecordedRequest] {
        server.requestLog.resourceRequests.filter { !$0.isWatch }
    }

    @Test func startReadsTheWatchCacheAndARelistAfterGoneReadsNotOlderThanTheLastVersion() async throws {
        let store = try store(services: 3)
        try await withServer(store: store) { server, client in
            try await withReflector(TestService.self, client: client, resource: .services) { reflector, mirror in
                #expect(await eventually { mirror.replacements == 1 && store.watcherCount() == 1 })
                try store.create(.services, serviceJSON("late"))
                #expect(await eventually { mirror.versions.count == 4 })
                let seen = store.resourceVersion
                #expect(reflector.statistics.lastSyncResourceVersion == String(seen))
                store.expireWatchers()
                #expect(await eventually { mirror.replacements == 2 })
                let lists = lists(server)
                #expect(lists.map(\.read) == [.cache, .notOlderThan])
                #expect(lists.map(\.description) == [
                    "GET /api/v1/services?limit=500&resourceVersion=0",
                    "GET /api/v1/services?resourceVersion=\(seen)&resourceVersionMatch=NotOlderThan",
                ])
                #expect(reflector.statistics.cacheLists == 2)
                #expect(reflector.statistics.quorumLists == 0)
                #expect(mirror.versions == storeVersions(store, .services))
            }
        }
    }

    @Test(arguments: [(504, "Timeout", "Too large resource version: 99, current: 5"),
                      (410, "Expired", "too old resource version: 3 (7)")])
    func aRelistTheCacheRefusesFallsBackToOneQuorumReadThenCacheReadsAgain(
        code: Int, reason: String, message: String) async throws {
        let store = try store(services: 2)
        try await withServer(store: store) { server, client in
            try await withReflector(TestService.self, client: client, resource: .services) { reflector, mirror in
                #expect(await eventually { mirror.replacements == 1 && store.watcherCount() == 1 })
                server.faults.failRequests(.init(code: code, reason: reason, reads: [.notOlderThan], message: message))
                store.expireWatchers()
                #expect(await eventually { mirror.replacements == 2 && store.watcherCount() == 1 })
                #expect(lists(server).map(\.read) == [.cache, .notOlderThan, .quorum])
                #expect(lists(server).last?.description == "GET /api/v1/services?limit=500")
                #expect(reflector.statistics.failures == 0)
                #expect(reflector.statistics.quorumLists == 1)
                // The quorum read cleared the condition: the next relist reads the cache again.
                store.expireWatchers()
                #expect(await eventually { mirror.replacements == 3 })
                #expect(lists(server).map(\.read) == [.cache, .notOlderThan, .quorum, .notOlderThan])
                #expect(mirror.versions == storeVersions(store, .services))
            }
        }
    }

    @Test func otherCacheFailuresRetryTheCacheReadWithBackoffNotEtcd() async throws {
        let store = try store(services: 1)
        try await withServer(store: store) { server, client in
            server.faults.failRequests(.init(code: 500, reason: "InternalError", reads: [.cache], count: 2))
            try await withReflector(TestService.self, client: client, resource: .services) { reflector, mirror in
                #expect(await eventually { mirror.replacements == 1 })
                #expect(lists(server).map(\.read) == [.cache, .cache, .cache])
                #expect(reflector.statistics.failures == 2)
                #expect(reflector.statistics.quorumLists == 0)
            }
        }
    }

    @Test func aServerThatPagesCacheReadsIsPagedOnRelistsToo() async throws {
        let store = try store(services: 5)
        var configuration = Reflector<TestService>.Configuration()
        configuration.listOptions.pageSize = 2
        try await withServer(store: store) { server, client in
            server.faults.setPagingCacheLists(true)
            try await withReflector(TestService.self, client: client, resource: .services,
                                    configuration: configuration) { _, mirror in
                #expect(await eventually { mirror.replacements == 1 && store.watcherCount() == 1 })
                store.expireWatchers()
                #expect(await eventually { mirror.replacements == 2 })
                let lists = lists(server)
                #expect(lists.map(\.read) == [.cache, .continuation, .continuation,
                                              .notOlderThan, .continuation, .continuation])
                // Later pages carry no resourceVersion: the server refuses one beside a continue token.
                #expect(lists.allSatisfy { $0.query["limit"] == "2" })
                #expect(mirror.versions.count == 5)
            }
        }
    }

    @Test func anOlderServerAnswersTheFirstCacheReadInOnePageWhateverTheLimit() async throws {
        let store = try store(services: 5)
        var options = ListOptions()
        options.pageSize = 2
        try await withServer(store: store) { server, client in
            let result = try await client.list(TestService.self, .services, options: options, read: .cache)
            #expect(result.pages == 1)
            #expect(result.items.count == 5)
            #expect(server.requestLog.listReads() == [.cache])
        }
    }

    @Test func aCacheReadAnsweredInOnePageIsHeldToTheListCapNotThePageCap() async throws {
        let store = try store(services: 30)
        var options = ListOptions(pageSize: 5)
        options.limits = ListLimits(maxPages: 100, maxPageBytes: 2_000, maxBodyBytes: 1 << 20, deadline: .seconds(30))
        try await withServer(store: store) { _, client in
            let cached = try await client.list(TestService.self, .services, options: options, read: .cache)
            #expect(cached.pages == 1 && cached.items.count == 30)
            // The same bytes in one quorum page are over the page cap; a tighter list cap refuses the cache read.
            var unpaged = options
            unpaged.pageSize = 0
            let error = await #expect(throws: APIError.self) {
                try await client.list(TestService.self, .services, options: unpaged, read: .quorum)
            }
            #expect(error?.code == .limitExceeded)
            options.limits.maxBodyBytes = 2_000
            await #expect(throws: APIError.self) {
                try await client.list(TestService.self, .services, options: options, read: .cache)
            }
        }
    }

    @Test func theServerRefusesACacheReadAheadOfItAndAVersionBesideAContinueToken() async throws {
        let store = try store(services: 3)
        try await withServer(store: store) { _, client in
            let ahead = String(store.resourceVersion + 10)
            let error = await #expect(throws: APIError.self) {
                try await client.list(TestService.self, .services, read: .notOlderThan(ahead))
            }
            #expect(error?.isTooLargeResourceVersion == true)
            #expect(error?.httpStatus == 504)
            #expect(error?.message == "Too large resource version: \(ahead), current: \(store.resourceVersion)")
            let page = try await client.listPage(TestService.self, .services, options: ListOptions(pageSize: 1))
            let token = try #require(page.continueToken)
            // A hand-made request with both: what the client must never send.
            let raw = try await rawRequest(client.configuration.server
                + "/api/v1/services?continue=\(token)&resourceVersion=0&limit=1")
            #expect(raw.status == 400)
            #expect(raw.body.contains("specifying resource version is not allowed when using continue"))
        }
    }
}
