/// `namespace/name` of a Service.
public struct ServiceName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }
    public static func < (a: ServiceName, b: ServiceName) -> Bool { (a.namespace, a.name) < (b.namespace, b.name) }
}

/// kube-proxy's ServicePortName: a service plus one of its port names and protocol.
/// `description` is `namespace/name:port` as in kube-proxy's rule comments (port omitted when unnamed).
public struct ServicePortName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var service: ServiceName
    public var port: String
    public var proto: L4Protocol

    public init(service: ServiceName, port: String, proto: L4Protocol) {
        self.service = service
        self.port = port
        self.proto = proto
    }

    public var description: String { port.isEmpty ? "\(service)" : "\(service):\(port)" }

    public static func < (a: ServicePortName, b: ServicePortName) -> Bool {
        (a.service, a.port, a.proto) < (b.service, b.port, b.proto)
    }
}
