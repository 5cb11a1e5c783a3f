import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSTesting
import Testing

@Suite struct KubeProxyConfigTests {
    static func options(_ text: String, flags: DaemonFlags = DaemonFlags()) throws -> DaemonOptions {
        let loaded = try KubeProxyConfigLoader.decode(text)
        return try DaemonOptions.resolve(flags: flags, file: loaded.file, fileWarnings: loaded.warnings)
    }

    @Test(arguments: ["ipvs", ""])
    func kubeadmConfigIsDefaultedAsKubeProxyDoes(mode: String) throws {
        let o = try Self.options(KubeadmConfig.configConf(mode: mode))
        // Empty addresses and zero periods take kube-proxy's defaults, not "off" or "0s".
        #expect(o.healthzBindAddress == "0.0.0.0:10256" && o.metricsBindAddress == "127.0.0.1:10249")
        #expect(o.syncPeriod == .seconds(30) && o.minSyncPeriod == .zero)
        #expect(o.mode == .ipvs && o.proxy.scheduler == .roundRobin && o.proxy.masqueradeBit == 14)
        #expect(o.kubeconfig == "/var/lib/kube-proxy/kubeconfig.conf")
        #expect(o.proxy.clusterCIDRs == [CIDR("10.244.0.0/16")!] && o.detectLocalMode == .clusterCIDR)
        #expect(o.hostTuning == HostTuning())
        #expect(o.hostTuning.conntrackMax(cpus: 2) == 131072 && o.hostTuning.conntrackMax(cpus: 8) == 262144)
        #expect(o.loggingFormat == "text" && o.verbosity == 0)
        #expect(o.warnings.isEmpty, "\(o.warnings)")
        #expect(o.effectiveConfiguration.rendered.yaml == Self.defaulted(mode: mode))
    }

    @Test func kubeadmV128ConfigWarnsOnlyForTheRemovedField() throws {
        let o = try Self.options(KubeadmConfig.configConfV128)
        #expect(o.warnings == ["--config: unknown field \"udpIdleTimeout\""])
        #expect(o.healthzBindAddress == "0.0.0.0:10256" && o.syncPeriod == .seconds(30))
    }

    @Test func kubeadmCommandLineKeepsTheFileAndTakesTheLowercasedNodeName() throws {
        let parsed = try PFlagParser().parse(["--config=/var/lib/kube-proxy/config.conf", "--hostname-override=NODE1 ",
                                              "--v=3", "--ipvs-scheduler=lc", "--logging-format=json"])
        let o = try Self.options(KubeadmConfig.configConf(mode: "ipvs"), flags: DaemonFlags(parsed))
        #expect(o.hostnameOverride == "node1" && o.effectiveConfiguration.hostnameOverride == "node1")
        #expect(o.verbosity == 3 && o.loggingFormat == "json")
        #expect(o.proxy.scheduler == .roundRobin)
        #expect(o.warnings == ["flags ignored because --config is given (the file wins, as in kube-proxy): --ipvs-scheduler"])
        #expect(DaemonOptions.effectiveNodeName(nil, hostName: " Node-A ") == "node-a")
    }

    @Test(arguments: [
        ("apiVersion: kubeproxy.config.k8s.io/v1alpha2\nkind: KubeProxyConfiguration\n",
         "--config: apiVersion \"kubeproxy.config.k8s.io/v1alpha2\": want kubeproxy.config.k8s.io/v1alpha1 (the only version released kube-proxy serves)"),
        ("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeletConfiguration\n",
         "--config: kind \"KubeletConfiguration\": want KubeProxyConfiguration"),
        ("kind: KubeProxyConfiguration\n", "--config: apiVersion missing: want kubeproxy.config.k8s.io/v1alpha1 (the only version released kube-proxy serves)"),
        ("- a\n", "--config: not a KubeProxyConfiguration: the document is not a mapping"),
    ])
    func wrongDocumentsAreRefused(_ text: String, _ message: String) {
        #expect { try KubeProxyConfigLoader.decode(text) } throws: { "\($0)" == message }
    }

    static let header = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"

