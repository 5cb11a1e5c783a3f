import Foundation

extension KubeProxyConfigurationFile {
    /// Flags written into the configuration as kube-proxy's flag bindings do (no `--config`).
    mutating func apply(flags f: [String: String]) throws {
        func dur(_ n: String) -> String? { f[n] }
        func int(_ n: String) -> Int? { f[n].flatMap { Int32($0) }.map(Int.init) }
        func bool(_ n: String) -> Bool? { f[n].flatMap(PFlagParser.parseBool) }
        func list(_ n: String) -> [String]? {
            f[n].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        }
        mode = f["proxy-mode"] ?? mode
        clientConnection = .init(acceptContentTypes: nil, burst: int("kube-api-burst"), contentType: f["kube-api-content-type"],
                                 kubeconfig: f["kubeconfig"], qps: f["kube-api-qps"].flatMap(Double.init))
        bindAddress = f["bind-address"]
        healthzBindAddress = f["healthz-bind-address"]
        metricsBindAddress = f["metrics-bind-address"]
        bindAddressHardFail = bool("bind-address-hard-fail")
        enableProfiling = bool("profiling")
        showHiddenMetricsForVersion = f["show-hidden-metrics-for-version"]
        clusterCIDR = f["cluster-cidr"]
        nodePortAddresses = list("nodeport-addresses")
        detectLocalMode = f["detect-local-mode"]
        detectLocal = .init(bridgeInterface: f["pod-bridge-interface"], interfaceNamePrefix: f["pod-interface-name-prefix"])
        oomScoreAdj = int("oom-score-adj")
        configSyncPeriod = dur("config-sync-period")
        // kube-proxy v1.28 binds both sync period pairs whatever the mode; each proxier reads its own
        // (the iptables pair also after a fallback from IPVS).
        iptables = .init(localhostNodePorts: bool("iptables-localhost-nodeports"), masqueradeAll: bool("masquerade-all"),
                         masqueradeBit: int("iptables-masquerade-bit"),
                         minSyncPeriod: dur("iptables-min-sync-period"),
                         syncPeriod: dur("iptables-sync-period"))
        ipvs = .init(excludeCIDRs: list("ipvs-exclude-cidrs"), minSyncPeriod: dur("ipvs-min-sync-period"),
                     scheduler: f["ipvs-scheduler"], strictARP: bool("ipvs-strict-arp"),
                     syncPeriod: dur("ipvs-sync-period"), tcpFinTimeout: dur("ipvs-tcpfin-timeout"),
                     tcpTimeout: dur("ipvs-tcp-timeout"), udpTimeout: dur("ipvs-udp-timeout"))
        conntrack = .init(maxPerCore: int("conntrack-max-per-core"), min: int("conntrack-min"),
                          tcpBeLiberal: bool("conntrack-tcp-be-liberal"),
                          tcpCloseWaitTimeout: dur("conntrack-tcp-timeout-close-wait"),
                          tcpEstablishedTimeout: dur("conntrack-tcp-timeout-established"),
                          udpStreamTimeout: dur("conntrack-udp-timeout-stream"), udpTimeout: dur("conntrack-udp-timeout"))
        if let gates = f["feature-gates"] {
            var map: [String: Bool] = [:]
            for pair in gates.split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if kv.count == 2, let b = PFlagParser.parseBool(kv[1]) { map[kv[0]] = b }
            }
            featureGates = map
        }
    }

    /// Logging flags override the file's logging section (kube-proxy copies changed logging flags).
    mutating func applyLogging(flags f: [String: String]) throws {
        var l = logging ?? .init()
        if let v = f["v"] { l.verbosity = Int(v) }
        if let format = f["logging-format"] { l.format = format }
        if let d = f["log-flush-frequency"] { l.flushFrequency = d }
        if let m = f["vmodule"] { l.vmodule = (l.vmodule ?? []) + m.split(separator: ",").map(String.init) }
        logging = l
    }

    /// `--healthz-bind-address ""` disables the server; the deprecated `--healthz-port` /
    /// `--metrics-port` replace the port (0 disables), as kube-proxy does without `--config`.
    mutating func applyAddressFlags(_ f: [String: String]) throws {
        if f["healthz-bind-address"] == "" { healthzBindAddress = "" }
        if f["metrics-bind-address"] == "" { metricsBindAddress = "" }
        for (flag, path) in [("healthz-port", \Self.healthzBindAddress), ("metrics-port", \.metricsBindAddress)]
            as [(String, WritableKeyPath<Self, String?>)] {
            guard let text = f[flag], let port = Int(text) else { continue }
            guard (0...65535).contains(port) else { throw OptionsError(setting: "--\(flag)", reason: "\(port) is outside 0-65535") }
            guard port != 0 else { self[keyPath: path] = ""; continue }
            // As kube-proxy: the port only completes a bind address flag given without one.
            let address = f[flag == "healthz-port" ? "healthz-bind-address" : "metrics-bind-address"] ?? ""
            if IPText.isIP(address) { self[keyPath: path] = Self.address(address, "", port) }
        }
    }
}
