import CNetlink
import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// Parses the kernel's IPVS answers (dump entries and `GET_CONFIG`) into the model types.
enum IPVSReply {
    static let serviceMax = Int(__IPVS_SVC_ATTR_MAX) - 1
    static let destMax = Int(__IPVS_DEST_ATTR_MAX) - 1
    static let statsMax = Int(__IPVS_STATS_ATTR_MAX) - 1
    static let commandMax = Int(__IPVS_CMD_ATTR_MAX) - 1

    /// A virtual server from an `IPVS_CMD_NEW_SERVICE` dump message; nil for a firewall-mark service.
    static func service(_ message: NetlinkReply) throws(KernelError) -> (VirtualServer, IPVSStats)? {
        guard let nest = message.genlAttributes.first(IPVS_CMD_ATTR_SERVICE) else {
            throw malformed("IPVS_CMD_GET_SERVICE", "no IPVS_CMD_ATTR_SERVICE")
        }
        return try nest.nested.parse(maxType: serviceMax) { (a) throws(KernelError) -> (VirtualServer, IPVSStats)? in
            if a[IPVS_SVC_ATTR_FWMARK]?.u32 ?? 0 != 0 { return nil }
            guard let af = a[IPVS_SVC_ATTR_AF]?.u16, let protoNumber = a[IPVS_SVC_ATTR_PROTOCOL]?.u16,
                  let port = a[IPVS_SVC_ATTR_PORT]?.be16, let addrAttr = a[IPVS_SVC_ATTR_ADDR],
                  let schedName = a[IPVS_SVC_ATTR_SCHED_NAME]?.string
            else { throw malformed("IPVS_CMD_GET_SERVICE", "service without af/protocol/address/port/scheduler") }
            let address = try self.address(addrAttr, family: af, operation: "IPVS_CMD_GET_SERVICE")
            guard let proto = L4Protocol(number: protoNumber) else {
                throw malformed("IPVS_CMD_GET_SERVICE", "\(address.bracketed):\(port): unknown protocol \(protoNumber)")
            }
            let key = VirtualServerKey(address: address, proto: proto, port: port)
            guard let scheduler = Scheduler(rawValue: schedName) else {
                throw malformed("IPVS_CMD_GET_SERVICE", "\(key): unknown scheduler \"\(schedName)\"")
            }
            let flags = a[IPVS_SVC_ATTR_FLAGS]?.u32 ?? 0  // struct ip_vs_flags: flags first
            let persistent = flags & VirtualServer.persistentFlag != 0
            let vs = VirtualServer(key: key, scheduler: scheduler,
                                   persistenceTimeout: persistent ? (a[IPVS_SVC_ATTR_TIMEOUT]?.u32 ?? 0) : nil)
            return (vs, try stats(a[IPVS_SVC_ATTR_STATS64], a[IPVS_SVC_ATTR_STATS]))
        }
    }

    /// A real server from an `IPVS_CMD_NEW_DEST` dump message of a virtual server of `serviceFamily`.
    static func dest(_ message: NetlinkReply, serviceFamily: IPFamily) throws(KernelError) -> RealServerState {
        guard let nest = message.genlAttributes.first(IPVS_CMD_ATTR_DEST) else {
            throw malformed("IPVS_CMD_GET_DEST", "no IPVS_CMD_ATTR_DEST")
        }
        return try nest.nested.parse(maxType: destMax) { (a) throws(KernelError) -> RealServerState in
            // IPVS_DEST_ATTR_ADDR_FAMILY exists since Linux 4.x (mixed-family tunnels); before, the service's.
            let af = a[IPVS_DEST_ATTR_ADDR_FAMILY]?.u16 ?? IPVSRequest.addressFamily(serviceFamily)
            guard let addrAttr = a[IPVS_DEST_ATTR_ADDR], let port = a[IPVS_DEST_ATTR_PORT]?.be16 else {
                throw malformed("IPVS_CMD_GET_DEST", "destination without address/port")
            }
            let address = try self.address(addrAttr, family: af, operation: "IPVS_CMD_GET_DEST")
            let fwd = (a[IPVS_DEST_ATTR_FWD_METHOD]?.u32 ?? 0) & UInt32(IP_VS_CONN_F_FWD_MASK)
            guard let forwarding = ForwardingMethod(rawValue: fwd) else {
                throw malformed("IPVS_CMD_GET_DEST", "\(address.bracketed):\(port): forwarding method \(fwd)")
            }
            let rs = RealServer(key: RealServerKey(address: address, port: port),
                                weight: Int32(bitPattern: a[IPVS_DEST_ATTR_WEIGHT]?.u32 ?? 0),
                                forwarding: forwarding,
                                upperThreshold: a[IPVS_DEST_ATTR_U_THRESH]?.u32 ?? 0,
                                lowerThreshold: a[IPVS_DEST_ATTR_L_THRESH]?.u32 ?? 0)
            let counters = RealServerCounters(activeConnections: a[IPVS_DEST_ATTR_ACTIVE_CONNS]?.u32 ?? 0,
                                              inactiveConnections: a[IPVS_DEST_ATTR_INACT_CONNS]?.u32 ?? 0,
                                              persistentConnections: a[IPVS_DEST_ATTR_PERSIST_CONNS]?.u32 ?? 0)
            return RealServerState(realServer: rs, counters: counters,
                                   stats: try stats(a[IPVS_DEST_ATTR_STATS64], a[IPVS_DEST_ATTR_STATS]))
        }
    }

