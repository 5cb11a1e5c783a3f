import Testing
@testable import KubeIPVSCore

private func ip(_ s: String) -> IPAddress { IPAddress(s)! }
private func vs(_ a: String, _ p: L4Protocol = .tcp, _ port: UInt16 = 80, _ s: Scheduler = .roundRobin,
                persist: UInt32? = nil) -> VirtualServer {
    VirtualServer(key: VirtualServerKey(address: ip(a), proto: p, port: port), scheduler: s, persistenceTimeout: persist)
}
private func rs(_ a: String, _ port: UInt16 = 8080, w: Int32 = 1) -> RealServer { RealServer(address: ip(a), port: port, weight: w) }
private func table(_ entries: [(VirtualServer, [RealServer], [String: UInt32])]) -> IPVSTableState {
    var t = IPVSTableState()
    for (v, r, conns) in entries {
        var counters: [RealServerKey: RealServerCounters] = [:]
        for (a, n) in conns { counters[RealServerKey(address: ip(a), port: 8080)] = RealServerCounters(activeConnections: n) }
        t[v.key] = IPVSServiceState(server: v, realServers: r, counters: counters)
    }
    return t
}
private let all: IPVSReconciler.Owner = { _ in true }

@Suite struct IPVSReconcilerTests {
    @Test func createsFromEmptyInOrder() {
        var gt = GracefulTermination()
        let want = table([(vs("10.96.0.2"), [rs("10.244.1.2"), rs("10.244.1.1")], [:]), (vs("10.96.0.1", .udp, 53), [], [:])])
        let changes = IPVSReconciler.diff(desired: want, observed: [:], owns: all, termination: &gt, now: .zero)
        #expect(changes.map(\.description) == [
            "-A -u 10.96.0.1:53 -s rr",
            "-A -t 10.96.0.2:80 -s rr",
            "-a -t 10.96.0.2:80 -r 10.244.1.1:8080 -m -w 1",
            "-a -t 10.96.0.2:80 -r 10.244.1.2:8080 -m -w 1",
        ])
    }

    @Test func convergedTableYieldsNothing() {
        var gt = GracefulTermination()
        let t = table([(vs("10.96.0.2", persist: 600), [rs("10.244.1.1")], ["10.244.1.1": 4])])
        #expect(IPVSReconciler.diff(desired: t, observed: t, owns: all, termination: &gt, now: .zero).isEmpty)
    }

    @Test func restartResetsZeroWeightsAndUpdatesScheduler() {
        var gt = GracefulTermination()
        let want = table([(vs("10.96.0.2", .tcp, 80, .leastConnection), [rs("10.244.1.1")], [:])])
        let have = table([(vs("10.96.0.2"), [rs("10.244.1.1", w: 0)], [:])])
        #expect(IPVSReconciler.diff(desired: want, observed: have, owns: all, termination: &gt, now: .zero)
            .map(\.description) == ["-E -t 10.96.0.2:80 -s lc", "-e -t 10.96.0.2:80 -r 10.244.1.1:8080 -m -w 1"])
    }

    @Test func tcpRealServerDrainsThenGoes() {
        var gt = GracefulTermination(timeout: .seconds(60))
        let want = table([(vs("10.96.0.2"), [rs("10.244.1.1")], [:])])
        var have = table([(vs("10.96.0.2"), [rs("10.244.1.1"), rs("10.244.1.9")], ["10.244.1.9": 3])])
        let first = IPVSReconciler.diff(desired: want, observed: have, owns: all, termination: &gt, now: .seconds(10))
        #expect(first.map(\.description) == ["-e -t 10.96.0.2:80 -r 10.244.1.9:8080 -m -w 0"])
        #expect(gt.count == 1)
        // Still busy, weight already 0: nothing to do.
        have = table([(vs("10.96.0.2"), [rs("10.244.1.1"), rs("10.244.1.9", w: 0)], ["10.244.1.9": 1])])
        #expect(IPVSReconciler.diff(desired: want, observed: have, owns: all, termination: &gt, now: .seconds(20)).isEmpty)
        // Connections gone: deleted.
        have = table([(vs("10.96.0.2"), [rs("10.244.1.1"), rs("10.244.1.9", w: 0)], [:])])
        #expect(IPVSReconciler.diff(desired: want, observed: have, owns: all, termination: &gt, now: .seconds(21))
            .map(\.description) == ["-d -t 10.96.0.2:80 -r 10.244.1.9:8080"])
        #expect(gt.count == 0)
    }

    @Test func drainDeadlineForcesDeletion() {
        var gt = GracefulTermination(timeout: .seconds(60))
        let want = table([(vs("10.96.0.2"), [], [:])])
        let have = table([(vs("10.96.0.2"), [rs("10.244.1.9", w: 0)], ["10.244.1.9": 7])])
        _ = IPVSReconciler.diff(desired: want, observed: have, owns: all, termination: &gt, now: .seconds(0))
        #expect(IPVSReconciler.diff(desired: want, observed: have, owns: all, termination: &gt, now: .seconds(59)).isEmpty)
        #expect(IPVSReconciler.diff(desired: want, observed: have, owns: all, termination: &gt, now: .seconds(60))
            .map(\.description) == ["-d -t 10.96.0.2:80 -r 10.244.1.9:8080"])
    }

    @Test func udpAndIdleTcpRealServersGoAtOnce() {
        var gt = GracefulTermination()
        let want = table([(vs("10.96.0.10", .udp, 53), [], [:]), (vs("10.96.0.2"), [], [:])])
        let have = table([(vs("10.96.0.10", .udp, 53), [rs("10.244.1.5")], ["10.244.1.5": 9]),
                          (vs("10.96.0.2"), [rs("10.244.1.6")], [:])])
        #expect(IPVSReconciler.diff(desired: want, observed: have, owns: all, termination: &gt, now: .zero)
            .map(\.description) == ["-d -t 10.96.0.2:80 -r 10.244.1.6:8080", "-d -u 10.96.0.10:53 -r 10.244.1.5:8080"])
        #expect(gt.count == 0)
    }

    @Test func readdedRealServerStopsDraining() {
        var gt = GracefulTermination()
        let key = vs("10.96.0.2").key
        gt.begin(key, RealServerKey(address: ip("10.244.1.9"), port: 8080), now: .zero)
        let want = table([(vs("10.96.0.2"), [rs("10.244.1.9")], [:])])
        let have = table([(vs("10.96.0.2"), [rs("10.244.1.9", w: 0)], ["10.244.1.9": 2])])
        #expect(IPVSReconciler.diff(desired: want, observed: have, owns: all, termination: &gt, now: .seconds(1))
            .map(\.description) == ["-e -t 10.96.0.2:80 -r 10.244.1.9:8080 -m -w 1"])
        #expect(gt.count == 0)
    }

    @Test func foreignAndExcludedServersAreUntouched() {
        var gt = GracefulTermination()
        let ownership = IPVSOwnership(dummyAddresses: [ip("10.96.0.2"), ip("10.200.0.1")], nodeAddresses: [ip("192.168.1.5")],
                                      nodePorts: [.tcp: [30080]], excludeCIDRs: [CIDR("10.200.0.0/16")!])
        let have = table([(vs("10.96.0.2"), [], [:]), (vs("10.200.0.1"), [], [:]), (vs("192.168.1.5", .tcp, 30080), [], [:]),
                          (vs("192.168.1.5", .tcp, 22), [], [:]), (vs("172.17.0.1"), [rs("172.17.0.5")], [:])])
        let changes = IPVSReconciler.diff(desired: [:], observed: have, owns: ownership.predicate, termination: &gt, now: .zero)
        #expect(changes.map(\.description) == ["-D -t 10.96.0.2:80", "-D -t 192.168.1.5:30080"])
    }

    @Test func scopeLimitsTheComparison() {
        var gt = GracefulTermination()
        let want = table([(vs("10.96.0.1"), [rs("10.244.1.1")], [:]), (vs("10.96.0.2"), [rs("10.244.1.2")], [:])])
        let changes = IPVSReconciler.diff(desired: want, observed: [:], scope: [vs("10.96.0.2").key], owns: all,
                                          termination: &gt, now: .zero)
        #expect(changes.map(\.description) == ["-A -t 10.96.0.2:80 -s rr", "-a -t 10.96.0.2:80 -r 10.244.1.2:8080 -m -w 1"])
    }
}

