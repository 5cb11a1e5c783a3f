import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSSources
import Logging
import Testing

/// Liveness tells the truth about sources: a reload that does not finish fails /healthz and /livez after the
/// health timeout (dates injected, no sleeps for the timing).
@Suite struct SourceLivenessTests {
    @Test func aSourceBusyPastTheTimeoutIsUnhealthy() {
        let start = Date(timeIntervalSince1970: 1_000_000)
        let health = HealthState(timeout: 60, now: start)
        health.updated(at: start)
        health.sourceBusy("manifests /m", at: start + 10)
        #expect(health.isHealthy(at: start + 70))
        #expect(!health.isHealthy(at: start + 71))
        health.sourceIdle("manifests /m")
        #expect(health.isHealthy(at: start + 500))
    }

    /// NodeCIDR mode's start-up wait for the Node's pod CIDRs has its own 5-minute bound (then the daemon
    /// exits): it must not fail /livez first; the first sync's timeout counts from the wait's end.
    @Test func theNodeCIDRWaitIsHealthyAndTheFirstSyncIsTimedFromItsEnd() {
        let start = Date(timeIntervalSince1970: 1_000_000)
        let health = HealthState(timeout: 60, now: start)
        #expect(!health.isHealthy(at: start + 61), "no sync 61 s after start")
        health.awaitingNode(true, at: start + 1)
        #expect(health.isHealthy(at: start + 290))
        health.awaitingNode(false, at: start + 290)
        #expect(health.isHealthy(at: start + 350))
        #expect(!health.isHealthy(at: start + 351))
        health.updated(at: start + 340)
        #expect(health.isHealthy(at: start + 399))
    }

    @Test func manifestReloadIsBusyWhileItRunsAndIdleAfterwards() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kipvs-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {}\n"
            .write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        let health = HealthState(timeout: 60)
        health.updated()
        let source = ManifestDirectorySource(path: dir.path, pollInterval: .milliseconds(20), health: health,
                                             logger: Logger(label: "test"))
        let seen = Observations()
        let run = Task {
            try await source.run { event in
                // A reload that stalls here (a sink or a read that never returns) for over an hour is stuck.
                if case .replaceServices = event { seen.record(health.isHealthy(at: Date() + 3600)) }
                if case .synced = event { seen.synced() }
            }
        }
        defer { run.cancel() }
        for _ in 0..<500 where !seen.isSynced { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(seen.healthyDuringReload == [false])
        #expect(health.isHealthy(at: Date() + 30))
    }
}

/// What the sink saw, across tasks.
final class Observations: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var values: [Bool] = []
    private var done = false

    func record(_ healthy: Bool) { lock.withLock { values.append(healthy) } }
    func synced() { lock.withLock { done = true } }
    var healthyDuringReload: [Bool] { lock.withLock { values } }
    var isSynced: Bool { lock.withLock { done } }
}
