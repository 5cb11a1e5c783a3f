import KubeIPVSSources
import Yams

/// Reads a `--config` file: the YAML (or JSON) document, its apiVersion and kind, every field typed
/// as kube-proxy's decoder types it. Unknown fields are warnings (kube-proxy falls back to lenient
/// decoding and logs the strict error); a wrong type, apiVersion or kind is an error.
public enum KubeProxyConfigLoader {
    /// A decoded file and the warnings to log.
    public struct Loaded: Sendable, Equatable {
        public var file: KubeProxyConfigurationFile
        public var warnings: [String]
    }

    /// Documents larger than this are refused before parsing (kube-proxy's files are a few KB).
    public static let maximumBytes = 1 << 20

    /// Decodes `text`; throws an ``OptionsError`` naming the field at fault.
    public static func decode(_ text: String, source: String = "--config") throws -> Loaded {
        guard text.utf8.count <= maximumBytes else {
            throw OptionsError(setting: source, reason: "file larger than \(maximumBytes) bytes")
        }
        let tree = try parseDocument(text, source: source)
        guard case .map = tree else {
            throw OptionsError(setting: source, reason: "not a KubeProxyConfiguration: the document is not a mapping")
        }
        var reader = ConfigFieldReader(source: source)
        let file = try reader.configuration(tree)
        return Loaded(file: file, warnings: reader.warnings)
    }

    /// The one place a configuration document's YAML is parsed (YAML is a superset of the JSON
    /// kube-proxy also accepts). Scalars stay text: numbers are typed by the field reader, so no
    /// YAML-library integer construction runs on untrusted text.
    static func parseDocument(_ text: String, source: String) throws -> ConfigValue {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        // KubeYAML first: it refuses what Yams would expand or trap on (aliases, merge keys, duplicate
        // keys, deep nesting, oversized documents) before Yams composes the now harmless tree.
        do { _ = try KubeYAML.json(Array(body.utf8)) } catch {
            throw OptionsError(setting: source, reason: "not valid YAML or JSON: \(error)")
        }
        let node: Node?
        do { node = try Yams.compose(yaml: String(body)) } catch {
            throw OptionsError(setting: source, reason: "not valid YAML or JSON: \(error)")
        }
        guard let node else { throw OptionsError(setting: source, reason: "empty document") }
        return value(node, depth: 0)
    }

    static func value(_ node: Node, depth: Int) -> ConfigValue {
        // A configuration is a few levels deep; deeper nesting is cut off rather than recursed into.
        guard depth < 32 else { return .null }
        switch node {
        case .scalar(let s):
            if s.style == .singleQuoted || s.style == .doubleQuoted || s.style == .literal || s.style == .folded {
                return .string(s.string)
            }
            return plainScalar(s.string)
        case .sequence(let seq): return .list(seq.map { value($0, depth: depth + 1) })
        case .mapping(let map):
            return .map(map.map { (k, v) in (k.string ?? "\(k)", value(v, depth: depth + 1)) })
        case .alias: return .null
        }
    }

    /// A plain scalar typed as Kubernetes' YAML (YAML 1.1 → JSON) reads it: null, a boolean, a
    /// number (kept as text for the field reader to range-check), or a string.
    static func plainScalar(_ text: String) -> ConfigValue {
        if ["", "~", "null", "Null", "NULL"].contains(text) { return .null }
        let bools: [String: Bool] = ["true": true, "false": false, "yes": true, "no": false, "on": true, "off": false,
                                     "y": true, "n": false]
        if let b = bools[text.lowercased()], text == text.lowercased() || text == text.uppercased()
            || text == text.prefix(1).uppercased() + text.dropFirst() { return .bool(b) }
        if isYAMLNumber(text) { return .number(text) }
        return .string(text)
    }

    /// YAML 1.1 int/float forms: decimal, `0x`/`0o` and `_`-separated, and sexagesimal `1:30`.
    static func isYAMLNumber(_ text: String) -> Bool {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        let plain = body.filter { $0 != "_" }
        guard let first = plain.first, first.isASCII, first.isNumber || first == "." else { return false }
        if Double(plain) != nil { return true }
        if plain.hasPrefix("0x") { return plain.count > 2 && plain.dropFirst(2).allSatisfy(\.isHexDigit) }
        if plain.hasPrefix("0o") { return plain.count > 2 && plain.dropFirst(2).allSatisfy { ("0"..."7").contains($0) } }
        let parts = plain.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 1 && parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
            && Double(parts.last!) != nil
    }
}
