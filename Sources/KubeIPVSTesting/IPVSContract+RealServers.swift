#if canImport(Glibc)
import Glibc
#endif
import KubeIPVSCore
import KubeIPVSKernel

extension IPVSContract {
    static let pod1 = RealServer(key: rsKey("10.244.1.2", 8443))
    static let pod2 = RealServer(key: rsKey("10.244.1.3", 8443), weight: 5, forwarding: .masquerade,
                                 upperThreshold: 100, lowerThreshold: 10)
    static let pod3 = RealServer(key: rsKey("10.244.2.4", 443), weight: 0, forwarding: .directRoute)

    static var realServerChecks: [IPVSContractCheck] {
        [
            IPVSContractCheck("real server: settings round-trip and counters start at zero") { c, _ in
                try await applyAll(c, [.addVirtualServer(web), .addRealServer(pod1, to: web.key),
                                       .addRealServer(pod2, to: web.key), .addRealServer(pod3, to: web.key)], "setup")
                let listed = try await c.realServers(of: web.key)
                try expectEqual(Set(listed.map(\.realServer)), [pod1, pod2, pod3], "real servers")
                try expectEqual(Set(listed.map(\.counters)), [RealServerCounters()], "counters")
            },
            IPVSContractCheck("real server: listed most recently added first") { c, _ in
                try await applyAll(c, [.addVirtualServer(web), .addRealServer(pod1, to: web.key),
                                       .addRealServer(pod2, to: web.key), .addRealServer(pod3, to: web.key)], "setup")
                try expectEqual(try await c.realServers(of: web.key).map(\.realServer.key),
                                [pod3.key, pod2.key, pod1.key], "order")
                try await c.deleteRealServer(pod2.key, from: web.key)
                try await c.addRealServer(pod2, to: web.key)
                try expectEqual(try await c.realServers(of: web.key).map(\.realServer.key),
                                [pod2.key, pod3.key, pod1.key], "order after delete and re-add")
            },
            IPVSContractCheck("real server: adding an existing one fails with EEXIST and changes nothing") { c, _ in
                try await applyAll(c, [.addVirtualServer(web), .addRealServer(pod1, to: web.key)], "setup")
                var heavier = pod1
                heavier.weight = 7
                try expectErrno(await c.apply([.addRealServer(heavier, to: web.key)]).first, EEXIST, "second add")
                try expectEqual(try await c.realServers(of: web.key).map(\.realServer), [pod1], "real servers")
            },
            IPVSContractCheck("real server: any operation on a missing virtual server fails with ESRCH") { c, _ in
                let results = await c.apply([.addRealServer(pod1, to: web.key), .updateRealServer(pod1, in: web.key),
                                             .deleteRealServer(pod1.key, from: web.key)])
                for (name, result) in zip(["add", "update", "delete"], results) { try expectErrno(result, ESRCH, name) }
            },
            IPVSContractCheck("real server: update and delete of a missing one fail with ENOENT") { c, _ in
                try await c.addVirtualServer(web)
                let results = await c.apply([.updateRealServer(pod1, in: web.key), .deleteRealServer(pod1.key, from: web.key)])
                try expectErrno(results.first, ENOENT, "update")
                try expectErrno(results.last, ENOENT, "delete")
            },
            IPVSContractCheck("real server: update changes weight, forwarding and thresholds") { c, _ in
                try await applyAll(c, [.addVirtualServer(web), .addRealServer(pod1, to: web.key)], "setup")
                let drained = RealServer(key: pod1.key, weight: 0, forwarding: .directRoute,
                                         upperThreshold: 50, lowerThreshold: 5)
                try await c.updateRealServer(drained, in: web.key)
                try expectEqual(try await c.realServers(of: web.key).map(\.realServer), [drained], "after update")
            },
            IPVSContractCheck("real server: other family EINVAL, negative weight and inverted thresholds ERANGE") { c, _ in
                try await applyAll(c, [.addVirtualServer(web), .addRealServer(pod1, to: web.key)], "setup")
                let v6 = RealServer(key: rsKey("fd00:10:244::2", 8443))
                var negative = RealServer(key: rsKey("10.244.9.9", 80))
                negative.weight = -1
                let inverted = RealServer(key: rsKey("10.244.9.8", 80), upperThreshold: 5, lowerThreshold: 10)
                var updatedNegative = pod1
                updatedNegative.weight = -3
                let results = await c.apply([
                    .addRealServer(v6, to: web.key), .addRealServer(negative, to: web.key),
                    .addRealServer(inverted, to: web.key), .updateRealServer(updatedNegative, in: web.key),
                ])
                try expectErrno(results[0], EINVAL, "IPv6 real server in an IPv4 virtual server")
                try expectErrno(results[1], ERANGE, "negative weight")
                try expectErrno(results[2], ERANGE, "lower threshold above upper")
                try expectErrno(results[3], ERANGE, "update to a negative weight")
                try expectEqual(try await c.realServers(of: web.key).map(\.realServer), [pod1], "real servers")
            },
            IPVSContractCheck("real server: IPv6 SCTP real servers of an IPv6 virtual server round-trip") { c, _ in
                let vs = VirtualServer(key: vsKey("fd00::1", .sctp, 3868), scheduler: .weightedRoundRobin)
                let a = RealServer(key: rsKey("fd00:10:244::2", 3868), weight: 3)
                let b = RealServer(key: rsKey("fd00:10:244:1::3", 3869), weight: 1, upperThreshold: 9, lowerThreshold: 2)
                try await applyAll(c, [.addVirtualServer(vs), .addRealServer(a, to: vs.key), .addRealServer(b, to: vs.key)], "setup")
                try expectEqual(try await c.realServers(of: vs.key).map(\.realServer), [b, a], "real servers")
            },
            IPVSContractCheck("real server: a missing virtual server has none (empty dump)") { c, _ in
                try expectEqual(try await c.realServers(of: web.key), [], "real servers")
            },
        ]
    }
}
