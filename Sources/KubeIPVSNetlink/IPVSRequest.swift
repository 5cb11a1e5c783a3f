import CNetlink
import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// Builds the IPVS generic netlink requests. The attribute layout is libipvs' (`ipvs_nl_fill_service_attr`,
/// `ipvs_nl_fill_dest_attr`), so each request is byte-identical to the one `ipvsadm` sends for the same
/// command (checked against captured fixtures).
///
///     nlmsghdr    len u32 | type u16 = IPVS family id | flags u16 | seq u32 | port u32
///     genlmsghdr  cmd u8 | version u8 = 1 | reserved u16
///     IPVS_CMD_ATTR_SERVICE (1|NLA_F_NESTED)
///         AF u16 | PROTOCOL u16 | ADDR 16 bytes (nf_inet_addr, IPv4 zero-padded) | PORT be16
///         SCHED_NAME "rr\0" | FLAGS {flags u32, mask u32 = ~0} | TIMEOUT u32 | NETMASK u32
///     IPVS_CMD_ATTR_DEST (2|NLA_F_NESTED)                       -- NEW/SET/DEL_DEST only
///         ADDR_FAMILY u16 | ADDR 16 bytes | PORT be16 | FWD_METHOD u32 | WEIGHT u32
///         TUN_TYPE u8 | TUN_PORT be16 | TUN_FLAGS u16 | U_THRESH u32 | L_THRESH u32
///
/// Every attribute is 4-byte aligned (`len` counts the 4-byte header, padding does not count).
enum IPVSRequest {
    /// `NLM_F_REQUEST | NLM_F_ACK`.
    static let requestWithAck = Int32(NLM_F_REQUEST | NLM_F_ACK)
    /// `NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP`, as ipvsadm sends dumps.
    static let dump = Int32(NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)

    /// The request for one batch operation.
    static func message(for operation: IPVSOperation, family: UInt16, flags: Int32, seq: UInt32,
                        port: UInt32 = 0) throws(KernelError) -> NetlinkMessage {
        let msg = try NetlinkMessage(family: family, command: command(of: operation), flags: flags, seq: seq,
                                  port: port, operation: operation.operationName)
        switch operation {
        case .addVirtualServer(let vs), .updateVirtualServer(let vs):
            try putService(msg, vs.key, scheduler: vs.scheduler.rawValue, flags: vs.flags,
                           timeout: vs.persistenceTimeout ?? 0, netmask: vs.netmask)
        case .deleteVirtualServer(let key):
            try putServiceKeyWithDefaults(msg, key)
        case .addRealServer(let rs, let vs), .updateRealServer(let rs, let vs):
            try putServiceKeyWithDefaults(msg, vs)
            try putDest(msg, rs)
        case .deleteRealServer(let key, let vs):
            try putServiceKeyWithDefaults(msg, vs)
            // The kernel reads only the family, address and port of a DEL_DEST; the rest carries
            // ipvsadm's defaults (direct routing, weight 1) so the request is the same as `ipvsadm -d`.
            try putDest(msg, RealServer(key: key, weight: 1, forwarding: .directRoute))
        }
        return msg
    }

    /// `CTRL_CMD_GETFAMILY` by name (to `GENL_ID_CTRL`, as libnl's `genl_ctrl_resolve` sends it).
    static func getFamily(_ name: String, seq: UInt32, port: UInt32 = 0) throws(KernelError) -> NetlinkMessage {
        let msg = try NetlinkMessage(family: UInt16(GENL_ID_CTRL), command: UInt8(CTRL_CMD_GETFAMILY), flags: requestWithAck,
                                  seq: seq, port: port, operation: "CTRL_CMD_GETFAMILY")
        try msg.put(Int(CTRL_ATTR_FAMILY_NAME), string: name)
        return msg
    }

    /// `IPVS_CMD_GET_SERVICE` dump: every virtual server.
    static func getServices(family: UInt16, seq: UInt32, port: UInt32 = 0) throws(KernelError) -> NetlinkMessage {
        try NetlinkMessage(family: family, command: UInt8(IPVS_CMD_GET_SERVICE), flags: dump, seq: seq, port: port,
                        operation: "IPVS_CMD_GET_SERVICE")
    }

    /// `IPVS_CMD_GET_DEST` dump of one virtual server (its key only, as ipvsadm sends it).
    static func getDests(of key: VirtualServerKey, family: UInt16, seq: UInt32,
                         port: UInt32 = 0) throws(KernelError) -> NetlinkMessage {
        let msg = try NetlinkMessage(family: family, command: UInt8(IPVS_CMD_GET_DEST), flags: dump, seq: seq,
                                  port: port, operation: "IPVS_CMD_GET_DEST")
        try msg.nest(IPVS_CMD_ATTR_SERVICE) { () throws(KernelError) in try putKey(msg, key) }
        return msg
    }

    /// `IPVS_CMD_GET_CONFIG`: the timeouts.
    static func getConfig(family: UInt16, seq: UInt32, port: UInt32 = 0) throws(KernelError) -> NetlinkMessage {
        try NetlinkMessage(family: family, command: UInt8(IPVS_CMD_GET_CONFIG), flags: requestWithAck, seq: seq,
                        port: port, operation: "IPVS_CMD_GET_CONFIG")
    }

