import KubeIPVSCore

/// The daemon's resolved settings: kube-proxy's flags over its `--config` file over defaults.
public struct DaemonOptions: Sendable, Equatable {
    public var proxy = ProxyConfiguration()
    public var mode: ProxyMode = .ipvs
    /// `--no-fallback`: exit instead of falling back to iptables when IPVS is unusable.
    public var noFallback = false
    public var hostnameOverride: String?
    public var kubeconfig: String?
    public var master: String?
    /// `--manifests DIR|FILE`: the embedded source (no API server).
    public var manifests: String?
    public var syncPeriod: Duration = .seconds(30)
    public var minSyncPeriod: Duration = .seconds(1)
    public var tcpTimeout: Duration = .zero
    public var tcpFinTimeout: Duration = .zero
    public var udpTimeout: Duration = .zero
    public var healthzBindAddress = "0.0.0.0:10256"
    public var metricsBindAddress = "127.0.0.1:10249"
    public var cleanup = false
    public var once = false

    public init() {}
}

/// Raw flag values as typed on the command line (nil when not given), in kube-proxy's names.
public struct DaemonFlags: Sendable, Equatable {
    public var proxyMode: String?
    public var noFallback = false
    public var hostnameOverride: String?
    public var kubeconfig: String?
    public var master: String?
    public var manifests: String?
    public var ipvsScheduler: String?
    public var ipvsSyncPeriod: String?
    public var ipvsMinSyncPeriod: String?
    public var ipvsStrictARP: Bool?
    public var ipvsExcludeCIDRs: String?
    public var ipvsTCPTimeout: String?
    public var ipvsTCPFinTimeout: String?
    public var ipvsUDPTimeout: String?
    public var masqueradeAll: Bool?
    public var masqueradeBit: Int?
    public var clusterCIDR: String?
    public var nodePortAddresses: String?
    public var healthzBindAddress: String?
    public var metricsBindAddress: String?
    public var cleanup = false
    public var once = false

    public init() {}
}

/// A setting that could not be used, naming the flag or field and why.
public struct OptionsError: Error, Equatable, CustomStringConvertible {
    public var setting: String
    public var reason: String
    public var description: String { "\(setting): \(reason)" }
}
