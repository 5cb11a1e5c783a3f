import Foundation
import KubeIPVSSources
import KubeIPVSTestAPIServer
import Testing

/// The reflector (list + watch loop) against the test API server over loopback.
@Suite("Reflector")
struct ReflectorTests {
    private let fastBackoff = Backoff.Policy(initial: .milliseconds(100), maximum: .seconds(2), factor: 2, jitter: 1)

    @Test func listsThenStreamsChangesInOrder() async throws {
        let store = APIStore()
        try store.create(.services, serviceJSON("a"))
        try store.create(.services, serviceJSON("b"))
        try await withServer(store: store) { server, client in
            try await withReflector(TestService.self, client: client, resource: .services) { reflector, mirror in
                #expect(await eventually { mirror.replacements == 1 })
                try store.create(.services, serviceJSON("c"))
                try store.update(.services, serviceJSON("a", port: 81))
                try store.delete(.services, namespace: "demo", name: "b")
                #expect(await eventually { mirror.versions == storeVersions(store, .services) })
                #expect(mirror.log == ["replaced demo/a,demo/b", "upserted demo/c@4", "upserted demo/a@5", "deleted demo/b@6"])
                #expect(mirror.objects["demo/a"]?.spec?.ports?.first?.port == 81)
                let requests = server.requestLog.resourceRequests
                #expect(requests.map(\.isWatch) == [false, true])
                #expect(requests[1].query["resourceVersion"] == "3")
                #expect(reflector.statistics.resourceVersion == "6")
            }
        }
    }

    @Test func bookmarksAdvanceTheResourceVersionUsedToRewatch() async throws {
        let store = APIStore()
        try store.create(.services, serviceJSON("a"))
        try await withServer(.init(bookmarkInterval: .milliseconds(50)), store: store) { server, client in
            try await withReflector(TestService.self, client: client, resource: .services) { reflector, mirror in
                #expect(await eventually { mirror.replacements == 1 })
                // Writes to other resources move the global resourceVersion; only bookmarks tell the watcher.
                for index in 0..<3 { try store.create(.nodes, nodeJSON("node\(index)")) }
                let target = String(store.resourceVersion)
                #expect(await eventually { reflector.statistics.resourceVersion == target })
                #expect(reflector.statistics.bookmarks >= 1)
                store.signalWatchers(.end)
                #expect(await eventually { server.requestLog.resourceRequests.filter(\.isWatch).count == 2 })
                #expect(server.requestLog.resourceRequests.last?.query["resourceVersion"] == target)
                #expect(reflector.statistics.lists == 1)
                #expect(mirror.log == ["replaced demo/a"])
            }
        }
    }

    @Test func serverSideTimeoutRewatchesFromTheLastResourceVersionWithoutRelisting() async throws {
        let store = APIStore()
        try store.create(.services, serviceJSON("a"))
        let configuration = Reflector<TestService>.Configuration(watchTimeoutSeconds: 1...1, backoff: fastBackoff)
        try await withServer(store: store) { server, client in
            try await withReflector(TestService.self, client: client, resource: .services,
                                    configuration: configuration) { reflector, mirror in
                #expect(await eventually { mirror.replacements == 1 })
                try store.create(.services, serviceJSON("b"))
                let afterB = String(store.resourceVersion)
                #expect(await eventually(.seconds(15)) { reflector.statistics.watchesEnded >= 1 })
                #expect(await eventually { server.requestLog.resourceRequests.filter(\.isWatch).count == 2 })
                try store.create(.services, serviceJSON("c"))
                #expect(await eventually { mirror.versions == storeVersions(store, .services) })
                let watches = server.requestLog.resourceRequests.filter(\.isWatch)
                #expect(watches.prefix(2).map { $0.query["timeoutSeconds"] } == ["1", "1"])
                #expect(watches[1].query["resourceVersion"] == afterB)
                #expect(reflector.statistics.lists == 1)
                #expect(reflector.statistics.failures == 0)
                #expect(mirror.replacements == 1)
            }
        }
    }

    @Test func silentWatchPastItsTimeoutIsAbandonedAndResumed() async throws {
        let store = APIStore()
        try store.create(.services, serviceJSON("a"))
        let configuration = Reflector<TestService>.Configuration(watchTimeoutSeconds: 1...1,
                                                                 watchGrace: .milliseconds(200), backoff: fastBackoff)
        let recorder = SleepRecorder()
        try await withServer(store: store) { server, client in
            // A dead connection: the server neither ends the watch at timeoutSeconds nor sends anything.
            server.faults.setIgnoringWatchTimeouts(true)
            try await withReflector(TestService.self, client: client, resource: .services,
                                    configuration: configuration, recorder: recorder) { reflector, mirror in
                #expect(await eventually { mirror.replacements == 1 && store.watcherCount(.services) == 1 })
                server.faults.setIgnoringWatchTimeouts(false)
                #expect(await eventually(.seconds(15)) { server.requestLog.resourceRequests.filter(\.isWatch).count == 2 })
                #expect(reflector.statistics.failures == 1)
                #expect(recorder.recorded == [.milliseconds(100)])
                try store.create(.services, serviceJSON("b"))
                #expect(await eventually { mirror.versions == storeVersions(store, .services) })
                #expect(reflector.statistics.lists == 1)
            }
        }
    }

