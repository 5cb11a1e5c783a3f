import Foundation
import KubeIPVSCore
import KubeIPVSIptables
import KubeIPVSTesting
import Logging

/// `kube-ipvs-bench iptables`: the iptables fallback proxier against the real iptables-restore, in
/// a network namespace it creates (never the root namespace). For each backend and size: full
/// syncs from empty, then one-change syncs (one EndpointSlice gains an endpoint), each split into
/// snapshot build, render (+ diff) and iptables-save/restore.
enum IptablesBenchmark {
    /// The options, for the dispatcher's usage text.
    static let usage = """
               --services 1000,10000  service counts (each with one EndpointSlice)
               --endpoints 10         endpoints per service
               --changes 10           one-change syncs per size and kind
               --full-runs 3          full syncs from empty per size, each in a fresh namespace (1 above 5,000 services)
               --backend all          nft, legacy or all (those whose tools work here)
               --timeout 300          seconds allowed per iptables-save/iptables-restore
               --keep                 leave the last namespace (with its rules) in place and print its name
        """

    /// Issue #5 item 4, at 1,000 services × 10 endpoints.
    static let fullTarget = Duration.seconds(1)
    static let changeTarget = Duration.milliseconds(50)
    static let targetSize = 1000

    static func run(_ arguments: [String]) async throws -> Int32 {
        let options = try BenchmarkOptions(arguments)
        try options.check(known: ["services", "endpoints", "changes", "full-runs", "backend", "timeout", "keep"])
        let sizes = try options.ints("services", default: [1000, 10000])
        let endpoints = try options.int("endpoints", default: 10)
        let changes = try options.int("changes", default: 10)
        let fullRuns = try options.int("full-runs", default: 3)
        let timeout = Duration.seconds(try options.int("timeout", default: 300))
        guard endpoints > 0, timeout > .zero else { throw BenchError("--endpoints and --timeout want numbers above 0") }
        guard getuid() == 0, NetnsLab.isUsable else {
            throw BenchError("needs root and `ip netns` (it works in a network namespace it creates)")
        }
        let wanted = options.string("backend", default: "all")
        guard ["all", "nft", "legacy"].contains(wanted) else { throw BenchError("--backend wants nft, legacy or all, got \(wanted)") }
        let backends = NetnsLab.iptablesBackends.filter { wanted == "all" || $0.rawValue == wanted }
        guard !backends.isEmpty else { throw BenchError("no usable iptables backend matches \(wanted)") }
        LabCleanup.shared.install()
        print(environment(backends))
        print("wall-clock rows depend on the machine's load; the CPU rows (this process, and the tools it ran) much less.")
        print("cluster: per service 1 EndpointSlice × \(endpoints) endpoints; ClusterIP, 10 % NodePort (1/3 of those"
            + " externalTrafficPolicy Local), 5 % two ports, 2 % UDP, 1 % ClientIP affinity; families IPv4+IPv6 synced\n")

        let logger = Logger(label: "kube-ipvs-bench", factory: { _ in SwiftLogNoOpLogHandler() })
        var results: [IptablesBenchResult] = []
        for backend in backends {
            for size in sizes {
                let cluster = IptablesBenchCluster(services: size, endpoints: endpoints)
                var run = IptablesBenchRun(backend: backend, cluster: cluster, fullRuns: size > 5000 ? 1 : fullRuns,
                                           changes: changes, timeout: timeout, logger: logger,
                                           result: IptablesBenchResult(backend: backend),
                                           keepNamespace: options.flag("keep") && backend == backends.last && size == sizes.last)
                FileHandle.standardError.write(Data("… \(backend) \(size) services\n".utf8))
                let result = await run.runCatching()
                results.append(result)
                print(table([result]).text)
                print((result.failure.map { "FAILED: \($0)" } ?? "check: \(result.verification)")
                    + "; load average \(loadAverage())\n")
            }
        }
        print(summary(results))
        // Exit 1 only when something could not be measured; a missed target is a figure, not an error.
        return results.contains { $0.failure != nil } ? 1 : 0
    }

    static func environment(_ backends: [IptablesBackend]) -> String {
        let version = (try? ProcessRunner().runBlocking(["iptables", "--version"], input: nil, timeout: .seconds(5)))?
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        var uts = utsname()
        uname(&uts)
        let kernel = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        #if DEBUG
        let build = "DEBUG build (use -c release for figures)"
        #else
        let build = "release build"
        #endif
        return "kube-ipvs-bench iptables: \(version); kernel \(kernel); \(ProcessInfo.processInfo.activeProcessorCount) CPUs"
            + " (load average \(loadAverage())); \(build); backends \(backends.map(\.rawValue).joined(separator: ", "))"
    }

