#if canImport(Glibc)
import Glibc
#endif
import KubeIPVSCore
import KubeIPVSKernel

extension IPVSContract {
    static let web = VirtualServer(key: vsKey("10.96.0.1", .tcp, 443), scheduler: .roundRobin)

    static var virtualServerChecks: [IPVSContractCheck] {
        [
            IPVSContractCheck("virtual server: add then list") { c, _ in
                try await c.addVirtualServer(web)
                try expectEqual(try await c.virtualServers(), [web], "virtual servers")
                try expectEqual(try await c.table(), [VirtualServerState(virtualServer: web)], "table")
            },
            IPVSContractCheck("virtual server: adding an existing one fails with EEXIST and changes nothing") { c, _ in
                try await c.addVirtualServer(web)
                var other = web
                other.scheduler = .sourceHashing
                try expectErrno(await c.apply([.addVirtualServer(other)]).first, EEXIST, "second add")
                try expectEqual(try await c.virtualServers(), [web], "virtual servers")
            },
            IPVSContractCheck("virtual server: the single-operation helpers throw the kernel's error") { c, _ in
                try await c.addVirtualServer(web)
                do {
                    try await c.addVirtualServer(web)
                    throw ContractFailure(description: "second addVirtualServer did not throw")
                } catch let error as KernelError {
                    try expectEqual(error.errno, EEXIST, "errno")
                    try expectEqual(error.operation, "IPVS_CMD_NEW_SERVICE", "operation")
                    try expectEqual(error.target, "10.96.0.1:443/TCP", "target")
                }
            },
            IPVSContractCheck("virtual server: a scheduler without its kernel module fails with ENOENT") { c, env in
                guard let missing = env.missingScheduler else { return }
                let vs = VirtualServer(key: web.key, scheduler: missing)
                try expectErrno(await c.apply([.addVirtualServer(vs)]).first, ENOENT, "add with \(missing)")
                try expectEqual(try await c.virtualServers(), [], "virtual servers")
                try await c.addVirtualServer(web)
                try expectErrno(await c.apply([.updateVirtualServer(vs)]).first, ENOENT, "update to \(missing)")
                try expectEqual(try await c.virtualServers(), [web], "virtual servers after the failed update")
            },
            IPVSContractCheck("virtual server: update changes scheduler and persistence") { c, _ in
                try await c.addVirtualServer(web)
                let sticky = VirtualServer(key: web.key, scheduler: .sourceHashing, persistenceTimeout: 10800)
                try await c.updateVirtualServer(sticky)
                try expectEqual(try await c.virtualServers(), [sticky], "after update to persistent sh")
                let plain = VirtualServer(key: web.key, scheduler: .leastConnection)
                try await c.updateVirtualServer(plain)
                try expectEqual(try await c.virtualServers(), [plain], "after update to plain lc")
            },
            IPVSContractCheck("virtual server: update and delete of a missing one fail with ESRCH") { c, _ in
                let results = await c.apply([.updateVirtualServer(web), .deleteVirtualServer(web.key)])
                try expectErrno(results.first, ESRCH, "update")
                try expectErrno(results.last, ESRCH, "delete")
            },
            IPVSContractCheck("virtual server: delete removes it with its real servers") { c, _ in
                try await applyAll(c, [.addVirtualServer(web), .addRealServer(RealServer(key: rsKey("10.244.1.2", 8443)), to: web.key),
                                       .addRealServer(RealServer(key: rsKey("10.244.1.3", 8443)), to: web.key)], "setup")
                try await c.deleteVirtualServer(web.key)
                try expectEqual(try await c.virtualServers(), [], "virtual servers after delete")
                try await c.addVirtualServer(web)
                try expectEqual(try await c.realServers(of: web.key), [], "real servers of the re-added virtual server")
            },
            IPVSContractCheck("virtual server: every protocol and family, with persistence, round-trips") { c, _ in
                let all = [
                    VirtualServer(key: vsKey("10.96.0.10", .udp, 53), scheduler: .sourceHashing, persistenceTimeout: 10800),
                    VirtualServer(key: vsKey("10.96.0.11", .sctp, 3868), scheduler: .weightedLeastConnection),
                    VirtualServer(key: vsKey("fd00::1", .tcp, 80), scheduler: .maglevHashing, persistenceTimeout: 60),
                    VirtualServer(key: vsKey("fd00::a", .udp, 53), scheduler: .destinationHashing),
                    VirtualServer(key: vsKey("fd00:10:96::1", .sctp, 3868), scheduler: .neverQueue, persistenceTimeout: 1),
                ]
                try await applyAll(c, all.map { .addVirtualServer($0) }, "add")
                try expectEqual(Set(try await c.virtualServers()), Set(all), "virtual servers")
            },
        ]
    }
}
