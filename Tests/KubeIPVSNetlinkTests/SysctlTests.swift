import Foundation
import Glibc
import KubeIPVSKernel
import KubeIPVSNetlink
import Testing

/// Sysctl against a stand-in /proc/sys directory (the real one is written in the guest tier).
@Suite struct SysctlTests {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sysctl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/net/ipv4/vs", withIntermediateDirectories: true)
        try "0\n".write(toFile: root + "/net/ipv4/vs/conntrack", atomically: false, encoding: .utf8)
    }

    @Test func keysMapToPaths() {
        #expect(SysctlKey.arpIgnore.path == "net/ipv4/conf/all/arp_ignore")
        #expect(SysctlKey.expireNodestConn.path == "net/ipv4/vs/expire_nodest_conn")
    }

    @Test func writeReturnsThePreviousValue() throws {
        let sysctl = Sysctl(root: root)
        #expect(try sysctl.write(.ipvsConntrack, "1") == "0")
        #expect(try String(contentsOfFile: root + "/net/ipv4/vs/conntrack", encoding: .utf8) == "1\n")
        #expect(try sysctl.read(.ipvsConntrack) == "1")
    }

    @Test func ensureDoesNotWriteAnEqualValue() throws {
        let path = root + "/net/ipv4/vs/conntrack"
        chmod(path, 0o444)  // a write would fail (unless root, which the next expectation still covers)
        #expect(try Sysctl(root: root).ensure(.ipvsConntrack, "0") == "0")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "0\n")
    }

    @Test func aMissingKeyNamesTheKeyAndErrno() {
        do {
            _ = try Sysctl(root: root).read(.connReuseMode)
            Issue.record("read of a missing key succeeded")
        } catch {
            #expect(error.errno == ENOENT)
            #expect(error.target == "net.ipv4.vs.conn_reuse_mode")
            #expect(error.operation == "sysctl read")
        }
    }
}
