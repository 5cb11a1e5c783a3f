import KubeIPVSDaemon
import Synchronization

/// A ``LoopClock`` that moves only when the test advances it. `deadlines` shows what the loop sleeps
/// towards, so a test can wait until the loop is parked and then assert that nothing happened yet: a
/// negative assertion that means something, without sleeping.
final class ManualLoopClock: LoopClock {
    private struct State {
        var now: Duration = .zero
        var sleepers: [Int: (deadline: Duration, continuation: CheckedContinuation<Void, any Error>)] = [:]
        var cancelled: Set<Int> = []
        var nextID = 0
    }

    private let state = Mutex(State())

    var now: Duration { state.withLock { $0.now } }

    /// The deadlines of every sleeper, soonest first.
    var deadlines: [Duration] { state.withLock { $0.sleepers.values.map(\.deadline).sorted() } }

    func sleep(until deadline: Duration) async throws {
        let id = state.withLock { s in defer { s.nextID += 1 }; return s.nextID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let resume: Result<Void, any Error>? = state.withLock { s in
                    if s.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    if s.now >= deadline { return .success(()) }
                    s.sleepers[id] = (deadline, c)
                    return nil
                }
                if let resume { c.resume(with: resume) }
            }
        } onCancel: {
            let c = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                guard let sleeper = s.sleepers.removeValue(forKey: id) else { s.cancelled.insert(id); return nil }
                return sleeper.continuation
            }
            c?.resume(throwing: CancellationError())
        }
    }

    /// Moves to `time` and wakes every sleeper whose deadline has come.
    func advance(to time: Duration) {
        let due = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
            s.now = max(s.now, time)
            let ids = s.sleepers.filter { $0.value.deadline <= s.now }.map(\.key)
            return ids.compactMap { s.sleepers.removeValue(forKey: $0)?.continuation }
        }
        for c in due { c.resume() }
    }
}
