import Foundation

/// Formatting and measuring helpers for the benchmark's figures.
enum BenchFigures {
    static func ms(_ d: Duration) -> String { fixed(seconds(d) * 1000, 2) }
    static func s(_ d: Duration) -> String { fixed(seconds(d), 3) }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func fixed(_ x: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let n = Int((x * scale).rounded())
        let whole = n / Int(scale), frac = abs(n % Int(scale))
        let fracText = String(frac)
        return digits == 0 ? "\(whole)" : "\(n < 0 && whole == 0 ? "-" : "")\(whole).\(String(repeating: "0", count: digits - fracText.count))\(fracText)"
    }

    /// The `p`-th percentile (nearest rank) of `values`.
    static func percentile(_ values: [Duration], _ p: Double) -> Duration {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .zero }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// User + system CPU time of this process so far (all threads).
    static func cpuTime() -> Duration {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func d(_ t: timeval) -> Duration { .seconds(t.tv_sec) + .microseconds(t.tv_usec) }
        return d(usage.ru_utime) + d(usage.ru_stime)
    }

    /// A `/proc/self/status` field in kB (`VmHWM`: peak resident set; `VmRSS`: current).
    static func status(_ field: String) -> Int? {
        guard let file = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix(field + ":") else { continue }
            return Int(text.dropFirst(field.count + 1).filter { $0.isNumber })
        }
        return nil
    }

    /// `ipvs 1.234 s, ipsets ..., daemon 0.456 s` for one measured span.
    static func breakdown(total: Duration, kernel: [KernelClock.Part: Duration]) -> String {
        var parts = KernelClock.Part.allCases.map { "\($0.rawValue) \(s(kernel[$0] ?? .zero))" }
        let spentInKernel = kernel.values.reduce(Duration.zero, +)
        parts.append("daemon \(s(total - spentInKernel))")
        return parts.joined(separator: ", ")
    }
}
