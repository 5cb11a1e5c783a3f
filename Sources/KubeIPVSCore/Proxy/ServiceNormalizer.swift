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
            guard let base = baseSettings(type: type) else { return }
            var template = base
            template.clusterIPs = clusterIPs
            addressSettings(into: &template, type: type)
            buildPorts(template, type: type)
        }

        mutating func checkNames() -> Bool {
            let meta = service.metadata
            if meta.name.isEmpty {
                refuse("metadata.name is empty")
                return false
            }
            if meta.name.utf8.count > ServiceNormalizer.maxNameLength {
                refuse("metadata.name is longer than \(ServiceNormalizer.maxNameLength) characters")
                return false
            }
            if meta.namespace.utf8.count > ServiceNormalizer.maxNameLength {
                refuse("metadata.namespace is longer than \(ServiceNormalizer.maxNameLength) characters")
                return false
            }
            return true
        }
    }
}

/// `"text"` with quotes, as rejection reasons print values.
func quoted(_ text: String) -> String {
    let limit = 64
    let shown = text.utf8.count > limit ? String(text.prefix(limit)) + "..." : text
    return "\"\(shown)\""
}
