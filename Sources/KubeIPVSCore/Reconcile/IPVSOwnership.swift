/// Which observed virtual servers are kube-ipvs's to change or delete (docs/kube-proxy-ipvs.md, failure 12):
/// those on an address bound to kube-ipvs0, and NodePort ones (a node-local address with a port
/// we published in a KUBE-NODE-PORT-* set). Anything inside `--ipvs-exclude-cidrs` is never ours.
public struct IPVSOwnership: Hashable, Sendable {
    public var dummyAddresses: Set<IPAddress>
    public var nodeAddresses: Set<IPAddress>
    public var nodePorts: [L4Protocol: Set<UInt16>]
    public var excludeCIDRs: [CIDR]

    public init(dummyAddresses: Set<IPAddress>, nodeAddresses: Set<IPAddress>,
                nodePorts: [L4Protocol: Set<UInt16>], excludeCIDRs: [CIDR]) {
        self.dummyAddresses = dummyAddresses
        self.nodeAddresses = nodeAddresses
        self.nodePorts = nodePorts
        self.excludeCIDRs = excludeCIDRs
    }

    public func owns(_ key: VirtualServerKey) -> Bool {
        if excludeCIDRs.contains(where: { $0.contains(key.address) }) { return false }
        if dummyAddresses.contains(key.address) { return true }
        return nodeAddresses.contains(key.address) && nodePorts[key.proto]?.contains(key.port) == true
    }

    /// The predicate form the reconciler takes.
    public var predicate: IPVSReconciler.Owner {
        let copy = self
        return { copy.owns($0) }
    }
}
