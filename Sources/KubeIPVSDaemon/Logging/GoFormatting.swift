/// Go's text conventions that klog and zap output relies on (docs/logging.md): `strconv.Quote`,
/// JSON string escaping, and `time.Duration.String()`.
enum GoFormatting {
    /// Go's `strconv.Quote`: double quotes; `\a \b \f \n \r \t \v \\ \"` escaped; other control and
    /// non-printable characters as `\xNN` (below 0x80) or `\uNNNN`.
    static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if !isPrintable(scalar) {
                    out += scalar.value > 0xFFFF ? "\\U" + hex(scalar.value, width: 8) : "\\u" + hex(scalar.value, width: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A JSON string as zap's encoder writes it: `"` and `\` escaped, control characters as `\n`,
    /// `\r`, `\t` or `\u00NN`, everything else as is. With `escapeHTML`, as Go's encoding/json
    /// writes it instead: `<`, `>` and `&` as `\u003c`…, and DEL as is.
    static func jsonString(_ s: String, escapeHTML: Bool = false) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let html = escapeHTML && (scalar == "<" || scalar == ">" || scalar == "&")
                if html || scalar.value < 0x20 || (scalar.value == 0x7F && !escapeHTML) || scalar.value == 0x2028
                    || scalar.value == 0x2029 {
                    out += "\\u" + hex(scalar.value, width: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Go's `time.Duration.String()`: `0s`, `999ns`, `1.5µs`, `12.345ms`, `2.5s`, `1m30s`, `1h2m3.5s`.
    static func duration(_ d: Duration) -> String {
        let (s, atto) = d.components
        let total = s.multipliedReportingOverflow(by: 1_000_000_000)
        let nanos = total.overflow ? Int64.max : total.partialValue &+ atto / 1_000_000_000
        return duration(nanoseconds: nanos)
    }

    static func duration(nanoseconds n: Int64) -> String {
        if n == 0 { return "0s" }
        let negative = n < 0
        let u = n.magnitude
        var out: String
        if u < 1_000 {
            out = "\(u)ns"
        } else if u < 1_000_000 {
            out = fraction(u, unit: 1_000) + "µs"
        } else if u < 1_000_000_000 {
            out = fraction(u, unit: 1_000_000) + "ms"
        } else {
            let seconds = fraction(u % 60_000_000_000, unit: 1_000_000_000) + "s"
            let minutes = u / 60_000_000_000
            if minutes == 0 {
                out = seconds
            } else if minutes < 60 {
                out = "\(minutes)m" + seconds
            } else {
                out = "\(minutes / 60)h\(minutes % 60)m" + seconds
            }
        }
        return negative ? "-" + out : out
    }

    /// `value / unit` with the fraction's trailing zeros dropped (`1500, 1000` → `1.5`).
    private static func fraction(_ value: UInt64, unit: UInt64) -> String {
        let whole = value / unit, rest = value % unit
        guard rest != 0 else { return "\(whole)" }
        var digits = String(rest)
        digits = String(repeating: "0", count: String(unit).count - 1 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    static func hex(_ v: UInt32, width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// Approximates Go's `unicode.IsPrint`: no C0/C1 controls, no format, separator or unassigned scalars
    /// other than the ASCII space.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
             .spaceSeparator:
            return false
        default:
            return true
        }
    }
}
