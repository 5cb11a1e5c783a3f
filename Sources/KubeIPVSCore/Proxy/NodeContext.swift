/// An address configured on one of this node's interfaces.
public struct LocalAddress: Hashable, Sendable, Comparable {
    public var interface: String
    public var address: IPAddress

    public init(interface: String, address: IPAddress) {
        self.interface = interface
        self.address = address
    }

    public static func < (a: LocalAddress, b: LocalAddress) -> Bool {
        (a.address, a.interface) < (b.address, b.interface)
    }
}

/// Facts about the node the proxy runs on.
public struct NodeContext: Hashable, Sendable {
    /// Node name (`--hostname-override`, else the host name); compared with endpoints' nodeName.
    public var name: String
    /// Every local address (NodePort candidates before `--nodeport-addresses` narrows them).
    public var localAddresses: [LocalAddress]
    /// The node's primary IPs, one per family (`--nodeport-addresses primary`).
    public var primaryIPs: [IPAddress]
    /// The Node's `topology.kubernetes.io/zone` label; "" when absent (topology hints then apply only
    /// through `hints.forNodes`, see docs/routing-decisions.md).
    public var zone: String

    public init(name: String, localAddresses: [LocalAddress] = [], primaryIPs: [IPAddress] = [], zone: String = "") {
        self.name = name
        self.localAddresses = localAddresses
        self.primaryIPs = primaryIPs
        self.zone = zone
    }
}
