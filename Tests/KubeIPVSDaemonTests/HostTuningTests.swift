import Foundation
import KubeIPVSDaemon
import KubeIPVSNetlink
import Logging
import Testing

/// Host tuning through its seams: a sysctl tree, a hashsize file and an OOM score file in a
/// temporary directory (the kernel's global nf_conntrack_max and hashsize are never touched by tests;
/// the per-namespace timeouts are checked in a namespace by the daemon end-to-end test).
@Suite struct HostTuningTests {
    struct Tree {
        let root: String
        init(_ values: [String: String]) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("kipvs-tune-\(UUID().uuidString)").path
            for (key, value) in values { try write(key, value) }
        }
        func path(_ key: String) -> String { root + "/" + key.replacingOccurrences(of: ".", with: "/") }
        func write(_ key: String, _ value: String) throws {
            let p = path(key)
            try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try (value + "\n").write(toFile: p, atomically: true, encoding: .utf8)
        }
        func read(_ key: String) -> String? {
            (try? String(contentsOfFile: path(key), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    static let keys = ["net.netfilter.nf_conntrack_max": "65536", "net.netfilter.nf_conntrack_tcp_timeout_established": "432000",
                       "net.netfilter.nf_conntrack_tcp_timeout_close_wait": "60", "net.netfilter.nf_conntrack_udp_timeout": "30",
                       "net.netfilter.nf_conntrack_udp_timeout_stream": "120", "net.netfilter.nf_conntrack_tcp_be_liberal": "0",
                       "hashsize": "16384", "oom": "0"]

    func setup(_ t: Tree, cpus: Int) -> HostTuningSetup {
        HostTuningSetup(sysctl: Sysctl(root: t.root), hashsizePath: t.path("hashsize"), oomScorePath: t.path("oom"),
                        cpus: cpus, logger: Logger(label: "test"))
    }

    @Test func defaultsAsKubeProxySetsThem() throws {
        let t = try Tree(Self.keys)
        defer { try? FileManager.default.removeItem(atPath: t.root) }
        #expect(setup(t, cpus: 2).apply(HostTuning()) == [])
        // 2 CPUs × 32768 is below conntrack.min: the minimum wins (the lab's kube-proxy v1.28 did the same).
        #expect(t.read("net.netfilter.nf_conntrack_max") == "131072" && t.read("hashsize") == "32768")
        #expect(t.read("net.netfilter.nf_conntrack_tcp_timeout_established") == "86400")
        #expect(t.read("net.netfilter.nf_conntrack_tcp_timeout_close_wait") == "3600")
        // Zero UDP timeouts and liberal mode off leave the kernel's values.
        #expect(t.read("net.netfilter.nf_conntrack_udp_timeout") == "30" && t.read("net.netfilter.nf_conntrack_tcp_be_liberal") == "0")
        #expect(t.read("oom") == "-999")
    }

    @Test func zeroLeavesAsIsAndALargerHashIsKept() throws {
        var tuning = HostTuning()
        tuning.conntrackMaxPerCore = 0
        tuning.tcpEstablishedTimeout = .zero
        tuning.udpTimeout = .seconds(15)
        tuning.tcpBeLiberal = true
        tuning.oomScoreAdj = 100
        let t = try Tree(Self.keys)
        defer { try? FileManager.default.removeItem(atPath: t.root) }
        #expect(setup(t, cpus: 64).apply(tuning) == [])
        #expect(t.read("net.netfilter.nf_conntrack_max") == "65536" && t.read("hashsize") == "16384")
        #expect(t.read("net.netfilter.nf_conntrack_tcp_timeout_established") == "432000")
        #expect(t.read("net.netfilter.nf_conntrack_udp_timeout") == "15" && t.read("net.netfilter.nf_conntrack_tcp_be_liberal") == "1")
        #expect(t.read("oom") == "100")

        var big = HostTuning()
        big.conntrackMaxPerCore = 1000
        big.conntrackMin = 0
        try t.write("hashsize", "999999")
        _ = setup(t, cpus: 64).apply(big)
        #expect(t.read("net.netfilter.nf_conntrack_max") == "64000" && t.read("hashsize") == "999999")
    }

    @Test func anUnwritableConntrackMaxIsReportedAndTheHashLeftAlone() throws {
        var values = Self.keys
        values["net.netfilter.nf_conntrack_max"] = nil
        let t = try Tree(values)
        defer { try? FileManager.default.removeItem(atPath: t.root) }
        let failures = setup(t, cpus: 2).apply(HostTuning())
        #expect(failures.count == 1 && failures[0].hasPrefix("net.netfilter.nf_conntrack_max"))
        #expect(t.read("hashsize") == "16384" && t.read("net.netfilter.nf_conntrack_tcp_timeout_close_wait") == "3600")
    }
}
