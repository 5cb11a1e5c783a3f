import KubeIPVSCore

/// What an object source reports. `replace*` carry the complete current set (after a list or a
/// manifest reload); the others are single watch events.
public enum ObjectEvent: Sendable {
    case replaceServices([KubeService])
    case replaceSlices([KubeEndpointSlice])
    case upsertService(KubeService)
    case deleteService(KubeService)
    case upsertSlice(KubeEndpointSlice)
    case deleteSlice(KubeEndpointSlice)
    /// This node's Node object (its addresses feed `--nodeport-addresses primary`).
    case node(KubeNode)
    /// Documents the source could not decode (replaces the previous list from this source).
    case sourceRejections([Rejection])
    /// The source has delivered its initial state: the first sync may run.
    case synced
}

/// Something that produces object events: the API server (list+watch) or a manifest directory.
public protocol ObjectSource: Sendable {
    /// A short name for logs (`manifests deploy/examples`, `api https://10.0.0.1:6443`).
    var name: String { get }
    /// Runs until cancelled, delivering events to `sink` in order.
    func run(_ sink: @escaping @Sendable (ObjectEvent) async -> Void) async throws
}
