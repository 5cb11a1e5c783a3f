import KubeIPVSCore
import KubeIPVSKernel

/// The add operations that build `table` from empty (each virtual server, then its real servers).
func restoreOperations(_ table: [VirtualServerState]) -> [IPVSOperation] {
    var ops: [IPVSOperation] = []
    ops.reserveCapacity(table.count * (1 + (table.first?.realServers.count ?? 0)))
    for s in table {
        ops.append(.addVirtualServer(s.virtualServer))
        for rs in s.realServers.reversed() { ops.append(.addRealServer(rs.realServer, to: s.virtualServer.key)) }
    }
    return ops
}

/// The same table as `ipvsadm -R` input (`-A` / `-a` lines, as `ipvsadm -Sn` writes them).
func restoreScript(_ table: [VirtualServerState]) -> String {
    var out = ""
    for s in table {
        let vs = s.virtualServer
        let service = "\(serviceFlag(vs.key.proto)) \(vs.key.address.bracketed):\(vs.key.port)"
        out += "-A \(service) -s \(vs.scheduler.rawValue)"
        if let t = vs.persistenceTimeout { out += " -p \(t)" }
        out += "\n"
        for rs in s.realServers.reversed() {
            let r = rs.realServer
            out += "-a \(service) -r \(r.key.address.bracketed):\(r.key.port) \(forwardingFlag(r.forwarding)) -w \(r.weight)"
            if r.upperThreshold != 0 || r.lowerThreshold != 0 { out += " -x \(r.upperThreshold) -y \(r.lowerThreshold)" }
            out += "\n"
        }
    }
    return out
}

private func serviceFlag(_ proto: L4Protocol) -> String {
    switch proto {
    case .tcp: "-t"
    case .udp: "-u"
    case .sctp: "--sctp-service"
    }
}

private func forwardingFlag(_ fwd: ForwardingMethod) -> String {
    switch fwd {
    case .masquerade: "-m"
    case .tunnel: "-i"
    case .directRoute, .local, .bypass: "-g"
    }
}
