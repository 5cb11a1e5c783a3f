import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Clocks, peak memory and child processes for the benchmarks (Linux).
enum BenchProcess {
    /// Monotonic wall time, seconds.
    static func now() -> Double { clock(CLOCK_MONOTONIC) }

    /// CPU time of the whole process (every thread), seconds.
    static func cpuNow() -> Double { clock(CLOCK_PROCESS_CPUTIME_ID) }

    static func clock(_ id: clockid_t) -> Double {
        var ts = timespec()
        clock_gettime(id, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Peak resident set size of this process so far (`VmHWM` in /proc/self/status), KiB.
    static func peakRSSKiB() -> Int { statusField("VmHWM:") ?? 0 }

    /// Current resident set size (`VmRSS`), KiB.
    static func rssKiB() -> Int { statusField("VmRSS:") ?? 0 }

    static func statusField(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            return Int(line.dropFirst(name.count).split(whereSeparator: \.isWhitespace).first ?? "")
        }
        return nil
    }

    /// Resets `VmHWM` to the current RSS (`echo 5 > /proc/self/clear_refs`, Linux 4.0+), so a peak
    /// can be measured per phase inside one process. False when the kernel refuses.
    @discardableResult
    static func resetPeakRSS() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    /// The 1-minute load average and the number of online CPUs, for the report header.
    static func machine() -> String {
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
            .split(separator: " ").first.map(String.init) ?? "?"
        return "\(ProcessInfo.processInfo.activeProcessorCount) CPUs, load average \(load)"
    }

    /// This executable's path, read from /proc/self/exe.
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The arguments that started this benchmark before `args` (e.g. `["plan"]` when the dispatcher
    /// ran `kube-ipvs-bench plan --sizes ...` and passed `["--sizes", ...]`), so a child can be
    /// started the same way. nil when `args` is not the tail of the command line.
    static func invocationPrefix(for args: [String]) -> [String]? {
        let all = Array(CommandLine.arguments.dropFirst())
        guard all.count >= args.count, Array(all.suffix(args.count)) == args else { return nil }
        return Array(all.prefix(all.count - args.count))
    }

    /// Runs this executable with `arguments`; returns its exit status and standard output
    /// (standard error passes through).
    static func runSelf(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executablePath())
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `12.3 ms`.
    static func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

    /// `123.4 MB` (MiB, from KiB).
    static func mb(_ kib: Int) -> String { String(format: "%.1f MB", Double(kib) / 1024) }
}
