import Foundation

/// YAML decoded the way Kubernetes decodes it (sigs.k8s.io/yaml: YAML is converted to JSON, then decoded as
/// JSON), built to take untrusted input: libyaml's event parser only, scalars resolved with JSON-compatible
/// rules by `KubeYAMLScalar` (never by Yams' YAML 1.1 constructors), aliases refused, document size and
/// nesting depth capped. Pure: no I/O, no logging. Rules and limits: docs/bounds.md, "Sources and decoding".
public enum KubeYAML {
    /// The caps applied while converting.
    public struct Limits: Hashable, Sendable {
        /// Largest input stream, in bytes (all documents together).
        public var maxStreamBytes: Int
        /// Largest single document, in bytes of YAML text.
        public var maxDocumentBytes: Int
        /// Deepest nesting of mappings and sequences.
        public var maxDepth: Int

        /// Creates a value from its parts.
        public init(maxStreamBytes: Int, maxDocumentBytes: Int, maxDepth: Int) {
            self.maxStreamBytes = maxStreamBytes
            self.maxDocumentBytes = maxDocumentBytes
            self.maxDepth = maxDepth
        }

        /// 32 MiB per stream, 16 MiB per document, depth 100 (reasons in docs/bounds.md).
        public static let `default` = Limits(maxStreamBytes: 32 << 20, maxDocumentBytes: 16 << 20, maxDepth: 100)
    }

    /// The documents of a stream as JSON, and the error that ended it early, if any.
    public struct Stream: Hashable, Sendable {
        /// One entry per document, in order: its JSON, or nil for an empty (null) document.
        public var documents: [Data?]
        /// Why the stream stopped before its end; the documents before the failing one are kept.
        public var error: KubeYAMLError?
    }

    /// Splits `bytes` into documents and converts each to JSON. A leading UTF-8 byte order mark is skipped.
    public static func documents(_ bytes: some Collection<UInt8>, limits: Limits = .default) -> Stream {
        var input = Array(bytes)
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input.removeFirst(3) }
        guard input.count <= limits.maxStreamBytes else {
            return Stream(documents: [], error: KubeYAMLError(
                .tooLarge, "stream is \(input.count) bytes, more than the \(limits.maxStreamBytes)-byte limit"))
        }
        return input.withUnsafeBufferPointer { buffer in
            var reader = KubeYAMLEventReader(buffer, limits: limits)
            var documents: [Data?] = []
            do throws(KubeYAMLError) {
                while let document = try reader.nextDocument() { documents.append(document) }
                return Stream(documents: documents, error: nil)
            } catch {
                return Stream(documents: documents, error: error)
            }
        }
    }

    /// Converts a stream holding exactly one document (or none, which is `null`) to JSON.
    public static func json(_ bytes: some Collection<UInt8>, limits: Limits = .default) throws(KubeYAMLError)
        -> Data
    {
        let stream = documents(bytes, limits: limits)
        if let error = stream.error { throw error }
        guard stream.documents.count <= 1 else {
            throw KubeYAMLError(.multipleDocuments, "expected one YAML document, found \(stream.documents.count)")
        }
        return (stream.documents.first ?? nil) ?? Data("null".utf8)
    }

    /// Decodes one YAML document into `type` through JSON, as `sigs.k8s.io/yaml.Unmarshal` does. Throws a
    /// `KubeYAMLError` for YAML problems and the `JSONDecoder`'s `DecodingError` for type problems.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>,
                                            limits: Limits = .default) throws -> T {
        try JSONDecoder().decode(type, from: json(bytes, limits: limits))
    }
}
