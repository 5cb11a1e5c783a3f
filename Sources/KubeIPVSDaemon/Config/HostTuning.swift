/// What kube-proxy sets on the host at start (conntrack limits and timeouts, its OOM score), from
/// `conntrack.*` and `oomScoreAdj`. A zero value leaves the setting as it is, as in kube-proxy.
public struct HostTuning: Sendable, Equatable {
    /// nf_conntrack_max = maxPerCore × CPUs, at least `min`; 0 leaves nf_conntrack_max alone.
    public var conntrackMaxPerCore = 32 * 1024
    public var conntrackMin = 128 * 1024
    public var tcpEstablishedTimeout: Duration = .seconds(86400)
    public var tcpCloseWaitTimeout: Duration = .seconds(3600)
    public var tcpBeLiberal = false
    public var udpTimeout: Duration = .zero
    public var udpStreamTimeout: Duration = .zero
    /// Written to /proc/self/oom_score_adj (-1000…1000).
    public var oomScoreAdj = -999

    public init() {}

    /// The nf_conntrack_max kube-proxy computes for `cpus` CPUs; nil to leave it.
    public func conntrackMax(cpus: Int) -> Int? {
        guard conntrackMaxPerCore > 0 else { return nil }
        return max(conntrackMaxPerCore * cpus, conntrackMin)
    }
}
