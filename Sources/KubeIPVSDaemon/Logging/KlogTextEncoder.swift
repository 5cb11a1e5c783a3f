import Logging

/// klog's text format (docs/logging.md):
/// `Lmmdd hh:mm:ss.uuuuuu ppppppp file:line] "message" key="value" n=1`.
/// The header is klog's `formatHeader`; the message is Go-quoted; values follow klog's
/// `serialize.KVListFormat` (strings quoted, numbers and booleans bare, multi-line strings as `key=<…>`).
public enum KlogTextEncoder {
    /// Local broken-down time of a record, as klog prints it.
    public struct LocalTime: Sendable {
        public var month, day, hour, minute, second: Int
        /// Creates a value from its parts.
        public init(month: Int, day: Int, hour: Int, minute: Int, second: Int) {
            self.month = month
            self.day = day
            self.hour = hour
            self.minute = minute
            self.second = second
        }
    }

    /// The line for `record` (no trailing newline), with `time` its local wall-clock time.
    public static func encode(_ record: LogRecord, time: LocalTime) -> String {
        var out = String(record.severity.rawValue)
        out += two(time.month) + two(time.day) + " " + two(time.hour) + ":" + two(time.minute) + ":" + two(time.second)
        out += "." + padded(record.nanoseconds / 1000, width: 6, pad: "0")
        out += " " + padded(Int(record.pid), width: 7, pad: " ") + " "
        out += "\(record.baseFileName):\(record.line)] "
        out += GoFormatting.quote(record.message)
        for (key, value) in record.fields {
            out += " " + key
            write(value, into: &out)
        }
        return out
    }

    static func write(_ value: Logger.MetadataValue, into out: inout String) {
        switch value {
        case .string(let s): writeString(s, quote: true, into: &out)
        case .stringConvertible(let c):
            switch LogValue.classify(c) {
            case .bare(let s): writeString(s, quote: false, into: &out)
            case .text(let s): writeString(s, quote: true, into: &out)
            }
        case .array, .dictionary: writeString(plain(value), quote: false, into: &out)
        }
    }

    /// Go's `%+v` of a slice or map of strings: `[a b]`, `map[k:v]`.
    static func plain(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        case .array(let a): "[" + a.map(plain).joined(separator: " ") + "]"
        case .dictionary(let d): "map[" + d.sorted { $0.key < $1.key }.map { "\($0.key):\(plain($0.value))" }
            .joined(separator: " ") + "]"
        }
    }

    /// klog's `writeStringValue`: `=value` on one line, or `=<` + tab-indented lines + ` >` when it has line breaks.
    static func writeString(_ s: String, quote: Bool, into out: inout String) {
        guard s.contains("\n") else {
            out += "=" + (quote ? GoFormatting.quote(s) : s)
            return
        }
        out += "=<\n"
        var lines = s.split(separator: "\n", omittingEmptySubsequences: false)
        let endsWithBreak = lines.last == ""
        if endsWithBreak { lines.removeLast() }
        for line in lines { out += "\t" + line + "\n" }
        out += " >"
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    static func padded(_ v: Int, width: Int, pad: Character) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: pad, count: width - s.count) + s
    }
}
