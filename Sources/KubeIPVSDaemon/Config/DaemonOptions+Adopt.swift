import Foundation
import KubeIPVSCore

extension DaemonOptions {
    /// Takes a defaulted configuration, validating each value kube-ipvs acts on.
    mutating func adopt(_ c: KubeProxyConfigurationFile) throws {
        effectiveConfiguration = c
        let m = c.mode ?? ""
        // An empty mode is kube-ipvs's default, IPVS (kube-proxy's would be iptables): see the docs.
        if !m.isEmpty { mode = try Self.mode(m, "mode") }
        proxy.clusterCIDRs = (c.clusterCIDR ?? "").isEmpty ? [] : try Self.cidrs(c.clusterCIDR!, "clusterCIDR")
        hostnameOverride = Self.nodeName(c.hostnameOverride)
        healthzBindAddress = try Self.bindAddress(c.healthzBindAddress ?? "", "healthzBindAddress")
        metricsBindAddress = try Self.bindAddress(c.metricsBindAddress ?? "", "metricsBindAddress")
        let nodePorts = (c.nodePortAddresses ?? []).filter { !$0.isEmpty }
        proxy.nodePortAddresses = nodePorts.isEmpty ? .all : try Self.nodePorts(nodePorts.joined(separator: ","), "nodePortAddresses")
        kubeconfig = c.clientConnection?.kubeconfig.flatMap { $0.isEmpty ? nil : $0 }
        let i = c.ipvs ?? .init(), t = c.iptables ?? .init()
        if let s = i.scheduler, !s.isEmpty { proxy.scheduler = try Self.scheduler(s, "ipvs.scheduler") }
        // kube-proxy validates the iptables pair in every mode, the IPVS pair in IPVS mode; an IPVS
        // → iptables fallback runs with the iptables pair (docs/iptables-fallback.md).
        iptablesSyncPeriods = try Self.syncPeriods(t.syncPeriod ?? "30s", t.minSyncPeriod ?? "1s", "iptables")
        if mode == .ipvs { ipvsSyncPeriods = try Self.syncPeriods(i.syncPeriod ?? "30s", i.minSyncPeriod ?? "0s", "ipvs") }
        let configured = syncPeriods(for: mode)
        (syncPeriod, minSyncPeriod) = (configured.sync, configured.min)
        proxy.strictARP = i.strictARP ?? false
        proxy.excludeCIDRs = try Self.cidrs((i.excludeCIDRs ?? []).joined(separator: ","), "ipvs.excludeCIDRs")
        tcpTimeout = try Self.duration(i.tcpTimeout ?? "0s", "ipvs.tcpTimeout")
        tcpFinTimeout = try Self.duration(i.tcpFinTimeout ?? "0s", "ipvs.tcpFinTimeout")
        udpTimeout = try Self.duration(i.udpTimeout ?? "0s", "ipvs.udpTimeout")
        proxy.masqueradeAll = t.masqueradeAll ?? false
        localhostNodePorts = t.localhostNodePorts ?? true
        proxy.masqueradeBit = try Self.masqueradeBit(t.masqueradeBit ?? 14)
        try adoptLoggingAndLocal(c)
        try adoptHostTuning(c)
    }

    /// A mode's validated `syncPeriod` / `minSyncPeriod` pair; `section` names it in errors.
    static func syncPeriods(_ sync: String, _ min: String, _ section: String) throws -> SyncPeriods {
        let periods = SyncPeriods(sync: try duration(sync, "\(section).syncPeriod"),
                                  min: try duration(min, "\(section).minSyncPeriod"))
        guard periods.sync > .zero else { throw OptionsError(setting: "\(section).syncPeriod", reason: "must be greater than 0") }
        guard periods.min <= periods.sync else {
            throw OptionsError(setting: "\(section).minSyncPeriod", reason: "must not exceed \(section).syncPeriod")
        }
        return periods
    }

    mutating func adoptLoggingAndLocal(_ c: KubeProxyConfigurationFile) throws {
        watchList = c.featureGates?[Self.watchListGate] ?? false
        let format = c.logging?.format ?? "text"
        guard ["text", "json"].contains(format) else {
            throw OptionsError(setting: "logging.format", reason: "unknown format \"\(format)\" (want text or json)")
        }
        loggingFormat = format
        verbosity = c.logging?.verbosity ?? 0
        guard verbosity >= 0 else { throw OptionsError(setting: "logging.verbosity", reason: "must not be negative") }
        let modeText = c.detectLocalMode ?? ""
        if modeText.isEmpty { detectLocalMode = .clusterCIDR } else {
            guard let m = DetectLocalMode(rawValue: modeText) else {
                let names = DetectLocalMode.allCases.map(\.rawValue).joined(separator: ", ")
                throw OptionsError(setting: "detectLocalMode", reason: "unknown mode \"\(modeText)\" (want \(names))")
            }
            detectLocalMode = m
        }
        podBridgeInterface = try Self.interfaceName(c.detectLocal?.bridgeInterface, "detectLocal.bridgeInterface")
        podInterfaceNamePrefix = try Self.interfaceName(c.detectLocal?.interfaceNamePrefix, "detectLocal.interfaceNamePrefix")
        if detectLocalMode == .bridgeInterface, podBridgeInterface == nil {
            throw OptionsError(setting: "detectLocal.bridgeInterface", reason: "required with detectLocalMode BridgeInterface")
        }
        if detectLocalMode == .interfaceNamePrefix, podInterfaceNamePrefix == nil {
            throw OptionsError(setting: "detectLocal.interfaceNamePrefix", reason: "required with detectLocalMode InterfaceNamePrefix")
        }
        proxy.localDetector = localDetector()
    }

