/// The subset of a discovery.k8s.io/v1 EndpointSlice that a service proxy reads.
public struct KubeEndpointSlice: Codable, Hashable, Sendable {
    public var metadata: KubeObjectMeta
    /// IPv4, IPv6 or FQDN.
    public var addressType: String
    public var endpoints: [SliceEndpoint]
    public var ports: [SlicePort]

    public init(metadata: KubeObjectMeta, addressType: String = "IPv4", endpoints: [SliceEndpoint] = [],
                ports: [SlicePort] = []) {
        self.metadata = metadata
        self.addressType = addressType
        self.endpoints = endpoints
        self.ports = ports
    }

    enum CodingKeys: String, CodingKey { case metadata, addressType, endpoints, ports }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.value(.metadata, default: KubeObjectMeta())
        addressType = try c.value(.addressType, default: "")
        endpoints = try c.value(.endpoints, default: [])
        ports = try c.value(.ports, default: [])
    }

    /// The label naming the Service a slice belongs to.
    public static let serviceNameLabel = "kubernetes.io/service-name"

    /// The owning Service's name (`kubernetes.io/service-name` label), if set.
    public var serviceName: String? {
        guard let name = metadata.labels[KubeEndpointSlice.serviceNameLabel], !name.isEmpty else { return nil }
        return name
    }

    /// `endpoints[]`.
    public struct SliceEndpoint: Codable, Hashable, Sendable {
        /// Only the first address is used (the API says all are fungible; kube-proxy does the same).
        public var addresses: [String]
        public var conditions: Conditions
        public var nodeName: String?
        public var zone: String?
        public var hostname: String?

        public init(addresses: [String], conditions: Conditions = Conditions(), nodeName: String? = nil,
                    zone: String? = nil, hostname: String? = nil) {
            self.addresses = addresses
            self.conditions = conditions
            self.nodeName = nodeName
            self.zone = zone
            self.hostname = hostname
        }

        enum CodingKeys: String, CodingKey { case addresses, conditions, nodeName, zone, hostname }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            addresses = try c.value(.addresses, default: [])
            conditions = try c.value(.conditions, default: Conditions())
            nodeName = try c.decodeIfPresent(String.self, forKey: .nodeName)
            zone = try c.decodeIfPresent(String.self, forKey: .zone)
            hostname = try c.decodeIfPresent(String.self, forKey: .hostname)
        }
    }

    /// `endpoints[].conditions`; nil means unknown (ready and serving read as true, terminating as false).
    public struct Conditions: Codable, Hashable, Sendable {
        public var ready: Bool?
        public var serving: Bool?
        public var terminating: Bool?

        public init(ready: Bool? = nil, serving: Bool? = nil, terminating: Bool? = nil) {
            self.ready = ready
            self.serving = serving
            self.terminating = terminating
        }
    }

    /// `ports[]`. The name matches a Service port's name; the number is the resolved target port.
    public struct SlicePort: Codable, Hashable, Sendable {
        public var name: String
        public var `protocol`: String
        /// nil means "all ports" in the API; a proxy cannot use it.
        public var port: Int?

        public init(name: String = "", protocol: String = "TCP", port: Int?) {
            self.name = name
            self.protocol = `protocol`
            self.port = port
        }

        enum CodingKeys: String, CodingKey { case name, `protocol`, port }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.value(.name, default: "")
            self.protocol = try c.value(.protocol, default: "TCP")
            port = try c.decodeIfPresent(Int.self, forKey: .port)
        }
    }
}
