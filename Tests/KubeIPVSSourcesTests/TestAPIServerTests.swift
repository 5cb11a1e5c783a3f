import Foundation
import KubeIPVSSources
import KubeIPVSTestAPIServer
import Testing

/// The test API server alone: response shapes compared with real kube-apiserver captures.
@Suite("Test API server fidelity")
struct TestAPIServerTests {
    private func seededStore() throws -> APIStore {
        let store = APIStore()
        try store.seed(path: Fixtures.k8sAPI)
        return store
    }

    @Test func seededListIsTheCapturedListExactly() async throws {
        try await withServer(store: try seededStore()) { server, _ in
            for (path, capture) in [("/api/v1/services", "list-services-after.json"),
                                    ("/apis/discovery.k8s.io/v1/endpointslices", "list-endpointslices-after.json")] {
                let response = try await rawRequest(server.baseURL! + path)
                #expect(response.status == 200)
                #expect(response.header("Content-Type") == "application/json")
                let served = try JSONValue.parse(response.body)
                let captured = try JSONValue.parse(try Fixtures.text("k8s-api/" + capture))
                #expect(served == captured, "\(path)")
                #expect(response.body.hasPrefix(#"{"kind":"#))
            }
        }
    }

    @Test func watchFromZeroSendsCurrentStateAsAdded() async throws {
        try await withServer(store: try seededStore()) { server, _ in
            let response = try await rawRequest(server.baseURL! + "/api/v1/services?watch=1&resourceVersion=0&timeoutSeconds=1")
            #expect(response.header("Transfer-Encoding") == "chunked")
            let served = try Set(response.lines.map { try JSONValue.parse($0).jsonText })
            let captured = Set(try Fixtures.text("k8s-api/watch-services-rv0.jsonl").split(separator: "\n")
                .map { try JSONValue.parse(String($0)).jsonText })
            #expect(served == captured)
        }
    }

    @Test func watchReplaysChangesAfterAResourceVersionAndBookmarksLikeKubeAPIServer() async throws {
        let store = APIStore()
        try await withServer(.init(bookmarkInterval: .milliseconds(100)), store: store) { server, _ in
            try store.create(.services, serviceJSON("a"))
            let from = store.resourceVersion
            try store.create(.services, serviceJSON("b"))
            try store.update(.services, serviceJSON("b", port: 81))
            try store.delete(.services, namespace: "demo", name: "a")
            try store.create(.nodes, nodeJSON("node1"))
            let response = try await rawRequest(server.baseURL!
                + "/api/v1/namespaces/demo/services?watch=true&resourceVersion=\(from)&allowWatchBookmarks=true&timeoutSeconds=1")
            let events = try response.lines.map { try JSONValue.parse($0) }
            let summary = events.map { event in
                "\(event["type"]!.stringValue!) \(event.value(at: ["object", "metadata", "name"])?.stringValue ?? "-")@"
                    + (event.value(at: ["object", "metadata", "resourceVersion"])?.stringValue ?? "")
            }
            #expect(Array(summary.prefix(3)) == ["ADDED b@\(from + 1)", "MODIFIED b@\(from + 2)", "DELETED a@\(from + 3)"])
            #expect(summary.count > 3)
            #expect(summary.dropFirst(3).allSatisfy { $0 == "BOOKMARK -@\(from + 4)" })
            #expect(response.lines[3] == #"{"type":"BOOKMARK","object":{"kind":"Service","apiVersion":"v1","metadata":{"resourceVersion":"\#(from + 4)","creationTimestamp":null},"spec":{},"status":{"loadBalancer":{}}}}"#)
        }
    }

    @Test func watchFromACompactedResourceVersionIsAnExpiredErrorEvent() async throws {
        let store = try seededStore()
        try await withServer(store: store) { server, _ in
            let response = try await rawRequest(server.baseURL! + "/api/v1/services?watch=1&resourceVersion=5")
            #expect(response.status == 200)
            #expect(response.lines == [#"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (235)","reason":"Expired","code":410}}"#])
        }
    }

