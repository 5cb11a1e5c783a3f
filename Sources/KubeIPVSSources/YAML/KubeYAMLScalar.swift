/// How one YAML scalar becomes a JSON value: JSON-compatible rules, so no YAML 1.1 construction can trap or
/// guess a type. Quoted scalars and `!!str` are strings. A plain scalar is `null` (empty, `~`, `null`),
/// a boolean (`true`/`false` in three spellings), a number only when it is exactly a JSON number, and a string
/// otherwise: `1:0:0` (sexagesimal), `0755` (octal), `0x1F`, `+1`, `.inf`, `yes`, `on` and timestamps stay strings.
public enum KubeYAMLScalar {
    /// The JSON a scalar resolves to.
    public enum Value: Hashable, Sendable {
        /// `null`.
        case null
        /// `true` or `false`.
        case bool(Bool)
        /// A JSON number, kept as its text.
        case number(String)
        /// A string.
        case string(String)
    }

    /// Resolves a scalar's `text`; `plain` is false for quoted and block scalars; `tag` is the explicit tag.
    public static func resolve(_ text: String, plain: Bool, tag: String?) throws(KubeYAMLError) -> Value {
        switch tag {
        case nil, "!": return plain && tag == nil ? implicit(text) : .string(text)
        case "tag:yaml.org,2002:str": return .string(text)
        case "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
             "tag:yaml.org,2002:float":
            let value = implicit(text)
            guard matches(value, tag: tag!) else {
                throw KubeYAMLError(.badTag, "scalar does not satisfy its tag \(tag!)")
            }
            return value
        default:
            throw KubeYAMLError(.badTag, "unsupported tag \(String(tag!.prefix(64)))")
        }
    }

    /// The type of an untagged plain scalar.
    public static func implicit(_ text: String) -> Value {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: return isJSONNumber(text.utf8) ? .number(text) : .string(text)
        }
    }

    static func matches(_ value: Value, tag: String) -> Bool {
        switch (value, tag) {
        case (.null, "tag:yaml.org,2002:null"), (.bool, "tag:yaml.org,2002:bool"): return true
        case (.number(let n), "tag:yaml.org,2002:int"): return !n.contains(where: { ".eE".contains($0) })
        case (.number, "tag:yaml.org,2002:float"): return true
        default: return false
        }
    }

    /// RFC 8259 number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    public static func isJSONNumber(_ text: String.UTF8View) -> Bool {
        var i = text.makeIterator()
        var c = i.next()
        if c == UInt8(ascii: "-") { c = i.next() }
        guard let first = c, isDigit(first) else { return false }
        c = i.next()
        if first != UInt8(ascii: "0") { while let d = c, isDigit(d) { c = i.next() } }
        if c == UInt8(ascii: ".") {
            c = i.next()
            guard let d = c, isDigit(d) else { return false }
            while let d = c, isDigit(d) { c = i.next() }
        }
        if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            c = i.next()
            if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") { c = i.next() }
            guard let d = c, isDigit(d) else { return false }
            while let d = c, isDigit(d) { c = i.next() }
        }
        return c == nil
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    /// Appends `value` as JSON text.
    static func write(_ value: Value, to out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let n): out += Array(n.utf8)
        case .string(let s): writeString(s, to: &out)
        }
    }

    /// Appends `text` as a JSON string, escaping quotes, backslashes and control characters (NUL included).
    static func writeString(_ text: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
            case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
