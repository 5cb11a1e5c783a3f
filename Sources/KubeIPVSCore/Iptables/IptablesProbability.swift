#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `-m statistic --mode random --probability` values of a KUBE-SVC chain.
///
/// Rule i (0-based) of n endpoints matches with probability 1/(n-i), so each endpoint gets 1/n
/// overall; the last rule has no statistic match at all.
public enum IptablesProbability {
    /// kube-proxy's text for 1/n: Go's `fmt.Sprintf("%0.10f", 1.0/float64(n))` (`0.3333333333`).
    public static func text(_ n: Int) -> String {
        precondition(n > 0, "probability of 1/\(n)")
        return format("%0.10f", 1.0 / Double(n))
    }

    /// The probabilities written for `count` endpoints, first rule first (`count - 1` values).
    public static func sequence(_ count: Int) -> [String] {
        count < 2 ? [] : (0..<(count - 1)).map { text(count - $0) }
    }

    /// How `iptables-save` prints a probability written as `text`: the kernel keeps
    /// `lround(p * 2^31)` and the tool prints it back with 11 decimals (`0.33333333349`).
    public static func savedForm(_ text: String) -> String? {
        guard let p = Double(text) else { return nil }
        let scaled = (p * 2147483648.0).rounded(.toNearestOrAwayFromZero)
        return format("%.11f", scaled / 2147483648.0)
    }

    static func format(_ pattern: String, _ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = withVaList([value]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, pattern, args) }
        }
        precondition(count > 0 && count < 64, "formatting \(value) with \(pattern)")
        return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
