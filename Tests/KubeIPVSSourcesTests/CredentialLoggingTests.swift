import Foundation
import KubeIPVSSources
import KubeIPVSTestAPIServer
import Logging
import NIOConcurrencyHelpers
import Testing

/// No credential (token, client key) reaches a log line, at any verbosity.
@Suite struct CredentialLoggingTests {
    static let token = "tok-Zq81x-SECRET-7d2f"
    static let keyMarker = "KEYMATERIAL-SECRET-91ab"

    @Test func aRejectedTokenAndABadKeyNeverAppearInLogs() async throws {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "capture") { _ in CapturingLogHandler(lines: lines) }
        logger.logLevel = .trace
        let server = TestAPIServer(configuration: .init(bearerToken: "the-right-one"), store: APIStore(),
                                   logger: quietLogger)
        try await server.bind()
        let configuration = ClientConfiguration(server: server.baseURL!, bearerToken: Self.token,
                                                requestTimeout: .seconds(5))
        logger.info("configuration", metadata: ["config": "\(configuration)", "debug": "\(String(reflecting: configuration))"])
        let client = try APIClient(configuration: configuration, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let reflector = Reflector<TestService>(client: client, resource: .services, logger: logger,
                                                   sleep: { _ in try await Task.sleep(for: .milliseconds(5)) })
            let run = Task { await reflector.run() }
            for _ in 0..<400 where reflector.statistics.failures < 3 { try await Task.sleep(for: .milliseconds(10)) }
            run.cancel()
            await run.value
            try await client.shutdown()
            group.cancelAll()
        }
        var keyed = ClientConfiguration(server: "https://127.0.0.1:1", clientCertificatePEM: Array("x".utf8),
                                        clientKeyPEM: Array("-----BEGIN PRIVATE KEY-----\n\(Self.keyMarker)\n".utf8))
        keyed.bearerToken = Self.token
        do { _ = try APIClient(configuration: keyed, logger: logger) } catch {
            logger.error("client", metadata: ["error": "\(error)", "config": "\(keyed)"])
        }
        let text = lines.withLockedValue { $0.joined(separator: "\n") }
        #expect(text.contains("list/watch failed"), "the 401 was logged:\n\(text.prefix(2000))")
        #expect(text.contains("<redacted>"))
        #expect(!text.contains(Self.token))
        #expect(!text.contains(Self.keyMarker))
    }
}

/// Keeps every formatted log line.
struct CapturingLogHandler: LogHandler {
    let lines: NIOLockedValueBox<[String]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.withLockedValue { $0.append("\(event.level) \(event.message) \(all)") }
    }
}
