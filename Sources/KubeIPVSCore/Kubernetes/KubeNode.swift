/// The subset of a core/v1 Node that a service proxy reads.
public struct KubeNode: Codable, Hashable, Sendable {
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

    /// `spec`: the pod CIDRs (`--detect-local-mode NodeCIDR`) and the taint keys (`/healthz` node
    /// eligibility); docs/local-traffic-detection.md, docs/routing-decisions.md.
    public struct Spec: Codable, Hashable, Sendable {
        /// The API's `podCIDRs` field.
        public var podCIDRs: [String]
        /// The API's `podCIDR` field (the first of `podCIDRs`; read only when `podCIDRs` is empty).
        public var podCIDR: String
        /// The API's `taints` field (only `key` is kept).
        public var taints: [Taint]

        /// Creates a value from its parts.
        public init(podCIDRs: [String] = [], podCIDR: String = "", taints: [Taint] = []) {
            self.podCIDRs = podCIDRs
            self.podCIDR = podCIDR
            self.taints = taints
        }

        enum CodingKeys: String, CodingKey { case podCIDRs, podCIDR, taints }

        /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            podCIDRs = try c.value(.podCIDRs, default: [])
            podCIDR = try c.value(.podCIDR, default: "")
            taints = try c.value(.taints, default: [])
        }
    }

    /// `spec.taints[]`: only the key is read.
    public struct Taint: Codable, Hashable, Sendable {
        /// The API's `key` field.
        public var key: String

        /// Creates a value from its parts.
        public init(key: String) { self.key = key }

        enum CodingKeys: String, CodingKey { case key }

        /// Decodes leniently: an absent or null key is "".
        public init(from decoder: any Decoder) throws {
            key = try decoder.container(keyedBy: CodingKeys.self).value(.key, default: "")
        }
    }

    /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.value(.metadata, default: KubeObjectMeta())
        spec = try c.value(.spec, default: Spec())
        status = try c.value(.status, default: Status())
    }

    /// `status`.
    public struct Status: Codable, Hashable, Sendable {
        /// The API's `addresses` field.
        public var addresses: [Address]

        /// Creates a value from its parts.
        public init(addresses: [Address] = []) { self.addresses = addresses }

        enum CodingKeys: String, CodingKey { case addresses }

        /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            addresses = try c.value(.addresses, default: [])
        }
    }

    /// `status.addresses[]`: InternalIP, ExternalIP, Hostname, ...
    public struct Address: Codable, Hashable, Sendable {
        /// The API's `type` field.
        public var type: String
        /// The API's `address` field.
        public var address: String

        /// Creates a value from its parts.
        public init(type: String, address: String) {
            self.type = type
            self.address = address
        }
    }

    /// The node's primary IPs: the first parseable InternalIP of each family, IPv4 first
    /// (kube-proxy's `--nodeport-addresses primary` and its node-IP detection).
    public var primaryIPs: [IPAddress] {
        var v4: IPAddress?, v6: IPAddress?
        for a in status.addresses where a.type == "InternalIP" {
            guard let ip = IPAddress(a.address) else { continue }
            if ip.family == .v4, v4 == nil { v4 = ip }
            if ip.family == .v6, v6 == nil { v6 = ip }
        }
        return [v4, v6].compactMap { $0 }
    }
}
