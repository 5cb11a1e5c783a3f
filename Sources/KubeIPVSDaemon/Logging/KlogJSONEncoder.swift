import Logging

/// component-base's JSON format (docs/logging.md), one object per line:
/// `{"ts":1765125000123.456,"caller":"Module/File.swift:42","msg":"…","v":0,"key":"value"}`.
/// `ts` is milliseconds since the epoch as a float; info lines carry `v`, error lines carry `err` and
/// no `v` (zapr's Error); warnings are info lines at v=0, as klog hands them to its logr backend.
public enum KlogJSONEncoder {
    /// The JSON object for `record` (no trailing newline).
    public static func encode(_ record: LogRecord) -> String {
        let millis = Double(record.seconds) * 1000 + Double(record.nanoseconds) / 1_000_000
        var out = "{\"ts\":\(millis),\"caller\":"
        out += GoFormatting.jsonString("\(record.file):\(record.line)")
        out += ",\"msg\":" + GoFormatting.jsonString(record.message)
        if record.severity != .error { out += ",\"v\":\(record.verbosity)" }
        for (key, value) in record.fields {
            out += "," + GoFormatting.jsonString(key) + ":"
            write(value, into: &out)
        }
        return out + "}"
    }

    static func write(_ value: Logger.MetadataValue, into out: inout String) {
        switch value {
        case .string(let s): out += GoFormatting.jsonString(s)
        case .stringConvertible(let c):
            switch LogValue.classify(c) {
            case .bare(let s): out += s
            case .text(let s): out += GoFormatting.jsonString(s)
            }
        case .array(let a):
            out += "["
            for (i, element) in a.enumerated() {
                if i > 0 { out += "," }
                write(element, into: &out)
            }
            out += "]"
        case .dictionary(let d):
            out += "{"
            for (i, entry) in d.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out += "," }
                out += GoFormatting.jsonString(entry.key) + ":"
                write(entry.value, into: &out)
            }
            out += "}"
        }
    }
}
