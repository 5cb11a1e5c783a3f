extension KubeService {
    /// `status`.
    public struct Status: Codable, Hashable, Sendable {
        /// The API's `loadBalancer` field.
        public var loadBalancer: LoadBalancerStatus

        /// Creates a value from its parts.
        public init(loadBalancer: LoadBalancerStatus = LoadBalancerStatus()) { self.loadBalancer = loadBalancer }

        enum CodingKeys: String, CodingKey { case loadBalancer }

        /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            loadBalancer = try c.value(.loadBalancer, default: LoadBalancerStatus())
        }
    }

    /// `status.loadBalancer`.
    public struct LoadBalancerStatus: Codable, Hashable, Sendable {
        /// The API's `ingress` field.
        public var ingress: [LoadBalancerIngress]

        /// Creates a value from its parts.
        public init(ingress: [LoadBalancerIngress] = []) { self.ingress = ingress }

        enum CodingKeys: String, CodingKey { case ingress }

        /// Decodes leniently: absent or null fields take their defaults, unknown ones are ignored.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            ingress = try c.value(.ingress, default: [])
        }
    }

    /// `status.loadBalancer.ingress[]`.
    public struct LoadBalancerIngress: Codable, Hashable, Sendable {
        /// The API's `ip` field.
        public var ip: String?
        /// The API's `hostname` field.
        public var hostname: String?
        /// `VIP` (or absent): traffic reaches the node with the LB IP as destination, so it is proxied.
        /// `Proxy`: the load balancer rewrites the destination; the node must not capture the IP.
        public var ipMode: String?

        /// Creates a value from its parts.
        public init(ip: String? = nil, hostname: String? = nil, ipMode: String? = nil) {
            self.ip = ip
            self.hostname = hostname
            self.ipMode = ipMode
        }
    }
}
