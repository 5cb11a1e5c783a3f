import Foundation

/// Decodes one watch line (`{"type":"ADDED","object":{...}}`) into a `WatchEvent`. Never throws: a line that is not
/// JSON, has an unknown type, or whose object does not decode as `Object` becomes `.malformed`.
public struct WatchEventDecoder<Object: APIObject>: Sendable {
    /// The operation named in errors (`watch services`).
    public var operation: String

    /// A decoder naming `operation` in its errors.
    public init(operation: String) { self.operation = operation }

    private struct Envelope: Decodable { var type: String }
    private struct ObjectEnvelope<Payload: Decodable>: Decodable { var object: Payload }
    private struct Bookmark: Decodable {
        struct Metadata: Decodable {
            var resourceVersion: String?
            var annotations: [String: String]?
        }
        var metadata: Metadata?
    }

    /// The event on `line`.
    public func decode(_ line: [UInt8]) -> WatchEvent<Object> {
        let data = Data(line)
        let decoder = JSONDecoder()
        do {
            let type = try decoder.decode(Envelope.self, from: data).type
            switch type {
            case "ADDED": return .added(try decoder.decode(ObjectEnvelope<Object>.self, from: data).object)
            case "MODIFIED": return .modified(try decoder.decode(ObjectEnvelope<Object>.self, from: data).object)
            case "DELETED": return .deleted(try decoder.decode(ObjectEnvelope<Object>.self, from: data).object)
            case "BOOKMARK":
                let bookmark = try decoder.decode(ObjectEnvelope<Bookmark>.self, from: data).object
                guard let version = bookmark.metadata?.resourceVersion, !version.isEmpty else {
                    return malformed(line, "BOOKMARK without metadata.resourceVersion", nil)
                }
                if bookmark.metadata?.annotations?["k8s.io/initial-events-end"] == "true" {
                    return .initialEventsEnd(resourceVersion: version)
                }
                return .bookmark(resourceVersion: version)
            case "ERROR": return .error(try decoder.decode(ObjectEnvelope<APIStatus>.self, from: data).object)
            default: return malformed(line, "unknown event type \"\(type)\"", nil)
            }
        } catch {
            return malformed(line, "undecodable event", error)
        }
    }

    func malformed(_ line: [UInt8], _ why: String, _ error: (any Error)?) -> WatchEvent<Object> {
        let excerpt = String(decoding: line.prefix(200), as: UTF8.self)
        return .malformed(APIError(.malformedEvent, operation: operation, message: "\(why): \(excerpt)",
                                   underlying: error))
    }
}
