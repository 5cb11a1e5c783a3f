import Yams

/// Why a document could not be read as JSON/YAML objects.
public struct DocumentError: Error, CustomStringConvertible {
    /// What went wrong, with the source name.
    public var description: String
}

extension JSONValue {
    /// Parses every document of a YAML stream (JSON is YAML too), keeping member order.
    /// Empty documents (a lone `---`) are skipped.
    public static func parseDocuments(_ text: String, source: String = "input") throws -> [JSONValue] {
        var sequence: YamlSequence<Node>
        do { sequence = try Yams.compose_all(yaml: text) } catch {
            throw DocumentError(description: "\(source): \(error)")
        }
        var documents: [JSONValue] = []
        while let node = sequence.next() {
            let value = try JSONValue(yaml: node, source: source)
            if value != .null { documents.append(value) }
        }
        if let error = sequence.error { throw DocumentError(description: "\(source): \(error)") }
        return documents
    }

    /// Parses exactly one JSON or YAML document.
    public static func parse(_ text: String, source: String = "input") throws -> JSONValue {
        let documents = try parseDocuments(text, source: source)
        guard documents.count == 1 else {
            throw DocumentError(description: "\(source): expected one document, found \(documents.count)")
        }
        return documents[0]
    }

    /// Converts a composed YAML node. Plain scalars resolve as YAML 1.1 core types (null, bool, int, float);
    /// quoted scalars and timestamps stay strings, as Kubernetes reads them.
    init(yaml node: Node, source: String) throws {
        switch node {
        case .scalar(let scalar):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: self = .null
            case Tag.Name.bool.rawValue: self = node.bool.map { .bool($0) } ?? .string(scalar.string)
            case Tag.Name.int.rawValue: self = node.int.map { .int(Int64($0)) } ?? .string(scalar.string)
            case Tag.Name.float.rawValue: self = node.float.map { .double($0) } ?? .string(scalar.string)
            default: self = .string(scalar.string)
            }
        case .sequence(let sequence):
            self = .array(try sequence.map { try JSONValue(yaml: $0, source: source) })
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    throw DocumentError(description: "\(source): a mapping key is not a scalar")
                }
                object[name] = try JSONValue(yaml: value, source: source)
            }
            self = .object(object)
        case .alias:
            throw DocumentError(description: "\(source): YAML aliases are not supported")
        }
    }
}
