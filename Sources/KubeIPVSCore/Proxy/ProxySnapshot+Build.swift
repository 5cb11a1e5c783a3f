extension ProxySnapshot {
    /// Normalizes every object into a snapshot. Input order never matters: when the same object
    /// (namespace/name) appears twice, the newer resourceVersion wins and the other is rejected.
    public static func build(services: [KubeService], slices: [KubeEndpointSlice], node: NodeContext) -> ProxySnapshot {
        var rejections: [Rejection] = []
        let uniqueServices = deduplicate(services, kind: .service, meta: \.metadata, rejections: &rejections)
        let uniqueSlices = deduplicate(slices, kind: .endpointSlice, meta: \.metadata, rejections: &rejections)
        var ports: [ServicePortName: ServicePort] = [:]
        ports.reserveCapacity(uniqueServices.count)
        var created: [ServiceName: KubeTimestamp] = [:]
        for service in uniqueServices {
            let normalized = ServiceNormalizer.normalize(service)
            rejections += normalized.rejections
            for port in normalized.ports {
                ports[port.name] = port
            }
            if !normalized.ports.isEmpty, let stamp = service.metadata.creationTimestamp.flatMap(KubeTimestamp.init(rfc3339:)) {
                created[normalized.name] = stamp
            }
        }
        let endpoints = EndpointSliceNormalizer.normalize(uniqueSlices, nodeName: node.name, zone: node.zone)
        rejections += endpoints.rejections
        return ProxySnapshot(servicePorts: ports, endpoints: endpoints.endpoints, rejections: rejections.sorted(),
                             creationTimestamps: created)
    }

    /// One object per namespace/name: the highest resourceVersion (numeric when both are numbers),
    /// then the highest uid; exact ties that still differ are all refused.
    static func deduplicate<T: Hashable>(_ objects: [T], kind: Rejection.Kind, meta: KeyPath<T, KubeObjectMeta>,
                                         rejections: inout [Rejection]) -> [T] {
        var first: [ServiceName: Int] = [:]
        first.reserveCapacity(objects.count)
        var repeats: [ServiceName: [Int]] = [:]
        for (i, object) in objects.enumerated() {
            let key = ServiceNormalizer.serviceName(object[keyPath: meta])
            if let j = first.updateValue(i, forKey: key) {
                first[key] = j
                repeats[key, default: [j]].append(i)
            }
        }
        guard !repeats.isEmpty else { return objects }
        var dropped = Set<Int>()
        for (key, indices) in repeats {
            let ranked = indices.map { objects[$0] }.sorted { newer($0[keyPath: meta], than: $1[keyPath: meta]) }
            let best = ranked[0], bestMeta = best[keyPath: meta]
            dropped.formUnion(indices)
            if ranked.dropFirst().contains(where: { !newer(bestMeta, than: $0[keyPath: meta]) && $0 != best }) {
                rejections.append(Rejection(kind: kind, object: key.description,
                                            reason: "appears more than once with the same resourceVersion and uid"))
                continue
            }
            dropped.remove(indices.first { objects[$0] == best }!)
            for other in ranked.dropFirst() where other != best {
                rejections.append(Rejection(kind: kind, object: key.description, reason:
                    "duplicate with resourceVersion \(quoted(other[keyPath: meta].resourceVersion)) ignored; "
                    + "kept \(quoted(bestMeta.resourceVersion))"))
            }
        }
        return objects.indices.filter { !dropped.contains($0) }.map { objects[$0] }
    }

    /// Strictly newer by resourceVersion (numeric when both parse), then uid.
    static func newer(_ a: KubeObjectMeta, than b: KubeObjectMeta) -> Bool {
        if a.resourceVersion != b.resourceVersion {
            if let x = UInt64(a.resourceVersion), let y = UInt64(b.resourceVersion) { return x > y }
            return a.resourceVersion > b.resourceVersion
        }
        return a.uid > b.uid
    }
}
