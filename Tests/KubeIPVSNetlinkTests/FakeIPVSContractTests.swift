import KubeIPVSCore
import KubeIPVSKernel
import KubeIPVSTesting
import Testing

/// The IPVS contract against the fake; the same checks run against Linux 6.1 in the guest
/// (Tests/Guest/run-guest-tests.sh), so the fake keeps the kernel's semantics.
@Suite struct FakeIPVSContractTests {
    @Test("contract", arguments: IPVSContract.checks)
    func contract(_ check: IPVSContractCheck) async {
        let result = await check.run(on: FakeIPVS())
        #expect(result.passed, "\(result)")
    }

    @Test func theContractCoversEveryOperation() {
        let names = IPVSContract.checks.map(\.name).joined(separator: "\n")
        for topic in ["EEXIST", "ESRCH", "ENOENT", "EINVAL", "ERANGE", "IPv6", "SCTP", "persistence", "weight",
                      "timeouts", "flush", "batch", "many", "one call"] {
            #expect(names.contains(topic), "no check mentions \(topic)")
        }
    }

    @Test func fakeRecordsEveryOperationInOrder() async {
        let fake = FakeIPVS()
        let vs = VirtualServer(key: VirtualServerKey(address: IPAddress("10.96.0.1")!, proto: .tcp, port: 80), scheduler: .roundRobin)
        let results = await fake.apply([.addVirtualServer(vs), .addVirtualServer(vs)])
        #expect(results.map(\.succeeded) == [true, false])
        #expect(await fake.log == [.addVirtualServer(vs), .addVirtualServer(vs)])
    }

    @Test func countersSetOnTheFakeAreReported() async throws {
        let fake = FakeIPVS()
        let key = VirtualServerKey(address: IPAddress("10.96.0.1")!, proto: .tcp, port: 80)
        let rs = RealServer(address: IPAddress("10.244.1.2")!, port: 8080)
        try await fake.addVirtualServer(VirtualServer(key: key, scheduler: .roundRobin))
        try await fake.addRealServer(rs, to: key)
        await fake.setCounters(RealServerCounters(activeConnections: 3, inactiveConnections: 1), of: rs.key, in: key)
        #expect(await fake.realServers(of: key).map(\.counters) == [RealServerCounters(activeConnections: 3, inactiveConnections: 1)])
    }
}
