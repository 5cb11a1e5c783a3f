import Foundation

/// Parses log output as log collectors and grep habits written for kube-proxy do: klog text lines
/// (header regex, quoted message, key=value pairs with klog's quoting and `key=<…>` multi-line values)
/// and component-base JSON lines. Shared by the format tests and the end-to-end log test.
public enum KlogLineParser {
    /// One parsed record.
    public struct Line: Equatable, Sendable {
        public var severity: Character
        /// JSON's `v` (nil in text, where the level is not printed, and on JSON error lines).
        public var verbosity: Int?
        public var file: String
        public var line: Int
        public var message: String
        public var fields: [String: String]
    }

    /// klog's header and quoted message; the rest of the line is the key/value list.
    static let header = try! NSRegularExpression(pattern:
        #"^([IWEF])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6}) +(\d+) ([^ :\]]+):(\d+)\] "((?:[^"\\]|\\.)*)"(.*)$"#)
    /// One ` key=value`: a Go-quoted string, a bare token, or the start of a multi-line value (`=<`).
    static let pair = try! NSRegularExpression(pattern: #"^ ([^\s="]+)=("(?:[^"\\]|\\.)*"|<$|[^\s"<][^\s]*)"#)

    /// Splits text output into records (multi-line values continue with a tab-indented line and end
    /// with ` >`) and parses each; throws naming the first line that is not klog.
    public static func parseText(_ output: String) throws -> [Line] {
        var records: [[Substring]] = []
        for raw in output.split(separator: "\n", omittingEmptySubsequences: true) {
            if raw.hasPrefix("\t") || raw == " >", !records.isEmpty {
                records[records.count - 1].append(raw)
            } else {
                records.append([raw])
            }
        }
        return try records.map(parseRecord)
    }

    static func parseRecord(_ lines: [Substring]) throws -> Line {
        let first = String(lines[0])
        let ns = first as NSString
        guard let m = header.firstMatch(in: first, range: NSRange(location: 0, length: ns.length)) else {
            throw ParseError(line: first, reason: "no klog header")
        }
        func group(_ i: Int) -> String { ns.substring(with: m.range(at: i)) }
        let month = Int(group(2))!, day = Int(group(3))!, hour = Int(group(4))!
        guard (1...12).contains(month), (1...31).contains(day), hour < 24 else { throw ParseError(line: first, reason: "bad date") }
        var fields: [String: String] = [:]
        var rest = Substring(group(12))
        var continuation = lines.dropFirst()
        while !rest.isEmpty {
            let text = String(rest)
            guard let p = pair.firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length)) else {
                throw ParseError(line: first, reason: "bad key/value list at: \(rest)")
            }
            let key = (text as NSString).substring(with: p.range(at: 1))
            let value = (text as NSString).substring(with: p.range(at: 2))
            if value == "<" {
                var body: [String] = []
                while let next = continuation.first, next != " >" {
                    body.append(String(next.dropFirst()))
                    continuation = continuation.dropFirst()
                }
                guard continuation.first == " >" else { throw ParseError(line: first, reason: "unterminated \(key)=<") }
                continuation = continuation.dropFirst()
                fields[key] = body.joined(separator: "\n")
            } else {
                fields[key] = value.hasPrefix("\"") ? try unquote(value) : value
            }
            rest = rest.dropFirst(p.range.length)
        }
        guard continuation.isEmpty else { throw ParseError(line: first, reason: "stray continuation lines") }
        return Line(severity: group(1).first!, verbosity: nil, file: group(9), line: Int(group(10))!,
                    message: try unquote("\"" + group(11) + "\""), fields: fields)
    }

    /// A Go-quoted string's value (the escapes `strconv.Quote` writes).
    public static func unquote(_ quoted: String) throws -> String {
        var out = "", escaped = false
        var scalars = quoted.unicodeScalars.dropFirst().dropLast().makeIterator()
        while let c = scalars.next() {
            if !escaped {
                if c == "\\" { escaped = true } else { out.unicodeScalars.append(c) }
                continue
            }
            escaped = false
            switch c {
            case "n": out += "\n"
            case "t": out += "\t"
            case "r": out += "\r"
            case "a": out += "\u{07}"
            case "b": out += "\u{08}"
            case "f": out += "\u{0C}"
            case "v": out += "\u{0B}"
            case "\\", "\"": out.unicodeScalars.append(c)
            case "x", "u", "U":
                let width = c == "x" ? 2 : (c == "u" ? 4 : 8)
                var hex = ""
                for _ in 0..<width { if let h = scalars.next() { hex.unicodeScalars.append(h) } }
                guard let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v) else {
                    throw ParseError(line: quoted, reason: "bad escape \\\(c)\(hex)")
                }
                out.unicodeScalars.append(s)
            default: throw ParseError(line: quoted, reason: "unknown escape \\\(c)")
            }
        }
        return out
    }

    /// Parses JSON output: one object per line with `ts` (float milliseconds), `caller`, `msg`, and `v`
    /// on every non-error line.
    public static func parseJSON(_ output: String) throws -> [Line] {
        try output.split(separator: "\n", omittingEmptySubsequences: true).map { raw in
            guard let object = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any] else {
                throw ParseError(line: String(raw), reason: "not a JSON object")
            }
            guard let ts = object["ts"] as? Double, ts > 1_600_000_000_000, let caller = object["caller"] as? String,
                  let msg = object["msg"] as? String, let colon = caller.lastIndex(of: ":"),
                  let number = Int(caller[caller.index(after: colon)...]) else {
                throw ParseError(line: String(raw), reason: "missing ts/caller/msg")
            }
            // Info lines carry an integer v; error lines (zapr's Error) none.
            let v = object["v"] as? Int
            guard v != nil || object["v"] == nil else { throw ParseError(line: String(raw), reason: "bad v") }
            var fields: [String: String] = [:]
            for (k, value) in object where !["ts", "caller", "msg", "v"].contains(k) { fields[k] = "\(value)" }
            return Line(severity: v == nil ? "E" : "I", verbosity: v, file: String(caller[..<colon]), line: number,
                        message: msg, fields: fields)
        }
    }

    /// A line that is not in the format.
    public struct ParseError: Error, CustomStringConvertible {
        public var line: String
        public var reason: String
        public var description: String { "\(reason): \(line)" }
    }
}
