/// Renders an IPVS table exactly as `ipvsadm -Ln` prints it (ipvsadm.c `list_all`, `print_title`,
/// `print_service_entry` with FMT_NUMERIC), so planned and observed tables compare as text.
///
/// Order: as ipvsadm sorts (see `IPVSAdmOrder`), so a planned table and the kernel's compare as text.
public enum IPVSTableText {
    /// `IP Virtual Server version 1.2.1 (size=4096)` and the two column-title lines.
    public static func header(version: String = "1.2.1", connectionTableSize: Int = 4096) -> String {
        "IP Virtual Server version \(version) (size=\(connectionTableSize))\n"
            + "Prot LocalAddress:Port Scheduler Flags\n"
            + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
    }

    /// The whole table: header, then each service with its real servers.
    /// Real servers without a `counters` entry show 0 connections.
    public static func render(_ services: [IPVSServiceState], version: String = "1.2.1",
                              connectionTableSize: Int = 4096) -> String {
        var out = TextBuffer(capacity: 256 + services.reduce(0) { $0 + 40 + 72 * $1.realServers.count })
        out.append(header(version: version, connectionTableSize: connectionTableSize))
        for service in IPVSAdmOrder.services(services) {
            writeService(service.server, to: &out)
            for rs in IPVSAdmOrder.realServers(service.realServers.values) {
                writeRealServer(rs, service.counters[rs.key] ?? RealServerCounters(), to: &out)
            }
        }
        return out.string
    }

    /// The planned table, every counter 0.
    public static func render(_ plan: IPVSPlan) -> String {
        render(plan.virtualServers.map { IPVSServiceState(server: $0.server, realServers: $0.realServers) })
    }

    /// `TCP  10.96.0.10:80 rr` / `UDP  [fd00::a]:53 sh persistent 600` (`"%-4s %s"` then `" %s"`).
    public static func serviceLine(_ server: VirtualServer) -> String {
        var out = TextBuffer()
        writeService(server, to: &out)
        return out.string
    }

    /// `"  -> %-28s %-7s %-6d %-10u %-10u"`, trailing spaces included, as ipvsadm prints them.
    public static func realServerLine(_ rs: RealServer, counters: RealServerCounters = RealServerCounters()) -> String {
        var out = TextBuffer()
        writeRealServer(rs, counters, to: &out)
        return out.string
    }

    static func writeService(_ server: VirtualServer, to out: inout TextBuffer) {
        let start = out.bytes.count
        out.append(server.key.proto.upper)
        out.pad(from: start, to: 4)
        out.append(byte: UInt8(ascii: " "))
        out.appendAddress(server.key.address, bracketed: true)
        out.append(byte: UInt8(ascii: ":"))
        out.appendDecimal(server.key.port)
        out.append(byte: UInt8(ascii: " "))
        out.append(server.scheduler.rawValue)
        if let timeout = server.persistenceTimeout {
            out.append(" persistent ")
            out.appendDecimal(timeout)
        }
        out.append(byte: UInt8(ascii: "\n"))
    }

    static func writeRealServer(_ rs: RealServer, _ counters: RealServerCounters, to out: inout TextBuffer) {
        out.append("  -> ")
        var start = out.bytes.count
        out.appendAddress(rs.key.address, bracketed: true)
        out.append(byte: UInt8(ascii: ":"))
        out.appendDecimal(rs.key.port)
        out.pad(from: start, to: 28)
        out.append(byte: UInt8(ascii: " "))
        start = out.bytes.count
        out.append(rs.forwarding.description)
        out.pad(from: start, to: 7)
        out.append(byte: UInt8(ascii: " "))
        start = out.bytes.count
        out.appendDecimal(rs.weight)
        out.pad(from: start, to: 6)
        out.append(byte: UInt8(ascii: " "))
        start = out.bytes.count
        out.appendDecimal(counters.activeConnections)
        out.pad(from: start, to: 10)
        out.append(byte: UInt8(ascii: " "))
        start = out.bytes.count
        out.appendDecimal(counters.inactiveConnections)
        out.pad(from: start, to: 10)
        out.append(byte: UInt8(ascii: "\n"))
    }
}
