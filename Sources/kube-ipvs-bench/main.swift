import Glibc
import KubeIPVSCore
import Logging

// kube-ipvs-bench: benchmarks that print figures (`BENCH ...` lines; `BENCH-FAIL ...` and exit 1 when a
// run did not do what it measured).
//   daemon      [--services N] [--endpoints M] [--changes K] [--fake] [--no-ipvsadm]
//       (a) full IPVSProxier sync from an empty kernel vs `ipvsadm -R` of the same IPVS table,
//       (b) EndpointSlice change -> kernel latency over K partial syncs (p50/p99)
//   daemon-rest [--services N] [--endpoints M] [--seconds S] [--fake]
//       (c) a ProxyDaemon at rest: CPU over S seconds after its first sync, peak RSS
// The real kernel needs root, ip_vs, the dummy link type, ipset and iptables: run it in the guest
// (Tests/Guest/run-guest-daemon-bench.sh). `--fake` drives the in-memory fakes (the daemon's own cost).

enum BenchMain {
    static let epoch = ContinuousClock.now
    static let args = Array(CommandLine.arguments.dropFirst())

    static func value(_ flag: String) -> String? {
        guard let i = args.firstIndex(of: flag), i + 1 < args.count else { return nil }
        return args[i + 1]
    }

    static func number(_ flag: String, _ fallback: Int) -> Int { value(flag).flatMap(Int.init) ?? fallback }
}

_ = BenchMain.epoch  // the benchmark's monotonic zero, before any sync
var logger = Logger(label: "kube-ipvs-bench")
logger.logLevel = .warning
let cluster = BenchCluster(services: BenchMain.number("--services", 10_000), endpoints: BenchMain.number("--endpoints", 10))
let fake = BenchMain.args.contains("--fake")
var ok = false
do {
    switch BenchMain.args.first {
    case "daemon":
        var bench = DaemonBench(cluster: cluster, changes: BenchMain.number("--changes", 200),
                                compareIpvsadm: !BenchMain.args.contains("--no-ipvsadm"),
                                bench: try await BenchKernel.make(fake: fake), logger: logger)
        await bench.run()
        ok = bench.ok
    case "daemon-rest":
        ok = await RestBench(cluster: cluster, seconds: BenchMain.number("--seconds", 10),
                             bench: try await BenchKernel.make(fake: fake), logger: logger).run()
    default:
        print("usage: kube-ipvs-bench daemon|daemon-rest [--services N] [--endpoints M] [--changes K] [--seconds S] [--fake] [--no-ipvsadm]")
        exit(2)
    }
} catch {
    print("BENCH-FAIL \(error)")
}
print("BENCH-DONE \(ok ? "ok" : "failed")")
exit(ok ? 0 : 1)
