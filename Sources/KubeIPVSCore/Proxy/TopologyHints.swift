/// An endpoint's topology hints, reduced to what this node's routing decision reads: whether the
/// endpoint carries zone (node) hints at all, and whether they name this node's zone (this node).
/// One byte, so an `Endpoint` stays 24 bytes (see docs/routing-decisions.md).
public struct TopologyHints: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `hints.forZones` is not empty.
    public static let zoneHinted = TopologyHints(rawValue: 1 << 0)
    /// `hints.forZones` names this node's zone.
    public static let forLocalZone = TopologyHints(rawValue: 1 << 1)
    /// `hints.forNodes` is not empty.
    public static let nodeHinted = TopologyHints(rawValue: 1 << 2)
    /// `hints.forNodes` names this node.
    public static let forLocalNode = TopologyHints(rawValue: 1 << 3)

    /// The flags of `hints` seen from node `nodeName` in zone `zone` ("" when the Node has no
    /// `topology.kubernetes.io/zone` label). Names are compared exactly, as kube-proxy's sets do:
    /// an empty zone matches only a hint whose name is empty.
    public init(_ hints: KubeEndpointSlice.Hints, nodeName: String, zone: String) {
        var flags: TopologyHints = []
        if !hints.forZones.isEmpty {
            flags.insert(.zoneHinted)
            if hints.forZones.contains(zone) { flags.insert(.forLocalZone) }
        }
        if !hints.forNodes.isEmpty {
            flags.insert(.nodeHinted)
            if hints.forNodes.contains(nodeName) { flags.insert(.forLocalNode) }
        }
        self = flags
    }
}
