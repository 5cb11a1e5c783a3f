/// kube-proxy's `KubeProxyConfiguration` (kubeproxy.config.k8s.io/v1alpha1), every field of kube-proxy
/// v1.28 through v1.35, as written in a `--config` file (nil: absent or null). Durations are Go
/// duration text. ``defaulted()`` fills it as kube-proxy's defaulting does; docs/kube-proxy-config.md
/// lists the defaults and which fields kube-ipvs honours.
public struct KubeProxyConfigurationFile: Decodable, Sendable, Equatable {
    public struct ClientConnection: Decodable, Sendable, Equatable {
        public var acceptContentTypes: String?
        public var burst: Int?
        public var contentType: String?
        public var kubeconfig: String?
        public var qps: Double?
    }

    public struct Conntrack: Decodable, Sendable, Equatable {
        public var maxPerCore: Int?
        public var min: Int?
        public var tcpBeLiberal: Bool?
        public var tcpCloseWaitTimeout: String?
        public var tcpEstablishedTimeout: String?
        public var udpStreamTimeout: String?
        public var udpTimeout: String?
    }

    public struct DetectLocal: Decodable, Sendable, Equatable {
        public var bridgeInterface: String?
        public var interfaceNamePrefix: String?
    }

    public struct IPTables: Decodable, Sendable, Equatable {
        public var localhostNodePorts: Bool?
        public var masqueradeAll: Bool?
        public var masqueradeBit: Int?
        public var minSyncPeriod: String?
        public var syncPeriod: String?
    }

    public struct IPVS: Decodable, Sendable, Equatable {
        public var excludeCIDRs: [String]?
        public var minSyncPeriod: String?
        public var scheduler: String?
        public var strictARP: Bool?
        public var syncPeriod: String?
        public var tcpFinTimeout: String?
        public var tcpTimeout: String?
        public var udpTimeout: String?
    }

    public struct NFTables: Decodable, Sendable, Equatable {
        public var masqueradeAll: Bool?
        public var masqueradeBit: Int?
        public var minSyncPeriod: String?
        public var syncPeriod: String?
    }

    /// component-base's LoggingConfiguration; `options` is kept as decoded.
    public struct Logging: Decodable, Sendable, Equatable {
        public var flushFrequency: String?
        public var format: String?
        public var verbosity: Int?
        public var vmodule: [String]?
        public var options: ConfigValue?
    }

    public var apiVersion: String?
    public var kind: String?
    public var bindAddress: String?
    public var bindAddressHardFail: Bool?
    public var clientConnection: ClientConnection?
    public var clusterCIDR: String?
    public var configSyncPeriod: String?
    public var conntrack: Conntrack?
    public var detectLocal: DetectLocal?
    public var detectLocalMode: String?
    public var enableProfiling: Bool?
    public var featureGates: [String: Bool]?
    public var healthzBindAddress: String?
    public var hostnameOverride: String?
    public var iptables: IPTables?
    public var ipvs: IPVS?
    public var logging: Logging?
    public var metricsBindAddress: String?
    public var mode: String?
    public var nftables: NFTables?
    public var nodePortAddresses: [String]?
    public var oomScoreAdj: Int?
    public var portRange: String?
    public var showHiddenMetricsForVersion: String?
    /// `winkernel` and `windowsRunAsService`: Windows only, kept as decoded for /configz.
    public var winkernel: ConfigValue?
    public var windowsRunAsService: Bool?

    public init() {}

    /// The group/version kube-proxy reads, and the kind.
    public static let apiVersionV1Alpha1 = "kubeproxy.config.k8s.io/v1alpha1"
    public static let kindName = "KubeProxyConfiguration"
}
