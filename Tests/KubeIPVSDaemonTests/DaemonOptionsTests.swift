import KubeIPVSCore
import KubeIPVSDaemon
import Testing
import Yams

@Suite struct DaemonOptionsTests {
    @Test func defaultsAreKubeProxys() throws {
        let o = try DaemonOptions.resolve(flags: DaemonFlags())
        #expect(o.mode == .ipvs && o.proxy.scheduler == .roundRobin)
        #expect(o.syncPeriod == .seconds(30) && o.minSyncPeriod == .seconds(1))
        #expect(o.healthzBindAddress == "0.0.0.0:10256" && o.metricsBindAddress == "127.0.0.1:10249")
        #expect(o.proxy.masqueradeMark == "0x4000" && o.proxy.nodePortAddresses == .all)
    }

    @Test func configFileThenFlags() throws {
        let file = try YAMLDecoder().decode(KubeProxyConfigurationFile.self, from: """
            apiVersion: kubeproxy.config.k8s.io/v1alpha1
            kind: KubeProxyConfiguration
            mode: ipvs
            clusterCIDR: 10.244.0.0/16
            nodePortAddresses: ["10.0.0.0/8"]
            ipvs: {scheduler: lc, syncPeriod: 1m0s, minSyncPeriod: 500ms, strictARP: true, excludeCIDRs: ["10.200.0.0/16"], tcpTimeout: 2h}
            iptables: {masqueradeBit: 13}
            somethingNew: ignored
            """)
        var flags = DaemonFlags()
        flags.ipvsScheduler = "sh"
        let o = try DaemonOptions.resolve(flags: flags, file: file)
        #expect(o.proxy.scheduler == .sourceHashing)
        #expect(o.syncPeriod == .seconds(60) && o.minSyncPeriod == .milliseconds(500))
        #expect(o.proxy.strictARP && o.proxy.excludeCIDRs == [CIDR("10.200.0.0/16")!])
        #expect(o.proxy.clusterCIDRs == [CIDR("10.244.0.0/16")!])
        #expect(o.proxy.nodePortAddresses == .cidrs([CIDR("10.0.0.0/8")!]))
        #expect(o.tcpTimeout == .seconds(7200) && o.proxy.masqueradeMark == "0x2000")
    }

    @Test(arguments: [
        ("ipvsScheduler", "fastest", "--ipvs-scheduler: unknown scheduler \"fastest\" (want rr|lc|dh|sh|sed|nq|wrr|wlc)"),
        ("proxyMode", "nftables", "--proxy-mode: unknown proxy mode \"nftables\" (want ipvs or iptables)"),
        ("ipvsSyncPeriod", "soon", "--ipvs-sync-period: invalid duration \"soon\" (for example 30s, 1m0s, 500ms)"),
        ("clusterCIDR", "10.244.0.0/33", "--cluster-cidr: invalid CIDR \"10.244.0.0/33\""),
    ])
    func badFlagsNameTheFlagAndWhy(_ flag: String, _ value: String, _ message: String) {
        var flags = DaemonFlags()
        switch flag {
        case "ipvsScheduler": flags.ipvsScheduler = value
        case "proxyMode": flags.proxyMode = value
        case "ipvsSyncPeriod": flags.ipvsSyncPeriod = value
        default: flags.clusterCIDR = value
        }
        #expect { try DaemonOptions.resolve(flags: flags) } throws: { "\($0)" == message }
    }

    @Test func goDurations() {
        #expect(GoDuration.parse("1h30m") == .seconds(5400))
        #expect(GoDuration.parse("1m0s") == .seconds(60))
        #expect(GoDuration.parse("250ms") == .milliseconds(250))
        #expect(GoDuration.parse("0") == .zero)
        #expect(GoDuration.parse("10") == nil)
        #expect(GoDuration.parse("") == nil)
    }

    @Test func minSyncPeriodMayNotExceedSyncPeriod() {
        var flags = DaemonFlags()
        flags.ipvsMinSyncPeriod = "1m"
        flags.ipvsSyncPeriod = "30s"
        #expect { try DaemonOptions.resolve(flags: flags) } throws: { "\($0)".contains("must not exceed") }
    }
}
