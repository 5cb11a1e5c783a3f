extension ObjectStore {
    /// Services (among `names`, or all) owning a slice whose endpoints carry topology hints;
    /// with `zoneHints`, only `hints.forZones` counts (what a change of this node's zone can affect).
    public func servicesWithHints(among names: Set<ServiceName>? = nil, zoneHints: Bool = false) -> Set<ServiceName> {
        let candidates = names.map { objects(for: $0).slices } ?? Array(slices.values)
        var out: Set<ServiceName> = []
        for slice in candidates {
            guard let owner = Self.owner(slice), !out.contains(owner) else { continue }
            let hinted = slice.endpoints.contains { zoneHints ? !$0.hints.forZones.isEmpty : !$0.hints.isEmpty }
            if hinted { out.insert(owner) }
        }
        return out
    }

    /// Why each of these services' hints are ignored on this node (its first port, in port order,
    /// that ignores them); services that follow their hints or have none are absent. Normalizes
    /// only the services given, so callers pass `servicesWithHints`.
    public func ignoredHints(for names: Set<ServiceName>, node: NodeContext) -> [ServiceName: TopologyDecision.Ignored] {
        guard !names.isEmpty else { return [:] }
        let objects = objects(for: names)
        let snapshot = ProxySnapshot.build(services: objects.services, slices: objects.slices, node: node)
        var out: [ServiceName: TopologyDecision.Ignored] = [:]
        for port in snapshot.servicePorts.values.sorted(by: { $0.name < $1.name }) where out[port.name.service] == nil {
            if let reason = snapshot.selection(for: port).topology.ignored { out[port.name.service] = reason }
        }
        return out
    }
}
