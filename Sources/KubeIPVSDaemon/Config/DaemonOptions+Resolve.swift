import Foundation
import KubeIPVSCore

extension DaemonOptions {
    /// Applies the config file (if any), then the flags given explicitly, validating each value.
    public static func resolve(flags: DaemonFlags, file: KubeProxyConfigurationFile? = nil) throws -> DaemonOptions {
        var o = DaemonOptions()
        if let file { try o.apply(file) }
        try o.apply(flags)
        return o
    }

    mutating func apply(_ f: KubeProxyConfigurationFile) throws {
        if let m = f.mode, !m.isEmpty { mode = try Self.mode(m, "mode") }
        if let c = f.clusterCIDR, !c.isEmpty { proxy.clusterCIDRs = try Self.cidrs(c, "clusterCIDR") }
        hostnameOverride = f.hostnameOverride.flatMap { $0.isEmpty ? nil : $0 } ?? hostnameOverride
        healthzBindAddress = f.healthzBindAddress ?? healthzBindAddress
        metricsBindAddress = f.metricsBindAddress ?? metricsBindAddress
        if let n = f.nodePortAddresses, !n.isEmpty {
            proxy.nodePortAddresses = try Self.nodePorts(n.joined(separator: ","), "nodePortAddresses")
        }
        kubeconfig = f.clientConnection?.kubeconfig.flatMap { $0.isEmpty ? nil : $0 } ?? kubeconfig
        if let i = f.ipvs {
            if let s = i.scheduler, !s.isEmpty { proxy.scheduler = try Self.scheduler(s, "ipvs.scheduler") }
            if let d = i.syncPeriod { syncPeriod = try Self.duration(d, "ipvs.syncPeriod") }
            if let d = i.minSyncPeriod { minSyncPeriod = try Self.duration(d, "ipvs.minSyncPeriod") }
            proxy.strictARP = i.strictARP ?? proxy.strictARP
            if let e = i.excludeCIDRs { proxy.excludeCIDRs = try Self.cidrs(e.joined(separator: ","), "ipvs.excludeCIDRs") }
            if let d = i.tcpTimeout { tcpTimeout = try Self.duration(d, "ipvs.tcpTimeout") }
            if let d = i.tcpFinTimeout { tcpFinTimeout = try Self.duration(d, "ipvs.tcpFinTimeout") }
            if let d = i.udpTimeout { udpTimeout = try Self.duration(d, "ipvs.udpTimeout") }
        }
        if let t = f.iptables {
            proxy.masqueradeAll = t.masqueradeAll ?? proxy.masqueradeAll
            if let b = t.masqueradeBit { proxy.masqueradeBit = try Self.masqueradeBit(b) }
        }
    }

    mutating func apply(_ f: DaemonFlags) throws {
        if let m = f.proxyMode { mode = try Self.mode(m, "--proxy-mode") }
        noFallback = noFallback || f.noFallback
        hostnameOverride = f.hostnameOverride ?? hostnameOverride
        kubeconfig = f.kubeconfig ?? kubeconfig
        master = f.master ?? master
        manifests = f.manifests ?? manifests
        if let s = f.ipvsScheduler { proxy.scheduler = try Self.scheduler(s, "--ipvs-scheduler") }
        if let d = f.ipvsSyncPeriod { syncPeriod = try Self.duration(d, "--ipvs-sync-period") }
        if let d = f.ipvsMinSyncPeriod { minSyncPeriod = try Self.duration(d, "--ipvs-min-sync-period") }
        proxy.strictARP = f.ipvsStrictARP ?? proxy.strictARP
        if let e = f.ipvsExcludeCIDRs { proxy.excludeCIDRs = try Self.cidrs(e, "--ipvs-exclude-cidrs") }
        if let d = f.ipvsTCPTimeout { tcpTimeout = try Self.duration(d, "--ipvs-tcp-timeout") }
        if let d = f.ipvsTCPFinTimeout { tcpFinTimeout = try Self.duration(d, "--ipvs-tcpfin-timeout") }
        if let d = f.ipvsUDPTimeout { udpTimeout = try Self.duration(d, "--ipvs-udp-timeout") }
        proxy.masqueradeAll = f.masqueradeAll ?? proxy.masqueradeAll
        if let b = f.masqueradeBit { proxy.masqueradeBit = try Self.masqueradeBit(b) }
        if let c = f.clusterCIDR { proxy.clusterCIDRs = try Self.cidrs(c, "--cluster-cidr") }
        if let n = f.nodePortAddresses { proxy.nodePortAddresses = try Self.nodePorts(n, "--nodeport-addresses") }
        healthzBindAddress = f.healthzBindAddress ?? healthzBindAddress
        metricsBindAddress = f.metricsBindAddress ?? metricsBindAddress
        cleanup = cleanup || f.cleanup
        once = once || f.once
        guard minSyncPeriod <= syncPeriod else {
            throw OptionsError(setting: "--ipvs-min-sync-period", reason: "must not exceed --ipvs-sync-period")
        }
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
        guard let d = GoDuration.parse(s), d >= .zero else {
            throw OptionsError(setting: name, reason: "invalid duration \"\(s)\" (for example 30s, 1m0s, 500ms)")
        }
        return d
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
            throw OptionsError(setting: "--iptables-masquerade-bit", reason: "\(b) is outside 0-31")
        }
        return b
    }
}
