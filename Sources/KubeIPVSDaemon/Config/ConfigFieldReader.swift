/// Types a parsed `KubeProxyConfiguration` document field by field, as Go's JSON decoding into
/// kube-proxy's v1alpha1 struct does: a string field takes only a string, an int32 field only an
/// integer in range, a duration only Go duration text; null leaves a field unset. Unknown fields
/// become warnings, like kube-proxy's lenient fallback.
struct ConfigFieldReader {
    let source: String
    var warnings: [String] = []

    init(source: String) { self.source = source }

    mutating func configuration(_ tree: ConfigValue) throws -> KubeProxyConfigurationFile {
        let f = try fields(tree, "", Self.topLevel) ?? [:]
        var c = KubeProxyConfigurationFile()
        c.apiVersion = try string(f, "apiVersion")
        c.kind = try string(f, "kind")
        guard c.apiVersion == KubeProxyConfigurationFile.apiVersionV1Alpha1 else {
            throw OptionsError(setting: source, reason: "apiVersion \(c.apiVersion.map { "\"\($0)\"" } ?? "missing"): "
                + "want \(KubeProxyConfigurationFile.apiVersionV1Alpha1) (the only version released kube-proxy serves)")
        }
        guard c.kind == KubeProxyConfigurationFile.kindName else {
            throw OptionsError(setting: source, reason: "kind \(c.kind.map { "\"\($0)\"" } ?? "missing"): want KubeProxyConfiguration")
        }
        c.bindAddress = try string(f, "bindAddress")
        c.bindAddressHardFail = try bool(f, "bindAddressHardFail")
        c.clusterCIDR = try string(f, "clusterCIDR")
        c.configSyncPeriod = try duration(f, "configSyncPeriod")
        c.detectLocalMode = try string(f, "detectLocalMode")
        c.enableProfiling = try bool(f, "enableProfiling")
        c.healthzBindAddress = try string(f, "healthzBindAddress")
        c.hostnameOverride = try string(f, "hostnameOverride")
        c.metricsBindAddress = try string(f, "metricsBindAddress")
        c.mode = try string(f, "mode")
        c.nodePortAddresses = try strings(f, "nodePortAddresses")
        c.oomScoreAdj = try int(f, "oomScoreAdj")
        c.portRange = try string(f, "portRange")
        c.showHiddenMetricsForVersion = try string(f, "showHiddenMetricsForVersion")
        c.windowsRunAsService = try bool(f, "windowsRunAsService")
        c.winkernel = f["winkernel"].flatMap { $0 == .null ? nil : $0 }
        c.featureGates = try boolMap(f, "featureGates")
        try sections(f, into: &c)
        return c
    }

    mutating func sections(_ f: [String: ConfigValue], into c: inout KubeProxyConfigurationFile) throws {
        if let s = try fields(f["clientConnection"], "clientConnection.", Self.clientConnection) {
            c.clientConnection = .init(acceptContentTypes: try string(s, "acceptContentTypes", "clientConnection."),
                                       burst: try int(s, "burst", "clientConnection."),
                                       contentType: try string(s, "contentType", "clientConnection."),
                                       kubeconfig: try string(s, "kubeconfig", "clientConnection."),
                                       qps: try number(s, "qps", "clientConnection."))
        }
        if let s = try fields(f["conntrack"], "conntrack.", Self.conntrack) {
            let p = "conntrack."
            c.conntrack = .init(maxPerCore: try int(s, "maxPerCore", p), min: try int(s, "min", p),
                                tcpBeLiberal: try bool(s, "tcpBeLiberal", p),
                                tcpCloseWaitTimeout: try duration(s, "tcpCloseWaitTimeout", p),
                                tcpEstablishedTimeout: try duration(s, "tcpEstablishedTimeout", p),
                                udpStreamTimeout: try duration(s, "udpStreamTimeout", p), udpTimeout: try duration(s, "udpTimeout", p))
        }
        if let s = try fields(f["detectLocal"], "detectLocal.", Self.detectLocal) {
            c.detectLocal = .init(bridgeInterface: try string(s, "bridgeInterface", "detectLocal."),
                                  interfaceNamePrefix: try string(s, "interfaceNamePrefix", "detectLocal."))
        }
        if let s = try fields(f["iptables"], "iptables.", Self.iptables) {
            let p = "iptables."
            c.iptables = .init(localhostNodePorts: try bool(s, "localhostNodePorts", p), masqueradeAll: try bool(s, "masqueradeAll", p),
                               masqueradeBit: try int(s, "masqueradeBit", p), minSyncPeriod: try duration(s, "minSyncPeriod", p),
                               syncPeriod: try duration(s, "syncPeriod", p))
        }
        if let s = try fields(f["ipvs"], "ipvs.", Self.ipvs) {
            let p = "ipvs."
            c.ipvs = .init(excludeCIDRs: try strings(s, "excludeCIDRs", p), minSyncPeriod: try duration(s, "minSyncPeriod", p),
                           scheduler: try string(s, "scheduler", p), strictARP: try bool(s, "strictARP", p),
                           syncPeriod: try duration(s, "syncPeriod", p), tcpFinTimeout: try duration(s, "tcpFinTimeout", p),
                           tcpTimeout: try duration(s, "tcpTimeout", p), udpTimeout: try duration(s, "udpTimeout", p))
        }
        if let s = try fields(f["nftables"], "nftables.", Self.nftables) {
            let p = "nftables."
            c.nftables = .init(masqueradeAll: try bool(s, "masqueradeAll", p), masqueradeBit: try int(s, "masqueradeBit", p),
                               minSyncPeriod: try duration(s, "minSyncPeriod", p), syncPeriod: try duration(s, "syncPeriod", p))
        }
        if let s = try fields(f["logging"], "logging.", Self.logging) {
            let p = "logging."
            c.logging = .init(flushFrequency: try flushFrequency(s), format: try string(s, "format", p),
                              verbosity: try int(s, "verbosity", p), vmodule: try vmodule(s),
                              options: s["options"].flatMap { $0 == .null ? nil : $0 })
        }
    }

    static let topLevel: Set<String> = [
        "apiVersion", "kind", "bindAddress", "bindAddressHardFail", "clientConnection", "clusterCIDR",
        "configSyncPeriod", "conntrack", "detectLocal", "detectLocalMode", "enableProfiling", "featureGates",
        "healthzBindAddress", "hostnameOverride", "iptables", "ipvs", "logging", "metricsBindAddress", "mode",
        "nftables", "nodePortAddresses", "oomScoreAdj", "portRange", "showHiddenMetricsForVersion", "winkernel",
        "windowsRunAsService",
    ]
    static let clientConnection: Set<String> = ["acceptContentTypes", "burst", "contentType", "kubeconfig", "qps"]
    static let conntrack: Set<String> = ["maxPerCore", "min", "tcpBeLiberal", "tcpCloseWaitTimeout",
                                         "tcpEstablishedTimeout", "udpStreamTimeout", "udpTimeout"]
    static let detectLocal: Set<String> = ["bridgeInterface", "interfaceNamePrefix"]
    static let iptables: Set<String> = ["localhostNodePorts", "masqueradeAll", "masqueradeBit", "minSyncPeriod", "syncPeriod"]
    static let ipvs: Set<String> = ["excludeCIDRs", "minSyncPeriod", "scheduler", "strictARP", "syncPeriod",
                                    "tcpFinTimeout", "tcpTimeout", "udpTimeout"]
    static let nftables: Set<String> = ["masqueradeAll", "masqueradeBit", "minSyncPeriod", "syncPeriod"]
    static let logging: Set<String> = ["flushFrequency", "format", "options", "verbosity", "vmodule"]
}
