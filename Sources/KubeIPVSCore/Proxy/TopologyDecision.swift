/// How topology hints shaped one service port's Cluster-policy endpoints: kube-proxy's
/// `topologyModeFromHints` (v1.34 and later, PreferSameTrafficDistribution on), as data. The pure
/// core never logs; the daemon logs `ignored` once per service (docs/routing-decisions.md).
public struct TopologyDecision: Hashable, Sendable {
    /// Which endpoints the Cluster policy keeps.
    public enum Mode: String, Hashable, Sendable {
        /// Every usable endpoint (no hints, or hints that cannot be followed).
        case none = ""
        /// Endpoints whose `hints.forZones` names this node's zone.
        case preferSameZone = "PreferSameZone"
        /// Endpoints whose `hints.forNodes` names this node.
        case preferSameNode = "PreferSameNode"
    }

    /// Why hints that some ready endpoint carries were not followed.
    public enum Ignored: String, Hashable, Sendable {
        /// Every ready endpoint has a zone hint, none for this node's zone (or the node has no zone label).
        case noHintForZone
        /// Every ready endpoint has a node hint, none for this node, and zone hints are incomplete.
        case noHintForNode
        /// Some ready endpoint has no zone hint (and node hints cannot be used either).
        case missingHints

        /// The sentence the daemon logs; `zone` is this node's zone label ("" when absent).
        public func reason(zone: String) -> String {
            switch self {
            case .noHintForZone:
                zone.isEmpty ? "the node has no topology.kubernetes.io/zone label"
                    : "no endpoint is hinted for zone \(quoted(zone))"
            case .noHintForNode: "no endpoint is hinted for this node and zone hints are incomplete"
            case .missingHints: "one or more ready endpoints have no zone hint"
            }
        }
    }

    public var mode: Mode
    /// Set when the mode is `.none` although a ready endpoint carries hints, and the port uses
    /// Cluster-policy endpoints at all (kube-proxy only looks at hints then).
    public var ignored: Ignored?

    public init(mode: Mode = .none, ignored: Ignored? = nil) {
        self.mode = mode
        self.ignored = ignored
    }

    /// The decision over `endpoints` (only ready ones count, as upstream).
    public init(_ endpoints: [Endpoint]) {
        var anyReady = false, anyHint = false
        var allNode = true, forNode = false, allZone = true, forZone = false
        for e in endpoints where e.ready {
            anyReady = true
            let h = e.hints
            if !h.isEmpty { anyHint = true }
            if h.contains(.nodeHinted) { forNode = forNode || h.contains(.forLocalNode) } else { allNode = false }
            if h.contains(.zoneHinted) { forZone = forZone || h.contains(.forLocalZone) } else { allZone = false }
        }
        guard anyReady else { self.init(); return }
        if allNode && forNode { self.init(mode: .preferSameNode); return }
        if allZone && forZone { self.init(mode: .preferSameZone); return }
        guard anyHint else { self.init(); return }
        let reason: Ignored = allZone ? .noHintForZone : (allNode ? .noHintForNode : .missingHints)
        self.init(mode: .none, ignored: reason)
    }

    /// True when `endpoint` may take this node's Cluster-policy traffic under this mode
    /// (upstream's `availableForTopology`: no fallback here, the fallback chose the mode).
    public func admits(_ endpoint: Endpoint) -> Bool {
        switch mode {
        case .none: true
        case .preferSameZone: endpoint.hints.contains(.forLocalZone)
        case .preferSameNode: endpoint.hints.contains(.forLocalNode)
        }
    }
}