@Suite struct IPSetAndAddressReconcilerTests {
    @Test func setsAreCreatedFilledAndTrimmed() {
        let spec = IPSetSpec(name: "KUBE-CLUSTER-IP", type: .hashIPPort, family: .v4)
        let a = IPSetEntry.ipPort(ip("10.96.0.1"), .tcp, 443), b = IPSetEntry.ipPort(ip("10.96.0.10"), .udp, 53)
        let c = IPSetEntry.ipPort(ip("10.96.0.9"), .tcp, 80)
        #expect(IPSetReconciler.diff(desired: [spec.name: IPSetState(spec: spec, entries: [a, b])], observed: [:])
            == [.create(spec), .add(spec.name, [a, b])])
        #expect(IPSetReconciler.diff(desired: [spec.name: IPSetState(spec: spec, entries: [a, b])],
                                     observed: [spec.name: IPSetState(spec: spec, entries: [a, c])])
            == [.add(spec.name, [b]), .delete(spec.name, [c])])
        let wrongType = IPSetSpec(name: "KUBE-CLUSTER-IP", type: .hashIP, family: .v4)
        #expect(IPSetReconciler.diff(desired: [spec.name: IPSetState(spec: spec, entries: [])],
                                     observed: [spec.name: IPSetState(spec: wrongType, entries: [])])
            == [.destroy(spec.name), .create(spec)])
    }

    @Test func addressesDiff() {
        let d = AddressReconciler.diff(desired: [ip("10.96.0.1"), ip("10.96.0.2")], observed: [ip("10.96.0.2"), ip("10.96.0.3")])
        #expect(d.add == [ip("10.96.0.1")])
        #expect(d.delete == [ip("10.96.0.3")])
    }
}
