/// Polls `check` (bounded: `timeout` of real time, every 10 ms) until it holds, else throws ``PollTimedOut``:
/// for results another thread or task produces. The one polling helper of the daemon tests; timing logic
/// itself is tested on a manual clock, not by polling.
func eventually(_ what: @autoclosure () -> String, timeout: Duration = .seconds(10), _ check: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await check() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw PollTimedOut(what: what())
}

/// `eventually` gave up.
struct PollTimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}
