import Glibc
import KubeIPVSCore
import KubeIPVSKernel

/// Throughput of ``LibIPSet`` batches, for `kube-ipvs-bench` and tests.
public enum IPSetBenchmark {
    /// One measurement, seconds of wall time.
    public struct Result: Sendable, CustomStringConvertible {
        public var entries: Int
        /// One `add` call with every entry (a fresh, empty set).
        public var addSeconds: Double
        /// `entries(of:)`: save dump parsed back into the model.
        public var listSeconds: Double
        /// One `delete` call with every entry.
        public var deleteSeconds: Double

        public var description: String {
            func ms(_ s: Double) -> String { String(Int((s * 1000).rounded())) + " ms" }
            let rate = addSeconds > 0 ? Int(Double(entries) / addSeconds) : 0
            return "\(entries) hash:ip,port entries: add \(ms(addSeconds)) (\(rate)/s), list \(ms(listSeconds)), "
                + "delete \(ms(deleteSeconds))"
        }
    }

    /// `count` distinct hash:ip,port entries in 10.96.0.0/16 (TCP and UDP alternating, ports 80–86).
    public static func entries(_ count: Int) -> [IPSetEntry] {
        (0..<count).map { (i: Int) -> IPSetEntry in
            let address = IPAddress(v4: 0x0a60_0000 + UInt32(i / 2))
            let proto: L4Protocol = i % 2 == 0 ? .tcp : .udp
            return .ipPort(address, proto, UInt16(80 + i % 7))
        }
    }

    /// Creates `KUBE-BENCH` (hash:ip,port, maxelem ≥ count) in `namespace` (fresh by default, so
    /// the host is untouched), adds `count` entries in one batch, lists and deletes them.
    /// Needs root. Verifies the listed count, so a silently short batch cannot look fast.
    public static func batchAdd(count: Int = 20_000, namespace: NetworkNamespace = .fresh) async throws -> Result {
        let ipset = try LibIPSet(namespace: namespace)
        let name = "KUBE-BENCH"
        let entries = entries(count)
        try await ipset.create(IPSetSpec(name: name, type: .hashIPPort, family: .v4,
                                         maxElements: UInt32(max(65536, count))))
        let t0 = now()
        try await ipset.add(entries, to: name)
        let t1 = now()
        let listed = try await ipset.entries(of: name)
        let t2 = now()
        try await ipset.delete(entries, from: name)
        let t3 = now()
        guard listed.count == count else {
            throw KernelError(code: .failed, operation: "ipset list", target: name,
                              detail: "listed \(listed.count) entries after adding \(count)")
        }
        try await ipset.destroy(set: name)
        await ipset.close()
        return Result(entries: count, addSeconds: t1 - t0, listSeconds: t2 - t1, deleteSeconds: t3 - t2)
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
