import ArgumentParser
import Foundation
import KubeIPVSDaemon
import Logging
import Yams

/// The proxy daemon, with kube-proxy's flag names. Flags given explicitly override `--config`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the service proxy daemon (the default).")

    @Option(name: .customLong("config"), help: "KubeProxyConfiguration file (kubeproxy.config.k8s.io/v1alpha1).")
    var config: String?
    @Option(name: .customLong("kubeconfig"), help: "kubeconfig with the API server and credentials.")
    var kubeconfig: String?
    @Option(name: .customLong("master"), help: "API server address (overrides the kubeconfig's).")
    var master: String?
    @Option(name: .customLong("manifests"), help: "Read Services/EndpointSlices from this file or directory instead of an API server.")
    var manifests: String?
    @Option(name: .customLong("hostname-override"), help: "This node's name.")
    var hostnameOverride: String?
    @Option(name: .customLong("proxy-mode"), help: "ipvs (default; falls back to iptables when IPVS is unusable) or iptables.")
    var proxyMode: String?
    @Flag(name: .customLong("no-fallback"), help: "With --proxy-mode ipvs: exit instead of falling back to iptables.")
    var noFallback = false
    @Option(name: .customLong("ipvs-scheduler"), help: "rr|lc|dh|sh|sed|nq (also wrr, wlc). Default rr.")
    var ipvsScheduler: String?
    @Option(name: .customLong("ipvs-sync-period"), help: "Full reconcile period (default 30s).")
    var ipvsSyncPeriod: String?
    @Option(name: .customLong("ipvs-min-sync-period"), help: "Minimum time between syncs (default 1s).")
    var ipvsMinSyncPeriod: String?
    @Flag(name: .customLong("ipvs-strict-arp"), help: "Set arp_ignore=1 and arp_announce=2.")
    var ipvsStrictARP = false
    @Option(name: .customLong("ipvs-exclude-cidrs"), help: "Comma-separated CIDRs never touched.")
    var ipvsExcludeCIDRs: String?
    @Option(name: .customLong("ipvs-tcp-timeout"), help: "IPVS TCP idle timeout (0 = leave as is).")
    var ipvsTCPTimeout: String?
    @Option(name: .customLong("ipvs-tcpfin-timeout"), help: "IPVS TCP FIN_WAIT timeout (0 = leave as is).")
    var ipvsTCPFinTimeout: String?
    @Option(name: .customLong("ipvs-udp-timeout"), help: "IPVS UDP timeout (0 = leave as is).")
    var ipvsUDPTimeout: String?
    @Flag(name: .customLong("masquerade-all"), help: "SNAT all traffic sent via service IPs.")
    var masqueradeAll = false
    @Option(name: .customLong("iptables-masquerade-bit"), help: "fwmark bit for SNAT (default 14).")
    var masqueradeBit: Int?
    @Option(name: .customLong("cluster-cidr"), help: "Pod CIDR(s), comma-separated.")
    var clusterCIDR: String?
    @Option(name: .customLong("nodeport-addresses"), help: "CIDRs (comma-separated) or 'primary'.")
    var nodePortAddresses: String?
    @Option(name: .customLong("healthz-bind-address"), help: "host:port of /healthz (default 0.0.0.0:10256).")
    var healthzBindAddress: String?
    @Option(name: .customLong("metrics-bind-address"), help: "host:port of /metrics (default 127.0.0.1:10249).")
    var metricsBindAddress: String?
    @Flag(name: .customLong("cleanup"), help: "Remove everything kube-ipvs owns (both modes) and exit.")
    var cleanup = false
    @Flag(name: .customLong("once"), help: "Do one full sync and exit (non-zero if anything failed).")
    var once = false
    // klog accepts -v=2, -v 2, --v=2 and --v 2 (Go flags take one or two dashes).
    @Option(name: [.customLong("v"), .customShort("v", allowingJoined: true)],
            help: "Log verbosity: 0 info, 2+ debug, 4+ trace (klog style).")
    var verbosity: Int = 0
    @Option(name: .customLong("logging-format"), help: "text (klog, the default) or json (component-base's schema).")
    var loggingFormat: String = "text"

    var flags: DaemonFlags {
        var f = DaemonFlags()
        f.proxyMode = proxyMode; f.noFallback = noFallback; f.hostnameOverride = hostnameOverride
        f.kubeconfig = kubeconfig; f.master = master; f.manifests = manifests
        f.ipvsScheduler = ipvsScheduler; f.ipvsSyncPeriod = ipvsSyncPeriod; f.ipvsMinSyncPeriod = ipvsMinSyncPeriod
        f.ipvsStrictARP = ipvsStrictARP ? true : nil; f.ipvsExcludeCIDRs = ipvsExcludeCIDRs
        f.ipvsTCPTimeout = ipvsTCPTimeout; f.ipvsTCPFinTimeout = ipvsTCPFinTimeout; f.ipvsUDPTimeout = ipvsUDPTimeout
        f.masqueradeAll = masqueradeAll ? true : nil; f.masqueradeBit = masqueradeBit; f.clusterCIDR = clusterCIDR
        f.nodePortAddresses = nodePortAddresses; f.healthzBindAddress = healthzBindAddress
        f.metricsBindAddress = metricsBindAddress; f.cleanup = cleanup; f.once = once
        return f
    }

    func resolvedOptions() throws -> DaemonOptions {
        var file: KubeProxyConfigurationFile?
        if let config {
            guard let data = FileManager.default.contents(atPath: config) else {
                throw ValidationError("--config: cannot read \(config)")
            }
            do { file = try YAMLDecoder().decode(KubeProxyConfigurationFile.self, from: data) } catch {
                throw ValidationError("--config \(config): not a KubeProxyConfiguration: \(error)")
            }
        }
        do { return try DaemonOptions.resolve(flags: flags, file: file) } catch {
            throw ValidationError("\(error)")
        }
    }

    func validate() throws {
        guard LogFormat(rawValue: loggingFormat) != nil else {
            throw ValidationError("--logging-format: \(loggingFormat) is not text or json")
        }
        _ = try resolvedOptions()
    }

    func run() async throws {
        DaemonLogging.bootstrap(format: LogFormat(rawValue: loggingFormat) ?? .text, verbosity: verbosity)
        let logger = Logger(label: "kube-ipvs")
        let code = try await DaemonBootstrap.run(options: try resolvedOptions(), logger: logger)
        if code != 0 { throw ExitCode(code) }
    }
}