    /// `IPVS_CMD_SET_CONFIG`: the three timeouts as top-level attributes (0 = unchanged).
    static func setConfig(_ t: IPVSTimeouts, family: UInt16, seq: UInt32, port: UInt32 = 0) throws(KernelError) -> NetlinkMessage {
        let msg = try NetlinkMessage(family: family, command: UInt8(IPVS_CMD_SET_CONFIG), flags: requestWithAck,
                                  seq: seq, port: port, operation: "IPVS_CMD_SET_CONFIG")
        try msg.put(IPVS_CMD_ATTR_TIMEOUT_TCP, u32: t.tcp)
        try msg.put(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, u32: t.tcpFin)
        try msg.put(IPVS_CMD_ATTR_TIMEOUT_UDP, u32: t.udp)
        return msg
    }

    /// `IPVS_CMD_FLUSH`: no attributes.
    static func flush(family: UInt16, seq: UInt32, port: UInt32 = 0) throws(KernelError) -> NetlinkMessage {
        try NetlinkMessage(family: family, command: UInt8(IPVS_CMD_FLUSH), flags: requestWithAck, seq: seq,
                        port: port, operation: "IPVS_CMD_FLUSH")
    }

    static func command(of operation: IPVSOperation) -> UInt8 {
        switch operation {
        case .addVirtualServer: UInt8(IPVS_CMD_NEW_SERVICE)
        case .updateVirtualServer: UInt8(IPVS_CMD_SET_SERVICE)
        case .deleteVirtualServer: UInt8(IPVS_CMD_DEL_SERVICE)
        case .addRealServer: UInt8(IPVS_CMD_NEW_DEST)
        case .updateRealServer: UInt8(IPVS_CMD_SET_DEST)
        case .deleteRealServer: UInt8(IPVS_CMD_DEL_DEST)
        }
    }

    /// `AF_INET` / `AF_INET6`.
    static func addressFamily(_ family: IPFamily) -> UInt16 { UInt16(family == .v4 ? AF_INET : AF_INET6) }

    /// `union nf_inet_addr`: 16 bytes, an IPv4 address in the first 4.
    static func inetAddress(_ address: IPAddress) -> [UInt8] {
        address.family == .v4 ? address.bytes + [UInt8](repeating: 0, count: 12) : address.bytes
    }

    private static func putKey(_ msg: NetlinkMessage, _ key: VirtualServerKey) throws(KernelError) {
        try msg.put(IPVS_SVC_ATTR_AF, u16: addressFamily(key.address.family))
        try msg.put(IPVS_SVC_ATTR_PROTOCOL, u16: key.proto.number)
        try msg.put(IPVS_SVC_ATTR_ADDR, bytes: inetAddress(key.address))
        try msg.put(IPVS_SVC_ATTR_PORT, u16: key.port.bigEndian)
    }

    private static func putService(_ msg: NetlinkMessage, _ key: VirtualServerKey, scheduler: String, flags: UInt32,
                                   timeout: UInt32, netmask: UInt32) throws(KernelError) {
        try msg.nest(IPVS_CMD_ATTR_SERVICE) { () throws(KernelError) in
            try putKey(msg, key)
            try msg.put(IPVS_SVC_ATTR_SCHED_NAME, string: scheduler)
            try msg.put(IPVS_SVC_ATTR_FLAGS, u32: flags, 0xffff_ffff)
            try msg.put(IPVS_SVC_ATTR_TIMEOUT, u32: timeout)
            try msg.put(IPVS_SVC_ATTR_NETMASK, u32: netmask)
        }
    }

    /// The service part of a DEL_SERVICE or of a destination request: the key, then ipvsadm's defaults
    /// (empty scheduler, no flags, no timeout, full netmask); the kernel reads only the key there.
    private static func putServiceKeyWithDefaults(_ msg: NetlinkMessage, _ key: VirtualServerKey) throws(KernelError) {
        let netmask: UInt32 = key.address.family == .v4 ? 0xffff_ffff : 128
        try putService(msg, key, scheduler: "", flags: 0, timeout: 0, netmask: netmask)
    }

    private static func putDest(_ msg: NetlinkMessage, _ rs: RealServer) throws(KernelError) {
        try msg.nest(IPVS_CMD_ATTR_DEST) { () throws(KernelError) in
            try msg.put(IPVS_DEST_ATTR_ADDR_FAMILY, u16: addressFamily(rs.key.address.family))
            try msg.put(IPVS_DEST_ATTR_ADDR, bytes: inetAddress(rs.key.address))
            try msg.put(IPVS_DEST_ATTR_PORT, u16: rs.key.port.bigEndian)
            try msg.put(IPVS_DEST_ATTR_FWD_METHOD, u32: rs.forwarding.rawValue)
            try msg.put(IPVS_DEST_ATTR_WEIGHT, u32: UInt32(bitPattern: rs.weight))
            try msg.put(IPVS_DEST_ATTR_TUN_TYPE, u8: 0)
            try msg.put(IPVS_DEST_ATTR_TUN_PORT, u16: 0)
            try msg.put(IPVS_DEST_ATTR_TUN_FLAGS, u16: 0)
            try msg.put(IPVS_DEST_ATTR_U_THRESH, u32: rs.upperThreshold)
            try msg.put(IPVS_DEST_ATTR_L_THRESH, u32: rs.lowerThreshold)
        }
    }
}
