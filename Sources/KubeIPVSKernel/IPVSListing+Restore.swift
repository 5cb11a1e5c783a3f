import KubeIPVSCore

extension IPVSListing {
    /// `table` as `ipvsadm -R` input: `-A` / `-a` lines as `ipvsadm -Sn` writes them (each virtual server,
    /// then its real servers in reverse order, which `-R` adds back in the kernel's listing order).
    public static func restoreScript(_ table: [VirtualServerState]) -> String {
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

    private static func serviceFlag(_ proto: L4Protocol) -> String {
        switch proto {
        case .tcp: "-t"
        case .udp: "-u"
        case .sctp: "--sctp-service"
        }
    }

    private static func forwardingFlag(_ fwd: ForwardingMethod) -> String {
        switch fwd {
        case .masquerade: "-m"
        case .tunnel: "-i"
        case .directRoute, .local, .bypass: "-g"
        }
    }
}
