import KubeIPVSCore
import KubeIPVSDaemon
import Testing
import Yams

@Suite struct DaemonOptionsTests {
    @Test func defaultsAreKubeProxys() throws {
        let o = try DaemonOptions.resolve(flags: DaemonFlags())
        #expect(o.mode == .ipvs && o.proxy.scheduler == .roundRobin)
        // kube-proxy's v1alpha1 has no default for ipvs.minSyncPeriod: 0, every change syncs at once.
        #expect(o.syncPeriod == .seconds(30) && o.minSyncPeriod == .zero)
        #expect(o.healthzBindAddress == "0.0.0.0:10256" && o.metricsBindAddress == "127.0.0.1:10249")
        #expect(o.proxy.masqueradeMark == "0x4000" && o.proxy.nodePortAddresses == .all)
    }

    @Test func configFileWinsOverFlagsAsInKubeProxy() throws {
        let loaded = try KubeProxyConfigLoader.decode("""
            apiVersion: kubeproxy.config.k8s.io/v1alpha1
            kind: KubeProxyConfiguration
            mode: ipvs
            clusterCIDR: 10.244.0.0/16
            nodePortAddresses: ["10.0.0.0/8"]
            ipvs: {scheduler: lc, syncPeriod: 1m0s, minSyncPeriod: 500ms, strictARP: true, excludeCIDRs: ["10.200.0.0/16"], tcpTimeout: 2h}
            iptables: {masqueradeBit: 13}
            somethingNew: ignored
            """)
        #expect(loaded.warnings == ["unknown field \"somethingNew\""])
        var flags = DaemonFlags()
        flags.ipvsScheduler = "sh"
        let o = try DaemonOptions.resolve(flags: flags, file: loaded.file, fileWarnings: loaded.warnings)
        #expect(o.proxy.scheduler == .leastConnection)
        #expect(o.warnings.contains("flags ignored because --config is given (the file wins, as in kube-proxy): --ipvs-scheduler"))
        #expect(o.warnings.contains("--config: unknown field \"somethingNew\""))
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

@Suite struct GoDurationRangeTests {
    @Test func goParseDurationForms() throws {
        #expect(GoDuration.parse("1.5h") == .seconds(5400))
        #expect(GoDuration.parse(".5s") == .milliseconds(500))
        #expect(GoDuration.parse("-1m") == .seconds(-60))
        #expect(GoDuration.parse("+2us") == .microseconds(2))
        #expect(GoDuration.parse("3µs") == .microseconds(3) && GoDuration.parse("3μs") == .microseconds(3))
        #expect(GoDuration.parse("1.0000000009s") == .nanoseconds(1_000_000_000))
        for bad in ["1", "s", "1x", "1e3s", ".s", "1..2s", " 1s", "1s ", "٣s"] { #expect(GoDuration.parse(bad) == nil, "\(bad)") }
    }

    @Test func int64NanosecondsAreTheLimitNotATrap() throws {
        #expect(try GoDuration.parseNanoseconds("2562047h47m16.854775807s") == Int64.max)
        #expect(try GoDuration.parseNanoseconds("-2562047h47m16.854775808s") == Int64.min)
        for text in ["9999999999h", "2562047h47m16.854775808s", "9223372036854775808ns", "99999999999999999999999s",
                     "2562047h2562047h"] {
            #expect(throws: GoDuration.Failure.outOfRange, "\(text)") { try GoDuration.parseNanoseconds(text) }
        }
    }

    @Test func formattedAsGo() {
        #expect(GoDuration.format(.seconds(86400)) == "24h0m0s" && GoDuration.format(.seconds(90)) == "1m30s")
        #expect(GoDuration.format(.milliseconds(1500)) == "1.5s" && GoDuration.format(.milliseconds(250)) == "250ms")
        #expect(GoDuration.format(.zero) == "0s" && GoDuration.format(.seconds(-30)) == "-30s")
    }
}

@Suite struct DetectLocalOptionsTests {
    static func options(_ yaml: String) throws -> DaemonOptions {
        let loaded = try KubeProxyConfigLoader.decode("""
            apiVersion: kubeproxy.config.k8s.io/v1alpha1
            kind: KubeProxyConfiguration
            \(yaml)
            """)
        return try DaemonOptions.resolve(flags: DaemonFlags(), file: loaded.file, fileWarnings: loaded.warnings)
    }

    @Test func eachModeReachesThePlannersDetector() throws {
        #expect(try Self.options("detectLocalMode: \"\"").proxy.localDetector == .clusterCIDR)
        let bridge = try Self.options("detectLocalMode: BridgeInterface\ndetectLocal: {bridgeInterface: cbr0}")
        #expect(bridge.proxy.localDetector == .bridgeInterface("cbr0"))
        #expect(bridge.proxy.localTraffic(.v4)?.ifNotLocal == "! -i cbr0")
        let prefix = try Self.options("detectLocalMode: InterfaceNamePrefix\ndetectLocal: {interfaceNamePrefix: veth}")
        #expect(prefix.proxy.localDetector == .interfaceNamePrefix("veth"))
        #expect(prefix.proxy.localTraffic(.v6)?.ifLocal == "-i veth+")
    }

    /// The pod CIDRs come from the Node at run time (the loop waits for them): none at start, no warning.
    @Test func nodeCIDRStartsWithoutPodCIDRs() throws {
        let o = try Self.options("detectLocalMode: NodeCIDR")
        #expect(o.detectLocalMode == .nodeCIDR)
        #expect(o.proxy.localDetector == .nodeCIDR([]))
        #expect(o.proxy.localTraffic(.v4) == nil)
        #expect(o.warnings.isEmpty, "\(o.warnings)")
    }
}
