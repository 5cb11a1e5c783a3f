extension ServiceNormalizer.Context {
    /// ClusterIPs from `spec.clusterIPs` (falling back to `spec.clusterIP`); nil when the service is
    /// skipped or refused.
    mutating func parseClusterIPs() -> [IPAddress]? {
        var texts = spec.clusterIPs
        var field = { (i: Int) in "spec.clusterIPs[\(i)]" }
        if texts.isEmpty, let single = spec.clusterIP {
            texts = [single]
            field = { _ in "spec.clusterIP" }
        }
        if texts.first == "None" {
            result.skipped = .headless
            return nil
        }
        guard let first = texts.first, !first.isEmpty else {
            refuse("spec.clusterIP is not set: no ClusterIP was allocated (headless services use None)")
            return nil
        }
        guard texts.count <= 2 else {
            refuse("spec.clusterIPs has \(texts.count) entries (at most one per IP family)")
            return nil
        }
        var ips: [IPAddress] = []
        for (i, text) in texts.enumerated() {
            guard let ip = IPAddress(text), !ip.isUnspecified else {
                refuse("\(field(i)) \(quoted(text)) is not an IP address")
                return nil
            }
            if ips.contains(where: { $0.family == ip.family }) {
                refuse("spec.clusterIPs has two \(ip.family) addresses")
                return nil
            }
            ips.append(ip)
        }
        return ips
    }

    /// Affinity, traffic policies, health check and the port-count limits, as a port template.
    mutating func baseSettings(type: String) -> ServicePort? {
        var timeout: UInt32?
        switch spec.sessionAffinity {
        case "", "None": timeout = nil
        case "ClientIP":
            let seconds = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds
                ?? KubeService.defaultAffinityTimeoutSeconds
            guard ServiceNormalizer.affinityTimeoutRange.contains(seconds) else {
                refuse("spec.sessionAffinityConfig.clientIP.timeoutSeconds \(seconds) is out of range 1-86400")
                return nil
            }
            timeout = UInt32(seconds)
        default:
            refuse("spec.sessionAffinity \(quoted(spec.sessionAffinity)) is not None or ClientIP")
            return nil
        }
        guard let externalLocal = policyIsLocal(spec.externalTrafficPolicy, "spec.externalTrafficPolicy"),
              let internalLocal = policyIsLocal(spec.internalTrafficPolicy, "spec.internalTrafficPolicy")
        else { return nil }
        guard !spec.ports.isEmpty else {
            refuse("spec.ports is empty")
            return nil
        }
        guard spec.ports.count <= ServiceNormalizer.maxPorts else {
            refuse("spec.ports has \(spec.ports.count) entries (at most \(ServiceNormalizer.maxPorts))")
            return nil
        }
        // kube-proxy: the external policy only matters where external traffic can arrive.
        let hasExternal = type == "NodePort" || type == "LoadBalancer" || !spec.externalIPs.isEmpty
        var template = ServicePort(name: ServicePortName(service: result.name, port: "", proto: .tcp), port: 0,
                                   clusterIPs: [], sessionAffinityTimeout: timeout,
                                   externalPolicyLocal: externalLocal && hasExternal,
                                   internalPolicyLocal: internalLocal)
        if type == "LoadBalancer", template.externalPolicyLocal, let hc = spec.healthCheckNodePort, hc != 0 {
            if (1...65535).contains(hc) {
                template.healthCheckNodePort = UInt16(hc)
            } else {
                reject("spec.healthCheckNodePort \(hc) is out of range 1-65535; no health check is served")
            }
        }
        return template
    }

    /// `Local` → true, `Cluster` (or empty) → false; nil (service refused) otherwise.
    mutating func policyIsLocal(_ value: String, _ field: String) -> Bool? {
        switch value {
        case "", "Cluster": return false
        case "Local": return true
        default:
            refuse("\(field) \(quoted(value)) is not Cluster or Local")
            return nil
        }
    }

    /// externalIPs, LoadBalancer ingress IPs and source ranges.
    mutating func addressSettings(into template: inout ServicePort, type: String) {
        let families = Set(template.clusterIPs.map(\.family))
        // A set, not a scan of the kept list: tens of thousands of addresses must stay linear.
        var seen = Set<IPAddress>()
        for (i, text) in spec.externalIPs.enumerated() {
            if let ip = usableAddress(text, field: "spec.externalIPs[\(i)]", families: families),
               seen.insert(ip).inserted {
                template.externalIPs.append(ip)
            }
        }
        guard type == "LoadBalancer" else { return }
        var rangesValid = true
        for (i, text) in spec.loadBalancerSourceRanges.enumerated() {
            let trimmed = text.trimmingSpaces
            guard let cidr = CIDR(trimmed) else {
                reject("spec.loadBalancerSourceRanges[\(i)] \(quoted(text)) is not a CIDR; "
                       + "no load balancer IP of the service is proxied")
                rangesValid = false
                continue
            }
            template.loadBalancerSourceRanges.append(cidr)
        }
        template.loadBalancerSourceRanges = Array(Set(template.loadBalancerSourceRanges)).sorted()
        guard rangesValid else { return }
        var seenIngress = Set<IPAddress>()
        for (i, ingress) in service.status.loadBalancer.ingress.enumerated() {
            guard let text = ingress.ip, !text.isEmpty else { continue }
            // kube-proxy's IsVIPMode: only VIP (or unset) ingress IPs are captured on the node.
            guard ingress.ipMode == nil || ingress.ipMode == "VIP" else { continue }
            let field = "status.loadBalancer.ingress[\(i)].ip"
            if let ip = usableAddress(text, field: field, families: families), seenIngress.insert(ip).inserted {
                template.loadBalancerIPs.append(ip)
            }
        }
    }

    /// A parsed address of a family the service has a ClusterIP for; nil (and a rejection) otherwise.
    mutating func usableAddress(_ text: String, field: String, families: Set<IPFamily>) -> IPAddress? {
        guard let ip = IPAddress(text), !ip.isUnspecified else {
            reject("\(field) \(quoted(text)) is not an IP address")
            return nil
        }
        guard families.contains(ip.family) else {
            reject("\(field) \(ip) is \(ip.family) but the service has no \(ip.family) ClusterIP")
            return nil
        }
        return ip
    }

    /// One `ServicePort` per valid, non-repeated `spec.ports` entry.
    mutating func buildPorts(_ template: ServicePort, type: String) {
        // Linear scans: services have a handful of ports, and dictionaries cost an allocation each.
        var names: [(String, Int)] = []
        var numbers: [(Int, Int)] = []
        let allocatesNodePorts = type == "NodePort" || type == "LoadBalancer"
        for (i, p) in spec.ports.enumerated() {
            let field = "spec.ports[\(i)]"
            if let problem = APIValidation.portName(p.name) {
                reject("\(field).name \(quoted(p.name)) \(problem)")
                continue
            }
            guard let proto = L4Protocol(kubernetes: p.protocol) else {
                reject("\(field).protocol \(quoted(p.protocol)) is not TCP, UDP or SCTP")
                continue
            }
            guard (1...65535).contains(p.port) else {
                reject("\(field).port \(p.port) is out of range 1-65535")
                continue
            }
            var nodePort: UInt16?
            if allocatesNodePorts, let np = p.nodePort, np != 0 {
                guard (1...65535).contains(np) else {
                    reject("\(field).nodePort \(np) is out of range 1-65535")
                    continue
                }
                nodePort = UInt16(np)
            }
            if let j = names.first(where: { $0.0 == p.name })?.1 {
                reject("\(field).name \(quoted(p.name)) repeats spec.ports[\(j)].name")
                continue
            }
            let numberKey = p.port << 8 | Int(proto.number & 0xff)
            if let j = numbers.first(where: { $0.0 == numberKey })?.1 {
                reject("\(field) \(p.port)/\(proto.upper) repeats spec.ports[\(j)]")
                continue
            }
            names.append((p.name, i))
            numbers.append((numberKey, i))
            var port = template
            port.name = ServicePortName(service: result.name, port: p.name, proto: proto)
            port.port = UInt16(p.port)
            port.nodePort = nodePort
            result.ports.append(port)
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (kube-proxy trims source ranges).
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }),
              let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
