import KubeIPVSCore
import KubeIPVSKernel

extension IPVSConnection {
    /// `IPVS_CMD_GET_SERVICE` dump.
    func virtualServers() throws(KernelError) -> [(VirtualServer, IPVSStats)] {
        let seq = socket.takeSequence()
        var out: [(VirtualServer, IPVSStats)] = []
        try socket.exchange(try IPVSRequest.getServices(family: family, seq: seq, port: socket.portID), seq: seq,
                     target: "all") { (reply) throws(KernelError) in
            if let entry = try IPVSReply.service(reply) { out.append(entry) }
        }
        return out
    }

    /// `IPVS_CMD_GET_DEST` dump of one virtual server (empty when it does not exist: the kernel's answer).
    func realServers(of key: VirtualServerKey) throws(KernelError) -> [RealServerState] {
        let seq = socket.takeSequence()
        var out: [RealServerState] = []
        try socket.exchange(try IPVSRequest.getDests(of: key, family: family, seq: seq, port: socket.portID), seq: seq,
                     target: "\(key)") { (reply) throws(KernelError) in
            out.append(try IPVSReply.dest(reply, serviceFamily: key.address.family))
        }
        return out
    }

    /// The service dump, then one destination dump per virtual server.
    func table() throws(KernelError) -> [VirtualServerState] {
        var states: [VirtualServerState] = []
        for (vs, stats) in try virtualServers() {
            states.append(VirtualServerState(virtualServer: vs, realServers: try realServers(of: vs.key), stats: stats))
        }
        return states
    }

    /// `IPVS_CMD_GET_CONFIG`.
    func timeouts() throws(KernelError) -> IPVSTimeouts {
        let seq = socket.takeSequence()
        var out: IPVSTimeouts?
        try socket.exchange(try IPVSRequest.getConfig(family: family, seq: seq, port: socket.portID), seq: seq,
                     target: "timeouts") { (reply) throws(KernelError) in out = try IPVSReply.timeouts(reply) }
        guard let out else { throw IPVSReply.malformed("IPVS_CMD_GET_CONFIG", "no answer before the ACK") }
        return out
    }

    /// `IPVS_CMD_SET_CONFIG`.
    func setTimeouts(_ t: IPVSTimeouts) throws(KernelError) {
        let seq = socket.takeSequence()
        try socket.exchange(try IPVSRequest.setConfig(t, family: family, seq: seq, port: socket.portID), seq: seq,
                     target: "tcp \(t.tcp) tcpfin \(t.tcpFin) udp \(t.udp)") { _ throws(KernelError) in }
    }

    /// `IPVS_CMD_FLUSH`.
    func flush() throws(KernelError) {
        let seq = socket.takeSequence()
        try socket.exchange(try IPVSRequest.flush(family: family, seq: seq, port: socket.portID), seq: seq,
                     target: "all") { _ throws(KernelError) in }
    }
}
