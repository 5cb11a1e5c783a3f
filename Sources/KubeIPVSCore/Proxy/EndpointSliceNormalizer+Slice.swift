extension EndpointSliceNormalizer {
    /// One slice's endpoints per service port, with its rejections (object `namespace/slice-name`).
    public static func endpoints(of slice: KubeEndpointSlice, nodeName: String) -> SliceEndpoints {
        let meta = slice.metadata
        let namespace = meta.namespace.isEmpty ? "default" : meta.namespace
        let object = "\(namespace)/\(meta.name)"
        var out = SliceEndpoints()
        func reject(_ reason: String) {
            out.rejections.append(Rejection(kind: .endpointSlice, object: object, reason: reason))
        }
        if ignoredLabels.contains(where: { meta.labels[$0] != nil }) {
            out.skipped = true
            return out
        }
        guard let serviceName = slice.serviceName else {
            reject("metadata.labels[\"\(KubeEndpointSlice.serviceNameLabel)\"] is missing")
            return out
        }
        let limit = ServiceNormalizer.maxNameLength
        guard meta.name.utf8.count <= limit, namespace.utf8.count <= limit, serviceName.utf8.count <= limit else {
            reject("a name is longer than \(limit) characters")
            return out
        }
        let family: IPFamily
        switch slice.addressType {
        case "IPv4": family = .v4
        case "IPv6": family = .v6
        case "FQDN":
            out.skipped = true
            return out
        default:
            reject("addressType \(quoted(slice.addressType)) is not IPv4, IPv6 or FQDN")
            return out
        }
        guard slice.endpoints.count <= maxEndpoints else {
            reject("endpoints has \(slice.endpoints.count) entries (at most \(maxEndpoints))")
            return out
        }
        guard slice.ports.count <= maxPorts else {
            reject("ports has \(slice.ports.count) entries (at most \(maxPorts))")
            return out
        }
        let ports = validPorts(slice.ports, reject)
        guard !ports.isEmpty else { return out }
        let members = validEndpoints(slice.endpoints, family: family, nodeName: nodeName, reject)
        let service = ServiceName(namespace: namespace, name: serviceName)
        for (name, proto, number) in ports {
            var list = members
            for i in list.indices { list[i].port = number }
            out.endpoints[ServicePortName(service: service, port: name, proto: proto), default: []] += list
        }
        return out
    }

    static func validPorts(_ ports: [KubeEndpointSlice.SlicePort],
                           _ reject: (String) -> Void) -> [(String, L4Protocol, UInt16)] {
        var out: [(String, L4Protocol, UInt16)] = []
        var seen: [ServicePortName: Int] = [:]
        let placeholder = ServiceName(namespace: "", name: "")
        for (i, p) in ports.enumerated() {
            guard p.name.utf8.count <= ServiceNormalizer.maxNameLength else {
                reject("ports[\(i)].name is longer than \(ServiceNormalizer.maxNameLength) characters")
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
            let key = ServicePortName(service: placeholder, port: p.name, proto: proto)
            if let j = seen[key] {
                reject("ports[\(i)] \(quoted(p.name))/\(proto.upper) repeats ports[\(j)]")
                continue
            }
            seen[key] = i
            out.append((p.name, proto, UInt16(number)))
        }
        return out
    }

    /// Endpoints with port 0 (filled in per slice port).
    static func validEndpoints(_ endpoints: [KubeEndpointSlice.SliceEndpoint], family: IPFamily, nodeName: String,
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
            out.append(Endpoint(address: ip, port: 0, ready: c.ready ?? true, serving: c.serving ?? true,
                                terminating: c.terminating ?? false, nodeName: e.nodeName, zone: e.zone,
                                isLocal: !nodeName.isEmpty && e.nodeName == nodeName))
        }
        return out
    }
}
