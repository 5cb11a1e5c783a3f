import Testing
@testable import KubeIPVSCore

@Suite struct SyncSchedulerTests {
    @Test func firstRunIsImmediateThenPeriodic() {
        var s = SyncScheduler(minInterval: .seconds(1), maxInterval: .seconds(30))
        #expect(s.isDue(now: .zero))
        #expect(s.started(now: .zero) == false)
        s.finished(success: true, now: .milliseconds(5))
        #expect(s.nextRunTime() == .seconds(30))
        #expect(!s.isDue(now: .seconds(29)))
        #expect(s.started(now: .seconds(30)) == true)   // periodic full reconcile
    }

    @Test func aFullRunLongerThanThePeriodIsFollowedByHalfAPeriodWithoutOne() {
        var s = SyncScheduler(minInterval: .seconds(1), maxInterval: .seconds(30))
        s.started(now: .zero); s.finished(success: true, now: .seconds(40))   // a 40 s first sync
        #expect(s.nextRunTime() == .seconds(55), "not at once (30 s after its start), but 15 s after its end")
        s.request()
        #expect(s.nextRunTime() == .seconds(1), "changes still run at once")
        #expect(s.started(now: .seconds(41)) == false, "and are no periodic reconcile")
        s.finished(success: true, now: .seconds(42))
        #expect(s.nextRunTime() == .seconds(71))
        #expect(s.started(now: .seconds(71)) == true)
        s.finished(success: true, now: .seconds(72))
        #expect(s.nextRunTime() == .seconds(101), "a short full run: the period counts from its start again")
    }

    @Test func changesCoalesceAndRespectMinInterval() {
        var s = SyncScheduler(minInterval: .seconds(2), maxInterval: .seconds(30))
        s.started(now: .seconds(10)); s.finished(success: true, now: .seconds(10))
        for _ in 0..<50 { s.request() }
        #expect(s.nextRunTime() == .seconds(12))
        #expect(!s.isDue(now: .milliseconds(11_999)))
        #expect(s.started(now: .seconds(12)) == false)
        s.finished(success: true, now: .seconds(12))
        #expect(s.nextRunTime() == .seconds(42))   // one run for fifty requests
    }

    @Test func failuresBackOffUpToMaxInterval() {
        var s = SyncScheduler(minInterval: .zero, maxInterval: .seconds(10), retryInterval: .seconds(1))
        var now = Duration.zero
        var waits: [Duration] = []
        for _ in 0..<6 {
            s.started(now: now); s.finished(success: false, now: now)
            waits.append(s.nextRunTime() - now)
            now = s.nextRunTime()
        }
        #expect(waits == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
        s.started(now: now); s.finished(success: true, now: now)
        #expect(s.failures == 0)
        #expect(s.nextRunTime() == now + .seconds(10))
    }

    @Test func retryNeverBeatsMinInterval() {
        var s = SyncScheduler(minInterval: .seconds(5), maxInterval: .seconds(60), retryInterval: .seconds(1))
        s.started(now: .seconds(100)); s.finished(success: false, now: .seconds(100))
        #expect(s.nextRunTime() == .seconds(105))
    }
}
