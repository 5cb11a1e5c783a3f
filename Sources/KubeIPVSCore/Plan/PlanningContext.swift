/// Node- and configuration-derived facts every service port's plan needs, computed once per plan.
struct PlanningContext {
    let config: ProxyConfiguration
    /// NodePort listen addresses per family (sorted, unique), after `--nodeport-addresses`.
    let nodePortAddressesV4: [IPAddress]
    let nodePortAddressesV6: [IPAddress]
    /// Node addresses outside the dummy interface: external/LB IPs among them are not bound.
    let nodeAddresses: Set<IPAddress>
    let primaryV4: IPAddress?
    let primaryV6: IPAddress?

    init(node: NodeContext, config: ProxyConfiguration) {
        self.config = config
        let own = node.localAddresses.filter { $0.interface != config.dummyInterface }
        nodeAddresses = Set(own.map(\.address))
        let selected: [IPAddress]
        switch config.nodePortAddresses {
        case .all:
            selected = own.map(\.address).filter { !$0.isLoopback && !($0.family == .v6 && $0.isLinkLocal) }
        case .cidrs(let cidrs):
            selected = own.map(\.address).filter { ip in !ip.isLoopback && cidrs.contains { $0.contains(ip) } }
        case .primary:
            selected = node.primaryIPs
        }
        let unique = Array(Set(selected)).sorted()
        nodePortAddressesV4 = unique.filter { $0.family == .v4 }
        nodePortAddressesV6 = unique.filter { $0.family == .v6 }
        primaryV4 = node.primaryIPs.first { $0.family == .v4 }
        primaryV6 = node.primaryIPs.first { $0.family == .v6 }
    }

    func nodePortAddresses(_ family: IPFamily) -> [IPAddress] {
        family == .v4 ? nodePortAddressesV4 : nodePortAddressesV6
    }

    func primaryIP(_ family: IPFamily) -> IPAddress? { family == .v4 ? primaryV4 : primaryV6 }

    /// Inside `--ipvs-exclude-cidrs`: never planned, bound or put in a set.
    func isExcluded(_ ip: IPAddress) -> Bool {
        config.excludeCIDRs.contains { $0.contains(ip) }
    }
}
