/// The sync loop's time (docs/architecture.md, "Time"): the scheduler, the min/periodic sync intervals, the
/// NodeCIDR start-up wait, drain follow-ups and address polling all read it, so tests drive the loop by
/// advancing a manual clock instead of sleeping.
public protocol LoopClock: Sendable {
    /// Time since the clock's origin.
    var now: Duration { get }
    /// Returns once `now` has reached `deadline`; throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Duration) async throws
}

/// The monotonic clock (`ContinuousClock`), with its origin when created.
public struct ContinuousLoopClock: LoopClock {
    let origin = ContinuousClock.now

    public init() {}

    public var now: Duration { ContinuousClock.now - origin }

    public func sleep(until deadline: Duration) async throws {
        try await Task.sleep(until: origin + deadline, clock: .continuous)
    }
}
