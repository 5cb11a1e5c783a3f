import Foundation
import KubeIPVSDaemon
import KubeIPVSTesting
import Testing

/// docs/migrating-from-kube-proxy.md reuses kubeadm's `kube-proxy` ConfigMap as it is: its `config.conf`
/// (every field kubeadm v1.28 writes, most of them empty or zero, which kube-proxy defaults) must decode
/// and resolve to kube-proxy's defaults, with the ConfigMap's kubeconfig.
@Suite("kubeadm kube-proxy ConfigMap reuse")
struct KubeadmConfigReuseTests {
    @Test func kubeadmConfigResolvesToKubeProxyDefaults() throws {
        let loaded = try KubeProxyConfigLoader.decode(KubeadmConfig.configConfV128, source: "config.conf")
        // kubeadm's DaemonSet: --config=/var/lib/kube-proxy/config.conf --hostname-override=$(NODE_NAME).
        let line = try KubeIPVSCommandLine(["--config=/var/lib/kube-proxy/config.conf", "--hostname-override=node1"],
                                           accepted: try KubeIPVSCommandLine.acceptedOptions())
        let options = try DaemonOptions.resolve(flags: try line.daemonFlags(), file: loaded.file,
                                                fileWarnings: loaded.warnings)
        #expect(options.mode == .ipvs)
        #expect(options.kubeconfig == "/var/lib/kube-proxy/kubeconfig.conf")
        #expect(options.proxy.scheduler == .roundRobin, "empty scheduler is rr")
        // kube-proxy defaults a zero sync period and empty bind addresses (SetDefaults_KubeProxyConfiguration).
        #expect(options.syncPeriod == .seconds(30), "ipvs.syncPeriod 0s is 30s: \(options.syncPeriod)")
        #expect(BindAddress(options.healthzBindAddress)?.port == 10256, "healthz \(options.healthzBindAddress)")
        #expect(BindAddress(options.metricsBindAddress)?.port == 10249, "metrics \(options.metricsBindAddress)")
    }
}
