/// Everything the IPVS mode wants in the kernel, from one snapshot: virtual and real servers,
/// addresses on the dummy interface, ipsets, companion iptables rules and health checks.
/// Every list is sorted; planning the same snapshot always gives an equal plan.
public struct IPVSPlan: Hashable, Sendable {
    /// One per ClusterIP/externalIP/LB IP:port and NodePort address:port, sorted by key.
    public var virtualServers: [PlannedVirtualServer]
    /// Service addresses to put on the dummy interface (sorted, unique).
    public var boundAddresses: [IPAddress]
    /// Every set of `ProxyIPSet` for both families, even empty ones, sorted by name.
    public var ipsets: [PlannedIPSet]
    /// `iptables-restore --noflush` input (nat and filter tables) for IPv4.
    public var companionRules: String
    /// `ip6tables-restore --noflush` input for IPv6.
    public var companionRulesIPv6: String
    /// One per service with a healthCheckNodePort, sorted by service.
    public var healthChecks: [HealthCheck]
    /// Refused objects (from the snapshot) and refused plan parts (virtual server conflicts), sorted.
    public var rejections: [Rejection]

    /// Creates a value from its parts.
    public init(virtualServers: [PlannedVirtualServer] = [], boundAddresses: [IPAddress] = [],
                ipsets: [PlannedIPSet] = [], companionRules: String = "", companionRulesIPv6: String = "",
                healthChecks: [HealthCheck] = [], rejections: [Rejection] = []) {
        self.virtualServers = virtualServers
        self.boundAddresses = boundAddresses
        self.ipsets = ipsets
        self.companionRules = companionRules
        self.companionRulesIPv6 = companionRulesIPv6
        self.healthChecks = healthChecks
        self.rejections = rejections
    }

    /// The set with `name`, if planned.
    public func ipset(named name: String) -> PlannedIPSet? { ipsets.first { $0.spec.name == name } }
}

/// One virtual server with its real servers and the service port it serves.
public struct PlannedVirtualServer: Hashable, Sendable, Comparable {
    /// Which address of the service the virtual server listens on.
    public enum Role: String, Hashable, Sendable, Comparable, CaseIterable {
        case clusterIP, externalIP, loadBalancer, nodePort

        var rank: Int {
            switch self {
            case .clusterIP: 0
            case .externalIP: 1
            case .loadBalancer: 2
            case .nodePort: 3
            }
        }

        /// Total order, for deterministic output.
        public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
    }

    /// The virtual service settings (key, scheduler, persistence).
    public var server: VirtualServer
    /// Sorted by address and port, unique.
    public var realServers: [RealServer]
    /// The service port this belongs to.
    public var servicePort: ServicePortName
    /// Which service address it listens on.
    public var role: Role

    /// Creates a value from its parts.
    public init(server: VirtualServer, realServers: [RealServer], servicePort: ServicePortName, role: Role) {
        self.server = server
        self.realServers = realServers
        self.servicePort = servicePort
        self.role = role
    }

    /// The virtual server's address, protocol and port.
    public var key: VirtualServerKey { server.key }

    /// By key, then role, then service port (the order conflicts are resolved in).
    public static func < (a: PlannedVirtualServer, b: PlannedVirtualServer) -> Bool {
        if a.server.key != b.server.key { return a.server.key < b.server.key }
        if a.role != b.role { return a.role < b.role }
        return a.servicePort < b.servicePort
    }
}

/// One ipset with the entries it should hold.
public struct PlannedIPSet: Hashable, Sendable {
    /// Which of kube-proxy's sets.
    public var set: ProxyIPSet
    /// The proxy family the set serves (bitmap:port sets have no kernel family, but still belong to one).
    public var ipFamily: IPFamily
    /// The kernel definition (name, type, family, sizes).
    public var spec: IPSetSpec
    /// Sorted, unique.
    public var entries: [IPSetEntry]

    /// Creates a value from its parts.
    public init(set: ProxyIPSet, ipFamily: IPFamily, entries: [IPSetEntry] = []) {
        self.set = set
        self.ipFamily = ipFamily
        self.spec = set.spec(ipFamily)
        self.entries = entries
    }
}

/// A `healthCheckNodePort` to serve: 200 while the service has local ready endpoints, 503 otherwise.
public struct HealthCheck: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The service.
    public var service: ServiceName
    /// The healthCheckNodePort to serve on.
    public var nodePort: UInt16
    /// Distinct local ready endpoint addresses across the service's ports (kube-proxy's count).
    public var localEndpoints: Int

    /// Creates a value from its parts.
    public init(service: ServiceName, nodePort: UInt16, localEndpoints: Int) {
        self.service = service
        self.nodePort = nodePort
        self.localEndpoints = localEndpoints
    }

    /// Human-readable form.
    public var description: String { "\(service) nodePort \(nodePort) localEndpoints \(localEndpoints)" }

    /// Total order, for deterministic output.
    public static func < (a: HealthCheck, b: HealthCheck) -> Bool {
        (a.service, a.nodePort) < (b.service, b.nodePort)
    }
}
