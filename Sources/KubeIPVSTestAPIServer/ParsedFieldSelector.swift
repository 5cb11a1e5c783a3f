/// A parsed `fieldSelector` query parameter. Like kube-apiserver for Services, EndpointSlices and Nodes, only
/// `metadata.name` and `metadata.namespace` are supported, with `=`, `==` and `!=`.
public struct ParsedFieldSelector: Sendable, Equatable {
    /// One `field op value` term.
    public struct Term: Sendable, Equatable {
        /// `metadata.name` or `metadata.namespace`.
        public var field: String
        /// The value to compare with.
        public var value: String
        /// True for `!=`.
        public var negated: Bool
    }

    /// The terms, all of which must hold.
    public var terms: [Term]

    /// Parses the query-parameter text; throws a 400 BadRequest error on an unsupported field or bad syntax.
    public init(parsing text: String) throws {
        var terms: [Term] = []
        for raw in text.split(separator: ",") {
            let term = String(raw).trimmingWhitespace()
            if term.isEmpty { continue }
            var parsed: Term?
            for (op, negated) in [("!=", true), ("==", false), ("=", false)] {
                if let range = term.range(of: op) {
                    parsed = Term(field: String(term[..<range.lowerBound]).trimmingWhitespace(),
                                  value: String(term[range.upperBound...]).trimmingWhitespace(), negated: negated)
                    break
                }
            }
            guard let parsed else { throw TestAPIError.badRequest("invalid selector: '\(text)'; can't understand '\(term)'") }
            guard parsed.field == "metadata.name" || parsed.field == "metadata.namespace" else {
                throw TestAPIError.badRequest("field label not supported: \(parsed.field)")
            }
            terms.append(parsed)
        }
        self.terms = terms
    }

    /// Whether an object with this namespace and name satisfies every term.
    public func matches(namespace: String, name: String) -> Bool {
        terms.allSatisfy { term in
            let actual = term.field == "metadata.name" ? name : namespace
            return (actual == term.value) != term.negated
        }
    }
}
