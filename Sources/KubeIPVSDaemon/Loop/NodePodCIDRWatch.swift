import KubeIPVSCore

/// `--detect-local-mode NodeCIDR` as kube-proxy runs it (docs/local-traffic-detection.md): no sync
/// until this node's Node has pod CIDRs (at most `timeout`, kube-proxy's 5 minutes), and a change of
/// them afterwards stops the daemon, so that it starts again with the new ones. Pure: the daemon
/// passes the Node and the time waited.
struct NodePodCIDRWatch: Sendable {
    /// kube-proxy's `timeoutForNodePodCIDR`.
    static let timeout: Duration = .seconds(300)

    /// What the start-up wait decides for the Node seen so far.
    enum StartUp: Equatable {
        /// Take this Node's pod CIDRs and start syncing.
        case ready([String])
        /// Keep waiting (the Node is absent, has no pod CIDR yet, or is being deleted).
        case waiting(beingDeleted: Bool)
        /// `timeout` passed without usable pod CIDRs.
        case timedOut
    }

    /// The declared pod CIDRs taken at start-up (`spec.podCIDRs` verbatim); nil while waiting.
    private(set) var adopted: [String]?

    /// kube-proxy's wait condition: the Node exists, is not being deleted and has pod CIDRs.
    static func startUp(node: KubeNode?, waited: Duration) -> StartUp {
        if let node, !node.isBeingDeleted, !node.declaredPodCIDRs.isEmpty { return .ready(node.declaredPodCIDRs) }
        if waited >= timeout { return .timedOut }
        return .waiting(beingDeleted: node?.isBeingDeleted ?? false)
    }

    /// Records the pod CIDRs the detector was built from.
    mutating func adopt(_ declared: [String]) { adopted = declared }

    /// The pod CIDRs `node` declares when they differ from the adopted ones (kube-proxy compares
    /// `spec.podCIDRs` verbatim and restarts); nil when unchanged or still waiting.
    func changed(_ node: KubeNode) -> [String]? {
        guard let adopted, node.declaredPodCIDRs != adopted else { return nil }
        return node.declaredPodCIDRs
    }
}

/// Why the daemon stopped on its own.
public struct DaemonStopped: Error, CustomStringConvertible {
    /// What happened, as logged.
    public var description: String
}
