import Foundation
import KubeIPVSCore

extension DaemonOptions {
    /// kube-proxy's precedence (docs/kube-proxy-flags.md): with a `--config` file the file wins over
    /// every flag except the hostname override, logging, `--master`, `--cleanup`, `--write-config-to`
    /// and kube-ipvs's own flags; without one the flags fill the configuration. Then defaulting, then
    /// validation of every value.
    public static func resolve(flags: DaemonFlags, file: KubeProxyConfigurationFile? = nil,
                               fileWarnings: [String] = []) throws -> DaemonOptions {
        let given = flags.all
        var o = DaemonOptions()
        var config: KubeProxyConfigurationFile
        if let file {
            config = file
            let dropped = given.keys.filter { name in
                KubeProxyFlag.all[name].map { !$0.appliesWithConfig && $0.support != .kubeIPVS } ?? false
            }.sorted()
            if !dropped.isEmpty {
                o.warnings.append("flags ignored because --config is given (the file wins, as in kube-proxy): "
                    + dropped.map { "--\($0)" }.joined(separator: ", "))
            }
            o.warnings += fileWarnings.map { "--config: \($0)" }
            o.warnings += unhonouredFields(file)
        } else {
            config = KubeProxyConfigurationFile()
            try config.apply(flags: given)
        }
        try config.applyLogging(flags: given)
        var effective = config.defaulted()
        if file == nil { try effective.applyAddressFlags(given) }
        if let h = given["hostname-override"] {
            let trimmed = h.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { throw OptionsError(setting: "--hostname-override", reason: "empty hostname-override is invalid") }
            effective.hostnameOverride = trimmed.lowercased()
        }
        // --feature-gates naming only WatchListClient is honoured (the one gate kube-ipvs reads).
        let onlyWatchList = given["feature-gates"].map { gates in
            gates.split(separator: ",").allSatisfy { $0.split(separator: "=").first.map(String.init) == watchListGate }
        } ?? false
        let ignored = given.keys.filter {
            KubeProxyFlag.all[$0]?.support == .ignored && !($0 == "feature-gates" && onlyWatchList)
        }.sorted()
        if !ignored.isEmpty {
            o.warnings.append("flags accepted but not honoured by kube-ipvs (see docs/kube-proxy-compatibility.md): "
                + ignored.map { "--\($0)" }.joined(separator: ", "))
        }
        do { try o.adopt(effective) } catch let error as OptionsError where file == nil {
            // Without a file every value came from a flag (or a default): name the flag.
            throw OptionsError(setting: fieldFlags[error.setting].map { "--\($0)" } ?? error.setting, reason: error.reason)
        }
        o.noFallback = given["no-fallback"].flatMap(PFlagParser.parseBool) ?? false
        o.cleanup = given["cleanup"].flatMap(PFlagParser.parseBool) ?? false
        o.once = given["once"].flatMap(PFlagParser.parseBool) ?? false
        o.master = given["master"].flatMap { $0.isEmpty ? nil : $0 }
        o.manifests = given["manifests"]
        o.writeConfigTo = given["write-config-to"].flatMap { $0.isEmpty ? nil : $0 }
        return o
    }

    /// The flag that fills each configuration field (kube-proxy's flag bindings).
    static let fieldFlags: [String: String] = [
        "mode": "proxy-mode", "clusterCIDR": "cluster-cidr", "nodePortAddresses": "nodeport-addresses",
        "healthzBindAddress": "healthz-bind-address", "metricsBindAddress": "metrics-bind-address",
        "ipvs.scheduler": "ipvs-scheduler", "ipvs.syncPeriod": "ipvs-sync-period", "ipvs.minSyncPeriod": "ipvs-min-sync-period",
        "iptables.syncPeriod": "iptables-sync-period", "iptables.minSyncPeriod": "iptables-min-sync-period",
        "ipvs.excludeCIDRs": "ipvs-exclude-cidrs", "ipvs.tcpTimeout": "ipvs-tcp-timeout",
        "ipvs.tcpFinTimeout": "ipvs-tcpfin-timeout", "ipvs.udpTimeout": "ipvs-udp-timeout",
        "iptables.masqueradeBit": "iptables-masquerade-bit", "detectLocalMode": "detect-local-mode",
        "detectLocal.bridgeInterface": "pod-bridge-interface", "detectLocal.interfaceNamePrefix": "pod-interface-name-prefix",
        "oomScoreAdj": "oom-score-adj", "conntrack.maxPerCore": "conntrack-max-per-core", "conntrack.min": "conntrack-min",
        "conntrack.tcpEstablishedTimeout": "conntrack-tcp-timeout-established",
        "conntrack.tcpCloseWaitTimeout": "conntrack-tcp-timeout-close-wait", "conntrack.udpTimeout": "conntrack-udp-timeout",
        "conntrack.udpStreamTimeout": "conntrack-udp-timeout-stream", "logging.format": "logging-format", "logging.verbosity": "v",
    ]

    /// Fields set in a file that kube-ipvs reads but does not act on, as one warning line.
    static func unhonouredFields(_ f: KubeProxyConfigurationFile) -> [String] {
        var names: [String] = []
        let gates = (f.featureGates ?? [:]).keys.filter { $0 != watchListGate }.sorted()
        if !gates.isEmpty { names.append("featureGates (" + gates.joined(separator: ", ") + ")") }
        if f.bindAddressHardFail == true { names.append("bindAddressHardFail") }
        if f.enableProfiling == true { names.append("enableProfiling") }
        if !(f.showHiddenMetricsForVersion ?? "").isEmpty { names.append("showHiddenMetricsForVersion") }
        if !(f.portRange ?? "").isEmpty { names.append("portRange") }
        if !(f.logging?.vmodule ?? []).isEmpty { names.append("logging.vmodule") }
        if let c = f.clientConnection, (c.qps ?? 0) != 0 || (c.burst ?? 0) != 0 || !(c.contentType ?? "").isEmpty
            || !(c.acceptContentTypes ?? "").isEmpty { names.append("clientConnection.qps/burst/contentType") }
        if let b = f.bindAddress, !b.isEmpty, b != "0.0.0.0" { names.append("bindAddress") }
        return names.isEmpty ? [] : ["config fields accepted but not honoured by kube-ipvs "
            + "(see docs/kube-proxy-compatibility.md): " + names.joined(separator: ", ")]
    }
}
