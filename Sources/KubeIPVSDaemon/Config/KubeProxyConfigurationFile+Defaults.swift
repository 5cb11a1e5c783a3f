import Glibc

extension KubeProxyConfigurationFile {
    /// kube-proxy's v1alpha1 defaulting, field by field: an absent, empty or zero field takes the
    /// default (docs/kube-proxy-config.md lists them). `ipvs.minSyncPeriod` and the IPVS and UDP
    /// conntrack timeouts have no default (0 means "immediate" / "leave as is").
    public func defaulted() -> KubeProxyConfigurationFile {
        var c = self
        c.apiVersion = Self.apiVersionV1Alpha1
        c.kind = Self.kindName
        if (c.bindAddress ?? "").isEmpty { c.bindAddress = "0.0.0.0" }
        let v4 = IPText.isIPv4(c.bindAddress ?? "")
        c.healthzBindAddress = Self.address(c.healthzBindAddress, v4 ? "0.0.0.0" : "[::]", 10256)
        c.metricsBindAddress = Self.address(c.metricsBindAddress, v4 ? "127.0.0.1" : "[::1]", 10249)
        c.oomScoreAdj = c.oomScoreAdj ?? -999
        c.defaultSections()
        c.configSyncPeriod = Self.nonZero(c.configSyncPeriod) ?? "15m0s"
        var cc = c.clientConnection ?? .init()
        if (cc.contentType ?? "").isEmpty { cc.contentType = "application/vnd.kubernetes.protobuf" }
        if (cc.qps ?? 0) == 0 { cc.qps = 5 }
        if (cc.burst ?? 0) == 0 { cc.burst = 10 }
        cc.kubeconfig = cc.kubeconfig ?? ""
        cc.acceptContentTypes = cc.acceptContentTypes ?? ""
        c.clientConnection = cc
        c.featureGates = c.featureGates ?? [:]
        var l = c.logging ?? .init()
        // component-base's recommended logging configuration.
        if (l.format ?? "").isEmpty { l.format = "text" }
        l.flushFrequency = Self.nonZero(l.flushFrequency) ?? "5s"
        l.verbosity = l.verbosity ?? 0
        c.logging = l
        c.detectLocal = c.detectLocal ?? .init(bridgeInterface: "", interfaceNamePrefix: "")
        for (path, value) in [(\Self.clusterCIDR, ""), (\.detectLocalMode, ""), (\.hostnameOverride, ""), (\.mode, ""),
                              (\.portRange, ""), (\.showHiddenMetricsForVersion, "")] as [(WritableKeyPath<Self, String?>, String)] {
            c[keyPath: path] = c[keyPath: path] ?? value
        }
        c.bindAddressHardFail = c.bindAddressHardFail ?? false
        c.enableProfiling = c.enableProfiling ?? false
        return c
    }

    /// The iptables, ipvs, nftables and conntrack sections' defaults.
    mutating func defaultSections() {
        var t = self.iptables ?? .init()
        t.syncPeriod = Self.nonZero(t.syncPeriod) ?? "30s"
        t.minSyncPeriod = Self.nonZero(t.minSyncPeriod) ?? "1s"
        t.masqueradeBit = t.masqueradeBit ?? 14
        t.localhostNodePorts = t.localhostNodePorts ?? true
        t.masqueradeAll = t.masqueradeAll ?? false
        self.iptables = t
        var i = self.ipvs ?? .init()
        i.syncPeriod = Self.nonZero(i.syncPeriod) ?? "30s"
        i.minSyncPeriod = i.minSyncPeriod ?? "0s"
        i.scheduler = i.scheduler ?? ""
        i.strictARP = i.strictARP ?? false
        i.tcpTimeout = i.tcpTimeout ?? "0s"
        i.tcpFinTimeout = i.tcpFinTimeout ?? "0s"
        i.udpTimeout = i.udpTimeout ?? "0s"
        self.ipvs = i
        var n = self.nftables ?? .init()
        n.syncPeriod = Self.nonZero(n.syncPeriod) ?? "30s"
        n.minSyncPeriod = Self.nonZero(n.minSyncPeriod) ?? "1s"
        n.masqueradeBit = n.masqueradeBit ?? 14
        n.masqueradeAll = n.masqueradeAll ?? false
        self.nftables = n
        var k = self.conntrack ?? .init()
        k.maxPerCore = k.maxPerCore ?? 32 * 1024
        k.min = k.min ?? 128 * 1024
        k.tcpEstablishedTimeout = k.tcpEstablishedTimeout ?? "24h0m0s"
        k.tcpCloseWaitTimeout = k.tcpCloseWaitTimeout ?? "1h0m0s"
        k.tcpBeLiberal = k.tcpBeLiberal ?? false
        k.udpTimeout = k.udpTimeout ?? "0s"
        k.udpStreamTimeout = k.udpStreamTimeout ?? "0s"
        self.conntrack = k
    }

    /// nil for an absent or zero duration (invalid text is kept for validation to report).
    static func nonZero(_ d: String?) -> String? {
        guard let d else { return nil }
        return (try? GoDuration.parseNanoseconds(d)) == 0 ? nil : d
    }

    /// `host:port` with the default host when empty, and the default port when only a host is given.
    static func address(_ text: String?, _ host: String, _ port: Int) -> String {
        guard let text, !text.isEmpty else { return "\(host):\(port)" }
        if IPText.isIPv4(text) { return "\(text):\(port)" }
        if IPText.isIPv6(text) { return "[\(text)]:\(port)" }
        return text
    }
}

/// Textual IP checks as Go's net.ParseIP takes them (dotted quad, or IPv6 text).
enum IPText {
    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in
            !p.isEmpty && p.count <= 3 && p.allSatisfy { $0.isASCII && $0.isNumber } && Int(p)! <= 255
        }
    }

    static func isIPv6(_ s: String) -> Bool {
        guard s.contains(":"), s.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
        var a = in6_addr()
        return inet_pton(AF_INET6, s, &a) == 1
    }

    static func isIP(_ s: String) -> Bool { isIPv4(s) || isIPv6(s) }

    /// kube-proxy's IPPortVar: an IP, or IP:port with a port number.
    static func isIPPort(_ s: String) -> Bool {
        if isIP(s) { return true }
        guard let colon = s.lastIndex(of: ":") else { return false }
        var host = String(s[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) } else if host.contains(":") { return false }
        guard let port = Int(s[s.index(after: colon)...]), (0...65535).contains(port) else { return false }
        return isIP(host)
    }
}
