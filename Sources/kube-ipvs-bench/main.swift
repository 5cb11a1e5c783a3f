// kube-ipvs-bench NAME [ARGS]: programs that print figures (ratios measured in the same run).
//   plan   planner at 1k/10k/50k services x 10 endpoints: time per stage and peak RSS per size
//   ipset  LibIPSet batches vs `ipset restore`/`ipset save` in a fresh network namespace (root)
//   iptables  the iptables fallback proxier, full and one-change syncs, in a fresh network namespace (root)
//   daemon       IPVSProxier on the real kernel: full sync vs `ipvsadm -R`, EndpointSlice change latency
//   daemon-rest  a ProxyDaemon after its first sync: CPU at rest, peak RSS
//   api-list     one node's start against the in-process test API server: cache vs quorum reads, cost model
// The IPVS benchmarks run in the qemu guest: Tests/Guest/run-guest-bench.sh.
import Foundation

let usage = """
    usage: kube-ipvs-bench plan [--sizes N,N,...] [--endpoints N] [--repeat N] [--in-process] [--strict]
           kube-ipvs-bench ipset [options]
           kube-ipvs-bench iptables [options]
    \(IptablesBenchmark.usage)
           kube-ipvs-bench daemon|daemon-rest [--services N] [--endpoints N] [--changes N] [--seconds N]
                                              [--fake] [--no-ipvsadm] [--strict]
           kube-ipvs-bench api-list [--services N] [--endpoints N] [--nodes N]
    Build with -c release for figures that mean anything. IPVS and daemon (root, ip_vs):
    Tests/Guest/run-guest-bench.sh [daemon].
    """
let benchArgs = Array(CommandLine.arguments.dropFirst())
if benchArgs.contains("--help") || benchArgs.contains("-h") {
    print(usage)
    exit(0)
}
do {
    switch benchArgs.first {
    case "plan": try await PlanBenchmark.run(Array(benchArgs.dropFirst()))
    case "ipset": try await IPSetBench.run(Array(benchArgs.dropFirst()))
    case "iptables": exit(try await IptablesBenchmark.run(Array(benchArgs.dropFirst())))
    case "daemon": try await DaemonBenchmark.run(Array(benchArgs.dropFirst()), rest: false)
    case "daemon-rest": try await DaemonBenchmark.run(Array(benchArgs.dropFirst()), rest: true)
    case "api-list": try await ListBench.run(Array(benchArgs.dropFirst()))
    default:
        print(usage)
        exit(2)
    }
} catch {
    // A bad argument or a missed --strict target: one line and a non-zero exit, never a trap.
    FileHandle.standardError.write(Data("kube-ipvs-bench: \(error)\n".utf8))
    exit(1)
}
