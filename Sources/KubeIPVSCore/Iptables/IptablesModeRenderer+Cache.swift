extension IptablesModeRenderer {
    /// The per-port rules of the family in ``ServicePortName`` order: cached entries where the
    /// inputs are unchanged, fresh ones elsewhere (left in `cache`).
    func serviceRules(_ snapshot: ProxySnapshot, context base: IptablesServiceRules.Context,
                      cache: inout IptablesRenderCache, changed: Set<ServiceName>?) -> [IptablesRenderCache.Entry] {
        let family = base.family
        if cache.family != family {
            cache = IptablesRenderCache()
            cache.family = family
        }
        cache.lastRendered = []
        cache.lastRemoved = []
        var (pending, current, total) = partition(snapshot, family: family, cache: cache, changed: changed)
        var context = base
        context.largeCluster = total > options.largeClusterEndpointsThreshold
        if context != cache.context {
            // Shared facts changed (or the first render): nothing cached is valid.
            cache.lastRemoved = Set(cache.entries.keys)
            cache.entries = [:]
            cache.context = context
            (pending, current, total) = partition(snapshot, family: family, cache: cache, changed: changed)
        }

        var added = false
        for item in pending {
            let rules = IptablesServiceRules(port: item.port, endpoints: item.unique, context: context)
            let entry = IptablesRenderCache.Entry(port: item.port, endpoints: item.endpoints, endpointCount: item.unique.count,
                                                  section: rules.section, filterRules: rules.filterRules)
            if cache.entries.updateValue(entry, forKey: item.port.name) == nil { added = true }
            cache.lastRendered.insert(item.port.name)
        }
        var removed = false
        if cache.entries.count != current {
            // Ports that left the snapshot (or this family).
            for name in Array(cache.entries.keys) where !Self.inFamily(snapshot.servicePorts[name], family) {
                cache.entries[name] = nil
                cache.lastRemoved.insert(name)
                removed = true
            }
        }
        if added || removed || cache.order.count != cache.entries.count {
            cache.order = cache.entries.keys.sorted()
        }
        return cache.order.map { cache.entries[$0]! }
    }

    /// A port to render: its inputs and its unique endpoints of the family.
    struct PendingPort {
        var port: ServicePort
        var endpoints: [Endpoint]
        var unique: [Endpoint]
    }

    /// Splits the family's ports into those `cache` can serve and those to render; also counts the
    /// family's ports and their unique endpoints.
    func partition(_ snapshot: ProxySnapshot, family: IPFamily, cache: IptablesRenderCache,
                   changed: Set<ServiceName>?) -> (pending: [PendingPort], current: Int, endpoints: Int) {
        var pending: [PendingPort] = []
        var current = 0, total = 0
        for (name, port) in snapshot.servicePorts where Self.inFamily(port, family) {
            current += 1
            let endpoints = snapshot.endpoints[name] ?? []
            if let entry = cache.entries[name], entry.port == port,
               changed.map({ !$0.contains(name.service) }) ?? (entry.endpoints == endpoints) {
                total += entry.endpointCount
                continue
            }
            let unique = Array(Set(endpoints.filter { $0.address.family == family }))
            total += unique.count
            pending.append(PendingPort(port: port, endpoints: endpoints, unique: unique))
        }
        return (pending, current, total)
    }

    /// The port has a ClusterIP of `family` (so the family's ruleset holds it).
    static func inFamily(_ port: ServicePort?, _ family: IPFamily) -> Bool {
        port?.clusterIPs.contains { $0.family == family } ?? false
    }
}
