import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import Logging

/// (c) A running ``ProxyDaemon`` at rest: fed the whole cluster once, it does its first (full) sync and
/// then sees no change. Prints the CPU time the process used (all threads) between two syncs, and over a
/// whole `--ipvs-sync-period` that includes a periodic reconcile (kernel re-read), and the peak resident
/// set of the whole run (`VmHWM`).
struct RestBench {
    let cluster: BenchCluster
    let seconds: Int
    let bench: BenchKernel
    let logger: Logger
    static let syncPeriod = Duration.seconds(30)

    func run() async throws -> BenchVerdicts {
        var verdicts = BenchVerdicts()
        let proxier = try bench.proxier(logger: logger)
        let links = bench.links
        let daemon = try ProxyDaemon(
            source: ClusterSource(cluster: cluster), proxier: proxier,
            // As DaemonBootstrap wires it: kube-ipvs0's own addresses are no node facts.
            node: .init(name: "node-0", localAddresses: {
                (try? await links.localAddresses(excluding: "kube-ipvs0")) ?? []
            }),
            minSyncPeriod: .seconds(1), syncPeriod: Self.syncPeriod, metrics: DaemonMetrics(),
            health: HealthState(timeout: 60), logger: logger, executor: proxier.executor)
        let start = ContinuousClock.now
        let loop = Task { try await daemon.run() }
        defer { loop.cancel() }
        guard await waitForSync(1, of: daemon, limit: .seconds(1800)), let first = await daemon.lastOutcome,
              first.success else {
            let outcome = await daemon.lastOutcome
            verdicts.check(false, "daemon's first sync: \(outcome.map { "\($0.errors.prefix(3))" } ?? "never finished")")
            return verdicts
        }
        print("BENCH daemon first sync done after \(BenchFigures.s(ContinuousClock.now - start)) s: "
              + "\(first.virtualServers) virtual servers, \(first.realServers) real servers")
        // Between syncs: the window starts a second after one ended and must end before the next begins.
        try? await Task.sleep(for: .seconds(1))
        let startedBefore = await daemon.syncsStarted
        let idle = await BenchWindow.measure { try? await Task.sleep(for: .seconds(seconds)) }
        let startedInWindow = await daemon.syncsStarted - startedBefore
        // "No CPU between changes": no sync, and no more than timer wake-ups (under 0.5% of a core).
        print("BENCH daemon at rest between syncs: \(idle.summary) (\(startedInWindow) syncs began in the window) "
              + "(target: < 0.5 % of a core): \(verdicts.target(startedInWindow == 0 && idle.share < 0.5))")
        verdicts.check(startedInWindow == 0, "a sync began inside the at-rest window: shorten --seconds")
        // A whole period: from the end of the first periodic reconcile to the end of the next one.
        let count = await daemon.syncCount
        guard await waitForSync(count + 1, of: daemon, limit: .seconds(600)) else {
            verdicts.check(false, "no periodic reconcile within 600 s")
            return verdicts
        }
        let reconcile = await daemon.lastOutcome
        let period = await BenchWindow.measure { _ = await waitForSync(count + 2, of: daemon, limit: .seconds(600)) }
        let outcome = await daemon.lastOutcome
        verdicts.check(reconcile?.full == true && outcome?.full == true && outcome?.success == true,
                       "the syncs at rest were periodic reconciles that succeeded")
        print("BENCH daemon over one sync period with its periodic reconcile (nothing changed): \(period.summary) "
              + "(the kernel re-read every \(BenchFigures.s(Self.syncPeriod)) s; kube-proxy: 65 % of a core at 2,000 services)")
        let peak = BenchFigures.status("VmHWM") ?? -1, now = BenchFigures.status("VmRSS") ?? -1
        print("BENCH daemon memory: peak RSS (VmHWM) \(peak / 1024) MB, RSS now \(now / 1024) MB "
              + "(target peak <= 150 MB): \(verdicts.target(peak >= 0 && peak <= 150 * 1024))")
        return verdicts
    }

    /// Waits (polling, bounded) until the daemon has finished `count` syncs.
    func waitForSync(_ count: Int, of daemon: ProxyDaemon, limit: Duration) async -> Bool {
        let start = ContinuousClock.now
        while await daemon.syncCount < count {
            guard ContinuousClock.now - start < limit else { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }
}

/// Process CPU time against wall time over one awaited stretch.
struct BenchWindow {
    let cpu: Duration
    let wall: Duration
    var share: Double { BenchFigures.seconds(cpu) / BenchFigures.seconds(wall) * 100 }
    var summary: String {
        "\(BenchFigures.ms(cpu)) ms CPU in \(BenchFigures.s(wall)) s (\(BenchFigures.fixed(share, 3)) % of a core)"
    }

    static func measure(_ body: () async -> Void) async -> BenchWindow {
        let cpu = BenchFigures.cpuTime(), wall = ContinuousClock.now
        await body()
        return BenchWindow(cpu: BenchFigures.cpuTime() - cpu, wall: ContinuousClock.now - wall)
    }
}

/// Delivers the whole cluster once (built on the spot, so the source keeps no copy of it), then waits
/// as a watch with no news would, until cancelled.
struct ClusterSource: ObjectSource {
    let cluster: BenchCluster
    var name: String { "bench (in memory)" }

    func run(_ sink: @escaping @Sendable (ObjectEvent) async -> Void) async throws {
        await sink(.replaceServices(cluster.allServices))
        await sink(.replaceSlices(cluster.allSlices))
        await sink(.synced)
        while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
    }
}
