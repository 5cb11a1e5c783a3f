import Foundation

/// CPU time used so far by this process (all threads) and by its reaped children (the tools).
struct CPUTime {
    var own: Duration
    var children: Duration

    static func now() -> CPUTime {
        CPUTime(own: usage(RUSAGE_SELF), children: usage(RUSAGE_CHILDREN))
    }

    static func - (a: CPUTime, b: CPUTime) -> CPUTime {
        CPUTime(own: a.own - b.own, children: a.children - b.children)
    }

    private static func usage(_ who: __rusage_who) -> Duration {
        var usage = rusage()
        getrusage(__rusage_who_t(who.rawValue), &usage)
        func duration(_ t: timeval) -> Duration { .seconds(t.tv_sec) + .microseconds(t.tv_usec) }
        return duration(usage.ru_utime) + duration(usage.ru_stime)
    }
}

/// Runs `body` and returns its result and how long it took.
func measure<T>(_ body: () throws -> T) rethrows -> (T, Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try body()
    return (value, clock.now - start)
}

/// Runs async `body` and returns its result and how long it took.
func measure<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try await body()
    return (value, clock.now - start)
}
