/// Identity of an IPVS virtual service: address, protocol and port (`ipvsadm -t|-u|--sctp-service`).
public struct VirtualServerKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPAddress
    public var proto: L4Protocol
    public var port: UInt16

    public init(address: IPAddress, proto: L4Protocol, port: UInt16) {
        self.address = address
        self.proto = proto
        self.port = port
    }

    /// `10.96.0.1:443/TCP`, `[fd00::1]:53/UDP`.
    public var description: String { "\(address.bracketed):\(port)/\(proto.upper)" }

    public static func < (a: VirtualServerKey, b: VirtualServerKey) -> Bool {
        (a.address, a.proto, a.port) < (b.address, b.proto, b.port)
    }
}

/// An IPVS virtual service's settings (struct ip_vs_service_user / IPVS_CMD_ATTR_SERVICE).
public struct VirtualServer: Hashable, Sendable, CustomStringConvertible {
    public var key: VirtualServerKey
    public var scheduler: Scheduler
    /// Session persistence (`IP_VS_SVC_F_PERSISTENT`) with its timeout in seconds; nil when off.
    public var persistenceTimeout: UInt32?

    public init(key: VirtualServerKey, scheduler: Scheduler, persistenceTimeout: UInt32? = nil) {
        self.key = key
        self.scheduler = scheduler
        self.persistenceTimeout = persistenceTimeout
    }

    /// IPVS_SVC_ATTR_FLAGS value (only the persistent bit is ours to set).
    public var flags: UInt32 { persistenceTimeout == nil ? 0 : VirtualServer.persistentFlag }
    /// IPVS_SVC_ATTR_NETMASK: all-ones for IPv4, prefix length 128 for IPv6 (as ipvsadm sends).
    public var netmask: UInt32 { key.address.family == .v4 ? 0xffff_ffff : 128 }

    /// `IP_VS_SVC_F_PERSISTENT`.
    public static let persistentFlag: UInt32 = 0x0001

    public var description: String {
        "\(key) \(scheduler)" + (persistenceTimeout.map { " persistent \($0)" } ?? "")
    }
}

/// How IPVS forwards to a real server (IP_VS_CONN_F_FWD_MASK values).
public enum ForwardingMethod: UInt32, Sendable, Hashable, CustomStringConvertible {
    case masquerade = 0
    case local = 1
    case tunnel = 2
    case directRoute = 3
    case bypass = 4

    /// `ipvsadm -Ln` spelling.
    public var description: String {
        switch self {
        case .masquerade: "Masq"
        case .local: "Local"
        case .tunnel: "Tunnel"
        case .directRoute: "Route"
        case .bypass: "Bypass"
        }
    }
}

/// Identity of a real server (destination) within one virtual service.
public struct RealServerKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String { "\(address.bracketed):\(port)" }
    public static func < (a: RealServerKey, b: RealServerKey) -> Bool { (a.address, a.port) < (b.address, b.port) }
}

/// A real server's settings (IPVS_CMD_ATTR_DEST).
public struct RealServer: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var key: RealServerKey
    public var weight: Int32
    public var forwarding: ForwardingMethod
    public var upperThreshold: UInt32
    public var lowerThreshold: UInt32

    public init(key: RealServerKey, weight: Int32 = 1, forwarding: ForwardingMethod = .masquerade,
                upperThreshold: UInt32 = 0, lowerThreshold: UInt32 = 0) {
        self.key = key
        self.weight = weight
        self.forwarding = forwarding
        self.upperThreshold = upperThreshold
        self.lowerThreshold = lowerThreshold
    }

    public init(address: IPAddress, port: UInt16, weight: Int32 = 1) {
        self.init(key: RealServerKey(address: address, port: port), weight: weight)
    }

    public var description: String { "\(key) \(forwarding) weight \(weight)" }
    public static func < (a: RealServer, b: RealServer) -> Bool { a.key < b.key }
}

/// Connection counters the kernel reports for a real server (IPVS_DEST_ATTR_*_CONNS).
public struct RealServerCounters: Hashable, Sendable {
    public var activeConnections: UInt32
    public var inactiveConnections: UInt32
    public var persistentConnections: UInt32

    public init(activeConnections: UInt32 = 0, inactiveConnections: UInt32 = 0, persistentConnections: UInt32 = 0) {
        self.activeConnections = activeConnections
        self.inactiveConnections = inactiveConnections
        self.persistentConnections = persistentConnections
    }

    /// Active + inactive: what graceful termination waits to reach zero.
    public var total: UInt32 { activeConnections &+ inactiveConnections }
}
