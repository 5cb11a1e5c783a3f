import Foundation
import KubeIPVSSources
import KubeIPVSTestAPIServer
import Logging
import NIOConcurrencyHelpers
import Testing

/// A watch event line over the limit is a reflector error: the watch is dropped (its event is lost, so it
/// cannot resume after it), logged with the size and the resource, counted, and the resource relisted; the
/// list carries the object. Another resource's reflector keeps syncing.
@Suite("Reflector oversized watch events")
struct ReflectorOversizedEventTests {
    static let configuration = Reflector<TestService>.Configuration(
        backoff: Backoff.Policy(initial: .milliseconds(100), maximum: .seconds(2), factor: 2, jitter: 1),
        maximumEventBytes: 4096)

    @Test func anOversizedEventDropsTheWatchAndRelists() async throws {
        let store = APIStore()
        try store.create(.services, serviceJSON("a"))
        try store.create(.nodes, nodeJSON("node1"))
        let lines = NIOLockedValueBox<[String]>([])
        let logger = Logger(label: "test", factory: { _ in CapturingLogHandler(lines: lines) })
        try await withServer(store: store) { server, client in
            let services = Reflector<TestService>(client: client, resource: .services, configuration: Self.configuration,
                                                  logger: logger, sleep: { _ in try await Task.sleep(for: .milliseconds(1)) })
            let mirror = ReflectorMirror<TestService>()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await services.run() }
                group.addTask { for await event in services.events { mirror.apply(event) } }
                defer { group.cancelAll() }
                try await withReflector(TestObject.self, client: client, resource: .nodes,
                                        configuration: .init(maximumEventBytes: 4096)) { nodes, nodeMirror in
                    #expect(await eventually { mirror.replacements == 1 && nodeMirror.replacements == 1 })
                    #expect(await eventually { server.requestLog.resourceRequests.filter(\.isWatch).count == 2 })
                    try store.create(.services, serviceJSON("big", labels: ["pad": String(repeating: "x", count: 6000)]))
                    #expect(await eventually { services.statistics.lists == 2 })
                    try store.create(.nodes, nodeJSON("node2"))
                    try store.create(.services, serviceJSON("after"))
                    #expect(await eventually { mirror.objects["demo/after"] != nil && nodeMirror.objects.count == 2 })

                    #expect(mirror.log == ["replaced demo/a", "replaced demo/a,demo/big", mirror.log.last!])
                    #expect(mirror.log.last?.hasPrefix("upserted demo/after@") == true)
                    #expect(mirror.objects["demo/big"]?.metadata.labels?["pad"]?.count == 6000)
                    // A new watch from the relist's resourceVersion, not a resumed one.
                    let watches = server.requestLog.resourceRequests.filter { $0.isWatch && $0.path.hasSuffix("/services") }
                    #expect(watches.count == 2)
                    let stats = services.statistics
                    #expect(stats.oversizedEvents == 1 && stats.failures == 1 && stats.malformedEvents == 0)
                    // The other resource never noticed.
                    #expect(nodes.statistics.lists == 1 && nodes.statistics.failures == 0)
                    #expect(nodeMirror.log.last?.hasPrefix("upserted ") == true && nodeMirror.log.last?.contains("node2@") == true)
                }
            }
            let warnings = lines.withLockedValue { $0 }.filter { $0.hasPrefix("warning ") }
            #expect(warnings.count == 1)
            let line = warnings.first ?? ""
            #expect(line.hasPrefix("warning watch event too large; dropping the watch and relisting"))
            #expect(line.contains("resource: services") || line.contains("\"resource\": services"), "\(line)")
            #expect(line.contains("event.bytes\": 6") || line.contains("event.bytes: 6"), "\(line)")
            #expect(line.contains("watch services: limitExceeded: event line of 6"), "\(line)")
            #expect(line.contains("bytes is over 4096 bytes; watch dropped"), "\(line)")
        }
    }
}
