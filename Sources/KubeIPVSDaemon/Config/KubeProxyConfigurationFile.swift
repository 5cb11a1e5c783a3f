/// The subset of kube-proxy's `KubeProxyConfiguration` (kubeproxy.config.k8s.io/v1alpha1) that
/// kube-ipvs honours, decoded from the `--config` file. Unknown fields are ignored; durations are
/// Go duration strings.
public struct KubeProxyConfigurationFile: Decodable, Sendable, Equatable {
    public struct IPVS: Decodable, Sendable, Equatable {
        public var scheduler: String?
        public var syncPeriod: String?
        public var minSyncPeriod: String?
        public var strictARP: Bool?
        public var excludeCIDRs: [String]?
        public var tcpTimeout: String?
        public var tcpFinTimeout: String?
        public var udpTimeout: String?
    }

    public struct IPTables: Decodable, Sendable, Equatable {
        public var masqueradeAll: Bool?
        public var masqueradeBit: Int?
        public var syncPeriod: String?
        public var minSyncPeriod: String?
    }

    public struct ClientConnection: Decodable, Sendable, Equatable {
        public var kubeconfig: String?
    }

    public var apiVersion: String?
    public var kind: String?
    public var mode: String?
    public var clusterCIDR: String?
    public var hostnameOverride: String?
    public var healthzBindAddress: String?
    public var metricsBindAddress: String?
    public var nodePortAddresses: [String]?
    public var ipvs: IPVS?
    public var iptables: IPTables?
    public var clientConnection: ClientConnection?
}
