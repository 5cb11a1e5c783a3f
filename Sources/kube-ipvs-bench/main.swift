// kube-ipvs-bench NAME [ARGS]: programs that print figures (ratios measured in the same run).
//   plan   planner at 1k/10k/50k services x 10 endpoints: time per stage and peak RSS per size
//   ipset  LibIPSet batches vs `ipset restore`/`ipset save` in a fresh network namespace (root)
// The IPVS benchmarks run in the qemu guest: Tests/Guest/run-guest-bench.sh.
let benchArgs = Array(CommandLine.arguments.dropFirst())
switch benchArgs.first {
case "plan": try await PlanBenchmark.run(Array(benchArgs.dropFirst()))
case "ipset": try await IPSetBench.run(Array(benchArgs.dropFirst()))
default:
    print("usage: kube-ipvs-bench plan|ipset [options]   (IPVS: Tests/Guest/run-guest-bench.sh)")
}
