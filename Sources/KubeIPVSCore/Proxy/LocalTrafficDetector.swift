/// `--detect-local-mode`: how rules tell traffic from this node's pods from other traffic
/// (kube-proxy's `LocalTrafficDetector`; rules in docs/local-traffic-detection.md).
public enum LocalTrafficDetector: Hashable, Sendable {
    /// `ClusterCIDR` (the default): sources in `--cluster-cidr` of the family.
    case clusterCIDR
    /// `NodeCIDR`: sources in the Node's `spec.podCIDRs` of the family (read once the Node is known,
    /// as kube-proxy waits for them at startup).
    case nodeCIDR([CIDR])
    /// `BridgeInterface`: traffic entering through `--pod-bridge-interface`.
    case bridgeInterface(String)
    /// `InterfaceNamePrefix`: traffic entering through an interface named `--pod-interface-name-prefix`*.
    case interfaceNamePrefix(String)

    /// The iptables arguments matching local-pod traffic (`ifLocal`) and the rest (`ifNotLocal`) in
    /// `family`, or nil when the detector has nothing for it (no CIDR of that family, or an unusable
    /// interface name): kube-proxy's no-op detector, whose rules are then left out.
    public func match(family: IPFamily, clusterCIDRs: [CIDR]) -> LocalTrafficMatch? {
        switch self {
        case .clusterCIDR: Self.cidrMatch(clusterCIDRs, family)
        case .nodeCIDR(let podCIDRs): Self.cidrMatch(podCIDRs, family)
        case .bridgeInterface(let name):
            Self.isUsableInterfaceName(name) ? LocalTrafficMatch(ifLocal: "-i \(name)", ifNotLocal: "! -i \(name)") : nil
        case .interfaceNamePrefix(let prefix):
            Self.isUsableInterfaceName(prefix)
                ? LocalTrafficMatch(ifLocal: "-i \(prefix)+", ifNotLocal: "! -i \(prefix)+") : nil
        }
    }

    static func cidrMatch(_ cidrs: [CIDR], _ family: IPFamily) -> LocalTrafficMatch? {
        guard let cidr = cidrs.first(where: { $0.family == family }) else { return nil }
        return LocalTrafficMatch(ifLocal: "-s \(cidr)", ifNotLocal: "! -s \(cidr)")
    }

    /// A Linux interface name (1-15 bytes, no '/', whitespace or '+'): anything else would be
    /// spliced into rule text, so it is refused rather than written.
    public static func isUsableInterfaceName(_ name: String) -> Bool {
        guard (1...15).contains(name.utf8.count) else { return false }
        return name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == 0x2D || c == 0x2E || c == 0x5F || c == 0x40 || c == 0x3A  // - . _ @ :
        }
    }
}

/// The iptables arguments of a local-traffic detector for one family.
public struct LocalTrafficMatch: Hashable, Sendable {
    /// Matches traffic from this node's pods: `-s 10.244.0.0/16`, `-i cbr0`, `-i veth+`.
    public var ifLocal: String
    /// Matches the rest: `! -s 10.244.0.0/16`, `! -i cbr0`, `! -i veth+`.
    public var ifNotLocal: String

    public init(ifLocal: String, ifNotLocal: String) {
        self.ifLocal = ifLocal
        self.ifNotLocal = ifNotLocal
    }
}
