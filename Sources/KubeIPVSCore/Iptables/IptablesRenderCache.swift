/// What ``IptablesModeRenderer`` keeps between renders of one family so that service ports whose
/// inputs did not change are not rendered again: at 10,000 services the chain-name hashes and the
/// rule text are most of a sync's time, and one EndpointSlice change touches one service.
///
/// An entry is reused when its service port, its endpoints (as the snapshot lists them) and the
/// shared rendering context are unchanged, or, when the caller names the changed services, when
/// its service is not among them. A cache belongs to one renderer configuration and one family.
public struct IptablesRenderCache: Sendable {
    struct Entry: Sendable {
        /// The inputs the rules were rendered from.
        var port: ServicePort
        var endpoints: [Endpoint]
        /// Unique endpoints of the family (for the large-cluster threshold).
        var endpointCount: Int
        /// The output.
        var section: IptablesRuleset.ServiceSection
        var filterRules: [String]
    }

    var family: IPFamily?
    var context: IptablesServiceRules.Context?
    var entries: [ServicePortName: Entry] = [:]
    /// `entries`' names in rule order (by ``ServicePortName``), as of the last render.
    var order: [ServicePortName] = []

    /// Service ports rendered (not reused) by the last render.
    public internal(set) var lastRendered: Set<ServicePortName> = []
    /// Service ports the last render dropped (gone from the snapshot or the family).
    public internal(set) var lastRemoved: Set<ServicePortName> = []

    /// An empty cache: the first render renders everything.
    public init() {}

    /// Service ports held.
    public var count: Int { entries.count }

    /// Forgets everything (the next render renders every port).
    public mutating func removeAll() {
        self = IptablesRenderCache()
    }
}
