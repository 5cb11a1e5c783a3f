#if canImport(Glibc)
import Glibc
#endif
import KubeIPVSCore
import KubeIPVSKernel

extension IPVSContract {
    static var tableChecks: [IPVSContractCheck] {
        [
            IPVSContractCheck("table: timeouts read back; a 0 field is left unchanged") { c, _ in
                let before = try await c.timeouts()
                try await c.setTimeouts(IPVSTimeouts(tcp: 901, tcpFin: 121, udp: 301))
                try expectEqual(try await c.timeouts(), IPVSTimeouts(tcp: 901, tcpFin: 121, udp: 301), "after set")
                try await c.setTimeouts(IPVSTimeouts(tcp: 0, tcpFin: 0, udp: 302))
                try expectEqual(try await c.timeouts(), IPVSTimeouts(tcp: 901, tcpFin: 121, udp: 302), "after partial set")
                try await c.setTimeouts(before)
                try expectEqual(try await c.timeouts(), before, "restored")
            },
            IPVSContractCheck("table: flush removes every virtual and real server") { c, _ in
                try await applyAll(c, [.addVirtualServer(web), .addRealServer(pod1, to: web.key),
                                       .addVirtualServer(VirtualServer(key: vsKey("fd00::1", .udp, 53), scheduler: .roundRobin))],
                                   "setup")
                try await c.flush()
                try expectEqual(try await c.table(), [], "table after flush")
                try await c.flush()  // flushing an empty table is fine
            },
            IPVSContractCheck("table: one call returns every virtual server with its real servers") { c, _ in
                let udp = VirtualServer(key: vsKey("fd00::a", .udp, 53), scheduler: .sourceHashing, persistenceTimeout: 30)
                let dns = RealServer(key: rsKey("fd00:10:244::5", 53))
                try await applyAll(c, [.addVirtualServer(web), .addRealServer(pod1, to: web.key), .addRealServer(pod2, to: web.key),
                                       .addVirtualServer(udp), .addRealServer(dns, to: udp.key)], "setup")
                let table = try await c.table()
                let expected: Set<VirtualServerState> = [
                    VirtualServerState(virtualServer: web, realServers: [RealServerState(realServer: pod2), RealServerState(realServer: pod1)]),
                    VirtualServerState(virtualServer: udp, realServers: [RealServerState(realServer: dns)]),
                ]
                try expectEqual(Set(table.map(\.withoutStats)), expected, "table")
            },
        ]
    }

