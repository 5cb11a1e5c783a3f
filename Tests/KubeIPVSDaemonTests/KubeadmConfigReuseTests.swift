import Foundation
import KubeIPVSDaemon
import Testing

/// docs/migrating-from-kube-proxy.md reuses kubeadm's `kube-proxy` ConfigMap as it is: its `config.conf`
/// (every field kubeadm v1.28 writes, most of them empty or zero, which kube-proxy defaults) must decode
/// and resolve to kube-proxy's defaults, with the ConfigMap's kubeconfig.
@Suite("kubeadm kube-proxy ConfigMap reuse")
struct KubeadmConfigReuseTests {
    /// `config.conf` as `kubeadm init` v1.28 writes it with `mode: ipvs` and a pod subnet.
    static let kubeadmConfig = """
        apiVersion: kubeproxy.config.k8s.io/v1alpha1
        bindAddress: 0.0.0.0
        bindAddressHardFail: false
        clientConnection:
          acceptContentTypes: ""
          burst: 0
          contentType: ""
          kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
          qps: 0
        clusterCIDR: 10.244.0.0/16
        configSyncPeriod: 0s
        conntrack:
          maxPerCore: null
          min: null
          tcpCloseWaitTimeout: null
          tcpEstablishedTimeout: null
        detectLocal:
          bridgeInterface: ""
          interfaceNamePrefix: ""
        detectLocalMode: ""
        enableProfiling: false
        healthzBindAddress: ""
        hostnameOverride: ""
        iptables:
          localhostNodePorts: null
          masqueradeAll: false
          masqueradeBit: null
          minSyncPeriod: 0s
          syncPeriod: 0s
        ipvs:
          excludeCIDRs: null
          minSyncPeriod: 0s
          scheduler: ""
          strictARP: false
          syncPeriod: 0s
          tcpFinTimeout: 0s
          tcpTimeout: 0s
          udpTimeout: 0s
        kind: KubeProxyConfiguration
        logging:
          flushFrequency: 0
          options:
            json:
              infoBufferSize: "0"
          verbosity: 0
        metricsBindAddress: ""
        mode: ipvs
        nodePortAddresses: null
        oomScoreAdj: null
        portRange: ""
        showHiddenMetricsForVersion: ""
        winkernel:
          enableDSR: false
          forwardHealthCheckVip: false
          networkName: ""
          rootHnsEndpointName: ""
          sourceVip: ""
        """

    @Test func kubeadmConfigResolvesToKubeProxyDefaults() throws {
        let loaded = try KubeProxyConfigLoader.decode(Self.kubeadmConfig, source: "config.conf")
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
