import Testing
@testable import KubeIPVSCore

/// Follow-up runs (draining real servers) and the full reconcile under a steady stream of runs.
@Suite struct SyncSchedulerFollowUpTests {
    @Test func followUpWaitsForItsTimeEvenWithZeroMinInterval() {
        var s = SyncScheduler(minInterval: .zero, maxInterval: .seconds(30))
        s.started(now: .zero); s.finished(success: true, now: .milliseconds(10))
        s.requestFollowUp(at: .seconds(2))
        #expect(s.nextRunTime() == .seconds(2))
        #expect(!s.isDue(now: .seconds(1)))
        #expect(s.started(now: .seconds(2)) == false)   // a follow-up is no full reconcile
        s.finished(success: true, now: .seconds(2))
        #expect(s.nextRunTime() == .seconds(32))        // consumed by the run
    }

    @Test func aChangeDoesNotWaitForAFollowUp() {
        var s = SyncScheduler(minInterval: .seconds(1), maxInterval: .seconds(30))
        s.started(now: .seconds(10)); s.finished(success: true, now: .seconds(10))
        s.requestFollowUp(at: .seconds(15))
        s.request()
        #expect(s.nextRunTime() == .seconds(11))
        s.requestFollowUp(at: .seconds(10))             // never before minInterval
        #expect(s.nextRunTime() == .seconds(11))
    }

    @Test func followUpsCannotStarveTheFullReconcile() {
        var s = SyncScheduler(minInterval: .zero, maxInterval: .seconds(5))
        s.started(now: .zero); s.finished(success: true, now: .zero)
        var full: [Duration] = []
        var now = Duration.zero
        for _ in 0..<10 {
            s.requestFollowUp(at: now + .seconds(2))
            now = s.nextRunTime()
            if s.started(now: now) { full.append(now) }
            s.finished(success: true, now: now)
        }
        #expect(now == .seconds(20))
        #expect(full == [.seconds(6), .seconds(12), .seconds(18)])
    }

    @Test func steadyChangesCannotStarveTheFullReconcile() {
        var s = SyncScheduler(minInterval: .seconds(1), maxInterval: .seconds(5))
        s.started(now: .zero); s.finished(success: true, now: .zero)
        var full: [Duration] = []
        for _ in 0..<12 {
            s.request()
            let now = s.nextRunTime()
            if s.started(now: now) { full.append(now) }
            s.finished(success: true, now: now)
        }
        #expect(full == [.seconds(5), .seconds(10)])
    }
}
