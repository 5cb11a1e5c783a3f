extension EndpointSliceNormalizer {
    /// One slice's endpoints per service port, with its rejections (object `namespace/slice-name`);
    /// `zone` is this node's zone, for the endpoints' topology hints.
    public static func endpoints(of slice: KubeEndpointSlice, nodeName: String, zone: String = "") -> SliceEndpoints {
        var out = SliceEndpoints()
        out.skipped = visit(slice, nodeName: nodeName, zone: zone, reject: { out.rejections.append($0) }) { name, list in
            out.endpoints[name, default: []] += list
        }
        return out
    }

    /// Validates one slice, reporting refusals to `reject` and each port's endpoints to `emit`.
    /// Returns true when the slice is deliberately skipped.
    static func visit(_ slice: KubeEndpointSlice, nodeName: String, zone: String = "", reject report: (Rejection) -> Void,
                      emit: (ServicePortName, [Endpoint]) -> Void) -> Bool {
        let meta = slice.metadata
        let namespace = meta.namespace.isEmpty ? "default" : meta.namespace
        func reject(_ reason: String) {
            report(Rejection(kind: .endpointSlice, object: "\(namespace)/\(meta.name)", reason: reason))
        }
        if !meta.labels.isEmpty, ignoredLabels.contains(where: { meta.labels[$0] != nil }) { return true }
        guard let serviceName = slice.serviceName else {
            reject("metadata.labels[\"\(KubeEndpointSlice.serviceNameLabel)\"] is missing")
            return false
        }
        guard let problem = nameProblem(meta.name, namespace: namespace, serviceName: serviceName) else {
            return visitValid(slice, namespace: namespace, serviceName: serviceName, nodeName: nodeName,
                              zone: zone, reject: reject, emit: emit)
        }
        reject(problem)
        return false
    }

    /// The first of metadata.name (DNS-1123 subdomain), metadata.namespace (DNS-1123 label) and the
    /// service-name label (a label value naming a Service: DNS-1035 label) that the API server would refuse.
    static func nameProblem(_ name: String, namespace: String, serviceName: String) -> String? {
        if let problem = APIValidation.dns1123Subdomain(name) { return "metadata.name \(quoted(name)) \(problem)" }
        if let problem = APIValidation.dns1123Label(namespace) {
            return "metadata.namespace \(quoted(namespace)) \(problem)"
        }
        let field = "metadata.labels[\"\(KubeEndpointSlice.serviceNameLabel)\"]"
        if let problem = APIValidation.labelValue(serviceName) ?? APIValidation.dns1035Label(serviceName) {
            return "\(field) \(quoted(serviceName)) \(problem)"
        }
        return nil
    }

    /// `visit` after the names passed.
    static func visitValid(_ slice: KubeEndpointSlice, namespace: String, serviceName: String, nodeName: String,
                           zone: String, reject: (String) -> Void, emit: (ServicePortName, [Endpoint]) -> Void) -> Bool {
        let family: IPFamily
        switch slice.addressType {
        case "IPv4": family = .v4
        case "IPv6": family = .v6
        case "FQDN": return true
        default:
            reject("addressType \(quoted(slice.addressType)) is not IPv4, IPv6 or FQDN")
            return false
        }
        guard slice.endpoints.count <= maxEndpoints else {
            reject("endpoints has \(slice.endpoints.count) entries (at most \(maxEndpoints))")
            return false
        }
        guard slice.ports.count <= maxPorts else {
            reject("ports has \(slice.ports.count) entries (at most \(maxPorts))")
            return false
        }
        let ports = validPorts(slice.ports, reject)
        guard let first = ports.first else { return false }
        let members = validEndpoints(slice.endpoints, family: family, port: first.2, nodeName: nodeName, zone: zone,
                                     reject)
        let service = ServiceName(namespace: namespace, name: serviceName)
        emit(ServicePortName(service: service, port: first.0, proto: first.1), members)
        for (name, proto, number) in ports.dropFirst() {
            var list = members
            for i in list.indices { list[i].port = number }
            emit(ServicePortName(service: service, port: name, proto: proto), list)
        }
        return false
    }

    static func validPorts(_ ports: [KubeEndpointSlice.SlicePort],
                           _ reject: (String) -> Void) -> [(String, L4Protocol, UInt16)] {
        var out: [(String, L4Protocol, UInt16)] = []
        var sources: [Int] = []  // spec index of each kept port
        for (i, p) in ports.enumerated() {
            if let problem = APIValidation.portName(p.name) {
                reject("ports[\(i)].name \(quoted(p.name)) \(problem)")
                continue
            }
            guard let proto = L4Protocol(kubernetes: p.protocol) else {
                reject("ports[\(i)].protocol \(quoted(p.protocol)) is not TCP, UDP or SCTP")
                continue
            }
            guard let number = p.port else {
                reject("ports[\(i)].port is not set (a slice for all ports cannot be proxied)")
                continue
            }
            guard (1...65535).contains(number) else {
                reject("ports[\(i)].port \(number) is out of range 1-65535")
                continue
            }
            if let k = out.firstIndex(where: { $0.0 == p.name && $0.1 == proto }) {
                reject("ports[\(i)] \(quoted(p.name))/\(proto.upper) repeats ports[\(sources[k])]")
                continue
            }
            out.append((p.name, proto, UInt16(number)))
            sources.append(i)
        }
        return out
    }

    /// Endpoints on `port` (copied per further slice port by the caller).
    static func validEndpoints(_ endpoints: [KubeEndpointSlice.SliceEndpoint], family: IPFamily, port: UInt16,
                               nodeName: String, zone: String = "",
                               _ reject: (String) -> Void) -> [Endpoint] {
        var out: [Endpoint] = []
        out.reserveCapacity(endpoints.count)
        for (i, e) in endpoints.enumerated() {
            guard let text = e.addresses.first else {
                reject("endpoints[\(i)].addresses is empty")
                continue
            }
            guard let ip = IPAddress(text), !ip.isUnspecified else {
                reject("endpoints[\(i)].addresses[0] \(quoted(text)) is not an IP address")
                continue
            }
            guard ip.family == family else {
                reject("endpoints[\(i)].addresses[0] \(ip) is \(ip.family) but addressType is \(family)")
                continue
            }
            let c = e.conditions
            out.append(Endpoint(address: ip, port: port, ready: c.ready ?? true, serving: c.serving ?? true,
                                terminating: c.terminating ?? false, isLocal: !nodeName.isEmpty && e.nodeName == nodeName,
                                hints: e.hints.isEmpty ? [] : TopologyHints(e.hints, nodeName: nodeName, zone: zone)))
        }
        return out
    }
}
