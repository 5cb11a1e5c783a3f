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
    /// Earliest time of a follow-up run asked for without a change (draining real servers to look at).
    public private(set) var followUpAt: Duration?
    /// Start time of the last full run: periodic, or the first one.
    public private(set) var lastFullRun: Duration?
    /// End time of the last full run. A full run that took longer than `maxInterval` (a huge table on a
    /// slow node) is followed by at least half a period without one, never by another at once.
    public private(set) var lastFullEnd: Duration?
    private var runningFull = false

    public init(minInterval: Duration, maxInterval: Duration, retryInterval: Duration = .seconds(1)) {
        self.minInterval = minInterval
        self.maxInterval = max(maxInterval, minInterval)
        self.retryInterval = retryInterval
    }

    /// Records that something changed; the next run will pick it up.
    public mutating func request() { pending = true }

    /// Asks for a run at `time` (not before `minInterval` after the last one) without a change: unlike
    /// ``request()``, the loop does not come back at once when `minInterval` is 0.
    public mutating func requestFollowUp(at time: Duration) { followUpAt = min(followUpAt ?? time, time) }

    /// The time at which the next run should start (the first run is due at once).
    public func nextRunTime() -> Duration {
        guard let last = lastRun else { return .zero }
        var due = max(last + maxInterval, fullRestEnd)
        if pending { due = min(due, last + minInterval) }
        if let retry = retryAt { due = min(due, max(retry, last + minInterval)) }
        if let followUp = followUpAt { due = min(due, max(followUp, last + minInterval)) }
        return due
    }

    /// No periodic full run before this: half a period after the last one ended.
    private var fullRestEnd: Duration { lastFullEnd.map { $0 + maxInterval / 2 } ?? .zero }

    /// True if a run should start at `now`.
    public func isDue(now: Duration) -> Bool { now >= nextRunTime() }

    /// Call when a run starts; returns whether it is a periodic full reconcile rather than a change-driven
    /// one: no change, retry or follow-up is due, or `maxInterval` has passed since the last full run
    /// (so a steady stream of changes or follow-ups cannot starve the full reconcile). The first run
    /// returns false but counts as full (the caller has nothing to be incremental from).
    @discardableResult
    public mutating func started(now: Duration) -> Bool {
        let overdue = lastFullRun.map { now >= max($0 + maxInterval, fullRestEnd) } ?? false
        let periodic = lastRun != nil && (overdue || (!pending && retryAt == nil && followUpAt == nil))
        runningFull = periodic || lastRun == nil
        if runningFull { lastFullRun = now }
        lastRun = now
        pending = false
        retryAt = nil
        followUpAt = nil
        return periodic
    }

    /// Call when a run ends.
    public mutating func finished(success: Bool, now: Duration) {
        if runningFull { lastFullEnd = now }
        runningFull = false
        if success {
            failures = 0
            return
        }
        failures += 1
        let factor = 1 << min(failures - 1, 16)
        retryAt = now + min(retryInterval * factor, maxInterval)
    }
}
