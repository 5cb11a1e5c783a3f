import KubeIPVSCore

/// A virtual server as the kernel reports it, with its real servers (one entry of a full table dump).
public struct VirtualServerState: Hashable, Sendable, CustomStringConvertible {
    public var virtualServer: VirtualServer
    /// Real servers in the kernel's list order (most recently added first).
    public var realServers: [RealServerState]
    /// Traffic counters of the whole virtual server.
    public var stats: IPVSStats

    public init(virtualServer: VirtualServer, realServers: [RealServerState] = [], stats: IPVSStats = IPVSStats()) {
        self.virtualServer = virtualServer
        self.realServers = realServers
        self.stats = stats
    }

    /// This dump entry as a table entry (settings and counters; the traffic stats dropped), e.g. for
    /// `IPVSTableText.render`.
    public var tableEntry: IPVSServiceState {
        IPVSServiceState(server: virtualServer, realServers: realServers.map(\.realServer),
                         counters: Dictionary(realServers.map { ($0.realServer.key, $0.counters) },
                                              uniquingKeysWith: { first, _ in first }))
    }

    /// This dump entry as `IPVSRestoreText.script` input: settings, real servers in the kernel's order.
    public var restoreEntry: (server: VirtualServer, realServers: [RealServer]) {
        (virtualServer, realServers.map(\.realServer))
    }

    public var description: String {
        ([virtualServer.description] + realServers.map { "  -> \($0)" }).joined(separator: "\n")
    }
}

/// A real server as the kernel reports it: its settings plus connection counters and traffic stats.
public struct RealServerState: Hashable, Sendable, CustomStringConvertible {
    public var realServer: RealServer
    public var counters: RealServerCounters
    public var stats: IPVSStats

    public init(realServer: RealServer, counters: RealServerCounters = RealServerCounters(),
                stats: IPVSStats = IPVSStats()) {
        self.realServer = realServer
        self.counters = counters
        self.stats = stats
    }

    public var description: String {
        "\(realServer) active \(counters.activeConnections) inactive \(counters.inactiveConnections)"
            + " persistent \(counters.persistentConnections)"
    }
}

/// Traffic counters (`IPVS_SVC_ATTR_STATS64` / `IPVS_DEST_ATTR_STATS64`, `ipvsadm -Ln --stats`).
public struct IPVSStats: Hashable, Sendable {
    /// Connections scheduled so far.
    public var connections: UInt64
    public var inPackets: UInt64
    public var outPackets: UInt64
    public var inBytes: UInt64
    public var outBytes: UInt64

    public init(connections: UInt64 = 0, inPackets: UInt64 = 0, outPackets: UInt64 = 0,
                inBytes: UInt64 = 0, outBytes: UInt64 = 0) {
        self.connections = connections
        self.inPackets = inPackets
        self.outPackets = outPackets
        self.inBytes = inBytes
        self.outBytes = outBytes
    }
}

/// IPVS connection timeouts in seconds (`ipvsadm --set tcp tcpfin udp`, `IPVS_CMD_SET_CONFIG`).
/// When setting, 0 leaves that value unchanged, as the kernel does.
public struct IPVSTimeouts: Hashable, Sendable, CustomStringConvertible {
    public var tcp: UInt32
    public var tcpFin: UInt32
    public var udp: UInt32

    public init(tcp: UInt32, tcpFin: UInt32, udp: UInt32) {
        self.tcp = tcp
        self.tcpFin = tcpFin
        self.udp = udp
    }

    /// The kernel's defaults (tcp 900 s, tcpfin 120 s, udp 300 s).
    public static let kernelDefaults = IPVSTimeouts(tcp: 900, tcpFin: 120, udp: 300)

    /// `ipvsadm -L --timeout` spelling.
    public var description: String { "Timeout (tcp tcpfin udp): \(tcp) \(tcpFin) \(udp)" }
}
