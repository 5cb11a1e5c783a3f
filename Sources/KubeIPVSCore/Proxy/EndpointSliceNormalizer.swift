/// Turns EndpointSlices into endpoints per `ServicePortName`, kube-proxy's `EndpointSliceCache`
/// semantics: a slice port's name and protocol name the service port (so named target ports are
/// already resolved by the slice), its number is the endpoint port, and only `addresses[0]` is used.
/// Conditions: ready and serving default to true, terminating to false.
///
/// Refused: a whole slice without the `kubernetes.io/service-name` label, with an unknown
/// addressType, or with more than `maxEndpoints` endpoints or `maxPorts` ports; one slice port with
/// a bad protocol or number (or repeating an earlier name/protocol); one endpoint without a usable
/// address or whose address family differs from the slice's addressType.
public enum EndpointSliceNormalizer {
    /// The API's own limit; more is garbage.
    public static let maxEndpoints = 1000
    /// More ports than this in one slice is treated as garbage.
    public static let maxPorts = 100
    /// Slices with these labels are not for a proxy (kube-proxy's informer filters them out).
    public static let ignoredLabels = ["service.kubernetes.io/headless", ServiceNormalizer.serviceProxyNameLabel]

    /// Every slice, merged per service port; endpoints are `isLocal` when their nodeName is `nodeName`,
    /// and their topology hints are read against `nodeName` and `zone` (this node's zone label).
    public static func normalize(_ slices: [KubeEndpointSlice], nodeName: String, zone: String = "") -> NormalizedEndpoints {
        var gathered: [ServicePortName: [Endpoint]] = [:]
        gathered.reserveCapacity(slices.count)
        var rejections: [Rejection] = []
        for slice in slices {
            _ = visit(slice, nodeName: nodeName, zone: zone, reject: { rejections.append($0) }) { name, list in
                // First slice of a port: store its array as is (no copy); later ones append.
                if gathered[name] == nil {
                    gathered[name] = list
                } else {
                    gathered[name]!.append(contentsOf: list)
                }
            }
        }
        for i in gathered.values.indices {
            gathered.values[i] = merge(gathered.values[i])
        }
        return NormalizedEndpoints(endpoints: gathered, rejections: rejections.sorted())
    }

    /// Sorts by address and port and keeps one endpoint per `address:port`: the most usable one
    /// (ready, then serving, then not terminating, then local), so the result never depends on
    /// slice order.
    public static func merge(_ endpoints: [Endpoint]) -> [Endpoint] {
        guard endpoints.count > 1, !EndpointSelection.isStrictlySorted(endpoints) else { return endpoints }
        let sorted = endpoints.sorted(by: precedes)
        var out: [Endpoint] = []
        out.reserveCapacity(sorted.count)
        for e in sorted where out.last.map({ $0.address != e.address || $0.port != e.port }) ?? true {
            out.append(e)
        }
        return out
    }

    /// Address, port, then preference (see `merge`); a total order over every field.
    static func precedes(_ a: Endpoint, _ b: Endpoint) -> Bool {
        if a.address != b.address { return a.address < b.address }
        if a.port != b.port { return a.port < b.port }
        if a.ready != b.ready { return a.ready }
        if a.serving != b.serving { return a.serving }
        if a.terminating != b.terminating { return !a.terminating }
        if a.isLocal != b.isLocal { return a.isLocal }
        return a.hints.rawValue > b.hints.rawValue
    }
}
