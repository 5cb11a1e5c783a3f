import Foundation
import Glibc
import KubeIPVSCore
import KubeIPVSKernel
import KubeIPVSNetlink
import Testing

extension RealKernelTests {
    @Suite("network namespaces")
    struct NetworkNamespaces {
        @Test func runEntersAFreshNamespaceOnItsOwnThread() throws {
            try KernelTier.require()
            let here = NetworkNamespace.currentThreadNamespace()
            let there = try NetworkNamespace.run(in: .fresh) { NetworkNamespace.currentThreadNamespace() }
            #expect(there.hasPrefix("net:["))
            #expect(there != here)
            #expect(NetworkNamespace.currentThreadNamespace() == here, "the calling thread never moves")
        }

        @Test func missingNamedNamespaceIsNotFound() throws {
            try KernelTier.require()
            let error = #expect(throws: KernelError.self) {
                _ = try NamespaceThreadExecutor(name: "kipvs-test", namespace: .named("kipvs-no-such-netns"))
            }
            #expect(error?.code == .notFound)
            #expect(error?.errno == ENOENT)
            #expect(error?.target == "/run/netns/kipvs-no-such-netns")
        }

        @Test func ipsetsBelongToTheirNamespace() async throws {
            try KernelTier.require()
            let a = try LibIPSet(namespace: .fresh)
            let b = try LibIPSet(namespace: .fresh)
            try await a.create(IPSetSpec(name: "ONLY-IN-A", type: .hashIP, family: .v4))
            #expect(try await a.setNames() == ["ONLY-IN-A"])
            #expect(try await b.setNames() == [])
            // Same name, another type, in the other namespace: libipset's process-wide name cache
            // must not mix them up.
            try await b.create(IPSetSpec(name: "ONLY-IN-A", type: .hashIPPort, family: .v6))
            try await b.add([.ipPort(IPAddress("fd00::1")!, .tcp, 80)], to: "ONLY-IN-A")
            try await a.add([.ip(IPAddress("10.0.0.1")!)], to: "ONLY-IN-A")
            #expect(try await a.entries(of: "ONLY-IN-A") == [.ip(IPAddress("10.0.0.1")!)])
            #expect(try await b.entries(of: "ONLY-IN-A") == [.ipPort(IPAddress("fd00::1")!, .tcp, 80)])
        }

        /// One executor thread shared by the ipset and rtnetlink actors: one namespace, which the
        /// real tools (entered with nsenter) see as we do.
        @Test func actorsShareAnExecutorNamespace() async throws {
            try KernelTier.require()
            let executor = try NamespaceThreadExecutor(name: "kipvs-test", namespace: .fresh)
            defer { executor.shutdown() }
            let ipset = LibIPSet(executor: executor)
            let rtnl = RTNetlinkLinkAddress(executor: executor)
            try await ipset.create(IPSetSpec(name: "KUBE-IPVS-IPS", type: .hashIP, family: .v4))
            try await ipset.add([.ip(IPAddress("10.96.0.1")!)], to: "KUBE-IPVS-IPS")
            try await rtnl.createVethPair("kipvs-v0", peer: "kipvs-v1")
            try await rtnl.addAddress(IPAddress("10.96.0.1")!, to: "kipvs-v0")
            let saved = try KernelTier.toolIn(executor.namespacePath, "/usr/sbin/ipset", ["save", "KUBE-IPVS-IPS"]).output
            #expect(saved.contains("add KUBE-IPVS-IPS 10.96.0.1\n"))
            let addresses = try KernelTier.toolIn(executor.namespacePath, "/usr/sbin/ip", ["-o", "-4", "addr"]).output
            #expect(addresses.contains("kipvs-v0    inet 10.96.0.1/32"))
            #expect(NetworkNamespace.currentThreadNamespace() != (try KernelTier.tool("/usr/bin/readlink",
                [executor.namespacePath.description]).output.trimmingCharacters(in: .whitespacesAndNewlines)))
        }

        /// `--netns NAME`: a namespace made by `ip netns add`, entered by path.
        @Test func namedNamespace() async throws {
            try KernelTier.require()
            let name = "kipvs-test-\(getpid())"
            try #require(try KernelTier.tool("/usr/sbin/ip", ["netns", "add", name]).status == 0)
            defer { _ = try? KernelTier.tool("/usr/sbin/ip", ["netns", "del", name]) }
            let ipset = try LibIPSet(namespace: .named(name))
            try await ipset.create(IPSetSpec(name: "KUBE-NODE-PORT-TCP", type: .bitmapPort, family: nil, portRange: 0...65535))
            try await ipset.add([.port(30080)], to: "KUBE-NODE-PORT-TCP")
            let listed = try KernelTier.tool("/usr/sbin/ip", ["netns", "exec", name, "ipset", "save"]).output
            #expect(listed == "create KUBE-NODE-PORT-TCP bitmap:port range 0-65535\nadd KUBE-NODE-PORT-TCP 30080\n")
            await ipset.close()
        }
    }
}
