import KubeIPVSCore

/// The daemon's resolved settings: kube-proxy's defaulted configuration (the `--config` file, or
/// the flags when there is none), validated.
public struct DaemonOptions: Sendable, Equatable {
    public var proxy = ProxyConfiguration()
    public var mode: ProxyMode = .ipvs
    /// `--no-fallback`: exit instead of falling back to iptables when IPVS is unusable.
    public var noFallback = false
    /// This node's name, trimmed and lowercased as kube-proxy does (nil: the host name).
    public var hostnameOverride: String?
    public var kubeconfig: String?
    public var master: String?
    /// `--manifests DIR|FILE`: the embedded source (no API server).
    public var manifests: String?
    /// The configured mode's pair (``syncPeriods(for:)`` of ``mode``).
    public var syncPeriod: Duration = .seconds(30)
    public var minSyncPeriod: Duration = .zero
    /// `iptables.syncPeriod` / `iptables.minSyncPeriod` (kube-proxy's defaults 30s / 1s).
    public var iptablesSyncPeriods = SyncPeriods(sync: .seconds(30), min: .seconds(1))
    /// `ipvs.syncPeriod` / `ipvs.minSyncPeriod` (30s / 0s).
    public var ipvsSyncPeriods = SyncPeriods(sync: .seconds(30), min: .zero)
    public var tcpTimeout: Duration = .zero
    public var tcpFinTimeout: Duration = .zero
    public var udpTimeout: Duration = .zero
    /// `host:port`; empty disables the server.
    public var healthzBindAddress = "0.0.0.0:10256"
    public var metricsBindAddress = "127.0.0.1:10249"
    public var cleanup = false
    public var once = false
    /// `--write-config-to FILE`: write the effective configuration and exit.
    public var writeConfigTo: String?
    /// `--logging-format` / `logging.format`: `text` or `json`.
    public var loggingFormat = "text"
    /// `-v` / `logging.verbosity`.
    public var verbosity = 0
    /// `--detect-local-mode` / `detectLocalMode` (an empty value means ClusterCIDR, as in kube-proxy).
    public var detectLocalMode: DetectLocalMode = .clusterCIDR
    /// `--pod-bridge-interface` / `detectLocal.bridgeInterface`.
    public var podBridgeInterface: String?
    /// `--pod-interface-name-prefix` / `detectLocal.interfaceNamePrefix`.
    public var podInterfaceNamePrefix: String?
    /// `--iptables-localhost-nodeports` / `iptables.localhostNodePorts` (iptables mode, IPv4 only).
    public var localhostNodePorts = true
    /// The `WatchListClient` feature gate (`--feature-gates` / `featureGates`, client-go's): stream the initial
    /// state with watch-list where the API server serves it (docs/api-client.md).
    public var watchList = false
    /// The conntrack sysctls and OOM score to set at start.
    public var hostTuning = HostTuning()
    /// The effective KubeProxyConfiguration, as /configz and `--write-config-to` show it.
    public var effectiveConfiguration = KubeProxyConfigurationFile().defaulted()
    /// Lines to log once at start: flags and fields accepted but not honoured, unknown fields.
    public var warnings: [String] = []

    public init() {}

    /// How often a mode's proxier reconciles and how close together its syncs may run.
    public struct SyncPeriods: Sendable, Equatable {
        /// `syncPeriod`: the periodic sync (a verification in iptables mode).
        public var sync: Duration
        /// `minSyncPeriod`: the least time between two syncs.
        public var min: Duration

        /// A pair.
        public init(sync: Duration, min: Duration) {
            self.sync = sync
            self.min = min
        }
    }

    /// The periods of the proxier that runs: the iptables pair in iptables mode, whether asked
    /// for or fallen back to, the IPVS pair in IPVS mode.
    public func syncPeriods(for running: ProxyMode) -> SyncPeriods {
        running == .iptables ? iptablesSyncPeriods : ipvsSyncPeriods
    }
}

/// kube-proxy's ways of telling traffic from local pods.
public enum DetectLocalMode: String, Sendable, Equatable, CaseIterable {
    case clusterCIDR = "ClusterCIDR", nodeCIDR = "NodeCIDR", bridgeInterface = "BridgeInterface"
    case interfaceNamePrefix = "InterfaceNamePrefix"
}

/// Raw flag values as typed on the command line (nil when not given), in kube-proxy's names. The
/// named properties are the flags older callers set; `extra` holds every other flag by name.
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
    /// Any other kube-proxy flag given, by name (`conntrack-min` → `"131072"`).
    public var extra: [String: String] = [:]

    public init() {}

    /// Flags from a parsed command line.
    public init(_ parsed: PFlagParser.Result) {
        extra = parsed.values
    }

    /// Every flag given, by kube-proxy name.
    public var all: [String: String] {
        var v = extra
        let named: [(String, String?)] = [
            ("proxy-mode", proxyMode), ("hostname-override", hostnameOverride), ("kubeconfig", kubeconfig),
            ("master", master), ("manifests", manifests), ("ipvs-scheduler", ipvsScheduler),
            ("ipvs-sync-period", ipvsSyncPeriod), ("ipvs-min-sync-period", ipvsMinSyncPeriod),
            ("ipvs-strict-arp", ipvsStrictARP.map(String.init)), ("ipvs-exclude-cidrs", ipvsExcludeCIDRs),
            ("ipvs-tcp-timeout", ipvsTCPTimeout), ("ipvs-tcpfin-timeout", ipvsTCPFinTimeout),
            ("ipvs-udp-timeout", ipvsUDPTimeout), ("masquerade-all", masqueradeAll.map(String.init)),
            ("iptables-masquerade-bit", masqueradeBit.map(String.init)), ("cluster-cidr", clusterCIDR),
            ("nodeport-addresses", nodePortAddresses), ("healthz-bind-address", healthzBindAddress),
            ("metrics-bind-address", metricsBindAddress),
            ("no-fallback", noFallback ? "true" : nil), ("cleanup", cleanup ? "true" : nil), ("once", once ? "true" : nil),
        ]
        for (name, value) in named { if let value { v[name] = value } }
        return v
    }
}

/// A setting that could not be used, naming the flag or field and why.
public struct OptionsError: Error, Equatable, CustomStringConvertible {
    public var setting: String
    public var reason: String
    public init(setting: String, reason: String) {
        self.setting = setting
        self.reason = reason
    }
    public var description: String { "\(setting): \(reason)" }
}
