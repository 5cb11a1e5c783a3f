/// A parsed `labelSelector` query parameter, matched as `k8s.io/apimachinery/pkg/labels` does:
/// `k=v`, `k==v`, `k!=v` (also true when `k` is absent), `k`, `!k`, `k in (a,b)`, `k notin (a,b)`
/// (also true when absent), requirements joined by commas.
public struct ParsedLabelSelector: Sendable, Equatable {
    /// One requirement of a selector.
    public enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case exists(String)
        case doesNotExist(String)
        case `in`(String, Set<String>)
        case notIn(String, Set<String>)
    }

    /// The requirements, all of which must hold.
    public var requirements: [Requirement]

    /// The selector that matches everything.
    public static let everything = ParsedLabelSelector(requirements: [])

    /// A selector with the given requirements.
    public init(requirements: [Requirement]) { self.requirements = requirements }

    /// Parses the query-parameter text; throws a 400 BadRequest error on bad syntax.
    public init(parsing text: String) throws {
        var requirements: [Requirement] = []
        for term in Self.splitTerms(text) {
            let term = term.trimmingWhitespace()
            if term.isEmpty { continue }
            requirements.append(try Self.parseRequirement(term, selector: text))
        }
        self.requirements = requirements
    }

    /// Whether `labels` satisfy every requirement.
    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): return labels[key] == value
            case .notEquals(let key, let value): return labels[key] != value
            case .exists(let key): return labels[key] != nil
            case .doesNotExist(let key): return labels[key] == nil
            case .in(let key, let values): return labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): return labels[key].map { !values.contains($0) } ?? true
            }
        }
    }

    // Commas inside `in (...)` sets do not separate requirements.
    private static func splitTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")": depth -= 1; current.append(character)
            case "," where depth == 0: terms.append(current); current = ""
            default: current.append(character)
            }
        }
        terms.append(current)
        return terms
    }

    private static func parseRequirement(_ term: String, selector: String) throws -> Requirement {
        func bad(_ why: String) -> TestAPIError {
            .badRequest("unable to parse requirement: \(why) in label selector \"\(selector)\"")
        }
        if term.hasPrefix("!") {
            let key = String(term.dropFirst()).trimmingWhitespace()
            guard isValidKey(key) else { throw bad("invalid label key \"\(key)\"") }
            return .doesNotExist(key)
        }
        if let open = term.firstIndex(of: "("), term.hasSuffix(")") {
            let head = term[..<open].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard head.count == 2, isValidKey(head[0]) else { throw bad("invalid set requirement \"\(term)\"") }
            let inner = term[term.index(after: open)..<term.index(before: term.endIndex)]
            let values = Set(inner.split(separator: ",").map { String($0).trimmingWhitespace() })
            switch head[1] {
            case "in": return .in(head[0], values)
            case "notin": return .notIn(head[0], values)
            default: throw bad("unknown operator \"\(head[1])\"")
            }
        }
        for (op, make) in [("!=", Requirement.notEquals), ("==", Requirement.equals), ("=", Requirement.equals)] {
            if let range = term.range(of: op) {
                let key = String(term[..<range.lowerBound]).trimmingWhitespace()
                let value = String(term[range.upperBound...]).trimmingWhitespace()
                guard isValidKey(key) else { throw bad("invalid label key \"\(key)\"") }
                return make(key, value)
            }
        }
        guard isValidKey(term), !term.contains(" ") else { throw bad("invalid label key \"\(term)\"") }
        return .exists(term)
    }

    private static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