    @Test(arguments: [
        ("iptables: {masqueradeBit: 1:0:0:0:0:0:0:0:0:0:0:0}", "--config iptables.masqueradeBit: must be an integer from -2147483648 to 2147483647"),
        ("ipvs: {syncPeriod: 9999999999h}", "--config ipvs.syncPeriod: duration out of range (at most 2562047h47m16.854775807s) \"9999999999h\""),
        ("ipvs: {syncPeriod: 30}", "--config ipvs.syncPeriod: must be a duration string such as 30s"),
        ("mode: 5", "--config mode: must be a string"),
        ("oomScoreAdj: \"-999\"", "--config oomScoreAdj: must be an integer"),
        ("conntrack: {maxPerCore: 4294967296}", "--config conntrack.maxPerCore: must be an integer from -2147483648 to 2147483647"),
        ("ipvs: [1]", "--config ipvs: must be an object"),
    ])
    func badFieldsNameTheFieldAndNeverTrap(_ body: String, _ message: String) {
        #expect { try KubeProxyConfigLoader.decode(Self.header + body + "\n") } throws: { "\($0)" == message }
    }

    @Test(arguments: [
        ("healthzBindAddress: garbage", "healthzBindAddress: \"garbage\" is not a valid ip:port"),
        ("metricsBindAddress: 127.0.0.1:99999", "metricsBindAddress: \"127.0.0.1:99999\" is not a valid ip:port"),
        ("oomScoreAdj: -1001", "oomScoreAdj: -1001 is outside -1000…1000"),
        ("detectLocalMode: BridgeInterface", "detectLocal.bridgeInterface: required with detectLocalMode BridgeInterface"),
        ("detectLocalMode: Bogus", "detectLocalMode: unknown mode \"Bogus\" (want ClusterCIDR, NodeCIDR, BridgeInterface, InterfaceNamePrefix)"),
        ("detectLocal: {interfaceNamePrefix: \"a b\"}", "detectLocal.interfaceNamePrefix: \"a b\" is not a valid interface name"),
        ("logging: {format: xml}", "logging.format: unknown format \"xml\" (want text or json)"),
    ])
    func invalidValuesAreErrors(_ body: String, _ message: String) {
        #expect { try Self.options(Self.header + body + "\n") } throws: { "\($0)" == message }
    }

    /// `--feature-gates=WatchListClient=true` alone is honoured (no warning); another gate is named.
    @Test func theWatchListClientGateFromTheCommandLine() throws {
        var flags = DaemonFlags()
        flags.extra["feature-gates"] = "WatchListClient=true"
        let on = try DaemonOptions.resolve(flags: flags)
        #expect(on.watchList && on.warnings.isEmpty, "\(on.warnings)")
        flags.extra["feature-gates"] = "WatchListClient=true,Other=true"
        let both = try DaemonOptions.resolve(flags: flags)
        #expect(both.watchList && both.warnings.contains { $0.hasSuffix(": --feature-gates") }, "\(both.warnings)")
        #expect(try !DaemonOptions.resolve(flags: DaemonFlags()).watchList)
    }

