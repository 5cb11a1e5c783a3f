/// Renders an IPVS table as `ipvsadm -R` input: `-A` / `-a` lines as `ipvsadm -Sn` writes them.
public enum IPVSRestoreText {
    /// Each virtual server, then its real servers in reverse of the given order: given a kernel listing
    /// (most recently added first), `ipvsadm -R` adds them back in that same listing order.
    public static func script(_ services: [(server: VirtualServer, realServers: [RealServer])]) -> String {
        var out = ""
        for (vs, realServers) in services {
            let service = "\(serviceFlag(vs.key.proto)) \(vs.key.address.bracketed):\(vs.key.port)"
            out += "-A \(service) -s \(vs.scheduler.rawValue)"
            if let t = vs.persistenceTimeout { out += " -p \(t)" }
            out += "\n"
            for r in realServers.reversed() {
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
