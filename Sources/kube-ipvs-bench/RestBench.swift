import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import Logging

/// (c) A running ``ProxyDaemon`` at rest: fed the whole cluster once, it does its first (full) sync, then
/// nothing changes for `seconds`. Prints the CPU time the process used in that window (all threads: the
/// loop, its address polls, any periodic sync) and the peak resident set of the whole run (`VmHWM`).
struct RestBench {
    let cluster: BenchCluster
    let seconds: Int
    let bench: BenchKernel
    let logger: Logger

    func run() async -> BenchVerdicts {
        var verdicts = BenchVerdicts()
        let metrics = DaemonMetrics()
        let proxier = IPVSProxier(kernel: bench.kernel, config: ProxyConfiguration(), logger: logger)
        let links = bench.links
        let daemon = ProxyDaemon(
            source: StaticSource(events: [.replaceServices(cluster.allServices), .replaceSlices(cluster.allSlices), .synced]),
            proxier: proxier,
            // As DaemonBootstrap wires it: kube-ipvs0's own addresses are no node facts.
            node: .init(name: "node-0", localAddresses: {
                ((try? await links.localAddresses()) ?? []).filter { $0.interface != "kube-ipvs0" }
            }),
            minSyncPeriod: .seconds(1), syncPeriod: .seconds(30), metrics: metrics,
            health: HealthState(timeout: 60), logger: logger)
        let start = ContinuousClock.now
        let loop = Task { try await daemon.run() }
        defer { loop.cancel() }
        // Bounded wait for the first sync (a full one: the whole cluster).
        while await daemon.syncCount == 0, ContinuousClock.now - start < .seconds(1800) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let outcome = await daemon.lastOutcome
        guard let first = outcome, first.success else {
            verdicts.check(false, "daemon's first sync: \(outcome.map { "\($0.errors.prefix(3))" } ?? "never finished")")
            return verdicts
        }
        print("BENCH daemon first sync done after \(BenchFigures.s(ContinuousClock.now - start)) s: "
              + "\(first.virtualServers) virtual servers, \(first.realServers) real servers")
        // Settle: whatever follows the first sync (an address poll, a follow-up) before the window.
        try? await Task.sleep(for: .seconds(6))
        let syncsBefore = await daemon.syncCount
        let cpuBefore = BenchFigures.cpuTime(), wallBefore = ContinuousClock.now
        try? await Task.sleep(for: .seconds(seconds))
        let cpu = BenchFigures.cpuTime() - cpuBefore, wall = ContinuousClock.now - wallBefore
        let syncs = await daemon.syncCount - syncsBefore
        let peak = BenchFigures.status("VmHWM") ?? -1, now = BenchFigures.status("VmRSS") ?? -1
        let share = BenchFigures.seconds(cpu) / BenchFigures.seconds(wall) * 100
        // "No CPU between changes": no sync, and no more than timer wake-ups (under 0.5% of a core).
        print("BENCH daemon at rest: \(BenchFigures.ms(cpu)) ms CPU in \(BenchFigures.s(wall)) s "
              + "(\(BenchFigures.fixed(share, 3)) % of a core; \(syncs) syncs in the window) "
              + "(target: no sync, < 0.5 % of a core): \(verdicts.target(syncs == 0 && share < 0.5))")
        print("BENCH daemon memory: peak RSS (VmHWM) \(peak / 1024) MB, RSS now \(now / 1024) MB "
              + "(target peak <= 150 MB): \(verdicts.target(peak >= 0 && peak <= 150 * 1024))")
        return verdicts
    }
}

/// Delivers a fixed list of events, then waits (as a watch with no news would) until cancelled.
struct StaticSource: ObjectSource {
    let events: [ObjectEvent]
    var name: String { "bench (in memory)" }

    func run(_ sink: @escaping @Sendable (ObjectEvent) async -> Void) async throws {
        for event in events { await sink(event) }
        while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
    }
}
