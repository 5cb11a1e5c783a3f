/// A JSON-shaped value: what a YAML or JSON configuration document decodes to before typing, and
/// what /configz and `--write-config-to` render.
public indirect enum ConfigValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case list([ConfigValue])
    /// Keys in the order they are rendered.
    case map([(String, ConfigValue)])

    public static func == (a: ConfigValue, b: ConfigValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case let (.bool(x), .bool(y)): x == y
        case let (.number(x), .number(y)), let (.string(x), .string(y)): x == y
        case let (.list(x), .list(y)): x == y
        case let (.map(x), .map(y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        default: false
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let l = try? c.decode([ConfigValue].self) { self = .list(l) }
        else { self = .map(try c.decode([String: ConfigValue].self).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }) }
    }

    /// The value at `key` of a map.
    public subscript(key: String) -> ConfigValue? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// Compact JSON, keys in order (Go's encoding/json string escaping).
    public var json: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let n): n
        case .string(let s): Self.quoteJSON(s)
        case .list(let l): "[" + l.map(\.json).joined(separator: ",") + "]"
        case .map(let m): "{" + m.map { Self.quoteJSON($0.0) + ":" + $0.1.json }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string as Go's encoding/json writes it (`<`, `>` and `&` escaped too).
    static func quoteJSON(_ s: String) -> String { GoFormatting.jsonString(s, escapeHTML: true) }

    /// Block YAML as sigs.k8s.io/yaml writes it (two-space indent, `- ` list items at the key's indent).
    public var yaml: String {
        switch self {
        case .map(let m) where !m.isEmpty: return Self.yamlLines(self, indent: 0).joined(separator: "\n") + "\n"
        default: return Self.yamlScalar(self) + "\n"
        }
    }

    static func yamlLines(_ value: ConfigValue, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .map(let m) where !m.isEmpty:
            return m.flatMap { key, v -> [String] in
                switch v {
                case .map(let inner) where !inner.isEmpty: return ["\(pad)\(key):"] + yamlLines(v, indent: indent + 2)
                case .list(let inner) where !inner.isEmpty: return ["\(pad)\(key):"] + yamlLines(v, indent: indent)
                default: return ["\(pad)\(key): \(yamlScalar(v))"]
                }
            }
        case .list(let l) where !l.isEmpty:
            return l.map { "\(pad)- \(yamlScalar($0))" }
        default:
            return [pad + yamlScalar(value)]
        }
    }

    static func yamlScalar(_ value: ConfigValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let n): n
        case .string(let s): needsQuotes(s) ? quoteJSON(s) : s
        case .list: "[]"
        case .map: "{}"
        }
    }

    /// Strings YAML would read back as something else (empty, numbers, booleans, null, indicators).
    static func needsQuotes(_ s: String) -> Bool {
        if s.isEmpty { return true }
        let lower = s.lowercased()
        if ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"].contains(lower) { return true }
        if Double(s) != nil || s.first.map({ "-?:,[]{}#&*!|>'\"%@` ".contains($0) }) == true { return true }
        if s.contains(": ") || s.contains(" #") || s.last == " " || s.last == ":" { return true }
        return s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f }
    }
}
