/// Settings of the iptables fallback proxier that `ProxyConfiguration` does not carry.
public struct IptablesModeOptions: Hashable, Sendable {
    /// `--iptables-localhost-nodeports` (kube-proxy's default: true): NodePorts answer on
    /// 127.0.0.0/8 (IPv4 only; needs `net.ipv4.conf.all.route_localnet=1`). Forced off when the
    /// NodePort addresses do not include IPv4 loopback.
    public var localhostNodePorts: Bool
    /// The iptables binaries support `MASQUERADE --random-fully` (iptables >= 1.6.2).
    public var randomFully: Bool
    /// Above this many endpoints in total, per-endpoint comments are left out (kube-proxy's
    /// `largeClusterEndpointsThreshold`, 1000) to shrink the ruleset.
    public var largeClusterEndpointsThreshold: Int

    /// kube-proxy's defaults.
    public init(localhostNodePorts: Bool = true, randomFully: Bool = true, largeClusterEndpointsThreshold: Int = 1000) {
        self.localhostNodePorts = localhostNodePorts
        self.randomFully = randomFully
        self.largeClusterEndpointsThreshold = largeClusterEndpointsThreshold
    }
}
