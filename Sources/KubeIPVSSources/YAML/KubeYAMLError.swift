/// Why a YAML stream or document could not be turned into JSON (see docs/bounds.md, "Sources and decoding").
public struct KubeYAMLError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Hashable, Sendable {
        /// libyaml could not parse the text.
        case syntax
        /// An alias (`*name`) was used; aliases are refused.
        case alias
        /// A document is larger than `KubeYAML.Limits.maxDocumentBytes`, or the stream than `maxStreamBytes`.
        case tooLarge
        /// Collections nest deeper than `KubeYAML.Limits.maxDepth`.
        case tooDeep
        /// A mapping key is not a scalar, is repeated, or is a `<<` merge key.
        case badKey
        /// An explicit tag the decoder does not support, or one the scalar does not satisfy.
        case badTag
        /// More than one document where exactly one was expected.
        case multipleDocuments
    }

    /// What went wrong.
    public var code: Code
    /// Human-readable detail, without the document's content.
    public var detail: String
    /// 1-based line of the problem, when known.
    public var line: Int?

    /// Creates a value from its parts.
    public init(_ code: Code, _ detail: String, line: Int? = nil) {
        self.code = code
        self.detail = detail
        self.line = line
    }

    /// `line 3: aliases are not allowed (found *a)`.
    public var description: String {
        guard let line else { return detail }
        return "line \(line): \(detail)"
    }
}
