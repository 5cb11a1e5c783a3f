import KubeIPVSCore
import KubeIPVSKernel
import KubeIPVSNetlink
import KubeIPVSTesting
import Testing

/// The ipset contract against the fake.
@Suite("IPSet contract: FakeIPSet")
struct FakeIPSetContractTests {
    @Test(arguments: IPSetContract.Case.allCases)
    func contract(_ c: IPSetContract.Case) async throws {
        let fake = FakeIPSet()
        try await IPSetContract.run(c, on: fake) { await fake.addKernelReference(to: $0) }
    }
}

extension RealKernelTests {
    /// The same contract against the kernel through libipset, each case in a fresh network namespace.
    @Suite("IPSet contract: LibIPSet on the kernel")
    struct IPSetContractOnKernel {
        @Test(arguments: IPSetContract.Case.allCases)
        func contract(_ c: IPSetContract.Case) async throws {
            try KernelTier.require()
            let ipset = try LibIPSet(namespace: .fresh)
            let namespace = ipset.namespacePath
            try await IPSetContract.run(c, on: ipset) { name in
                // A real kernel reference: an iptables rule matching the set, in the same namespace.
                let rule = ["-w", "-A", "INPUT", "-m", "set", "--match-set", name, "dst,dst,src", "-j", "ACCEPT"]
                let result = try KernelTier.toolIn(namespace, "/usr/sbin/iptables", rule)
                #expect(result.status == 0, "iptables -m set: \(result.output)")
            }
            await ipset.close()
        }
    }
}
