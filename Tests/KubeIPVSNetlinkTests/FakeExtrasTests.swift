import Glibc
import KubeIPVSCore
import KubeIPVSKernel
import KubeIPVSTesting
import Testing

/// What the fakes offer beyond the contract: call logs, injected failures, references.
@Suite("fake extras")
struct FakeExtrasTests {
    @Test func ipsetLogAndInjectedFailure() async throws {
        let fake = FakeIPSet()
        try await fake.create(IPSetSpec(name: "KUBE-CLUSTER-IP", type: .hashIPPort, family: .v4, hashSize: 1000))
        let injected = KernelError(code: .timeout, operation: "ipset add", target: "KUBE-CLUSTER-IP", errno: ETIMEDOUT)
        await fake.failNext("ipset add", with: injected)
        let entry = IPSetEntry.ipPort(IPAddress("10.96.0.1")!, .tcp, 443)
        await #expect(throws: injected) { try await fake.add([entry], to: "KUBE-CLUSTER-IP") }
        try await fake.add([entry], to: "KUBE-CLUSTER-IP")
        #expect(await fake.log == [
            "create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536",
            "add KUBE-CLUSTER-IP 1 entries",
        ])
    }

    @Test func referencesCanBeDropped() async throws {
        let fake = FakeIPSet()
        try await fake.create(IPSetSpec(name: "S", type: .hashIP, family: .v4))
        await fake.addKernelReference(to: "S")
        await #expect(throws: KernelError.self) { try await fake.destroy(set: "S") }
        await fake.removeKernelReference(to: "S")
        try await fake.destroy(set: "S")
        #expect(await fake.setNames() == [])
    }

    @Test func linkLogAndPresetAddresses() async throws {
        let fake = FakeLinkAddress()
        await fake.addLink(named: "eth0", kind: nil, isUp: true, addresses: [IPAddress("192.0.2.5")!])
        _ = try await fake.ensureDummyLink(named: "kube-ipvs0")
        try await fake.addAddress(IPAddress("10.96.0.1")!, to: "kube-ipvs0")
        #expect(await fake.localAddresses() == [LocalAddress(interface: "kube-ipvs0", address: IPAddress("10.96.0.1")!),
                                                LocalAddress(interface: "eth0", address: IPAddress("192.0.2.5")!)])
        #expect(await fake.log == ["ip link add kube-ipvs0 type dummy", "ip addr add 10.96.0.1/32 dev kube-ipvs0"])
    }
}
