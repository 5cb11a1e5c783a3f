/// One virtual service as `ipvsadm -Ln` lists it: settings, real servers and their counters.
public struct IPVSTableService: Hashable, Sendable {
    public var server: VirtualServer
    public var realServers: [RealServer]
    /// Observed connection counters; a real server without an entry shows 0.
    public var counters: [RealServerKey: RealServerCounters]

    public init(server: VirtualServer, realServers: [RealServer], counters: [RealServerKey: RealServerCounters] = [:]) {
        self.server = server
        self.realServers = realServers
        self.counters = counters
    }
}

/// Renders an IPVS table exactly as `ipvsadm -Ln` prints it (ipvsadm.c `list_all`, `print_title`,
/// `print_service_entry` with FMT_NUMERIC), so planned and observed tables compare as text.
///
/// Order: services by family, protocol number, address, port; real servers by address, port
/// (libipvs `ipvs_cmp_services`/`ipvs_cmp_dests`). ipvsadm compares addresses with a signed int
/// subtraction that misorders addresses more than 2^31 apart; we use the true numeric order.
public enum IPVSTableText {
    /// `IP Virtual Server version 1.2.1 (size=4096)` and the two column-title lines.
    public static func header(version: String = "1.2.1", connectionTableSize: Int = 4096) -> String {
        "IP Virtual Server version \(version) (size=\(connectionTableSize))\n"
            + "Prot LocalAddress:Port Scheduler Flags\n"
            + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
    }

    public static func render(_ services: [IPVSTableService], version: String = "1.2.1",
                              connectionTableSize: Int = 4096) -> String {
        var text = header(version: version, connectionTableSize: connectionTableSize)
        for service in services.sorted(by: { ipvsadmOrder($0.server.key, $1.server.key) }) {
            text += serviceLine(service.server)
            for rs in service.realServers.sorted(by: { ($0.key.address, $0.key.port) < ($1.key.address, $1.key.port) }) {
                text += realServerLine(rs, counters: service.counters[rs.key] ?? RealServerCounters())
            }
        }
        return text
    }

    /// The planned table, every counter 0.
    public static func render(_ plan: IPVSPlan) -> String {
        render(plan.virtualServers.map { IPVSTableService(server: $0.server, realServers: $0.realServers) })
    }

    /// `TCP  10.96.0.10:80 rr` / `UDP  [fd00::a]:53 sh persistent 600` (`"%-4s %s"` then `" %s"`).
    public static func serviceLine(_ server: VirtualServer) -> String {
        var line = padded(server.key.proto.upper, 4) + " " + "\(server.key.address.bracketed):\(server.key.port)"
        line += " \(server.scheduler.rawValue)"
        if let timeout = server.persistenceTimeout { line += " persistent \(timeout)" }
        return line + "\n"
    }

    /// `"  -> %-28s %-7s %-6d %-10u %-10u"`, trailing spaces included, as ipvsadm prints them.
    public static func realServerLine(_ rs: RealServer, counters: RealServerCounters = RealServerCounters()) -> String {
        "  -> " + padded("\(rs.key.address.bracketed):\(rs.key.port)", 28) + " "
            + padded(rs.forwarding.description, 7) + " " + padded("\(rs.weight)", 6) + " "
            + padded("\(counters.activeConnections)", 10) + " " + padded("\(counters.inactiveConnections)", 10) + "\n"
    }

    /// ipvsadm's service order: family (AF_INET before AF_INET6), protocol number, address, port.
    static func ipvsadmOrder(_ a: VirtualServerKey, _ b: VirtualServerKey) -> Bool {
        if a.address.family != b.address.family { return a.address.family < b.address.family }
        if a.proto != b.proto { return a.proto.number < b.proto.number }
        if a.address != b.address { return a.address < b.address }
        return a.port < b.port
    }

    /// Left-aligned in `width` columns (`%-Ns`); longer text is not cut.
    static func padded(_ text: String, _ width: Int) -> String {
        let count = text.utf8.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }
}
