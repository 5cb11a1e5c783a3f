import Foundation

// kube-ipvs-bench <name> [options]: prints figures; not a test. Each benchmark lives in its own
// folder and registers one line here.
let benchmarks: [any Benchmark.Type] = [
    IptablesBenchmark.self,
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, !["-h", "--help", "help"].contains(name) else {
    print(BenchmarkUsage.text(benchmarks))
    exit(arguments.isEmpty ? 2 : 0)
}
guard let benchmark = benchmarks.first(where: { $0.name == name }) else {
    FileHandle.standardError.write(Data("kube-ipvs-bench: unknown benchmark \(name)\n\n\(BenchmarkUsage.text(benchmarks))\n".utf8))
    exit(2)
}
do {
    let options = try BenchmarkOptions(Array(arguments.dropFirst()))
    if options.flag("help") {
        print("kube-ipvs-bench \(benchmark.name): \(benchmark.summary)\n\n\(benchmark.usage)")
        exit(0)
    }
    exit(try await benchmark.run(options))
} catch {
    FileHandle.standardError.write(Data("kube-ipvs-bench \(name): \(error)\n".utf8))
    exit(1)
}