    @Test func unknownFieldsAtAnyLevelAreWarnedAndNotHonouredFieldsNamed() throws {
        let o = try Self.options(Self.header + """
            bogus: 1
            ipvs: {schedular: lc}
            featureGates: {SomeGate: true, WatchListClient: true}
            enableProfiling: true
            detectLocalMode: InterfaceNamePrefix
            detectLocal: {interfaceNamePrefix: veth}
            healthzBindAddress: 10.0.0.1
            """ + "\n")
        #expect(o.warnings == [
            "--config: unknown field \"bogus\"", "--config: unknown field \"ipvs.schedular\"",
            "config fields accepted but not honoured by kube-ipvs (see docs/kube-proxy-compatibility.md): featureGates (SomeGate), enableProfiling",
        ])
        // The one gate read: client-go's WatchListClient, for the API client (docs/api-client.md).
        #expect(o.watchList)
        #expect(try !Self.options(Self.header + "featureGates: {WatchListClient: false}\n").watchList)
        #expect(o.detectLocalMode == .interfaceNamePrefix && o.podInterfaceNamePrefix == "veth")
        #expect(o.healthzBindAddress == "10.0.0.1:10256")
    }

    @Test func configzServesTheEffectiveConfigurationUnderItsGroup() throws {
        let o = try Self.options(KubeadmConfig.configConf(mode: "ipvs"))
        let body = o.effectiveConfiguration.configz
        // The internal type's Go field names (no JSON tags), no apiVersion/kind: what kube-proxy serves.
        #expect(body.hasPrefix("{\"kubeproxy.config.k8s.io\":{\"BindAddress\":\"0.0.0.0\","))
        #expect(body.contains("\"Conntrack\":{\"MaxPerCore\":32768,\"Min\":131072,\"TCPBeLiberal\":false,\"TCPCloseWaitTimeout\":\"1h0m0s\""))
        #expect(body.contains("\"HealthzBindAddress\":\"0.0.0.0:10256\"") && body.contains("\"OOMScoreAdj\":-999"))
        #expect(body.contains("\"ClientConnection\":{\"AcceptContentTypes\":\"\",\"Burst\":10,") && body.contains("\"QPS\":5"))
        #expect(body.contains("\"IPVS\":{\"ExcludeCIDRs\":null,\"MinSyncPeriod\":\"0s\",\"Scheduler\":\"\",\"StrictARP\":false,\"SyncPeriod\":\"30s\""))
        #expect(!body.contains("apiVersion") && !body.contains("\"kind\""))
    }

    /// Every field defaulted: what `--write-config-to` prints for kubeadm's file.
    static func defaulted(mode: String) -> String {
        """
        apiVersion: kubeproxy.config.k8s.io/v1alpha1
        bindAddress: 0.0.0.0
        bindAddressHardFail: false
        clientConnection:
          acceptContentTypes: ""
          burst: 10
          contentType: application/vnd.kubernetes.protobuf
          kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
          qps: 5
        clusterCIDR: 10.244.0.0/16
        configSyncPeriod: 15m0s
        conntrack:
          maxPerCore: 32768
          min: 131072
          tcpBeLiberal: false
          tcpCloseWaitTimeout: 1h0m0s
          tcpEstablishedTimeout: 24h0m0s
          udpStreamTimeout: 0s
          udpTimeout: 0s
        detectLocal:
          bridgeInterface: ""
          interfaceNamePrefix: ""
        detectLocalMode: ""
        enableProfiling: false
        healthzBindAddress: 0.0.0.0:10256
        hostnameOverride: ""
        iptables:
          localhostNodePorts: true
          masqueradeAll: false
          masqueradeBit: 14
          minSyncPeriod: 1s
          syncPeriod: 30s
        ipvs:
          excludeCIDRs: null
          minSyncPeriod: 0s
          scheduler: ""
          strictARP: false
          syncPeriod: 30s
          tcpFinTimeout: 0s
          tcpTimeout: 0s
          udpTimeout: 0s
        kind: KubeProxyConfiguration
        logging:
          flushFrequency: 5s
          format: text
          options:
            json:
              infoBufferSize: "0"
            text:
              infoBufferSize: "0"
          verbosity: 0
        metricsBindAddress: 127.0.0.1:10249
        mode: \(mode.isEmpty ? "\"\"" : mode)
        nftables:
          masqueradeAll: false
          masqueradeBit: 14
          minSyncPeriod: 1s
          syncPeriod: 30s
        nodePortAddresses: null
        oomScoreAdj: -999
        portRange: ""
        showHiddenMetricsForVersion: ""
        winkernel:
          enableDSR: false
          forwardHealthCheckVip: false
          networkName: ""
          rootHnsEndpointName: ""
          sourceVip: ""

        """
    }
}

@Suite struct ConfigValueJSONTests {
    /// /configz strings as Go's encoding/json writes them: HTML characters escaped, DEL as is.
    @Test func stringsAreEscapedAsEncodingJSON() {
        #expect(ConfigValue.string("a<b&c>\u{7F}\"\n\u{1}").json == "\"a\\u003cb\\u0026c\\u003e\u{7F}\\\"\\n\\u0001\"")
    }
}