    static var batchChecks: [IPVSContractCheck] {
        [
            IPVSContractCheck("batch: each operation gets its own result; a failure in the middle stops nothing") { c, _ in
                let other = VirtualServer(key: vsKey("10.96.0.2", .udp, 53), scheduler: .roundRobin)
                let missing = vsKey("10.96.0.3", .tcp, 80)
                let results = await c.apply([
                    .addVirtualServer(web), .addVirtualServer(web), .addVirtualServer(other),
                    .addRealServer(pod1, to: web.key), .addRealServer(pod1, to: missing),
                    .deleteRealServer(pod2.key, from: web.key), .addRealServer(pod2, to: other.key),
                ])
                try expectEqual(results.map(\.operation.operationName), ["IPVS_CMD_NEW_SERVICE", "IPVS_CMD_NEW_SERVICE",
                    "IPVS_CMD_NEW_SERVICE", "IPVS_CMD_NEW_DEST", "IPVS_CMD_NEW_DEST", "IPVS_CMD_DEL_DEST", "IPVS_CMD_NEW_DEST"],
                    "operations in submission order")
                try expectEqual(results.map { $0.error?.errno }, [nil, EEXIST, nil, nil, ESRCH, ENOENT, nil], "errnos")
                try expectEqual(results[4].error?.target, "10.96.0.3:80/TCP -> 10.244.1.2:8443", "target of the failure")
                let table = Set(try await c.table().map(\.withoutStats))
                try expectEqual(table, [VirtualServerState(virtualServer: web, realServers: [RealServerState(realServer: pod1)]),
                                        VirtualServerState(virtualServer: other, realServers: [RealServerState(realServer: pod2)])],
                                "table")
            },
            IPVSContractCheck("batch: many virtual and real servers land whole and dump back; half deleted in one batch") { c, env in
                let table = bulkTable(env.bulkVirtualServers, env.bulkRealServers)
                var ops: [IPVSOperation] = []
                for s in table {
                    ops.append(.addVirtualServer(s.virtualServer))
                    ops += s.realServers.reversed().map { .addRealServer($0.realServer, to: s.virtualServer.key) }
                }
                try await applyAll(c, ops, "bulk add of \(ops.count) operations")
                try expectEqual(Set(try await c.table().map(\.withoutStats)), Set(table), "dumped table")
                let doomed = table.indices.filter { $0 % 2 == 0 }.map { table[$0].virtualServer.key }
                try await applyAll(c, doomed.map { .deleteVirtualServer($0) }, "bulk delete")
                try expectEqual(Set(try await c.virtualServers()), Set(table.indices.filter { $0 % 2 == 1 }.map { table[$0].virtualServer }),
                                "virtual servers after deleting half")
            },
            IPVSContractCheck("batch: when every operation fails, every error comes back") { c, env in
                // More failures than one datagram's worth of answers: none may be lost to a receive overrun.
                let keys = (0..<max(3000, env.bulkVirtualServers)).map {
                    VirtualServerKey(address: IPAddress(v4: 0x0a63_0000 | UInt32($0)), proto: .tcp, port: 80)
                }
                let results = await c.apply(keys.map { .deleteVirtualServer($0) })
                try expectEqual(results.count, keys.count, "result count")
                try expectEqual(Set(results.map { $0.error?.errno }), [ESRCH], "errnos")
                try expectEqual(results.map(\.operation.virtualServer), keys, "results in submission order")
            },
            IPVSContractCheck("batch: an empty batch does nothing") { c, _ in
                try expectEqual(await c.apply([]), [], "results")
            },
        ]
    }

    /// `count` virtual servers (IPv4 and IPv6, TCP/UDP/SCTP) with `perServer` real servers each, in the
    /// kernel's list order (most recently added first).
    public static func bulkTable(_ count: Int, _ perServer: Int) -> [VirtualServerState] {
        let protocols: [L4Protocol] = [.tcp, .udp, .sctp]
        return (0..<count).map { i in
            let v6 = i % 5 == 4
            let address = v6 ? IPAddress(family: .v6, high: 0xfd00_0000_0000_0096, low: UInt64(i))
                             : IPAddress(v4: 0x0a60_0000 | UInt32(i))
            let vs = VirtualServer(key: VirtualServerKey(address: address, proto: protocols[i % 3], port: UInt16(80 + i % 7)),
                                   scheduler: .roundRobin, persistenceTimeout: i % 4 == 3 ? 10800 : nil)
            let rs = (0..<perServer).map { j in
                let pod = v6 ? IPAddress(family: .v6, high: 0xfd00_0010_0244_0000, low: UInt64(i << 8 | j))
                             : IPAddress(v4: 0x0af4_0000 | UInt32(i << 6 & 0xffc0) | UInt32(j))
                return RealServerState(realServer: RealServer(key: RealServerKey(address: pod, port: 8080), weight: Int32(1 + j % 3)))
            }
            return VirtualServerState(virtualServer: vs, realServers: rs.reversed())
        }
    }
}

extension VirtualServerState {
    /// The same state with traffic stats and counters zeroed (they depend on traffic, not on the table).
    var withoutStats: VirtualServerState {
        VirtualServerState(virtualServer: virtualServer,
                           realServers: realServers.map { RealServerState(realServer: $0.realServer) })
    }
}
