import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSSources
import KubeIPVSTestAPIServer
import Logging
import Synchronization
import Testing

/// Issue 10 item 6 for the API source: a list whose pages always carry `metadata.continue` keeps the source
/// busy, so /healthz (`HealthState.isHealthy`, what the handler answers) fails after the health timeout and
/// recovers when the list ends; at the page cap the list is abandoned with the error logged. The busy marks
/// are dated by an injected clock and health is read at chosen instants: no sleep decides the outcome.
@Suite struct APIListLivenessTests {
    static let start = Date(timeIntervalSince1970: 2_000_000_000)

    /// Keeps every warning with its `error` and `resource` metadata.
    struct CapturingHandler: LogHandler {
        let lines: CapLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .warning
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { _, b in b }
            lines.value.withLock {
                $0.append("\(event.message) resource=\(all["resource"] ?? "") error=\(all["error"] ?? "")")
            }
        }
    }

    func withHostileServer(_ body: (TestAPIServer, APIClient) async throws -> Void) async throws {
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = TestAPIServer(store: APIStore(), logger: logger)
        try await server.bind()
        let serverTask = Task { try await server.run() }
        defer { serverTask.cancel() }
        server.faults.setHostileList(HostileList(alwaysContinue: true))
        let client = try APIClient(configuration: ClientConfiguration(server: server.baseURL!, requestTimeout: .seconds(5)),
                                   logger: logger)
        defer { Task { try? await client.shutdown() } }
        try await body(server, client)
    }

    @Test func anEndlessListFailsHealthzUntilItEnds() async throws {
        try await withHostileServer { server, client in
            let health = HealthState(timeout: 60, now: Self.start)
            health.updated(at: Self.start)
            var limits = ListLimits.default
            limits.maxPages = 1_000_000   // only the test ends this list
            let source = APIServerSource(client: client, nodeName: "node1", health: health, listLimits: limits,
                                         now: { Self.start }, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            let synced = Mutex(false)
            let run = Task { try await source.run { if case .synced = $0 { synced.withLock { $0 = true } } } }
            defer { run.cancel() }
            try await eventually("a list in its pages", timeout: .seconds(15)) { server.requestLog.resourceRequests.count >= 10 }
            #expect(health.isHealthy(at: Self.start + 59))
            #expect(!health.isHealthy(at: Self.start + 61), "a list running past the timeout must fail /healthz")
            server.faults.setHostileList(nil)
            try await eventually("the lists to end", timeout: .seconds(15)) { synced.withLock { $0 } && health.isHealthy(at: Self.start + 3600) }
            #expect(health.isHealthy(at: Self.start + 3600))
        }
    }

    @Test func theListIsAbandonedAtThePageCapWithTheErrorLogged() async throws {
        try await withHostileServer { server, client in
            let lines = CapLines()
            let health = HealthState(timeout: 60, now: Self.start)
            health.updated(at: Self.start)
            var limits = ListLimits.default
            limits.maxPages = 25
            let source = APIServerSource(client: client, nodeName: "node1", health: health, listLimits: limits,
                                         now: { Self.start },
                                         logger: Logger(label: "test", factory: { _ in CapturingHandler(lines: lines) }))
            let run = Task { try await source.run { _ in } }
            defer { run.cancel() }
            let refused = { (line: String) in
                line.hasPrefix("list/watch failed; retrying resource=services error=list services: ")
                    && line.contains("list has more than 25 pages; refused")
            }
            try await eventually("the page cap", timeout: .seconds(15)) { lines.value.withLock { $0.contains(where: refused) } }
            #expect(lines.value.withLock { $0.contains(where: refused) }, "\(lines.value.withLock { $0 })")
            let services = server.requestLog.resourceRequests.filter { $0.path.hasSuffix("/services") }
            #expect(services.count >= 25)
            // Abandoned lists leave the source idle: the next list starts only after a backoff.
            server.faults.setHostileList(nil)
            try await eventually("idle", timeout: .seconds(15)) { health.isHealthy(at: Self.start + 3600) }
        }
    }
}
