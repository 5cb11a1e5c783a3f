/// Where NodePorts answer for one family, from `--nodeport-addresses` (kube-proxy's
/// `NodePortAddresses` for its iptables mode).
enum IptablesNodePortTarget: Hashable, Sendable {
    /// Every local address (`-m addrtype --dst-type LOCAL`): no CIDRs of the family, or a /0.
    case allLocal
    /// These node addresses only; `loopback` tells whether the CIDRs include 127.0.0.1.
    case addresses([IPAddress], loopback: Bool)

    init(_ setting: NodePortAddresses, node: NodeContext, family: IPFamily) {
        switch setting {
        case .all:
            self = .allLocal
        case .primary:
            let ips = Set(node.primaryIPs.filter { $0.family == family }).sorted()
            self = .addresses(ips, loopback: ips.contains { $0.isLoopback && $0.family == .v4 })
        case .cidrs(let all):
            let cidrs = all.filter { $0.family == family }
            if cidrs.isEmpty || cidrs.contains(where: { $0.prefixLength == 0 }) {
                self = .allLocal
                return
            }
            let ips = Set(node.localAddresses.map(\.address).filter { ip in cidrs.contains { $0.contains(ip) } })
            let loopback = IPAddress("127.0.0.1").map { ip in cidrs.contains { $0.contains(ip) } } ?? false
            self = .addresses(ips.sorted(), loopback: loopback)
        }
    }

    /// kube-proxy's `ContainsIPv4Loopback`: localhost NodePorts are possible at all.
    var containsIPv4Loopback: Bool {
        switch self {
        case .allLocal: true
        case .addresses(_, let loopback): loopback
        }
    }
}
