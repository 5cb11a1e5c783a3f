import KubeIPVSCore

/// Renders IPVS state the way `ipvsadm -Ln` prints it (numeric; without its version line), so a table
/// read through ``IPVSControl`` can be compared with the tool's own view of the kernel.
public enum IPVSListing {
    /// The two header lines of `ipvsadm -Ln`.
    public static let header = """
        Prot LocalAddress:Port Scheduler Flags
          -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
        """

    /// Header, then each virtual server and its real servers, both sorted as ipvsadm sorts them
    /// (family, protocol, address, port); one line each, newline-terminated.
    public static func render(_ table: [VirtualServerState]) -> String {
        var out = header + "\n"
        let services = table.sorted { order($0.virtualServer.key) < order($1.virtualServer.key) }
        for state in services {
            out += serviceLine(state.virtualServer) + "\n"
            for rs in state.realServers.sorted(by: { $0.realServer.key < $1.realServer.key }) {
                out += realServerLine(rs, in: state.virtualServer.key) + "\n"
            }
        }
        return out
    }

    /// `TCP  10.96.0.1:443 rr persistent 10800` (`%-4s %s`, then the scheduler and flags).
    public static func serviceLine(_ vs: VirtualServer) -> String {
        var name = pad(vs.key.proto.upper, 4) + " " + "\(vs.key.address.bracketed):\(vs.key.port)"
        if vs.key.address.family == .v4 && name.count > 33 { name = String(name.prefix(33)) }
        var line = name + " " + vs.scheduler.rawValue
        if let timeout = vs.persistenceTimeout { line += " persistent \(timeout)" }
        return line
    }

    /// `  -> 10.244.1.2:8443               Masq    1      0          0         ` (`%-28s %-7s %-6d %-10u %-10u`).
    public static func realServerLine(_ rs: RealServerState, in vs: VirtualServerKey) -> String {
        var name = "\(rs.realServer.key.address.bracketed):\(rs.realServer.key.port)"
        if vs.address.family == .v4 && name.count > 28 { name = String(name.prefix(28)) }
        return "  -> " + pad(name, 28) + " " + pad(rs.realServer.forwarding.description, 7) + " "
            + pad("\(rs.realServer.weight)", 6) + " " + pad("\(rs.counters.activeConnections)", 10) + " "
            + pad("\(rs.counters.inactiveConnections)", 10)
    }

    private static func order(_ key: VirtualServerKey) -> (IPFamily, UInt16, IPAddress, UInt16) {
        (key.address.family, key.proto.number, key.address, key.port)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
