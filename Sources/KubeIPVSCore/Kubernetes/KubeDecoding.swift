/// Human-readable decoding failures, naming the field: `spec.ports[0].port: expected an integer`.
public enum KubeDecoding {
    /// Describes `error`, with paths relative to the first `dropping` coding-path components
    /// (so an item inside a list reads from its own root).
    public static func describe(_ error: any Error, dropping prefix: Int = 0) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath, prefix)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath, prefix)): expected \(typeName(type)), found null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key], prefix)): required field is missing"
        case .dataCorrupted(let context):
            let at = path(context.codingPath, prefix)
            return at == "(root)" ? context.debugDescription : "\(at): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// `spec.ports[0].port`; `(root)` for an empty path.
    static func path(_ keys: [any CodingKey], _ prefix: Int) -> String {
        var out = ""
        for key in keys.dropFirst(prefix) {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == "\(index)" {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return out.isEmpty ? "(root)" : out
    }

    static func typeName(_ type: Any.Type) -> String {
        if type is Int.Type || type is Int32.Type || type is Int64.Type { return "an integer" }
        if type is String.Type { return "a string" }
        if type is Bool.Type { return "a boolean" }
        if type is Double.Type { return "a number" }
        let name = String(describing: type)
        // JSONDecoder reports arrays as Array<...>, Yams as Node.Sequence.
        if name.hasPrefix("Array") || name.hasSuffix("Sequence") { return "a list" }
        return "an object"
    }
}

/// One element of a list that failed to decode: its index and why.
public struct KubeDecodeFailure: Hashable, Sendable, CustomStringConvertible {
    /// Position in `items`.
    public var index: Int
    /// `Service demo/web: spec.ports[0].port: expected an integer`.
    public var reason: String

    /// Creates a value from its parts.
    public init(index: Int, reason: String) {
        self.index = index
        self.reason = reason
    }

    /// Human-readable form.
    public var description: String { "items[\(index)]: \(reason)" }
}

/// Decodes one element without letting its failure escape, so a list keeps its other items.
struct LenientElement<T: Decodable>: Decodable {
    let result: Result<T, ElementFailure>

    init(from decoder: any Decoder) throws {
        do {
            result = .success(try T(from: decoder))
        } catch {
            let depth = decoder.codingPath.count
            let header = try? KubeObjectHeader(from: decoder)
            let what = header.map { $0.label(defaultKind: String(describing: T.self)) } ?? ""
            let reason = KubeDecoding.describe(error, dropping: depth)
            result = .failure(ElementFailure(reason: what.isEmpty ? reason : "\(what): \(reason)"))
        }
    }
}

struct ElementFailure: Error {
    let reason: String
}
