import Foundation

/// Parses Go `time.Duration` text as kube-proxy's flags and KubeProxyConfiguration use it:
/// `30s`, `1m0s`, `500ms`, `1h30m`, `0`. Returns nil for anything else.
public enum GoDuration {
    public static func parse(_ text: String) -> Duration? {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s == "0" { return .zero }
        guard !s.isEmpty else { return nil }
        var total = Duration.zero
        var rest = Substring(s)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter || $0 == "µ" }
            rest = rest.dropFirst(unit.count)
            guard let scale = unitSeconds[String(unit)] else { return nil }
            total += .nanoseconds(Int64((value * scale * 1e9).rounded()))
        }
        return total
    }

    static let unitSeconds: [String: Double] = [
        "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600,
    ]
}
