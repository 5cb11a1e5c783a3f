/// The subset of a core/v1 Service that a service proxy reads. Numbers decode as `Int` and enum-like
/// fields as `String`, so out-of-range or unknown values become rejections in `ServiceNormalizer`
/// rather than decoding failures. Defaults are the API server's.
public struct KubeService: Codable, Hashable, Sendable {
    /// The API's `metadata` field.
    public var metadata: KubeObjectMeta
    /// The API's `spec` field.
    public var spec: Spec
    /// The API's `status` field.
    public var status: Status

    /// Creates a value from its parts.
    public init(metadata: KubeObjectMeta, spec: Spec = Spec(), status: Status = Status()) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    enum CodingKeys: String, CodingKey { case metadata, spec, status }

    /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.value(.metadata, default: KubeObjectMeta())
        spec = try c.value(.spec, default: Spec())
        status = try c.value(.status, default: Status())
    }

    /// `spec`.
    public struct Spec: Codable, Hashable, Sendable {
        /// ClusterIP (default), NodePort, LoadBalancer or ExternalName.
        public var type: String
        /// The API's `clusterIP` field.
        public var clusterIP: String?
        /// The API's `clusterIPs` field.
        public var clusterIPs: [String]
        /// The API's `externalIPs` field.
        public var externalIPs: [String]
        /// The API's `ports` field.
        public var ports: [Port]
        /// None (default) or ClientIP.
        public var sessionAffinity: String
        /// The API's `sessionAffinityConfig` field.
        public var sessionAffinityConfig: SessionAffinityConfig?
        /// Cluster (default) or Local.
        public var externalTrafficPolicy: String
        /// Cluster (default) or Local.
        public var internalTrafficPolicy: String
        /// The API's `healthCheckNodePort` field.
        public var healthCheckNodePort: Int?
        /// The API's `loadBalancerSourceRanges` field.
        public var loadBalancerSourceRanges: [String]
        /// The API's `ipFamilies` field.
        public var ipFamilies: [String]
        /// The API's `externalName` field.
        public var externalName: String?

        /// Creates a value from its parts.
        public init(type: String = "ClusterIP", clusterIP: String? = nil, clusterIPs: [String] = [],
                    externalIPs: [String] = [], ports: [Port] = [], sessionAffinity: String = "None",
                    sessionAffinityConfig: SessionAffinityConfig? = nil, externalTrafficPolicy: String = "Cluster",
                    internalTrafficPolicy: String = "Cluster", healthCheckNodePort: Int? = nil,
                    loadBalancerSourceRanges: [String] = [], ipFamilies: [String] = [], externalName: String? = nil) {
            self.type = type
            self.clusterIP = clusterIP
            self.clusterIPs = clusterIPs
            self.externalIPs = externalIPs
            self.ports = ports
            self.sessionAffinity = sessionAffinity
            self.sessionAffinityConfig = sessionAffinityConfig
            self.externalTrafficPolicy = externalTrafficPolicy
            self.internalTrafficPolicy = internalTrafficPolicy
            self.healthCheckNodePort = healthCheckNodePort
            self.loadBalancerSourceRanges = loadBalancerSourceRanges
            self.ipFamilies = ipFamilies
            self.externalName = externalName
        }

        enum CodingKeys: String, CodingKey {
            case type, clusterIP, clusterIPs, externalIPs, ports, sessionAffinity, sessionAffinityConfig
            case externalTrafficPolicy, internalTrafficPolicy, healthCheckNodePort, loadBalancerSourceRanges
            case ipFamilies, externalName
        }

        /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.value(.type, default: "ClusterIP")
            clusterIP = try c.decodeIfPresent(String.self, forKey: .clusterIP)
            clusterIPs = try c.value(.clusterIPs, default: [])
            externalIPs = try c.value(.externalIPs, default: [])
            ports = try c.value(.ports, default: [])
            sessionAffinity = try c.value(.sessionAffinity, default: "None")
            sessionAffinityConfig = try c.decodeIfPresent(SessionAffinityConfig.self, forKey: .sessionAffinityConfig)
            externalTrafficPolicy = try c.value(.externalTrafficPolicy, default: "Cluster")
            internalTrafficPolicy = try c.value(.internalTrafficPolicy, default: "Cluster")
            healthCheckNodePort = try c.decodeIfPresent(Int.self, forKey: .healthCheckNodePort)
            loadBalancerSourceRanges = try c.value(.loadBalancerSourceRanges, default: [])
            ipFamilies = try c.value(.ipFamilies, default: [])
            externalName = try c.decodeIfPresent(String.self, forKey: .externalName)
        }
    }

    /// `spec.ports[]`.
    public struct Port: Codable, Hashable, Sendable {
        /// The API's `name` field.
        public var name: String
        /// TCP (default), UDP or SCTP.
        public var `protocol`: String
        /// The API's `port` field.
        public var port: Int
        /// The API's `targetPort` field.
        public var targetPort: KubeIntOrString?
        /// The API's `nodePort` field.
        public var nodePort: Int?

        /// Creates a value from its parts.
        public init(name: String = "", protocol: String = "TCP", port: Int, targetPort: KubeIntOrString? = nil,
                    nodePort: Int? = nil) {
            self.name = name
            self.protocol = `protocol`
            self.port = port
            self.targetPort = targetPort
            self.nodePort = nodePort
        }

        enum CodingKeys: String, CodingKey { case name, `protocol`, port, targetPort, nodePort }

        /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.value(.name, default: "")
            self.protocol = try c.value(.protocol, default: "TCP")
            // A missing port decodes as 0 so the normalizer rejects it with the field name.
            port = try c.value(.port, default: 0)
            targetPort = try c.decodeIfPresent(KubeIntOrString.self, forKey: .targetPort)
            nodePort = try c.decodeIfPresent(Int.self, forKey: .nodePort)
        }
    }

    /// `spec.sessionAffinityConfig`.
    public struct SessionAffinityConfig: Codable, Hashable, Sendable {
        /// The API's `clientIP` field.
        public var clientIP: ClientIPConfig?
        /// Creates a value from its parts.
        public init(clientIP: ClientIPConfig? = nil) { self.clientIP = clientIP }
    }

    /// `spec.sessionAffinityConfig.clientIP`.
    public struct ClientIPConfig: Codable, Hashable, Sendable {
        /// Defaults to 10800 (3 hours) when affinity is ClientIP.
        public var timeoutSeconds: Int?
        /// Creates a value from its parts.
        public init(timeoutSeconds: Int? = nil) { self.timeoutSeconds = timeoutSeconds }
    }

    /// The API server's default ClientIP affinity timeout.
    public static let defaultAffinityTimeoutSeconds = 10800
}
