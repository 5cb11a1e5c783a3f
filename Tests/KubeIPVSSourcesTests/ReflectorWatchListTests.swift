import KubeIPVSSources
import KubeIPVSTestAPIServer
import Testing

/// Watch-list (docs/api-client.md): the initial state streamed from the watch cache, ended by the
/// `k8s.io/initial-events-end` bookmark, and the clean fallback to list+watch when the server does not serve it.
@Suite struct ReflectorWatchListTests {
    private var configuration: Reflector<TestService>.Configuration {
        var configuration = Reflector<TestService>.Configuration(minimumWatchDuration: .zero)
        configuration.watchList = true
        return configuration
    }

    private func store() throws -> APIStore {
        let store = APIStore()
        for name in ["a", "b", "c"] { try store.create(.services, serviceJSON(name)) }
        return store
    }

    @Test func theInitialStateStreamsFromTheCacheThenChangesFollowOnTheSameWatch() async throws {
        let store = try store()
        try await withServer(store: store) { server, client in
            try await withReflector(TestService.self, client: client, resource: .services,
                                    configuration: configuration) { reflector, mirror in
                #expect(await eventually { mirror.replacements == 1 && store.watcherCount() == 1 })
                #expect(mirror.log == ["replaced demo/a,demo/b,demo/c"])
                let first = try #require(server.requestLog.resourceRequests.first)
                #expect(first.description == "GET /api/v1/services?allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan"
                        + "&sendInitialEvents=true&timeoutSeconds=\(first.query["timeoutSeconds"] ?? "")&watch=1")
                #expect(server.requestLog.resourceRequests.map(\.read) == [.watchList])
                #expect(reflector.statistics.resourceVersion == String(store.resourceVersion))
                try store.create(.services, serviceJSON("d"))
                #expect(await eventually { mirror.versions == storeVersions(store, .services) })
                #expect(mirror.log.last == "upserted demo/d@\(store.resourceVersion)")
                // A 410 after the initial events: watch-list again, not older than the last version seen.
                let seen = String(store.resourceVersion)
                store.expireWatchers()
                #expect(await eventually { mirror.replacements == 2 })
                let again = server.requestLog.resourceRequests.map(\.read)
                #expect(again == [.watchList, .watchList])
                #expect(server.requestLog.resourceRequests.last?.query["resourceVersion"] == seen)
                #expect(reflector.statistics.watchLists == 2 && reflector.statistics.cacheLists == 0)
                #expect(reflector.statistics.quorumLists == 0 && !reflector.statistics.watchListUnsupported)
            }
        }
    }

    @Test(arguments: [FaultInjector.WatchListSupport.rejected, .ignored])
    func aServerWithoutWatchListFallsBackToListAndWatchForGood(support: FaultInjector.WatchListSupport) async throws {
        let store = try store()
        // An ignoring server sends plain bookmarks and never the end marker: the first one reveals it.
        try await withServer(.init(bookmarkInterval: .milliseconds(50)), store: store) { server, client in
            server.faults.setWatchList(support)
            try await withReflector(TestService.self, client: client, resource: .services,
                                    configuration: configuration) { reflector, mirror in
                #expect(await eventually { mirror.replacements == 1 && store.watcherCount() == 1 })
                // The ignored watch's ADDED events were held back, never delivered as changes.
                #expect(mirror.log == ["replaced demo/a,demo/b,demo/c"])
                #expect(server.requestLog.resourceRequests.map(\.read) == [.watchList, .cache, .watch])
                #expect(reflector.statistics.watchListUnsupported)
                #expect(reflector.statistics.failures == 0 && reflector.statistics.watchLists == 0)
                store.expireWatchers()
                #expect(await eventually { mirror.replacements == 2 })
                #expect(server.requestLog.listReads() == [.cache, .notOlderThan])
                #expect(!server.requestLog.resourceRequests.dropFirst().contains { $0.read == .watchList })
            }
        }
    }

    @Test func theServerValidatesWatchListParametersAsKubeAPIServerDoes() async throws {
        try await withServer(store: try store()) { server, _ in
            let base = server.baseURL! + "/api/v1/services?watch=1&timeoutSeconds=1"
            let noMatch = try await rawRequest(base + "&sendInitialEvents=true&allowWatchBookmarks=true")
            #expect(noMatch.status == 400)
            #expect(noMatch.body.contains("sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"))
            let matchAlone = try await rawRequest(base + "&resourceVersionMatch=NotOlderThan")
            #expect(matchAlone.status == 400)
            #expect(matchAlone.body.contains("resourceVersionMatch is forbidden for watch unless sendInitialEvents"))
            let served = try await rawRequest(base + "&sendInitialEvents=true&allowWatchBookmarks=true"
                                              + "&resourceVersionMatch=NotOlderThan")
            let lines = served.body.split(separator: "\n")
            #expect(lines.count == 4 && lines.prefix(3).allSatisfy { $0.contains("\"type\":\"ADDED\"") })
            #expect(lines.last?.contains("\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}") == true)
        }
    }
}
