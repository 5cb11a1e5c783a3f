import KubeIPVSCore

/// Current rejections, attributed to the service they concern so a partial sync replaces exactly
/// the rejections of the services it re-planned.
struct RejectionLedger {
    private var byService: [ServiceName: [Rejection]] = [:]
    private var unattributed: [Rejection] = []

    /// Replaces the rejections of `services` (all services when nil) with `rejections`.
    mutating func replace(for services: Set<ServiceName>?, with rejections: [Rejection], store: ObjectStore) {
        if let services {
            for s in services { byService[s] = nil }
        } else {
            byService = [:]
            unattributed = []
        }
        for r in rejections {
            if let owner = Self.owner(of: r, store: store) {
                byService[owner, default: []].append(r)
            } else {
                unattributed.append(r)
            }
        }
        unattributed = Array(Set(unattributed))
    }

    var all: [Rejection] { (byService.values.flatMap { $0 } + unattributed).sorted() }

    /// The service a rejection belongs to: the Service itself, or the service-name label of a slice.
    static func owner(of r: Rejection, store: ObjectStore) -> ServiceName? {
        let parts = r.object.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        let name = ServiceName(namespace: parts[0], name: parts[1])
        switch r.kind {
        case .service: return name
        case .endpointSlice:
            return store.slices[name].flatMap { slice in
                slice.metadata.labels[ObjectStore.serviceNameLabel].map { ServiceName(namespace: parts[0], name: $0) }
            }
        default: return nil
        }
    }
}
