/// The subset of a discovery.k8s.io/v1 EndpointSlice that a service proxy reads.
public struct KubeEndpointSlice: Codable, Hashable, Sendable {
    /// The API's `metadata` field.
    public var metadata: KubeObjectMeta
    /// IPv4, IPv6 or FQDN.
    public var addressType: String
    /// The API's `endpoints` field.
    public var endpoints: [SliceEndpoint]
    /// The API's `ports` field.
    public var ports: [SlicePort]

    /// Creates a value from its parts.
    public init(metadata: KubeObjectMeta, addressType: String = "IPv4", endpoints: [SliceEndpoint] = [],
                ports: [SlicePort] = []) {
        self.metadata = metadata
        self.addressType = addressType
        self.endpoints = endpoints
        self.ports = ports
    }

    enum CodingKeys: String, CodingKey { case metadata, addressType, endpoints, ports }

    /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
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
        /// The first of the API's `addresses`: the only one used (the API says all are fungible;
        /// kube-proxy does the same). One string, not an array: a 50k-service cluster has 500k of them.
        public var address: String?
        /// The API's `conditions` field.
        public var conditions: Conditions
        /// The API's `nodeName` field.
        public var nodeName: String?
        /// The API's `hints` field (topology-aware routing; see docs/routing-decisions.md).
        public var hints: Hints
        // zone and hostname are not kept: no proxy decision reads them (kube-proxy reads the hints,
        // never the endpoint's own zone), and every byte here is paid once per endpoint of the cluster.

        /// The API's `addresses` as kept: the first one, or none.
        public var addresses: [String] {
            get { address.map { [$0] } ?? [] }
            set { address = newValue.first }
        }

        /// Creates a value from its parts (only the first of `addresses` is kept).
        public init(addresses: [String], conditions: Conditions = Conditions(), nodeName: String? = nil,
                    hints: Hints = Hints()) {
            self.address = addresses.first
            self.conditions = conditions
            self.nodeName = nodeName
            self.hints = hints
        }

        enum CodingKeys: String, CodingKey { case addresses, conditions, nodeName, hints }

        /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            address = try c.value(.addresses, default: [String]()).first
            conditions = try c.value(.conditions, default: Conditions())
            nodeName = try c.decodeIfPresent(String.self, forKey: .nodeName)
            hints = try c.value(.hints, default: Hints())
        }

        /// Encodes as the API writes it (`addresses` is a list).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(addresses, forKey: .addresses)
            try c.encode(conditions, forKey: .conditions)
            try c.encodeIfPresent(nodeName, forKey: .nodeName)
            if !hints.isEmpty { try c.encode(hints, forKey: .hints) }
        }
    }

    /// `endpoints[].conditions`; nil means unknown (ready and serving read as true, terminating as false).
    public struct Conditions: Codable, Hashable, Sendable {
        /// The API's `ready` field.
        public var ready: Bool?
        /// The API's `serving` field.
        public var serving: Bool?
        /// The API's `terminating` field.
        public var terminating: Bool?

        /// Creates a value from its parts.
        public init(ready: Bool? = nil, serving: Bool? = nil, terminating: Bool? = nil) {
            self.ready = ready
            self.serving = serving
            self.terminating = terminating
        }
    }

    /// `ports[]`. The name matches a Service port's name; the number is the resolved target port.
    public struct SlicePort: Codable, Hashable, Sendable {
        /// The API's `name` field.
        public var name: String
        /// The API's `protocol` field.
        public var `protocol`: String
        /// nil means "all ports" in the API; a proxy cannot use it.
        public var port: Int?

        /// Creates a value from its parts.
        public init(name: String = "", protocol: String = "TCP", port: Int?) {
            self.name = name
            self.protocol = `protocol`
            self.port = port
        }

        enum CodingKeys: String, CodingKey { case name, `protocol`, port }

        /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.value(.name, default: "")
            self.protocol = try c.value(.protocol, default: "TCP")
            port = try c.decodeIfPresent(Int.self, forKey: .port)
        }
    }
}
