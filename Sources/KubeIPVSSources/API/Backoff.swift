/// Exponential backoff with jitter, bounded (client-go's reflector: 800 ms doubling to 30 s, jitter 1.0).
/// Pure: the caller supplies the random number and does the sleeping.
public struct Backoff: Sendable, Equatable {
    /// The shape of the backoff.
    public struct Policy: Sendable, Equatable {
        /// First delay.
        public var initial: Duration
        /// Largest delay, jitter included.
        public var maximum: Duration
        /// Growth per failure.
        public var factor: Double
        /// A delay `d` becomes `d * (1 + jitter * r)` for a random `r` in [0, 1).
        public var jitter: Double

        /// A policy; the defaults are client-go's reflector's.
        public init(initial: Duration = .milliseconds(800), maximum: Duration = .seconds(30), factor: Double = 2,
                    jitter: Double = 1) {
            self.initial = initial
            self.maximum = maximum
            self.factor = factor
            self.jitter = jitter
        }
    }

    /// The policy.
    public let policy: Policy
    private var base: Duration?

    /// A fresh backoff.
    public init(policy: Policy = Policy()) { self.policy = policy }

    /// The delay before the next attempt; each call without `reset()` grows the base delay.
    public mutating func next(random: Double) -> Duration {
        let current = base.map { min(Self.scale($0, policy.factor), policy.maximum) } ?? policy.initial
        base = current
        let jittered = Self.scale(current, 1 + policy.jitter * min(max(random, 0), 1))
        return min(jittered, policy.maximum)
    }

    // Whole nanoseconds, so delays compare exactly.
    private static func scale(_ duration: Duration, _ factor: Double) -> Duration {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = Double(seconds) * 1e9 + Double(attoseconds / 1_000_000_000)
        return .nanoseconds(Int64((nanoseconds * factor).rounded()))
    }

    /// Back to the initial delay (after a success).
    public mutating func reset() { base = nil }
}
