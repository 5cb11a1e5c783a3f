/// Parses Go `time.Duration` text exactly as Go's `time.ParseDuration` does for kube-proxy's flags and
/// KubeProxyConfiguration: an optional sign, then one or more `<decimal><unit>` terms (`30s`, `1m0s`,
/// `1.5h`, `500ms`), units ns, us, µs, μs, ms, s, m, h; `0` alone needs no unit. A value beyond
/// Int64 nanoseconds (about 292 years, e.g. `9999999999h`) is an error, as in Go, never a trap.
public enum GoDuration {
    /// Why a text is not a duration.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case invalid, missingUnit, unknownUnit(String), outOfRange
        public var description: String {
            switch self {
            case .invalid: "invalid duration"
            case .missingUnit: "missing unit in duration"
            case .unknownUnit(let u): "unknown unit \"\(u)\" in duration"
            case .outOfRange: "duration out of range (at most 2562047h47m16.854775807s)"
            }
        }
    }

    /// The duration, or nil when `text` is not one.
    public static func parse(_ text: String) -> Duration? { try? parseNanoseconds(text).duration }

    /// The duration in nanoseconds, or the reason it is not one.
    public static func parseNanoseconds(_ text: String) throws(Failure) -> Int64 {
        var rest = Substring(text).unicodeScalars[...]
        var negative = false
        if let c = rest.first, c == "-" || c == "+" { negative = c == "-"; rest = rest.dropFirst() }
        if String(rest) == "0" { return 0 }
        guard !rest.isEmpty else { throw .invalid }
        // Accumulated as a magnitude up to 2^63 so that "-9223372036854775808ns" is representable.
        var total: UInt64 = 0
        while !rest.isEmpty {
            let (ns, remainder) = try term(rest)
            rest = remainder
            let (sum, overflow) = total.addingReportingOverflow(ns)
            guard !overflow, sum <= 1 << 63 else { throw .outOfRange }
            total = sum
        }
        if negative { return total == 1 << 63 ? Int64.min : -Int64(total) }
        guard total <= UInt64(Int64.max) else { throw .outOfRange }
        return Int64(total)
    }

    /// One `<decimal><unit>` term at the start of `s`: its nanoseconds and what follows it.
    static func term(_ s: Substring.UnicodeScalarView) throws(Failure) -> (UInt64, Substring.UnicodeScalarView) {
        var rest = s
        let whole = rest.prefix { $0.properties.numericType != nil && $0.isASCII }
        rest = rest.dropFirst(whole.count)
        var fraction = Substring.UnicodeScalarView()
        if rest.first == "." {
            rest = rest.dropFirst()
            fraction = rest.prefix { $0.properties.numericType != nil && $0.isASCII }
            rest = rest.dropFirst(fraction.count)
        }
        guard !whole.isEmpty || !fraction.isEmpty else { throw .invalid }
        let unitText = rest.prefix { !($0.isASCII && ($0.properties.numericType != nil || $0 == ".")) }
        rest = rest.dropFirst(unitText.count)
        guard !unitText.isEmpty else { throw .missingUnit }
        guard let unit = units[String(unitText)] else { throw .unknownUnit(String(unitText)) }
        var value: UInt64 = 0
        for digit in whole {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(digit.value - 48))
            guard !o1, !o2, a <= 1 << 63 else { throw .outOfRange }
            value = a
        }
        let (ns, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow, ns <= 1 << 63 else { throw .outOfRange }
        return (ns + fractionNanoseconds(fraction, unit: unit), rest)
    }

    /// `0.<digits>` of `unit`, truncated to whole nanoseconds as Go does.
    static func fractionNanoseconds(_ digits: Substring.UnicodeScalarView, unit: UInt64) -> UInt64 {
        var numerator: UInt64 = 0
        var scale: UInt64 = 1
        // Beyond 18 digits the fraction cannot change a nanosecond of an hour.
        for digit in digits.prefix(18) {
            numerator = numerator * 10 + UInt64(digit.value - 48)
            scale *= 10
        }
        let product = numerator.multipliedFullWidth(by: unit)
        return scale.dividingFullWidth((product.high, product.low)).quotient
    }

    static let units: [String: UInt64] = [
        "ns": 1, "us": 1_000, "\u{00B5}s": 1_000, "\u{03BC}s": 1_000, "ms": 1_000_000,
        "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]

    /// Go's `Duration.String()`: `1h0m0s`, `30s`, `1.5s`, `500ms`, `0s`.
    public static func format(_ duration: Duration) -> String {
        let ns = duration.nanoseconds
        if ns == 0 { return "0s" }
        let sign = ns < 0 ? "-" : ""
        let magnitude = ns.magnitude
        if magnitude < 1_000_000_000 {
            for (unit, size) in [("ns", UInt64(1)), ("µs", 1_000), ("ms", 1_000_000)].reversed() where magnitude >= size {
                return sign + decimal(magnitude, size) + unit
            }
        }
        let hours = magnitude / 3_600_000_000_000
        let minutes = magnitude / 60_000_000_000 % 60
        let seconds = decimal(magnitude % 60_000_000_000, 1_000_000_000) + "s"
        if hours > 0 { return "\(sign)\(hours)h\(minutes)m\(seconds)" }
        if minutes > 0 { return "\(sign)\(minutes)m\(seconds)" }
        return sign + seconds
    }

    static func decimal(_ value: UInt64, _ unit: UInt64) -> String {
        let whole = value / unit
        var fraction = String(value % unit)
        guard value % unit != 0 else { return String(whole) }
        let width = String(unit).count - 1
        fraction = String(repeating: "0", count: width - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction)"
    }
}

extension Int64 {
    /// Nanoseconds as a `Duration`.
    var duration: Duration { .nanoseconds(self) }
}

extension Duration {
    /// Whole nanoseconds (a Duration made from Go durations always fits).
    var nanoseconds: Int64 {
        let (s, a) = components
        return s * 1_000_000_000 + a / 1_000_000_000
    }
}
