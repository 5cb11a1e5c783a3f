import Foundation
import KubeIPVSSources
import KubeIPVSTestAPIServer
import Testing

/// APIClient against the test API server over loopback.
@Suite("API client list and watch")
struct APIClientTests {
    private func storeWithServices(_ count: Int) throws -> APIStore {
        let store = APIStore()
        for index in 0..<count { try store.create(.services, serviceJSON("svc-\(index)", port: 80 + index)) }
        return store
    }

    @Test func listPagesAreOneConsistentSnapshot() async throws {
        let store = try storeWithServices(7)
        try await withServer(store: store) { server, client in
            let options = ListOptions(pageSize: 3)
            let first = try await client.listPage(TestService.self, .services, options: options)
            #expect(first.items.map(\.metadata.name) == ["svc-0", "svc-1", "svc-2"])
            #expect(first.resourceVersion == "8")
            let token = try #require(first.continueToken)
            // Changes between pages do not show up in the rest of the list.
            try store.delete(.services, namespace: "demo", name: "svc-5")
            try store.create(.services, serviceJSON("svc-9"))
            let second = try await client.listPage(TestService.self, .services, options: options, continueToken: token)
            #expect(second.items.map(\.metadata.name) == ["svc-3", "svc-4", "svc-5"])
            #expect(second.resourceVersion == "8")

            server.requestLog.clear()
            let all = try await client.list(TestService.self, .services, options: options)
            #expect(all.pages == 3)
            #expect(all.resourceVersion == "10")
            #expect(all.items.map(\.metadata.name) == ["svc-0", "svc-1", "svc-2", "svc-3", "svc-4", "svc-6", "svc-9"])
            let requests = server.requestLog.resourceRequests
            #expect(requests.map { $0.query["limit"] } == ["3", "3", "3"])
            #expect(requests[0].query["continue"] == nil)
            #expect(requests[1].query["continue"] != nil)
        }
    }

    @Test func expiredContinueTokenIsGone() async throws {
        let store = try storeWithServices(4)
        try await withServer(store: store) { _, client in
            let first = try await client.listPage(TestService.self, .services, options: ListOptions(pageSize: 2))
            try store.create(.services, serviceJSON("late"))
            store.compact()
            let error = await #expect(throws: APIError.self) {
                _ = try await client.listPage(TestService.self, .services, options: ListOptions(pageSize: 2),
                                              continueToken: first.continueToken)
            }
            #expect(error?.isGone == true)
            #expect(error?.httpStatus == 410)
        }
    }

    @Test func httpErrorsCarryStatusAndURL() async throws {
        try await withServer { server, client in
            server.faults.failRequests(.init(code: 503, reason: "ServiceUnavailable", pathContains: "/services"))
            let error = await #expect(throws: APIError.self) {
                _ = try await client.list(TestService.self, .services)
            }
            #expect(error?.code == .httpStatus)
            #expect(error?.httpStatus == 503)
            #expect(error?.message == "injected failure")
            #expect(error?.url == server.baseURL! + "/api/v1/services?limit=500")
            #expect(error?.operation == "list services")
        }
    }

    @Test func watchStreamsEventsInOrderEvenWhenSplitIntoTinyChunks() async throws {
        let store = APIStore()
        try await withServer(store: store) { server, client in
            try store.create(.services, serviceJSON("a"))
            let from = String(store.resourceVersion)
            server.faults.splitWatchWrites(into: 5)
            try store.create(.services, serviceJSON("b"))
            try store.update(.services, serviceJSON("a", port: 8080))
            try store.delete(.services, namespace: "demo", name: "b")
            var seen: [String] = []
            for try await event in try await client.watch(TestService.self, .services, resourceVersion: from,
                                                         timeoutSeconds: 1) {
                switch event {
                case .added(let s): seen.append("added \(s.metadata.name)@\(s.metadata.resourceVersion!)")
                case .modified(let s): seen.append("modified \(s.metadata.name)@\(s.spec!.ports![0].port)")
                case .deleted(let s): seen.append("deleted \(s.metadata.name)@\(s.metadata.resourceVersion!)")
                default: seen.append("\(event)")
                }
            }
            #expect(seen == ["added b@3", "modified a@8080", "deleted b@5"])
        }
    }

    @Test func watchOfATooOldResourceVersionYieldsThe410ErrorEvent() async throws {
        let store = try storeWithServices(1)
        store.compact()
        try await withServer(store: store) { _, client in
            var events: [WatchEvent<TestService>] = []
            for try await event in try await client.watch(TestService.self, .services, resourceVersion: "1") {
                events.append(event)
            }
            guard events.count == 1, case .error(let status) = events[0] else {
                Issue.record("expected one ERROR event, got \(events)")
                return
            }
            #expect(status.code == 410)
            #expect(status.reason == "Expired")
        }
    }

    @Test func watchRequestCarriesKubeProxyParameters() async throws {
        try await withServer { server, client in
            _ = try await client.watch(TestService.self, .services, options: .proxied, resourceVersion: "42",
                                       timeoutSeconds: 1).makeAsyncIterator()
            let request = try #require(server.requestLog.resourceRequests.last)
            #expect(request.path == "/api/v1/services")
            #expect(request.query == ["watch": "1", "resourceVersion": "42", "allowWatchBookmarks": "true",
                                      "timeoutSeconds": "1",
                                      "labelSelector": "!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name"])
        }
    }

    @Test func droppedConnectionMidStreamThrowsTransportError() async throws {
        let store = APIStore()
        try await withServer(store: store) { _, client in
            let events = try await client.watch(TestService.self, .services, resourceVersion: "1", timeoutSeconds: 5)
            store.truncateNextEvent()
            try store.create(.services, serviceJSON("a"))
            let error = await #expect(throws: APIError.self) {
                for try await _ in events {}
            }
            #expect(error?.code == .transport)
        }
    }
}
