import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSSources
import KubeIPVSTestAPIServer
import Logging
import Synchronization
import Testing

/// The API source with a watch event over the line limit: the Services watch is dropped and relisted (the
/// list delivers the object), the metric counts it, and EndpointSlices keep syncing meanwhile.
@Suite struct APIWatchBoundsTests {
    /// What the sink saw.
    final class Seen: Sendable {
        let services = Mutex<Set<String>>([])
        let slices = Mutex<Set<String>>([])
        let replacements = Mutex(0)
    }

    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func service(_ name: String, padding: Int = 0) throws -> JSONValue {
        let annotations = padding > 0 ? "annotations: {pad: \(String(repeating: "x", count: padding))}" : ""
        return try JSONValue.parse("""
            apiVersion: v1
            kind: Service
            metadata: {name: \(name), namespace: demo, \(annotations)}
            spec: {clusterIP: 10.96.0.9, ports: [{name: http, port: 80}]}
            """)
    }

    static func slice(_ name: String) throws -> JSONValue {
        try JSONValue.parse("""
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: \(name), namespace: demo, labels: {kubernetes.io/service-name: web}}
            addressType: IPv4
            ports: [{name: http, protocol: TCP, port: 8080}]
            endpoints: [{addresses: ["10.244.1.11"]}]
            """)
    }

    @Test func anOversizedServiceEventRelistsServicesAndIsCounted() async throws {
        let store = APIStore()
        _ = try store.apply(.services, try Self.service("web"))
        let server = TestAPIServer(store: store, logger: Self.quiet)
        try await server.bind()
        let serverTask = Task { try await server.run() }
        defer { serverTask.cancel() }
        let client = try APIClient(configuration: ClientConfiguration(server: server.baseURL!, requestTimeout: .seconds(5)),
                                   logger: Self.quiet)
        let metrics = DaemonMetrics()
        let source = APIServerSource(client: client, nodeName: "node1", metrics: metrics, maximumEventBytes: 4096,
                                     logger: Self.quiet)
        let seen = Seen()
        let run = Task {
            try await source.run { event in
                switch event {
                case .replaceServices(let all):
                    seen.services.withLock { $0 = Set(all.map(\.metadata.name)) }
                    seen.replacements.withLock { $0 += 1 }
                case .upsertService(let s): seen.services.withLock { _ = $0.insert(s.metadata.name) }
                case .upsertSlice(let s): seen.slices.withLock { _ = $0.insert(s.metadata.name) }
                default: break
                }
            }
        }
        defer { run.cancel() }
        try await eventually("the first lists", timeout: .seconds(15)) {
            seen.replacements.withLock { $0 } == 1 && server.requestLog.resourceRequests.filter(\.isWatch).count == 3
        }
        _ = try store.apply(.services, try Self.service("big", padding: 6000))
        _ = try store.apply(.endpointSlices, try Self.slice("web-1"))
        try await eventually("the relist", timeout: .seconds(15)) { seen.services.withLock { $0.contains("big") } }
        try await eventually("the slice", timeout: .seconds(15)) { seen.slices.withLock { $0.contains("web-1") } }
        #expect(seen.services.withLock { $0 } == ["web", "big"])
        #expect(seen.replacements.withLock { $0 } == 2, "the big Service arrives through a relist")
        #expect(metrics.render().contains("kubeipvs_watch_events_oversized_total{resource=\"services\"} 1"))
        let lists = server.requestLog.resourceRequests.filter { !$0.isWatch }.map(\.path)
        #expect(lists.filter { $0.hasSuffix("/endpointslices") }.count == 1, "the slices were not relisted")
        try await client.shutdown()
    }
}
