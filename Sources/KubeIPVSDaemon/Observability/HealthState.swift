import Foundation
import KubeIPVSCore

/// kube-proxy's healthz semantics: healthy while no change has waited longer than
/// `timeout` (2 × sync period) for a successful sync, and a sync succeeded within `timeout`.
public final class HealthState: Sendable {
    struct State {
        var lastUpdated: Date?
        var oldestPendingQueued: Date?
        var started: Date
        var sourcesBusySince: [String: Date] = [:]
        /// kube-proxy's `nodeEligible`: true until a Node event says otherwise.
        var nodeEligible = true
        /// Waiting at start-up for the Node's pod CIDRs (NodeCIDR mode), a wait with its own bound.
        var awaitingNode = false
    }

    public let timeout: TimeInterval
    private let state: PthreadLocked<State>

    public init(timeout: TimeInterval, now: Date = Date()) {
        self.timeout = timeout
        state = PthreadLocked(State(lastUpdated: nil, oldestPendingQueued: nil, started: now))
    }

    /// A change was queued for the next sync.
    public func queued(at now: Date = Date()) {
        state.withLock { if $0.oldestPendingQueued == nil { $0.oldestPendingQueued = now } }
    }

    /// A sync succeeded: everything queued so far is applied.
    public func updated(at now: Date = Date()) {
        state.withLock { $0.lastUpdated = now; $0.oldestPendingQueued = nil }
    }

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

    /// NodeCIDR mode waits (at most 5 minutes, then exits) for the Node's pod CIDRs before its first sync;
    /// kube-proxy serves no health endpoint during that wait. Healthy while waiting, so a liveness probe does
    /// not restart the pod before the wait's own bound; the first sync's timeout counts from the wait's end.
    public func awaitingNode(_ waiting: Bool, at now: Date = Date()) {
        state.withLock { s in
            if s.awaitingNode && !waiting { s.started = now }
            s.awaitingNode = waiting
        }
    }

    /// Whether `/healthz` answers 200 at `now` (before the Node's eligibility is considered).
    public func isHealthy(at now: Date = Date()) -> Bool {
        state.withLock { s in
            if s.awaitingNode { return true }
            if s.sourcesBusySince.values.contains(where: { now.timeIntervalSince($0) > timeout }) { return false }
            if let pending = s.oldestPendingQueued, now.timeIntervalSince(pending) > timeout { return false }
            let reference = s.lastUpdated ?? s.started
            return s.lastUpdated != nil || now.timeIntervalSince(reference) <= timeout
        }
    }

    /// Takes this node's Node object: it is eligible unless being deleted or tainted
    /// `ToBeDeletedByClusterAutoscaler` (kube-proxy's `SyncNode`; docs/routing-decisions.md).
    public func syncNode(_ node: KubeNode) {
        state.withLock { $0.nodeEligible = node.isEligibleForTraffic }
    }

    /// Whether the last Node event left this node eligible for load-balancer traffic.
    public var nodeEligible: Bool { state.withLock { $0.nodeEligible } }

    /// `/healthz`: 200 when the proxy is healthy and the node eligible, else 503; body
    /// `{"lastUpdated": "...","currentTime": "...", "nodeEligible": true}`.
    public func healthz(at now: Date = Date()) -> (ok: Bool, body: String) {
        let eligible = nodeEligible
        let ok = isHealthy(at: now) && eligible
        return (ok, "\(times(ok: ok, at: now)), \"nodeEligible\": \(eligible)}")
    }

    /// `/livez`: 200 when the proxy is healthy (the Node is not read); body
    /// `{"lastUpdated": "...","currentTime": "..."}`.
    public func livez(at now: Date = Date()) -> (ok: Bool, body: String) {
        let ok = isHealthy(at: now)
        return (ok, times(ok: ok, at: now) + "}")
    }

    /// The body's opening: kube-proxy reports `lastUpdated` as the current time while healthy (its
    /// older releases' meaning, "recent"), else the last successful sync ("" before the first).
    private func times(ok: Bool, at now: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let last: Date? = ok ? now : state.withLock { $0.lastUpdated }
        return "{\"lastUpdated\": \"\(last.map { f.string(from: $0) } ?? "")\",\"currentTime\": \"\(f.string(from: now))\""
    }
}
