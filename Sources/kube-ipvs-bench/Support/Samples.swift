import Foundation

/// Durations of one measured step over repeated runs: median, p90 and max.
struct Samples {
    private(set) var values: [Duration] = []

    init(_ values: [Duration] = []) { self.values = values }

    mutating func add(_ value: Duration) { values.append(value) }

    var count: Int { values.count }

    /// The value at quantile `q` (nearest rank).
    func quantile(_ q: Double) -> Duration {
        guard !values.isEmpty else { return .zero }
        let sorted = values.sorted()
        let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return sorted[Swift.min(Swift.max(rank, 0), sorted.count - 1)]
    }

    var median: Duration { quantile(0.5) }
    var p90: Duration { quantile(0.9) }
    var max: Duration { values.max() ?? .zero }
}

extension Duration {
    /// Milliseconds as a Double.
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    /// `0.84 ms`, `12.3 ms`, `812 ms`, `4.51 s`.
    var short: String {
        let ms = milliseconds
        if ms >= 1000 { return String(format: "%.2f s", ms / 1000) }
        if ms >= 100 { return String(format: "%.0f ms", ms) }
        if ms >= 10 { return String(format: "%.1f ms", ms) }
        return String(format: "%.2f ms", ms)
    }
}