    /// The planners' detector for `detectLocalMode` (docs/local-traffic-detection.md).
    /// The one feature gate kube-ipvs reads (client-go's, for the API client).
    static let watchListGate = "WatchListClient"

    func localDetector() -> LocalTrafficDetector {
        switch detectLocalMode {
        case .clusterCIDR: return .clusterCIDR
        case .bridgeInterface: return .bridgeInterface(podBridgeInterface ?? "")
        case .interfaceNamePrefix: return .interfaceNamePrefix(podInterfaceNamePrefix ?? "")
        // The Node's pod CIDRs replace this before the first sync, which waits for them (ProxyDaemon).
        case .nodeCIDR: return .nodeCIDR([])
        }
    }

    mutating func adoptHostTuning(_ c: KubeProxyConfigurationFile) throws {
        let k = c.conntrack ?? .init()
        var h = HostTuning()
        h.conntrackMaxPerCore = k.maxPerCore ?? h.conntrackMaxPerCore
        h.conntrackMin = k.min ?? h.conntrackMin
        guard h.conntrackMaxPerCore >= 0 else { throw OptionsError(setting: "conntrack.maxPerCore", reason: "must not be negative") }
        guard h.conntrackMin >= 0 else { throw OptionsError(setting: "conntrack.min", reason: "must not be negative") }
        h.tcpEstablishedTimeout = try Self.duration(k.tcpEstablishedTimeout ?? "24h", "conntrack.tcpEstablishedTimeout")
        h.tcpCloseWaitTimeout = try Self.duration(k.tcpCloseWaitTimeout ?? "1h", "conntrack.tcpCloseWaitTimeout")
        h.udpTimeout = try Self.duration(k.udpTimeout ?? "0s", "conntrack.udpTimeout")
        h.udpStreamTimeout = try Self.duration(k.udpStreamTimeout ?? "0s", "conntrack.udpStreamTimeout")
        h.tcpBeLiberal = k.tcpBeLiberal ?? false
        h.oomScoreAdj = c.oomScoreAdj ?? -999
        guard (-1000...1000).contains(h.oomScoreAdj) else {
            throw OptionsError(setting: "oomScoreAdj", reason: "\(h.oomScoreAdj) is outside -1000…1000")
        }
        hostTuning = h
    }

    /// The node name as kube-proxy derives it: trimmed, lowercased; nil when empty (host name).
    public static func nodeName(_ text: String?) -> String? {
        let t = (text ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        return t.isEmpty ? nil : t
    }

    /// The node name kube-proxy would use: the override, else the host name, lowercased.
    public static func effectiveNodeName(_ override: String?, hostName: String = ProcessInfo.processInfo.hostName) -> String {
        nodeName(override) ?? hostName.trimmingCharacters(in: .whitespaces).lowercased()
    }

    static func bindAddress(_ text: String, _ name: String) throws -> String {
        guard !text.isEmpty else { return "" }
        guard IPText.isIPPort(text), !IPText.isIP(text), BindAddress(text) != nil else {
            throw OptionsError(setting: name, reason: "\"\(text)\" is not a valid ip:port")
        }
        return text
    }

    static func interfaceName(_ text: String?, _ name: String) throws -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard text.utf8.count <= 15, !text.contains("/"), text != ".", text != "..",
              !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x21 || $0.value > 0x7e }) else {
            throw OptionsError(setting: name, reason: "\"\(text)\" is not a valid interface name")
        }
        return text
    }

    static func mode(_ s: String, _ name: String) throws -> ProxyMode {
        guard let m = ProxyMode(rawValue: s.lowercased()) else {
            throw OptionsError(setting: name, reason: "unknown proxy mode \"\(s)\" (want ipvs or iptables)")
        }
        return m
    }

    static func scheduler(_ s: String, _ name: String) throws -> Scheduler {
        guard let v = Scheduler(rawValue: s), Scheduler.selectable.contains(v) else {
            let names = Scheduler.selectable.map(\.rawValue).joined(separator: "|")
            throw OptionsError(setting: name, reason: "unknown scheduler \"\(s)\" (want \(names))")
        }
        return v
    }

    static func duration(_ s: String, _ name: String) throws -> Duration {
        let ns: Int64
        do { ns = try GoDuration.parseNanoseconds(s) } catch {
            throw OptionsError(setting: name, reason: "\(error) \"\(s)\" (for example 30s, 1m0s, 500ms)")
        }
        guard ns >= 0 else { throw OptionsError(setting: name, reason: "must not be negative (\"\(s)\")") }
        return .nanoseconds(ns)
    }

    static func cidrs(_ s: String, _ name: String) throws -> [CIDR] {
        try s.split(separator: ",").map { part in
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let c = CIDR(text) else { throw OptionsError(setting: name, reason: "invalid CIDR \"\(text)\"") }
            return c
        }
    }

    static func nodePorts(_ s: String, _ name: String) throws -> NodePortAddresses {
        let parts = s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.isEmpty { return .all }
        if parts == ["primary"] { return .primary }
        return .cidrs(try cidrs(s, name))
    }

    static func masqueradeBit(_ b: Int) throws -> Int {
        guard (0...31).contains(b) else {
            throw OptionsError(setting: "iptables.masqueradeBit", reason: "\(b) is outside 0-31")
        }
        return b
    }
}
