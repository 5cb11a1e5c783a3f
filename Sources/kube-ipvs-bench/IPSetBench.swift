import Foundation
#if canImport(Glibc)
import Glibc
#endif
import KubeIPVSCore
import KubeIPVSNetlink

/// ipset benchmark: `LibIPSet` batches (add, list, delete of N hash:ip,port entries) next to the
/// `ipset` command doing the same through `ipset restore` / `ipset save`, each in a fresh network
/// namespace so the host's sets are never touched. Needs root.
///
/// The `ipset` figures are per command, process start included; `ipset restore` of the `create`
/// line alone is printed as the start-up baseline.
///
/// Arguments: `--entries 20000`, `--repeat 3` (the best run of each is printed).
enum IPSetBench {
    static func run(_ args: [String]) async throws {
        var entries = 20_000, repeats = 3
        var rest = args[...]
        while let arg = rest.popFirst() {
            guard ["--entries", "--repeat"].contains(arg), let text = rest.popFirst(), let n = Int(text), n > 0 else {
                throw Failure("ipset: unknown argument or bad value near \(arg) (use --entries N, --repeat N)")
            }
            if arg == "--entries" { entries = n } else { repeats = n }
        }
        guard geteuid() == 0 else { throw Failure("ipset: needs root (it creates network namespaces and sets)") }
        print("kube-ipvs-bench ipset: \(entries) hash:ip,port entries, best of \(repeats); \(BenchProcess.machine())")
        var ours: [IPSetBenchmark.Result] = []
        var tool: [ToolTimes] = []
        for _ in 0..<repeats {
            ours.append(try await IPSetBenchmark.batchAdd(count: entries))
            tool.append(try ipsetCommand(entries: entries))
        }
        let best = (add: ours.map(\.addSeconds).min()!, list: ours.map(\.listSeconds).min()!,
                    delete: ours.map(\.deleteSeconds).min()!)
        let cli = ToolTimes(create: tool.map(\.create).min()!, add: tool.map(\.add).min()!,
                            save: tool.map(\.save).min()!, delete: tool.map(\.delete).min()!)
        func line(_ what: String, _ mine: Double, _ theirs: Double) {
            let ratio = mine > 0 ? String(format: "%.1fx", theirs / mine) : "-"
            print("   \(what.padding(toLength: 8, withPad: " ", startingAt: 0)) LibIPSet \(BenchProcess.ms(mine))"
                  + "   ipset \(BenchProcess.ms(theirs))   ipset/LibIPSet \(ratio)")
        }
        line("add", best.add, cli.add)
        line("list", best.list, cli.save)
        line("delete", best.delete, cli.delete)
        print("   ipset start-up baseline (restore of the create line alone): \(BenchProcess.ms(cli.create))")
        let rate = Int(Double(entries) / best.add)
        print("   LibIPSet add rate: \(rate) entries/s")
    }

    /// Seconds per `ipset` command, process start included.
    struct ToolTimes {
        var create: Double
        var add: Double
        var save: Double
        var delete: Double
    }

    /// `ipset restore` (create, then adds), `ipset save`, `ipset restore` (deletes) in one fresh
    /// namespace, timed by the shell between commands.
    static func ipsetCommand(entries count: Int) throws -> ToolTimes {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kube-ipvs-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let list = IPSetBenchmark.entries(count)
        let create = "create KUBE-BENCH hash:ip,port family inet hashsize 1024 maxelem \(max(65536, count))\n"
        try create.write(to: dir.appendingPathComponent("create"), atomically: true, encoding: .utf8)
        try list.map { "add KUBE-BENCH \($0)\n" }.joined()
            .write(to: dir.appendingPathComponent("add"), atomically: true, encoding: .utf8)
        try list.map { "del KUBE-BENCH \($0)\n" }.joined()
            .write(to: dir.appendingPathComponent("del"), atomically: true, encoding: .utf8)
        let script = """
            set -e; cd "$1"; t() { date +%s%N; }
            a=$(t); ipset restore < create; b=$(t); ipset restore < add; c=$(t)
            n=$(ipset save KUBE-BENCH | grep -c '^add '); d=$(t); ipset restore < del; e=$(t)
            echo "$((b-a)) $((c-b)) $((d-c)) $((e-d)) $n"
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-n", "/bin/sh", "-c", script, "sh", dir.path]
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let fields = output.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        guard process.terminationStatus == 0, fields.count == 5 else {
            throw Failure("ipset: unshare -n ipset restore/save exited \(process.terminationStatus): \(output)")
        }
        // A silently short restore must not look fast.
        guard Int(fields[4]) == count else {
            throw Failure("ipset: ipset save listed \(Int(fields[4])) entries after restoring \(count)")
        }
        return ToolTimes(create: fields[0] / 1e9, add: fields[1] / 1e9, save: fields[2] / 1e9,
                         delete: fields[3] / 1e9)
    }

    /// A usage or set-up failure.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
