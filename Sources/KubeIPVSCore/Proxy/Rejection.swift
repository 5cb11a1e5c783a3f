/// A Kubernetes object (or part of one) the planner refused, with the reason. The rest still syncs.
public struct Rejection: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Kind of the rejected object.
    public enum Kind: String, Sendable, Hashable, Comparable {
        case service = "Service"
        case endpointSlice = "EndpointSlice"
        case node = "Node"
        case manifest = "Manifest"

        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    public var kind: Kind
    /// `namespace/name` (or a file path for unreadable manifests).
    public var object: String
    public var reason: String

    public init(kind: Kind, object: String, reason: String) {
        self.kind = kind
        self.object = object
        self.reason = reason
    }

    /// `Service demo/bad: spec.ports[0].port 70000 is out of range 1-65535`.
    /// The object is printed escaped: it may be a name that failed validation.
    public var description: String { "\(kind.rawValue) \(printable(object)): \(reason)" }

    public static func < (a: Rejection, b: Rejection) -> Bool {
        (a.kind, a.object, a.reason) < (b.kind, b.object, b.reason)
    }
}
