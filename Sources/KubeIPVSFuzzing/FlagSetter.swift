import KubeIPVSDaemon

/// Sets one `DaemonFlags` field from a `name=value` line of a flags fuzz input, as the command line would
/// (kube-proxy's flag names without the leading dashes). Unknown names are ignored.
enum FlagSetter {
    // Computed: key paths are not Sendable, so a stored static table would be shared mutable state.
    static var strings: [String: WritableKeyPath<DaemonFlags, String?>] {[
        "proxy-mode": \.proxyMode, "hostname-override": \.hostnameOverride, "kubeconfig": \.kubeconfig,
        "master": \.master, "manifests": \.manifests, "ipvs-scheduler": \.ipvsScheduler,
        "ipvs-sync-period": \.ipvsSyncPeriod, "ipvs-min-sync-period": \.ipvsMinSyncPeriod,
        "ipvs-exclude-cidrs": \.ipvsExcludeCIDRs, "ipvs-tcp-timeout": \.ipvsTCPTimeout,
        "ipvs-tcpfin-timeout": \.ipvsTCPFinTimeout, "ipvs-udp-timeout": \.ipvsUDPTimeout,
        "cluster-cidr": \.clusterCIDR, "nodeport-addresses": \.nodePortAddresses,
        "healthz-bind-address": \.healthzBindAddress, "metrics-bind-address": \.metricsBindAddress,
    ]}

    static func set(_ flags: inout DaemonFlags, _ name: String, _ value: String) {
        if let path = strings[name] {
            flags[keyPath: path] = value
        } else if name == "masquerade-bit" {
            flags.masqueradeBit = Int(value)
        } else if name == "ipvs-strict-arp" {
            flags.ipvsStrictARP = value == "true"
        } else if name == "masquerade-all" {
            flags.masqueradeAll = value == "true"
        }
    }
}
