extension KubeProxyConfigurationFile {
    /// The configuration as kube-proxy serialises v1alpha1 (keys sorted, as sigs.k8s.io/yaml writes
    /// them); nil fields are written as null.
    public var rendered: ConfigValue {
        func s(_ v: String?) -> ConfigValue { v.map(ConfigValue.string) ?? .null }
        func b(_ v: Bool?) -> ConfigValue { v.map(ConfigValue.bool) ?? .null }
        func i(_ v: Int?) -> ConfigValue { v.map { .number(String($0)) } ?? .null }
        func l(_ v: [String]?) -> ConfigValue { v.map { .list($0.map(ConfigValue.string)) } ?? .null }
        func d(_ v: String?) -> ConfigValue {
            v.map { t in (try? GoDuration.parseNanoseconds(t)).map { .string(GoDuration.format(.nanoseconds($0))) } ?? .string(t) } ?? .null
        }
        let cc = clientConnection ?? .init(), k = conntrack ?? .init(), dl = detectLocal ?? .init()
        let t = iptables ?? .init(), v = ipvs ?? .init(), n = nftables ?? .init(), g = logging ?? .init()
        let qps: ConfigValue = cc.qps.map { q in .number(q == q.rounded() ? String(Int(q)) : String(q)) } ?? .null
        var pairs: [(String, ConfigValue?)] = [
            ("apiVersion", s(apiVersion)), ("bindAddress", s(bindAddress)), ("bindAddressHardFail", b(bindAddressHardFail)),
            ("clientConnection", .map([("acceptContentTypes", s(cc.acceptContentTypes)), ("burst", i(cc.burst)),
                                       ("contentType", s(cc.contentType)), ("kubeconfig", s(cc.kubeconfig)), ("qps", qps)])),
            ("clusterCIDR", s(clusterCIDR)), ("configSyncPeriod", d(configSyncPeriod)),
            ("conntrack", .map([("maxPerCore", i(k.maxPerCore)), ("min", i(k.min)), ("tcpBeLiberal", b(k.tcpBeLiberal)),
                                ("tcpCloseWaitTimeout", d(k.tcpCloseWaitTimeout)), ("tcpEstablishedTimeout", d(k.tcpEstablishedTimeout)),
                                ("udpStreamTimeout", d(k.udpStreamTimeout)), ("udpTimeout", d(k.udpTimeout))])),
            ("detectLocal", .map([("bridgeInterface", s(dl.bridgeInterface)), ("interfaceNamePrefix", s(dl.interfaceNamePrefix))])),
            ("detectLocalMode", s(detectLocalMode)), ("enableProfiling", b(enableProfiling)),
            ("featureGates", (featureGates ?? [:]).isEmpty ? nil : ConfigValue.map(featureGates!.sorted { $0.key < $1.key }.map { ($0.key, .bool($0.value)) })),
            ("healthzBindAddress", s(healthzBindAddress)), ("hostnameOverride", s(hostnameOverride)),
            ("iptables", .map([("localhostNodePorts", b(t.localhostNodePorts)), ("masqueradeAll", b(t.masqueradeAll)),
                               ("masqueradeBit", i(t.masqueradeBit)), ("minSyncPeriod", d(t.minSyncPeriod)), ("syncPeriod", d(t.syncPeriod))])),
            ("ipvs", .map([("excludeCIDRs", l(v.excludeCIDRs)), ("minSyncPeriod", d(v.minSyncPeriod)), ("scheduler", s(v.scheduler)),
                           ("strictARP", b(v.strictARP)), ("syncPeriod", d(v.syncPeriod)), ("tcpFinTimeout", d(v.tcpFinTimeout)),
                           ("tcpTimeout", d(v.tcpTimeout)), ("udpTimeout", d(v.udpTimeout))])),
            ("kind", s(kind)),
        ]
        var logging: [(String, ConfigValue)] = [("flushFrequency", d(g.flushFrequency)), ("format", s(g.format))]
        if let o = g.options { logging.append(("options", o)) }
        logging.append(("verbosity", i(g.verbosity)))
        if let m = g.vmodule { logging.append(("vmodule", l(m))) }
        pairs += [
            ("logging", .map(logging)), ("metricsBindAddress", s(metricsBindAddress)), ("mode", s(mode)),
            ("nftables", .map([("masqueradeAll", b(n.masqueradeAll)), ("masqueradeBit", i(n.masqueradeBit)),
                               ("minSyncPeriod", d(n.minSyncPeriod)), ("syncPeriod", d(n.syncPeriod))])),
            ("nodePortAddresses", l(nodePortAddresses)), ("oomScoreAdj", i(oomScoreAdj)), ("portRange", s(portRange)),
            ("showHiddenMetricsForVersion", s(showHiddenMetricsForVersion)),
        ]
        if let w = winkernel { pairs.append(("winkernel", w)) }
        return .map(pairs.compactMap { key, value in value.map { (key, $0) } })
    }
}