    @Test func crudOverHTTPWithKubernetesStatuses() async throws {
        let store = APIStore()
        try await withServer(store: store) { server, _ in
            let base = server.baseURL! + "/api/v1/namespaces/demo/services"
            let created = try await rawRequest(base, method: "POST", body: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  clusterIP: 10.96.0.5\n")
            #expect(created.status == 201)
            let object = try JSONValue.parse(created.body)
            #expect(object.value(at: ["metadata", "namespace"]) == .string("demo"))
            #expect(object.value(at: ["metadata", "resourceVersion"]) == .string(String(store.resourceVersion)))
            #expect(object.objectValue?.keys == ["kind", "apiVersion", "metadata", "spec"])
            #expect(object["metadata"]?.objectValue?.keys == ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"])

            let again = try await rawRequest(base, method: "POST", body: #"{"metadata":{"name":"web"}}"#)
            #expect(again.status == 409)
            #expect(again.body == #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"services \"web\" already exists","reason":"AlreadyExists","details":{"name":"web","kind":"services"},"code":409}"# + "\n")

            let stale = try await rawRequest(base + "/web", method: "PUT", body: #"{"metadata":{"name":"web","resourceVersion":"1"},"spec":{}}"#)
            #expect(stale.status == 409)
            #expect(try JSONValue.parse(stale.body)["reason"] == .string("Conflict"))

            let updated = try await rawRequest(base + "/web", method: "PUT", body: #"{"metadata":{"name":"web"},"spec":{"clusterIP":"10.96.0.6"}}"#)
            #expect(updated.status == 200)
            #expect(try JSONValue.parse(updated.body).value(at: ["spec", "clusterIP"]) == .string("10.96.0.6"))

            let deleted = try await rawRequest(base + "/web", method: "DELETE")
            #expect(deleted.status == 200)
            let missing = try await rawRequest(base + "/web")
            #expect(missing.status == 404)
            #expect(try JSONValue.parse(missing.body)["message"] == .string(#"services "web" not found"#))
            #expect(store.objects(.services).isEmpty)
        }
    }

    @Test func selectorsFilterListsAndBadSelectorsAreBadRequests() async throws {
        let store = APIStore()
        try store.create(.services, serviceJSON("plain"))
        try store.create(.services, serviceJSON("other", labels: ["service.kubernetes.io/service-proxy-name": "x"]))
        try store.create(.services, serviceJSON("tier", labels: ["tier": "web"]))
        try await withServer(store: store) { server, _ in
            func names(_ query: String) async throws -> [String] {
                let list = try JSONValue.parse(try await rawRequest(server.baseURL! + "/api/v1/services?" + query).body)
                return list["items"]?.arrayValue?.compactMap { $0.value(at: ["metadata", "name"])?.stringValue } ?? []
            }
            #expect(try await names("labelSelector=%21service.kubernetes.io%2Fservice-proxy-name") == ["plain", "tier"])
            #expect(try await names("labelSelector=tier") == ["tier"])
            #expect(try await names("labelSelector=tier%3Dweb") == ["tier"])
            #expect(try await names("labelSelector=tier!%3Dweb") == ["other", "plain"])
            #expect(try await names("labelSelector=tier+in+(web,api)") == ["tier"])
            #expect(try await names("fieldSelector=metadata.name%3Dother") == ["other"])
            let bad = try await rawRequest(server.baseURL! + "/api/v1/services?fieldSelector=spec.clusterIP%3Dx")
            #expect(bad.status == 400)
            #expect(try JSONValue.parse(bad.body)["message"] == .string("field label not supported: spec.clusterIP"))
        }
    }

    @Test func serverSideTimeoutEndsTheWatchCleanly() async throws {
        try await withServer { server, _ in
            let started = ContinuousClock.now
            let response = try await rawRequest(server.baseURL! + "/api/v1/nodes?watch=1&timeoutSeconds=1")
            let elapsed = ContinuousClock.now - started
            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            // Ended by the server after 1 s, well before the client's own 5 s limit (which would throw).
            #expect(elapsed >= .milliseconds(950) && elapsed < .milliseconds(4900))
            #expect(server.store.watcherCount() == 0)
        }
    }
}
