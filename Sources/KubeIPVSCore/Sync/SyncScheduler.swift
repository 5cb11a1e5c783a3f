/// When to run the next sync: kube-proxy's BoundedFrequencyRunner as a pure state machine.
///
/// - changes are coalesced: any number of requests before a run cause one run;
/// - two runs start at least `minInterval` apart (`--ipvs-min-sync-period`);
/// - a run happens at least every `maxInterval` even without changes (`--ipvs-sync-period`, full reconcile);
/// - after a failed run, a retry comes after `retryInterval`, doubling up to `maxInterval` (backoff).
///
/// Times are monotonic offsets supplied by the caller; the async loop that sleeps lives in the daemon.
public struct SyncScheduler: Hashable, Sendable {
    public var minInterval: Duration
    public var maxInterval: Duration
    public var retryInterval: Duration

    /// Start time of the last run (nil before the first).
    public private(set) var lastRun: Duration?
    /// A change arrived since the last run started.
    public private(set) var pending = false
    /// Earliest time of a retry after a failure.
    public private(set) var retryAt: Duration?
    /// Consecutive failures (drives the backoff).
    public private(set) var failures = 0

    public init(minInterval: Duration, maxInterval: Duration, retryInterval: Duration = .seconds(1)) {
        self.minInterval = minInterval
        self.maxInterval = max(maxInterval, minInterval)
        self.retryInterval = retryInterval
    }

    /// Records that something changed; the next run will pick it up.
    public mutating func request() { pending = true }

    /// The time at which the next run should start (the first run is due at once).
    public func nextRunTime() -> Duration {
        guard let last = lastRun else { return .zero }
        var due = last + maxInterval
        if pending { due = min(due, last + minInterval) }
        if let retry = retryAt { due = min(due, max(retry, last + minInterval)) }
        return due
    }

    /// True if a run should start at `now`.
    public func isDue(now: Duration) -> Bool { now >= nextRunTime() }

    /// Call when a run starts; returns whether it is a periodic full reconcile (no change pending
    /// and no retry due) rather than a change-driven one.
    @discardableResult
    public mutating func started(now: Duration) -> Bool {
        let periodic = !pending && retryAt == nil && lastRun != nil
        lastRun = now
        pending = false
        retryAt = nil
        return periodic
    }

    /// Call when a run ends.
    public mutating func finished(success: Bool, now: Duration) {
        if success {
            failures = 0
            return
        }
        failures += 1
        let factor = 1 << min(failures - 1, 16)
        retryAt = now + min(retryInterval * factor, maxInterval)
    }
}
