import KubeIPVSDaemon

/// A ``LoopClock`` that moves only when the test advances it. `deadlines` shows what the loop sleeps
/// towards, so a test can wait until the loop is parked and then assert that nothing happened yet: a
/// negative assertion that means something, without sleeping. Behind `PthreadLocked`: ThreadSanitizer does
/// not see Synchronization.Mutex's futex and reported its accesses as races.
final class ManualLoopClock: LoopClock {
    private struct State {
        var now: Duration = .zero
        var sleepers: [Int: (deadline: Duration, continuation: CheckedContinuation<Void, any Error>)] = [:]
        var cancelled: Set<Int> = []
        var nextID = 0
    }

    private let state = PthreadLocked(State())

    private func withState<R>(_ body: (inout State) -> R) -> R { state.withLock(body) }

    var now: Duration { withState { $0.now } }

    /// The deadlines of every sleeper, soonest first.
    var deadlines: [Duration] { withState { $0.sleepers.values.map(\.deadline).sorted() } }

    func sleep(until deadline: Duration) async throws {
        let id = withState { s in defer { s.nextID += 1 }; return s.nextID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let resume: Result<Void, any Error>? = withState { s in
                    if s.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    if s.now >= deadline { return .success(()) }
                    s.sleepers[id] = (deadline, c)
                    return nil
                }
                if let resume { c.resume(with: resume) }
            }
        } onCancel: {
            let c = withState { s -> CheckedContinuation<Void, any Error>? in
                guard let sleeper = s.sleepers.removeValue(forKey: id) else { s.cancelled.insert(id); return nil }
                return sleeper.continuation
            }
            c?.resume(throwing: CancellationError())
        }
    }

    /// Moves to `time` and wakes every sleeper whose deadline has come.
    func advance(to time: Duration) {
        let due = withState { s -> [CheckedContinuation<Void, any Error>] in
            s.now = max(s.now, time)
            let ids = s.sleepers.filter { $0.value.deadline <= s.now }.map(\.key)
            return ids.compactMap { s.sleepers.removeValue(forKey: $0)?.continuation }
        }
        for c in due { c.resume() }
    }
}
