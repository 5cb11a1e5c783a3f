import KubeIPVSDaemon
import Testing

@Suite struct PFlagParserTests {
    let parser = PFlagParser()

    @Test func valueAndBooleanFormsAsPflagReadsThem() throws {
        let r = try parser.parse(["--proxy-mode=ipvs", "--ipvs-scheduler", "lc", "--masquerade-all", "--ipvs-strict-arp=F",
                                  "--cleanup=1", "--hostname_override", "n1", "--ipvs-exclude-cidrs=10.0.0.0/8",
                                  "--ipvs-exclude-cidrs", "10.1.0.0/16", "--", "--not-a-flag"])
        #expect(r.values["proxy-mode"] == "ipvs" && r.values["ipvs-scheduler"] == "lc")
        #expect(r.values["masquerade-all"] == "true" && r.values["ipvs-strict-arp"] == "false" && r.values["cleanup"] == "true")
        #expect(r.values["hostname-override"] == "n1")
        #expect(r.values["ipvs-exclude-cidrs"] == "10.0.0.0/8,10.1.0.0/16")
        #expect(r.positional == ["--not-a-flag"])
    }

    @Test(arguments: [["-v=4"], ["-v", "4"], ["-v4"], ["--v=4"], ["--v", "4"]])
    func verbosityForms(_ args: [String]) throws {
        #expect(try parser.parse(args).values["v"] == "4")
    }

    @Test func aBareBooleanDoesNotTakeTheNextWord() throws {
        // pflag: `--masquerade-all true` leaves "true" as an argument (kube-proxy then refuses it).
        let r = try parser.parse(["--masquerade-all", "true"])
        #expect(r.values["masquerade-all"] == "true" && r.positional == ["true"])
    }

    @Test(arguments: [
        (["--no-such-flag"], "--no-such-flag: unknown flag"),
        (["-x"], "-x: unknown shorthand flag 'x'"),
        (["--ipvs-scheduler"], "--ipvs-scheduler: flag needs an argument"),
        (["--masquerade-all=yes"], "--masquerade-all: invalid argument \"yes\": not a boolean (true, false, 1, 0, t, f)"),
        (["--healthz-bind-address", "garbage"], "--healthz-bind-address: invalid argument \"garbage\": not in a valid format (ip or ip:port)"),
        (["--ipvs-sync-period=9999999999h"], "--ipvs-sync-period: invalid argument \"9999999999h\": duration out of range (at most 2562047h47m16.854775807s)"),
        (["--oom-score-adj=-99999999999"], "--oom-score-adj: invalid argument \"-99999999999\": not a 32-bit integer"),
        (["--bind-address=1.2.3"], "--bind-address: invalid argument \"1.2.3\": not an IP address"),
        (["--feature-gates=A"], "--feature-gates: invalid argument \"A\": want key=true|false pairs"),
        (["-v=-1"], "-v: invalid argument \"-1\": not a verbosity level (0 or more)"),
    ])
    func badCommandLinesNameTheFlag(_ args: [String], _ message: String) {
        #expect { try parser.parse(args) } throws: { "\($0)" == message }
    }

    /// A valid sample value for every kind of flag.
    static func sample(_ f: KubeProxyFlag) -> String {
        switch f.kind {
        case .bool, .version: "true"
        case .duration: "10s"
        case .int32, .verbosity: "2"
        case .float32: "5.5"
        case .ip: "10.0.0.1"
        case .ipPort: "127.0.0.1:10256"
        case .mapStringBool: "SomeGate=true"
        case .string, .stringSlice:
            switch f.name {
            case "proxy-mode": "ipvs"
            case "ipvs-scheduler": "rr"
            case "cluster-cidr", "ipvs-exclude-cidrs", "nodeport-addresses": "10.0.0.0/8"
            case "detect-local-mode": "ClusterCIDR"
            case "logging-format": "json"
            default: "value"
            }
        }
    }

    @Test func everyKubeProxyFlagIsAcceptedAndTheUnhonouredOnesNamedInOneWarning() throws {
        let names: Set<String> = ["help", "version", "config", "write-config-to", "cleanup", "once", "manifests"]
        let flags = KubeProxyFlag.all.values.filter { !names.contains($0.name) }.sorted { $0.name < $1.name }
        let args = flags.map { "--\($0.name)=\(Self.sample($0))" }
        let r = try parser.parse(args)
        #expect(r.values.count == flags.count && r.positional.isEmpty)
        let o = try DaemonOptions.resolve(flags: DaemonFlags(r))
        let ignored = flags.filter { $0.support == .ignored }.map { "--\($0.name)" }
        #expect(o.warnings == ["flags accepted but not honoured by kube-ipvs (see docs/kube-proxy-compatibility.md): "
            + ignored.joined(separator: ", ")])
        #expect(o.verbosity == 2 && o.loggingFormat == "json" && o.hostnameOverride == "value")
        #expect(o.hostTuning.conntrackMin == 2 && o.hostTuning.tcpBeLiberal && o.hostTuning.oomScoreAdj == 2)
        #expect(o.hostTuning.udpTimeout == .seconds(10) && o.syncPeriod == .seconds(10))
    }

    @Test func kubeProxyV128FlagsFromItsHelpAreAllKnown() {
        // Flags `kube-proxy --help` of v1.28 lists (cmd/kube-proxy/app/options.go and component-base).
        let v128 = ["bind-address", "bind-address-hard-fail", "cleanup", "cluster-cidr", "config", "config-sync-period",
                    "conntrack-max-per-core", "conntrack-min", "conntrack-tcp-timeout-close-wait",
                    "conntrack-tcp-timeout-established", "detect-local-mode", "feature-gates", "healthz-bind-address",
                    "hostname-override", "iptables-localhost-nodeports", "iptables-masquerade-bit",
                    "iptables-min-sync-period", "iptables-sync-period", "ipvs-exclude-cidrs", "ipvs-min-sync-period",
                    "ipvs-scheduler", "ipvs-strict-arp", "ipvs-sync-period", "ipvs-tcp-timeout", "ipvs-tcpfin-timeout",
                    "ipvs-udp-timeout", "kube-api-burst", "kube-api-content-type", "kube-api-qps", "kubeconfig",
                    "log-flush-frequency", "logging-format", "masquerade-all", "master", "metrics-bind-address",
                    "nodeport-addresses", "oom-score-adj", "pod-bridge-interface", "pod-interface-name-prefix",
                    "profiling", "proxy-mode", "show-hidden-metrics-for-version", "v", "version", "vmodule",
                    "write-config-to", "help"]
        #expect(v128.filter { KubeProxyFlag.all[$0] == nil } == [])
    }

    @Test func kubeProxyPrecedenceWithoutAFileFlagsFillTheConfiguration() throws {
        let r = try parser.parse(["--proxy-mode=iptables", "--iptables-sync-period=45s", "--ipvs-sync-period=5s",
                                  "--healthz-bind-address=", "--metrics-bind-address=10.0.0.1", "--metrics-port=9999"])
        let o = try DaemonOptions.resolve(flags: DaemonFlags(r))
        // In iptables mode the iptables pair is read, the IPVS one ignored (kube-proxy v1.28).
        #expect(o.mode == .iptables && o.syncPeriod == .seconds(45) && o.minSyncPeriod == .seconds(1))
        #expect(o.healthzBindAddress == "" && o.metricsBindAddress == "10.0.0.1:9999")
    }
}