    /// The 1-minute load average: figures from a busy machine are slower than they should be.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?"
        return String(text.split(separator: " ").first ?? "?")
    }

    static func table(_ results: [IptablesBenchResult]) -> TextTable {
        var table = TextTable(["backend", "services", "ports", "endpoints", "nat rules", "sync", "step", "runs",
                               "median", "p90", "max", "target"], left: [0, 5, 6, 11])
        for r in results {
            let head = [r.backend.rawValue, "\(r.services)", "\(r.servicePorts)", "\(r.endpoints)", "\(r.natRules)"]
            let blank = Array(repeating: "", count: head.count)
            rows(&table, head, "full from empty", r.full, target: r.services == targetSize ? fullTarget : nil,
                 bytes: r.fullBytes)
            if r.pureRender.count > 0 {
                table.add(blank + ["(full sync parts)", "CPU: render, empty cache", "\(r.pureRender.count)",
                                   r.pureRender.median.short, r.pureRender.p90.short, r.pureRender.max.short, "both families"])
                table.add(blank + ["", "CPU: restore text", "\(r.pureText.count)", r.pureText.median.short,
                                   r.pureText.p90.short, r.pureText.max.short, "IPv4"])
            }
            rows(&table, blank, "one change, snapshot of all", r.change,
                 target: r.services == targetSize ? changeTarget : nil, bytes: r.changeBytes)
            rows(&table, blank, "  + changed-service hint", r.changeHinted,
                 target: r.services == targetSize ? changeTarget : nil, bytes: r.changeBytes)
            rows(&table, blank, "one change, changed objects only", r.changeMerged,
                 target: r.services == targetSize ? changeTarget : nil, bytes: r.changeBytes)
            if r.naiveResync.count > 0 {
                table.add(blank + ["baseline: rewrite everything", "total", "\(r.naiveResync.count)",
                                   r.naiveResync.median.short, r.naiveResync.p90.short, r.naiveResync.max.short,
                                   "render all + plain restore"])
            }
        }
        return table
    }

    static func rows(_ table: inout TextTable, _ head: [String], _ sync: String, _ phase: SyncPhase,
                     target: Duration?, bytes: Int) {
        guard phase.total.count > 0 else { return }
        let verdict = target.map { "≤ \($0.short) " + (phase.total.median <= $0 ? "met" : "MISSED") } ?? ""
        func row(_ first: [String], _ name: String, _ samples: Samples, _ extra: String) {
            table.add(first + [name, "\(samples.count)", samples.median.short, samples.p90.short, samples.max.short, extra])
        }
        row(head + [sync], "total", phase.total, verdict)
        let blank = Array(repeating: "", count: head.count + 1)
        row(blank, "  snapshot build", phase.build, "")
        row(blank, "  render + diff", phase.render, "")
        row(blank, "  iptables-save/restore", phase.restore, "\(bytes / 1024) KiB IPv4 input")
        row(blank, "  conntrack -D", phase.conntrack, "")
        row(blank, "CPU: proxy", phase.ownCPU, "")
        row(blank, "CPU: iptables tools", phase.toolCPU, "")
    }

    static func summary(_ results: [IptablesBenchResult]) -> String {
        var lines = ["summary (medians; CPU = this process + the tools it ran; baseline = build, render and restore everything"
            + " with plain iptables-restore, same namespace, same run; ratios on wall time):"]
        for r in results {
            let size = "\(r.backend) \(r.services) × \(r.endpoints / Swift.max(r.services, 1))"
            if let failure = r.failure {
                lines.append("  \(size): FAILED \(failure)")
                continue
            }
            let judged = r.services == targetSize
            func verdict(_ phase: SyncPhase, _ target: Duration) -> String {
                let wall = phase.total.median, cpu = phase.cpu.median
                guard judged else { return "\(wall.short) wall, \(cpu.short) CPU" }
                return "\(wall.short) wall \(wall <= target ? "met" : "MISSED"), \(cpu.short) CPU"
                    + " \(cpu <= target ? "met" : "MISSED") (target ≤ \(target.short))"
            }
            func ratio(_ value: Duration) -> String {
                guard r.naiveResync.count > 0, value > .zero else { return "" }
                return String(format: "; %.1f× faster than the baseline", r.naiveResync.median / value)
            }
            lines.append("  \(size): full sync \(verdict(r.full, fullTarget))")
            for (name, phase) in [("as the daemon syncs (snapshot of all + changed-service hint)", r.changeHinted),
                                  ("snapshot of all, no hint", r.change), ("changed objects only", r.changeMerged)]
                where phase.total.count > 0 {
                lines.append("    one change, \(name): \(verdict(phase, changeTarget))\(ratio(phase.total.median))")
            }
            lines.append("    baseline, rewrite of everything: \(r.naiveResync.median.short) wall")
        }
        return lines.joined(separator: "\n")
    }
}