    /// The family id of a `CTRL_CMD_NEWFAMILY` answer.
    static func familyID(_ message: NetlinkReply) -> UInt16? {
        message.genlAttributes.first(Int(CTRL_ATTR_FAMILY_ID))?.u16
    }

    /// The timeouts of an `IPVS_CMD_GET_CONFIG` answer.
    static func timeouts(_ message: NetlinkReply) throws(KernelError) -> IPVSTimeouts {
        try message.genlAttributes.parse(maxType: commandMax) { (a) throws(KernelError) -> IPVSTimeouts in
            guard let tcp = a[IPVS_CMD_ATTR_TIMEOUT_TCP]?.u32, let fin = a[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN]?.u32,
                  let udp = a[IPVS_CMD_ATTR_TIMEOUT_UDP]?.u32
            else { throw malformed("IPVS_CMD_GET_CONFIG", "missing timeout attributes") }
            return IPVSTimeouts(tcp: tcp, tcpFin: fin, udp: udp)
        }
    }

    /// `IPVS_*_ATTR_STATS64` (all u64) when present, else the older `*_ATTR_STATS` (u32 counts, u64 bytes).
    static func stats(_ stats64: NLAttribute?, _ stats32: NLAttribute?) throws(KernelError) -> IPVSStats {
        if let s = stats64 {
            return try s.nested.parse(maxType: statsMax) { (a) throws(KernelError) -> IPVSStats in
                IPVSStats(connections: a[IPVS_STATS_ATTR_CONNS]?.u64 ?? 0, inPackets: a[IPVS_STATS_ATTR_INPKTS]?.u64 ?? 0,
                          outPackets: a[IPVS_STATS_ATTR_OUTPKTS]?.u64 ?? 0, inBytes: a[IPVS_STATS_ATTR_INBYTES]?.u64 ?? 0,
                          outBytes: a[IPVS_STATS_ATTR_OUTBYTES]?.u64 ?? 0)
            }
        }
        guard let s = stats32 else { return IPVSStats() }
        return try s.nested.parse(maxType: statsMax) { (a) throws(KernelError) -> IPVSStats in
            IPVSStats(connections: UInt64(a[IPVS_STATS_ATTR_CONNS]?.u32 ?? 0),
                      inPackets: UInt64(a[IPVS_STATS_ATTR_INPKTS]?.u32 ?? 0),
                      outPackets: UInt64(a[IPVS_STATS_ATTR_OUTPKTS]?.u32 ?? 0),
                      inBytes: a[IPVS_STATS_ATTR_INBYTES]?.u64 ?? 0, outBytes: a[IPVS_STATS_ATTR_OUTBYTES]?.u64 ?? 0)
        }
    }

    private static func address(_ attr: NLAttribute, family: UInt16, operation: String) throws(KernelError) -> IPAddress {
        let bytes = attr.bytes
        let width = Int32(family) == AF_INET ? 4 : Int32(family) == AF_INET6 ? 16 : 0
        guard width > 0, bytes.count >= width, let address = IPAddress(bytes: Array(bytes.prefix(width))) else {
            throw malformed(operation, "address family \(family) with a \(bytes.count)-byte address")
        }
        return address
    }

    static func malformed(_ operation: String, _ detail: String) -> KernelError {
        KernelError(code: .failed, operation: operation, target: "IPVS", detail: "unexpected reply: \(detail)")
    }
}
