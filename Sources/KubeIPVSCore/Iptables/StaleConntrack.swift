/// One `conntrack -D` invocation that removes UDP flows a sync made stale.
public struct ConntrackDeletion: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// What the flows are selected by.
    public enum Filter: Hashable, Sendable, Comparable {
        /// Flows to a service IP and port (a UDP service that was deleted or just got endpoints):
        /// `-D -p udp --orig-dst IP --dport PORT`.
        case serviceIPPort(IPAddress, UInt16)
        /// Flows to a UDP NodePort: `-D -p udp --dport PORT`.
        case nodePort(UInt16, IPFamily)
        /// Flows to a service IP DNATed to an endpoint that is gone: `-D -p udp --orig-dst IP --dst-nat EP`.
        case serviceEndpoint(IPAddress, endpoint: IPAddress)
        /// Flows to a NodePort DNATed to an endpoint that is gone: `-D -p udp --dport PORT --dst-nat EP`.
        case nodePortEndpoint(UInt16, endpoint: IPAddress)
    }

    /// Which flows.
    public var filter: Filter
    /// The flows' protocol (UDP: kube-proxy cleans only UDP).
    public var proto: L4Protocol

    /// A deletion of UDP flows by default.
    public init(_ filter: Filter, proto: L4Protocol = .udp) {
        self.filter = filter
        self.proto = proto
    }

    /// The `conntrack` arguments, as kube-proxy's `pkg/proxy/conntrack` builds them (`-f ipv6` last).
    public var arguments: [String] {
        let p = proto.rawValue
        switch filter {
        case .serviceIPPort(let ip, let port):
            // `--dport` is a protocol option: it must follow `-p`.
            return ["-D", "-p", p, "--orig-dst", ip.description, "--dport", String(port)] + Self.family(ip.family)
        case .nodePort(let port, let family):
            return ["-D", "-p", p, "--dport", String(port)] + Self.family(family)
        case .serviceEndpoint(let ip, let endpoint):
            return ["-D", "--orig-dst", ip.description, "--dst-nat", endpoint.description, "-p", p] + Self.family(ip.family)
        case .nodePortEndpoint(let port, let endpoint):
            return ["-D", "-p", p, "--dport", String(port), "--dst-nat", endpoint.description] + Self.family(endpoint.family)
        }
    }

    /// The command line: `conntrack -D …`.
    public var description: String { "conntrack " + arguments.joined(separator: " ") }

    public static func < (a: Self, b: Self) -> Bool { (a.filter, a.proto) < (b.filter, b.proto) }

    static func family(_ family: IPFamily) -> [String] { family == .v6 ? ["-f", "ipv6"] : [] }
}

/// Which UDP conntrack entries a sync from `previous` to `current` leaves pointing at nothing
/// (kube-proxy's `conntrack.CleanStaleEntries`): without deleting them, a client that keeps
/// sending from the same port keeps hitting a removed endpoint or a black hole until the entry
/// times out.
public enum StaleConntrack {
    /// The deletions, sorted and unique.
    /// - Parameter services: when given, only these services can differ between the snapshots
    ///   (the others are not looked at).
    public static func deletions(previous: ProxySnapshot?, current: ProxySnapshot,
                                 services: Set<ServiceName>? = nil) -> [ConntrackDeletion] {
        var out: Set<ConntrackDeletion> = []
        let before = previous?.servicePorts ?? [:]
        let considered = { (name: ServicePortName) in name.proto == .udp && services.map { $0.contains(name.service) } ?? true }
        for (name, old) in before where considered(name) && current.servicePorts[name] == nil {
            out.formUnion(serviceDeletions(old))  // the UDP service port is gone
        }
        for (name, port) in current.servicePorts where considered(name) {
            let now = programmed(port, current)
            let then = before[name].map { programmed($0, previous!) } ?? []
            if then.isEmpty && !now.isEmpty {
                out.formUnion(serviceDeletions(port))  // newly active: flush black-holed flows
            }
            let gone = Set(then.map(\.address)).subtracting(now.map(\.address))
            for endpoint in gone.sorted() {
                out.formUnion(endpointDeletions(port, endpoint))
            }
        }
        return out.sorted()
    }

    /// Endpoints the rules of `port` send traffic to (cluster and/or local ones).
    static func programmed(_ port: ServicePort, _ snapshot: ProxySnapshot) -> [Endpoint] {
        let selection = snapshot.selection(for: port)
        let externallyAccessible = port.hasExternalAddresses
        var out: [Endpoint] = []
        if !port.internalPolicyLocal || externallyAccessible { out += selection.cluster }
        if port.internalPolicyLocal || (port.externalPolicyLocal && externallyAccessible) { out += selection.local }
        return out
    }

    static func serviceIPs(_ port: ServicePort) -> [IPAddress] {
        port.clusterIPs + port.externalIPs + port.loadBalancerIPs
    }

    static func serviceDeletions(_ port: ServicePort) -> [ConntrackDeletion] {
        var out = serviceIPs(port).map { ConntrackDeletion(.serviceIPPort($0, port.port)) }
        if let nodePort = port.nodePort {
            for family in Set(port.clusterIPs.map(\.family)) { out.append(ConntrackDeletion(.nodePort(nodePort, family))) }
        }
        return out
    }

    static func endpointDeletions(_ port: ServicePort, _ endpoint: IPAddress) -> [ConntrackDeletion] {
        var out = serviceIPs(port).filter { $0.family == endpoint.family }
            .map { ConntrackDeletion(.serviceEndpoint($0, endpoint: endpoint)) }
        if let nodePort = port.nodePort { out.append(ConntrackDeletion(.nodePortEndpoint(nodePort, endpoint: endpoint))) }
        return out
    }
}
