import Foundation
import KubeIPVSCore
import KubeIPVSNetlink
import Testing

extension RealKernelTests {
    @Suite("ipset throughput")
    struct IPSetThroughput {
        /// 20,000 hash:ip,port entries in one batch, next to `ipset restore` of the same entries
        /// (both in fresh namespaces, measured back to back). Prints both; fails if we are more than
        /// 3× slower than ipset restore (ratio only: the host is shared, absolute times vary 5×).
        @Test func twentyThousandEntriesInOneBatch() async throws {
            try KernelTier.require()
            let ours = try await IPSetBenchmark.batchAdd(count: 20_000)
            var restore = "create KUBE-BENCH hash:ip,port family inet hashsize 1024 maxelem 65536\n"
            for entry in IPSetBenchmark.entries(20_000) { restore += "add KUBE-BENCH \(entry)\n" }
            let start = Date()
            let result = try KernelTier.tool("/usr/bin/unshare", ["-n", "/usr/sbin/ipset", "restore"], input: restore)
            let restoreSeconds = Date().timeIntervalSince(start)
            #expect(result.status == 0, "ipset restore: \(result.output)")
            print("LibIPSet: \(ours)")
            print("ipset restore (process incl. create): \(Int(restoreSeconds * 1000)) ms")
            #expect(ours.addSeconds < max(0.05, restoreSeconds * 3))
        }
    }
}