    @Test func goneErrorEventRelistsAndReplacesWithCurrentState() async throws {
        let store = APIStore()
        try store.create(.services, serviceJSON("a"))
        try store.create(.services, serviceJSON("b"))
        let recorder = SleepRecorder()
        try await withServer(store: store) { server, client in
            try await withReflector(TestService.self, client: client, resource: .services,
                                    configuration: .init(backoff: fastBackoff), recorder: recorder) { reflector, mirror in
                #expect(await eventually { mirror.replacements == 1 })
                // The reflector misses changes while its watches fail, and history is compacted meanwhile.
                server.faults.failRequests(.init(code: 503, reason: "ServiceUnavailable", watch: true, count: 1_000_000))
                // Drop until a watch has failed: one still being set up would miss a single drop.
                #expect(await eventually {
                    store.signalWatchers(.drop)
                    return server.faults.failedRequests >= 1
                })
                try store.delete(.services, namespace: "demo", name: "a")
                try store.update(.services, serviceJSON("b", port: 99))
                try store.create(.services, serviceJSON("c"))
                store.compact()
                server.faults.clearRequestFailures()
                #expect(await eventually { mirror.replacements == 2 })
                #expect(mirror.versions == storeVersions(store, .services))
                #expect(mirror.log.last == "replaced demo/b,demo/c")
                #expect(mirror.log.filter { $0.hasPrefix("deleted") || $0.hasPrefix("upserted") }.isEmpty)
                #expect(reflector.statistics.relistsAfterGone == 1)
                #expect(reflector.statistics.lists == 2)
                let current = String(store.resourceVersion)
                #expect(await eventually {
                    server.requestLog.resourceRequests.last.map { $0.isWatch && $0.query["resourceVersion"] == current } ?? false
                })
            }
        }
    }

    @Test func gone410StatusOnTheWatchRequestAlsoRelists() async throws {
        let store = APIStore()
        try store.create(.services, serviceJSON("a"))
        // A watch ended at once with no event counts as a failure ("very short watch"); not under test here.
        let configuration = Reflector<TestService>.Configuration(minimumWatchDuration: .zero)
        try await withServer(store: store) { server, client in
            try await withReflector(TestService.self, client: client, resource: .services,
                                    configuration: configuration) { reflector, mirror in
                #expect(await eventually { mirror.replacements == 1 })
                server.faults.failRequests(.init(code: 410, reason: "Gone", watch: true))
                // End the watch until the next one has met the 410: a watch still being set up when the
                // first end is signalled would miss it and stay open.
                #expect(await eventually {
                    store.signalWatchers(.end)
                    return mirror.replacements == 2
                })
                #expect(reflector.statistics.relistsAfterGone == 1)
                #expect(reflector.statistics.failures == 0)
            }
        }
    }

    @Test func droppedConnectionsReconnectWithBackoffAndLoseOrRepeatNothing() async throws {
        let store = APIStore()
        let recorder = SleepRecorder()
        try await withServer(store: store) { server, client in
            try await withReflector(TestService.self, client: client, resource: .services,
                                    configuration: .init(backoff: fastBackoff), recorder: recorder) { reflector, mirror in
                #expect(await eventually { mirror.replacements == 1 })
                var committed: [UInt64] = []
                for round in 0..<6 {
                    #expect(await eventually { store.watcherCount(.services) == 1 })
                    if round % 2 == 0 { store.truncateNextEvent() } else { store.signalWatchers(.drop) }
                    for index in 0..<5 {
                        let name = "svc-\(index)"
                        let exists = store.objects(.services).contains { $0.key.name == name }
                        if exists && (round + index) % 3 == 0 {
                            try store.delete(.services, namespace: "demo", name: name)
                        } else if exists {
                            try store.update(.services, serviceJSON(name, port: 1000 + round))
                        } else {
                            try store.create(.services, serviceJSON(name, port: 1000 + round))
                        }
                        committed.append(store.resourceVersion)
                    }
                    // Let the reflector notice the broken stream before the next fault.
                    let expected = store.resourceVersion
                    #expect(await eventually { mirror.deliveredVersions.last == expected })
                }
                #expect(mirror.versions == storeVersions(store, .services))
                // Every change arrived exactly once, in commit order, without relisting.
                #expect(mirror.deliveredVersions == committed)
                #expect(reflector.statistics.lists == 1)
                #expect(reflector.statistics.failures == 6)
                // Each broken watch had delivered events, so the backoff started over every time.
                #expect(recorder.recorded == Array(repeating: .milliseconds(100), count: 6))
            }
        }
    }

    @Test func refusedConnectionsBackOffExponentiallyWithJitterThenRecover() async throws {
        let store = APIStore()
        try store.create(.services, serviceJSON("a"))
        let recorder = SleepRecorder()
        try await withServer(store: store) { server, client in
            server.faults.refuseConnections(count: 4)
            try await withReflector(TestService.self, client: client, resource: .services,
                                    configuration: .init(backoff: fastBackoff), recorder: recorder,
                                    random: { 0.5 }) { reflector, mirror in
                #expect(await eventually { mirror.replacements == 1 })
                #expect(server.faults.refusedConnections == 4)
                #expect(reflector.statistics.failures == 4)
                #expect(recorder.recorded == [.milliseconds(150), .milliseconds(300), .milliseconds(600), .milliseconds(1200)])
                #expect(mirror.versions == storeVersions(store, .services))
            }
        }
    }

    @Test func kubeProxySelectorExcludesOtherProxiesServicesAndHeadlessSlices() async throws {
        let store = APIStore()
        try store.seed(path: Fixtures.k8sAPI)
        try store.create(.services, serviceJSON("elsewhere", labels: ["service.kubernetes.io/service-proxy-name": "other"]))
        let configuration = Reflector<TestService>.Configuration(listOptions: .proxied)
        try await withServer(store: store) { server, client in
            try await withReflector(TestService.self, client: client, resource: .services,
                                    configuration: configuration) { _, mirror in
                #expect(await eventually { mirror.replacements == 1 })
                #expect(mirror.objects.keys.sorted() == ["default/kubernetes", "demo/external-db", "demo/headless",
                                                         "demo/sticky", "demo/web-nodeport", "demo/with-externalips"])
                // Labelling a Service for another proxy removes it; unlabelling brings it back.
                try store.update(.services, serviceJSON("sticky", labels: ["service.kubernetes.io/service-proxy-name": "other"]))
                #expect(await eventually { mirror.objects["demo/sticky"] == nil })
                try store.update(.services, serviceJSON("sticky"))
                #expect(await eventually { mirror.objects["demo/sticky"] != nil })
                #expect(Array(mirror.log.suffix(2)) == ["deleted demo/sticky@236", "upserted demo/sticky@237"])
            }
            try await withReflector(TestObject.self, client: client, resource: .endpointSlices,
                                    configuration: .init(listOptions: .proxied)) { _, mirror in
                #expect(await eventually { mirror.replacements == 1 })
                #expect(mirror.objects.keys.sorted() == ["demo/sticky-manual-1", "demo/web-nodeport-manual-1",
                                                         "demo/with-externalips-manual-1"])
            }
            let selectors = Set(server.requestLog.resourceRequests.compactMap { $0.query["labelSelector"] })
            #expect(selectors == ["!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name"])
        }
    }

    @Test func nodeReflectorSeesOnlyItsNode() async throws {
        let store = APIStore()
        try store.create(.nodes, nodeJSON("node1"))
        try store.create(.nodes, nodeJSON("node2"))
        try await withServer(store: store) { server, client in
            try await withReflector(TestObject.self, client: client, resource: .nodes,
                                    configuration: .init(listOptions: .node(named: "node1"))) { _, mirror in
                #expect(await eventually { mirror.replacements == 1 })
                try store.update(.nodes, nodeJSON("node2").withLabel("x", "1"))
                try store.update(.nodes, nodeJSON("node1").withLabel("x", "1"))
                #expect(await eventually { mirror.log.count == 2 })
                #expect(mirror.log == ["replaced node1", "upserted node1@5"])
                #expect(server.requestLog.resourceRequests.allSatisfy { $0.query["fieldSelector"] == "metadata.name=node1" })
            }
        }
    }

    @Test func malformedEventsAreCountedAndSkipped() async throws {
        let store = APIStore()
        try await withServer(store: store) { _, client in
            try await withReflector(TestService.self, client: client, resource: .services) { reflector, mirror in
                #expect(await eventually { mirror.replacements == 1 })
                #expect(await eventually { store.watcherCount(.services) == 1 })
                store.injectWatchBytes(Array("this is not json\n".utf8))
                var bad = serviceJSON("bad")
                bad.setValue(.string("oops"), at: ["spec", "ports"])
                try store.create(.services, bad)
                try store.create(.services, serviceJSON("good"))
                #expect(await eventually { mirror.objects["demo/good"] != nil })
                #expect(reflector.statistics.malformedEvents == 2)
                #expect(mirror.objects["demo/bad"] == nil)
                #expect(mirror.log == ["replaced ", "upserted demo/good@3"])
                // A malformed list item is skipped the same way after a relist.
                store.expireWatchers()
                #expect(await eventually { mirror.replacements == 2 })
                #expect(mirror.log.last == "replaced demo/good")
                #expect(reflector.statistics.malformedEvents == 3)
            }
        }
    }
}

extension JSONValue {
    func withLabel(_ key: String, _ value: String) -> JSONValue {
        var copy = self
        copy.setValue(.string(value), at: ["metadata", "labels", key])
        return copy
    }
}
