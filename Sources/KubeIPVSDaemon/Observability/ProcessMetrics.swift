import Foundation
import Prometheus
import Synchronization

/// Prometheus' standard `process_*` collector (client_golang's `NewProcessCollector`), read from
/// /proc/self at each scrape: CPU seconds, resident and virtual memory, open and maximum file
/// descriptors, start time, and the address-space limit.
final class ProcessMetrics: Sendable {
    let cpuSeconds: Counter
    /// The CPU seconds already added to `cpuSeconds`.
    let cpuCounted = Mutex<Double>(0)
    let residentMemory: Gauge
    let virtualMemory: Gauge
    let virtualMemoryMax: Gauge
    let openFDs: Gauge
    let maxFDs: Gauge
    let startTime: Gauge
    let procRoot: String

    init(registry r: PrometheusCollectorRegistry, procRoot: String = "/proc/self") {
        self.procRoot = procRoot
        // A counter fed by increments: each scrape adds the CPU time used since the last one.
        cpuSeconds = r.makeCounter(name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.")
        residentMemory = r.makeGauge(name: "process_resident_memory_bytes", help: "Resident memory size in bytes.")
        virtualMemory = r.makeGauge(name: "process_virtual_memory_bytes", help: "Virtual memory size in bytes.")
        virtualMemoryMax = r.makeGauge(name: "process_virtual_memory_max_bytes",
                                       help: "Maximum amount of virtual memory available in bytes.")
        openFDs = r.makeGauge(name: "process_open_fds", help: "Number of open file descriptors.")
        maxFDs = r.makeGauge(name: "process_max_fds", help: "Maximum number of open file descriptors.")
        startTime = r.makeGauge(name: "process_start_time_seconds",
                                help: "Start time of the process since unix epoch in seconds.")
    }

    /// Re-reads /proc (called before each scrape is rendered).
    func update() {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        if let stat = try? String(contentsOfFile: procRoot + "/stat", encoding: .utf8),
           let fields = Self.statFields(stat), fields.count > 21,
           let utime = Double(fields[11]), let stime = Double(fields[12]), let start = Double(fields[19]),
           let vsize = Double(fields[20]), let rss = Double(fields[21]) {
            let total = (utime + stime) / ticks
            cpuCounted.withLock { counted in
                if total > counted { cpuSeconds.increment(by: total - counted); counted = total }
            }
            virtualMemory.set(to: vsize)
            residentMemory.set(to: rss * Double(sysconf(Int32(_SC_PAGESIZE))))
            if let boot = Self.bootTime() { startTime.set(to: boot + start / ticks) }
        }
        if let limits = try? String(contentsOfFile: procRoot + "/limits", encoding: .utf8) {
            if let v = Self.limit(limits, "Max open files") { maxFDs.set(to: v) }
            if let v = Self.limit(limits, "Max address space") { virtualMemoryMax.set(to: v) }
        }
        if let fds = try? FileManager.default.contentsOfDirectory(atPath: procRoot + "/fd") {
            openFDs.set(to: Double(fds.count))
        }
    }

    /// The fields of /proc/PID/stat after the command name (which may hold spaces and parentheses):
    /// index 0 is `state` (field 3 in proc(5)), so proc(5)'s field n is at n − 3.
    static func statFields(_ stat: String) -> [Substring]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
    }

    /// The soft limit of one /proc/PID/limits row; "unlimited" is 2⁶⁴−1 as client_golang reports it.
    static func limit(_ limits: String, _ name: String) -> Double? {
        guard let row = limits.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return nil }
        let soft = row.dropFirst(name.count).split(separator: " ").first
        if soft == "unlimited" { return 18_446_744_073_709_551_615 }
        return soft.flatMap { Double($0) }
    }

    /// `btime` of /proc/stat: the boot time in seconds since the epoch.
    static func bootTime() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        return stat.split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { Double($0.dropFirst(6)) }
    }
}
