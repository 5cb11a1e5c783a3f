import Foundation
import KubeIPVSSources
import KubeIPVSTestAPIServer
import Logging
import Synchronization
import Testing

/// Minimal object metadata for the test types.
struct TestMeta: Codable, Sendable, Hashable {
    var name: String
    var namespace: String?
    var resourceVersion: String?
    var labels: [String: String]?
}

/// A tiny Service: only what the tests look at. `spec.ports` must be an array when present.
struct TestService: APIObject, Hashable {
    struct Port: Codable, Sendable, Hashable {
        var port: Int
        var `protocol`: String?
    }

    struct Spec: Codable, Sendable, Hashable {
        var clusterIP: String?
        var ports: [Port]?
    }

    var metadata: TestMeta
    var spec: Spec?

    var apiMetadata: APIObjectMeta {
        APIObjectMeta(namespace: metadata.namespace ?? "", name: metadata.name, resourceVersion: metadata.resourceVersion)
    }
}

/// A tiny object with metadata only (Nodes, EndpointSlices).
struct TestObject: APIObject, Hashable {
    var metadata: TestMeta

    var apiMetadata: APIObjectMeta {
        APIObjectMeta(namespace: metadata.namespace ?? "", name: metadata.name, resourceVersion: metadata.resourceVersion)
    }
}

enum Fixtures {
    static var directory: String { Bundle.module.resourcePath! + "/Fixtures" }
    static var k8sAPI: String { directory + "/k8s-api" }
    static func path(_ name: String) -> String { directory + "/" + name }
    static func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
}

/// Logs nothing unless KUBE_IPVS_TEST_LOG is set.
let quietLogger: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = ProcessInfo.processInfo.environment["KUBE_IPVS_TEST_LOG"] == nil ? .critical : .debug
    return logger
}()

/// A Service manifest for the store.
func serviceJSON(_ name: String, namespace: String = "demo", clusterIP: String = "10.96.0.10",
                 labels: [String: String] = [:], port: Int = 80) -> JSONValue {
    let labelObject = JSONValue.object(JSONObject(labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
    var metadata = JSONObject([("name", .string(name)), ("namespace", .string(namespace))])
    if !labels.isEmpty { metadata["labels"] = labelObject }
    return .object(JSONObject([
        ("apiVersion", .string("v1")), ("kind", .string("Service")), ("metadata", .object(metadata)),
        ("spec", .object(JSONObject([
            ("clusterIP", .string(clusterIP)),
            ("ports", .array([.object(JSONObject([("port", .int(Int64(port))), ("protocol", .string("TCP"))]))])),
        ]))),
    ]))
}

/// A Node manifest for the store.
func nodeJSON(_ name: String) -> JSONValue {
    .object(JSONObject([("apiVersion", .string("v1")), ("kind", .string("Node")),
                        ("metadata", .object(JSONObject([("name", .string(name))])))]))
}

/// Runs `body` with a started test API server and a client pointed at it; stops both afterwards.
func withServer<T: Sendable>(_ configuration: TestAPIServer.Configuration = .init(), store: APIStore = APIStore(),
                             clientConfiguration: ((String) -> ClientConfiguration)? = nil,
                             _ body: (TestAPIServer, APIClient) async throws -> T) async throws -> T {
    let server = TestAPIServer(configuration: configuration, store: store, logger: quietLogger)
    try await server.bind()
    let url = server.baseURL!
    let client = try APIClient(configuration: clientConfiguration?(url)
                                   ?? ClientConfiguration(server: url, requestTimeout: .seconds(5)),
                               logger: quietLogger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        defer { group.cancelAll() }
        do {
            let result = try await body(server, client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes.
func eventually(_ timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

/// Records backoff sleeps and sleeps only 1 ms for each, so retry tests run fast.
final class SleepRecorder: Sendable {
    private let delays = Mutex<[Duration]>([])
    var recorded: [Duration] { delays.withLock { $0 } }
    var sleep: Reflector<TestService>.Sleep {
        { delay in
            self.delays.withLock { $0.append(delay) }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}
