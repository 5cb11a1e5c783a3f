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

    /// `spec`: only `podCIDRs` (`--detect-local-mode NodeCIDR`).
    public struct Spec: Codable, Hashable, Sendable {
        /// The API's `podCIDRs` field.
        public var podCIDRs: [String]

        /// Creates a value from its parts.
        public init(podCIDRs: [String] = []) { self.podCIDRs = podCIDRs }

        enum CodingKeys: String, CodingKey { case podCIDRs }

        /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
        public init(from decoder: any Decoder) throws {
            podCIDRs = try decoder.container(keyedBy: CodingKeys.self).value(.podCIDRs, default: [])
        }
    }

    /// The parseable `spec.podCIDRs`, at most one per family (the first), as kube-proxy's NodeCIDR
    /// detector reads them; anything else in the list is ignored.
    public var podCIDRs: [CIDR] {
        var out: [CIDR] = []
        for text in spec.podCIDRs.prefix(2) {
            guard let cidr = CIDR(text), !out.contains(where: { $0.family == cidr.family }) else { continue }
            out.append(cidr)
        }
        return out
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
