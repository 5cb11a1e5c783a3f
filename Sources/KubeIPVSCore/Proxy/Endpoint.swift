/// One endpoint of a service port, after merging every EndpointSlice of the service
/// (kube-proxy's `BaseEndpointInfo`).
public struct Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPAddress
    /// Topology hints seen from this node. Declared here so it fills the padding byte after the
    /// address (the struct stays 24 bytes).
    public var hints: TopologyHints
    public var port: UInt16
    public var ready: Bool
    public var serving: Bool
    public var terminating: Bool
    /// Runs on this node (the slice's nodeName equals the proxy's node name). The name itself is not
    /// kept: 24 bytes per endpoint instead of 72 (a 50k-service cluster has 500k endpoints).
    public var isLocal: Bool

    public init(address: IPAddress, port: UInt16, ready: Bool = true, serving: Bool = true,
                terminating: Bool = false, isLocal: Bool = false, hints: TopologyHints = []) {
        self.address = address
        self.hints = hints
        self.port = port
        self.ready = ready
        self.serving = serving
        self.terminating = terminating
        self.isLocal = isLocal
    }

    /// `10.244.1.11:8080`, `[fd00::5]:8080`.
    public var description: String { "\(address.bracketed):\(port)" }

    public static func < (a: Endpoint, b: Endpoint) -> Bool { (a.address, a.port) < (b.address, b.port) }
}
