/// Validates and defaults a `KubeService` into `ServicePort`s, kube-proxy's `ServiceChangeTracker`
/// semantics with stricter input checks.
///
/// What a bad field refuses (the smallest part that cannot be planned correctly):
/// - the whole service: bad name, unknown type/affinity/policy, bad or missing ClusterIP, affinity
///   timeout outside 1-86400, more than `maxPorts` ports;
/// - one port: bad port or nodePort number, unknown protocol, over-long name, and a port repeating an
///   earlier port's name or port/protocol (the first one in spec order is kept);
/// - one address: an unparsable externalIP or LB ingress IP, or one of a family without a ClusterIP;
/// - every LoadBalancer IP of the service: an unparsable `loadBalancerSourceRanges` entry (fail closed:
///   dropping the bad range would widen access);
/// - the health check: a `healthCheckNodePort` outside 1-65535.
public enum ServiceNormalizer {
    /// More ports than this in one Service is treated as garbage.
    public static let maxPorts = 100
    /// Longest accepted object or port name.
    public static let maxNameLength = 253
    /// Services with this label belong to another proxy.
    public static let serviceProxyNameLabel = "service.kubernetes.io/service-proxy-name"
    /// Accepted ClientIP affinity timeouts, in seconds (the API server's validation).
    public static let affinityTimeoutRange = 1...86400

    /// Validates and defaults one Service; never throws (problems are rejections).
    public static func normalize(_ service: KubeService) -> NormalizedService {
        var context = Context(service)
        context.run()
        return context.result
    }

    /// The ServiceName a Kubernetes object maps to (empty namespace reads as `default`).
    public static func serviceName(_ meta: KubeObjectMeta) -> ServiceName {
        ServiceName(namespace: meta.namespace.isEmpty ? "default" : meta.namespace, name: meta.name)
    }
}

extension ServiceNormalizer {
    /// One normalization run; accumulates rejections against the service.
    struct Context {
        let service: KubeService
        var spec: KubeService.Spec { service.spec }
        var result: NormalizedService

        init(_ service: KubeService) {
            self.service = service
            result = NormalizedService(name: ServiceNormalizer.serviceName(service.metadata))
        }

        mutating func reject(_ reason: String) {
            result.rejections.append(Rejection(kind: .service, object: result.name.description, reason: reason))
        }

        /// Whole-service refusal: drops any ports planned so far.
        mutating func refuse(_ reason: String) {
            result.ports = []
            reject(reason)
        }

        mutating func run() {
            guard checkNames() else { return }
            if service.metadata.labels[ServiceNormalizer.serviceProxyNameLabel] != nil {
                result.skipped = .otherProxy
                return
            }
            let type = spec.type.isEmpty ? "ClusterIP" : spec.type
            guard ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].contains(type) else {
                return refuse("spec.type \(quoted(spec.type)) is not ClusterIP, NodePort, LoadBalancer or ExternalName")
            }
            if type == "ExternalName" {
                result.skipped = .externalName
                return
            }
            guard let clusterIPs = parseClusterIPs() else { return }
            guard let base = baseSettings(type: type), checkBounds(type: type) else { return }
            var template = base
            template.clusterIPs = clusterIPs
            addressSettings(into: &template, type: type)
            buildPorts(template, type: type)
        }

        /// metadata.name (a DNS-1035 label, as the API server requires of a Service) and metadata.namespace
        /// (a DNS-1123 label); the names reach rule comments and logs, so nothing else passes. Also
        /// metadata.creationTimestamp, which orders Services for the cluster-wide caps.
        mutating func checkNames() -> Bool {
            let meta = service.metadata
            if let problem = APIValidation.dns1035Label(meta.name) {
                refuse("metadata.name \(quoted(meta.name)) \(problem)")
                return false
            }
            if let problem = APIValidation.dns1123Label(result.name.namespace) {
                refuse("metadata.namespace \(quoted(meta.namespace)) \(problem)")
                return false
            }
            // Absent (hand-written manifests) reads as the oldest; present, it must parse as metav1.Time does.
            if let created = meta.creationTimestamp, KubeTimestamp(rfc3339: created) == nil {
                refuse("metadata.creationTimestamp \(quoted(created)) is not an RFC 3339 time")
                return false
            }
            return true
        }
    }
}

/// `"text"` with quotes, as rejection reasons print values: at most 64 characters, escaped as
/// ``printable(_:limit:)`` does.
func quoted(_ text: String) -> String {
    "\"" + printable(text, limit: 64) + "\""
}

/// `text` with every quote, backslash and character outside printable ASCII escaped (`\n`, `\u{0}`),
/// cut after `limit` characters (`...`), so a hostile value can neither forge a log line nor hide
/// behind control characters.
public func printable(_ text: String, limit: Int = 253) -> String {
    var out = ""
    for (i, scalar) in text.unicodeScalars.enumerated() {
        if i == limit {
            out += "..."
            break
        }
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case " "..."~": out.unicodeScalars.append(scalar)
        default: out += "\\u{\(String(scalar.value, radix: 16))}"
        }
    }
    return out
}
