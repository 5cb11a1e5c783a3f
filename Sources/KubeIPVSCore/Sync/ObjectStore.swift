/// The Services and EndpointSlices the proxy currently knows, and which services changed since the
/// last sync (kube-proxy's service and endpoint change trackers, merged). Pure value type.
public struct ObjectStore: Sendable {
    /// Label linking an EndpointSlice to its Service.
    public static let serviceNameLabel = "kubernetes.io/service-name"

    public private(set) var services: [ServiceName: KubeService] = [:]
    public private(set) var slices: [ServiceName: KubeEndpointSlice] = [:]
    /// Slice names per owning service.
    private var slicesByService: [ServiceName: Set<ServiceName>] = [:]
    /// Services whose objects changed since `takeChanges()`.
    public private(set) var changedServices: Set<ServiceName> = []
    /// Pending change counts (kube-proxy's *_changes_pending), reset by `takeChanges()`.
    public private(set) var pendingServiceChanges = 0
    public private(set) var pendingEndpointChanges = 0

    public init() {}

    /// Adds or replaces a Service; unchanged objects are not counted as changes.
    public mutating func upsert(_ service: KubeService) {
        let key = Self.key(service.metadata)
        guard services[key] != service else { return }
        services[key] = service
        markService(key)
    }

    public mutating func delete(_ service: KubeService) {
        let key = Self.key(service.metadata)
        guard services.removeValue(forKey: key) != nil else { return }
        markService(key)
    }

    /// Adds or replaces an EndpointSlice (a slice that moved to another service marks both).
    public mutating func upsert(_ slice: KubeEndpointSlice) {
        let key = Self.key(slice.metadata)
        let old = slices[key]
        guard old != slice else { return }
        if let old, let previousOwner = Self.owner(old), previousOwner != Self.owner(slice) {
            slicesByService[previousOwner]?.remove(key)
            markEndpoints(previousOwner)
        }
        slices[key] = slice
        if let owner = Self.owner(slice) {
            slicesByService[owner, default: []].insert(key)
            markEndpoints(owner)
        }
    }

    public mutating func delete(_ slice: KubeEndpointSlice) {
        let key = Self.key(slice.metadata)
        guard let old = slices.removeValue(forKey: key) else { return }
        if let owner = Self.owner(old) {
            slicesByService[owner]?.remove(key)
            if slicesByService[owner]?.isEmpty == true { slicesByService[owner] = nil }
            markEndpoints(owner)
        }
    }

    /// Replaces every Service (after a list or a manifest reload); only real differences are marked.
    public mutating func replaceServices(_ all: [KubeService]) {
        let incoming = Dictionary(all.map { (Self.key($0.metadata), $0) }, uniquingKeysWith: { _, b in b })
        for (key, old) in services where incoming[key] == nil { delete(old) }
        for service in incoming.values { upsert(service) }
    }

    /// Replaces every EndpointSlice; only real differences are marked.
    public mutating func replaceSlices(_ all: [KubeEndpointSlice]) {
        let incoming = Dictionary(all.map { (Self.key($0.metadata), $0) }, uniquingKeysWith: { _, b in b })
        for (key, old) in slices where incoming[key] == nil { delete(old) }
        for slice in incoming.values { upsert(slice) }
    }

    /// Returns and clears the set of changed services.
    public mutating func takeChanges() -> Set<ServiceName> {
        defer {
            changedServices = []
            pendingServiceChanges = 0
            pendingEndpointChanges = 0
        }
        return changedServices
    }

    /// The objects that make up the given services (all services when nil), for the normalizers.
    public func objects(for names: Set<ServiceName>? = nil) -> (services: [KubeService], slices: [KubeEndpointSlice]) {
        guard let names else { return (Array(services.values), Array(slices.values)) }
        var s: [KubeService] = [], e: [KubeEndpointSlice] = []
        for name in names {
            if let service = services[name] { s.append(service) }
            for sliceKey in slicesByService[name] ?? [] { if let slice = slices[sliceKey] { e.append(slice) } }
        }
        return (s, e)
    }

    static func key(_ m: KubeObjectMeta) -> ServiceName {
        ServiceName(namespace: m.namespace.isEmpty ? "default" : m.namespace, name: m.name)
    }

    static func owner(_ slice: KubeEndpointSlice) -> ServiceName? {
        guard let name = slice.metadata.labels[serviceNameLabel], !name.isEmpty else { return nil }
        return ServiceName(namespace: slice.metadata.namespace.isEmpty ? "default" : slice.metadata.namespace, name: name)
    }

    private mutating func markService(_ key: ServiceName) {
        changedServices.insert(key)
        pendingServiceChanges += 1
    }

    private mutating func markEndpoints(_ key: ServiceName) {
        changedServices.insert(key)
        pendingEndpointChanges += 1
    }
}

extension ObjectStore {
    /// Marks every known service changed (node facts changed: every plan may differ).
    public mutating func markAllChanged() {
        changedServices.formUnion(services.keys)
    }

    /// Marks these services changed (a node fact only they depend on changed, e.g. its zone).
    public mutating func markChanged(_ names: Set<ServiceName>) {
        changedServices.formUnion(names)
    }
}
