import Foundation
import Synchronization

/// kube-proxy's healthz semantics: healthy while no change has waited longer than
/// `timeout` (2 × sync period) for a successful sync, and a sync succeeded within `timeout`.
public final class HealthState: Sendable {
    struct State {
        var lastUpdated: Date?
        var oldestPendingQueued: Date?
        var started: Date
        var sourcesBusySince: [String: Date] = [:]
    }

    public let timeout: TimeInterval
    private let state: Mutex<State>

    public init(timeout: TimeInterval, now: Date = Date()) {
        self.timeout = timeout
        state = Mutex(State(lastUpdated: nil, oldestPendingQueued: nil, started: now))
    }

    /// A change was queued for the next sync.
    public func queued(at now: Date = Date()) {
        state.withLock { if $0.oldestPendingQueued == nil { $0.oldestPendingQueued = now } }
    }

    /// A sync succeeded: everything queued so far is applied.
    public func updated(at now: Date = Date()) {
        state.withLock { $0.lastUpdated = now; $0.oldestPendingQueued = nil }
    }

    /// Whether `/healthz` answers 200 at `now`.
    /// An object source began an operation that must finish (a manifest reload): if it is still busy after
    /// `timeout`, the source is stuck and /healthz and /livez fail, as kube-proxy's do for a stuck sync, so the
    /// kubelet restarts the pod.
    public func sourceBusy(_ name: String, at now: Date = Date()) {
        state.withLock { $0.sourcesBusySince[name] = now }
    }

    /// The source's operation finished (successfully or not).
    public func sourceIdle(_ name: String) {
        state.withLock { _ = $0.sourcesBusySince.removeValue(forKey: name) }
    }

    public func isHealthy(at now: Date = Date()) -> Bool {
        state.withLock { s in
            if s.sourcesBusySince.values.contains(where: { now.timeIntervalSince($0) > timeout }) { return false }
            if let pending = s.oldestPendingQueued, now.timeIntervalSince(pending) > timeout { return false }
            let reference = s.lastUpdated ?? s.started
            return s.lastUpdated != nil || now.timeIntervalSince(reference) <= timeout
        }
    }

    /// kube-proxy's healthz body: `{"lastUpdated": "...", "currentTime": "..."}`.
    public func body(at now: Date = Date()) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let last = state.withLock { $0.lastUpdated }
        return "{\"lastUpdated\": \"\(last.map { f.string(from: $0) } ?? "")\",\"currentTime\": \"\(f.string(from: now))\"}"
    }
}
