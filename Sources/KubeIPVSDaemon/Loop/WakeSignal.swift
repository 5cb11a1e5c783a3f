/// Wakes a sleeping sync loop early (a change arrived). Signals coalesce: many signals while the
/// loop is busy cause one early wake-up.
public actor WakeSignal {
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var generation = 0
    private var finishedGeneration = 0

    public init() {}

    /// Wakes the waiter, or remembers the signal for the next wait.
    public func signal() {
        if let w = waiter {
            waiter = nil
            w.resume()
        } else {
            pending = true
        }
    }

    /// Returns at the next signal (immediately if one is pending), or when `clock` reaches `deadline`.
    public func wait(until deadline: Duration, clock: any LoopClock) async {
        if pending {
            pending = false
            return
        }
        generation += 1
        let gen = generation
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForSignal(gen) }
            group.addTask { try? await clock.sleep(until: deadline) }
            await group.next()
            self.finish(gen)
            group.cancelAll()
        }
    }

    private func waitForSignal(_ gen: Int) async {
        if pending {
            pending = false
            return
        }
        // The other child already finished this wait: do not suspend.
        if finishedGeneration >= gen { return }
        await withCheckedContinuation { waiter = $0 }
    }

    private func finish(_ gen: Int) {
        finishedGeneration = gen
        waiter?.resume()
        waiter = nil
    }
}
