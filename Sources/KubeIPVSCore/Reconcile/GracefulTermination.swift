/// Real servers that were removed from the plan but still carry connections: kept at weight 0
/// until their active+inactive connections reach 0 or their deadline passes (docs/kube-proxy-ipvs.md, failure 2).
/// Pure bookkeeping: the caller supplies the time as a monotonic offset.
public struct GracefulTermination: Hashable, Sendable {
    /// One draining real server and when it must go regardless of connections.
    public struct Drain: Hashable, Sendable {
        public var service: VirtualServerKey
        public var realServer: RealServerKey
        public var deadline: Duration
    }

    /// How long a TCP real server may drain before it is deleted anyway.
    public var timeout: Duration
    /// Draining real servers keyed by (service, real server).
    public private(set) var draining: [VirtualServerKey: [RealServerKey: Duration]] = [:]

    public init(timeout: Duration = .seconds(900)) {
        self.timeout = timeout
    }

    /// True if this real server is draining.
    public func isDraining(_ service: VirtualServerKey, _ rs: RealServerKey) -> Bool {
        draining[service]?[rs] != nil
    }

    /// Starts draining (idempotent: an existing deadline is kept).
    public mutating func begin(_ service: VirtualServerKey, _ rs: RealServerKey, now: Duration) {
        if draining[service]?[rs] == nil { draining[service, default: [:]][rs] = now + timeout }
    }

    /// Stops tracking (deleted, or back in the plan).
    public mutating func end(_ service: VirtualServerKey, _ rs: RealServerKey) {
        draining[service]?[rs] = nil
        if draining[service]?.isEmpty == true { draining[service] = nil }
    }

    /// Forgets every real server of a deleted service.
    public mutating func endAll(_ service: VirtualServerKey) { draining[service] = nil }

    /// Whether a draining real server may be deleted now.
    public func mayDelete(_ service: VirtualServerKey, _ rs: RealServerKey,
                          counters: RealServerCounters?, now: Duration) -> Bool {
        guard let deadline = draining[service]?[rs] else { return true }
        return (counters?.total ?? 0) == 0 || now >= deadline
    }

    /// Number of real servers currently draining.
    public var count: Int { draining.values.reduce(0) { $0 + $1.count } }
}
