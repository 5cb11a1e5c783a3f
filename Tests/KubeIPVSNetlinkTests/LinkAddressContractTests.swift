import Glibc
import KubeIPVSCore
import KubeIPVSKernel
import KubeIPVSNetlink
import KubeIPVSTesting
import Testing

@Suite("LinkAddress contract: FakeLinkAddress")
struct FakeLinkAddressContractTests {
    @Test func addressesOnAVeth() async throws {
        let fake = FakeLinkAddress()
        await fake.addLink(named: "kipvs-v0", kind: "veth")
        try await LinkAddressContract.runAddresses(on: fake, link: "kipvs-v0")
    }

    @Test func addressesOnLoopback() async throws {
        try await LinkAddressContract.runAddresses(on: FakeLinkAddress(), link: "lo")
    }

    @Test func dummyLink() async throws {
        try await LinkAddressContract.runDummyLink(on: FakeLinkAddress())
    }

    @Test func dummyUnsupported() async throws {
        try await LinkAddressContract.runDummyUnsupported(on: FakeLinkAddress(dummySupported: false))
    }
}

extension RealKernelTests {
    @Suite("LinkAddress contract: rtnetlink on the kernel")
    struct LinkAddressContractOnKernel {
        @Test func addressesOnAVeth() async throws {
            try KernelTier.require()
            let rtnl = try RTNetlinkLinkAddress(namespace: .fresh)
            try await rtnl.createVethPair("kipvs-v0", peer: "kipvs-v1")
            try await LinkAddressContract.runAddresses(on: rtnl, link: "kipvs-v0")
            // Cross-check with iproute2 in the same namespace: the veth is there, without addresses.
            let shown = try KernelTier.toolIn(rtnl.namespacePath, "/usr/sbin/ip", ["-o", "addr", "show", "dev", "kipvs-v0"])
            #expect(shown.status == 0)
            #expect(shown.output == "")
            try await rtnl.deleteLink(named: "kipvs-v0")
            #expect(try await rtnl.links().map(\.name) == ["lo"])
        }

        @Test func addressesOnLoopback() async throws {
            try KernelTier.require()
            try await LinkAddressContract.runAddresses(on: try RTNetlinkLinkAddress(namespace: .fresh), link: "lo")
        }

        /// This host's kernel lacks the dummy driver: the contract's exact EOPNOTSUPP. On a kernel with
        /// it (the qemu guest) the full dummy contract runs instead.
        @Test func dummyLink() async throws {
            try KernelTier.require()
            let rtnl = try RTNetlinkLinkAddress(namespace: .fresh)
            do {
                _ = try await rtnl.ensureDummyLink(named: "kipvs-probe")
                try await rtnl.deleteLink(named: "kipvs-probe")
                try await LinkAddressContract.runDummyLink(on: rtnl)
            } catch let error as KernelError where error.code == .unsupported {
                try await LinkAddressContract.runDummyUnsupported(on: rtnl)
            }
        }

        /// What iproute2 sees after we bind service addresses matches what we list.
        @Test func iproute2AgreesWithOurListing() async throws {
            try KernelTier.require()
            let rtnl = try RTNetlinkLinkAddress(namespace: .fresh)
            try await rtnl.createVethPair("kipvs-v0", peer: "kipvs-v1")
            try await rtnl.addAddress(IPAddress("10.96.0.1")!, to: "kipvs-v0")
            try await rtnl.addAddress(IPAddress("fd00::1")!, to: "kipvs-v1")
            let shown = try KernelTier.toolIn(rtnl.namespacePath, "/usr/sbin/ip", ["-o", "addr", "show"]).output
            #expect(shown.contains("kipvs-v0    inet 10.96.0.1/32 scope global kipvs-v0"))
            #expect(shown.contains("kipvs-v1    inet6 fd00::1/128 scope global"))
            let local = try await rtnl.localAddresses()
            #expect(local == [LocalAddress(interface: "kipvs-v0", address: IPAddress("10.96.0.1")!),
                              LocalAddress(interface: "kipvs-v1", address: IPAddress("fd00::1")!)])
            let links = try await rtnl.links()
            #expect(links.map(\.name) == ["lo", "kipvs-v1", "kipvs-v0"])
            #expect(links.dropFirst().allSatisfy { $0.kind == "veth" && !$0.isUp })
            try await rtnl.setLink(named: "kipvs-v0", up: true)
            #expect(try await rtnl.link(named: "kipvs-v0")?.isUp == true)
        }
    }
}
