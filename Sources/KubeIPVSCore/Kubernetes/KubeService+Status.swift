extension KubeService {
    /// `status`.
    public struct Status: Codable, Hashable, Sendable {
        public var loadBalancer: LoadBalancerStatus

        public init(loadBalancer: LoadBalancerStatus = LoadBalancerStatus()) { self.loadBalancer = loadBalancer }

        enum CodingKeys: String, CodingKey { case loadBalancer }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            loadBalancer = try c.value(.loadBalancer, default: LoadBalancerStatus())
        }
    }

    /// `status.loadBalancer`.
    public struct LoadBalancerStatus: Codable, Hashable, Sendable {
        public var ingress: [LoadBalancerIngress]

        public init(ingress: [LoadBalancerIngress] = []) { self.ingress = ingress }

        enum CodingKeys: String, CodingKey { case ingress }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            ingress = try c.value(.ingress, default: [])
        }
    }

    /// `status.loadBalancer.ingress[]`.
    public struct LoadBalancerIngress: Codable, Hashable, Sendable {
        public var ip: String?
        public var hostname: String?
        /// `VIP` (or absent): traffic reaches the node with the LB IP as destination, so it is proxied.
        /// `Proxy`: the load balancer rewrites the destination; the node must not capture the IP.
        public var ipMode: String?

        public init(ip: String? = nil, hostname: String? = nil, ipMode: String? = nil) {
            self.ip = ip
            self.hostname = hostname
            self.ipMode = ipMode
        }
    }
}
