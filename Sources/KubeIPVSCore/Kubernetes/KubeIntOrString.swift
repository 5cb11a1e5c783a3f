/// Kubernetes `IntOrString` (a Service port's `targetPort`): a number or a named port.
public enum KubeIntOrString: Codable, Hashable, Sendable, CustomStringConvertible {
    case int(Int)
    case string(String)

    /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let number = try? c.decode(Int.self) {
            self = .int(number)
        } else {
            self = .string(try c.decode(String.self))
        }
    }

    /// Encodes a number as a number and a name as a string.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        }
    }

    /// Human-readable form.
    public var description: String {
        switch self {
        case .int(let n): "\(n)"
        case .string(let s): s
        }
    }
}
