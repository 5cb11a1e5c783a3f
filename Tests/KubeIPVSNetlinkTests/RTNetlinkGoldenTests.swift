import Foundation
@testable import KubeIPVSNetlink
import KubeIPVSCore
import KubeIPVSKernel
import Testing

/// Our rtnetlink requests against iproute2's, byte for byte (Fixtures/README.md).
@Suite("rtnetlink golden bytes")
struct RTNetlinkGoldenTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "hex", subdirectory: "Fixtures"))
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt8($0, radix: 16)! }
    }

    /// nlmsg_seq and nlmsg_pid zeroed: iproute2 and libnl fill them differently.
    static func normalized(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        for i in 8..<16 where i < b.count { b[i] = 0 }
        return b
    }

    static func expectSame(_ built: [UInt8], _ name: String) throws {
        let golden = try fixture(name)
        #expect(normalized(built) == normalized(golden), "\(name): built \(hex(built)) vs ip \(hex(golden))")
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined(separator: " ")
    }

    @Test func newLinkDummy() throws {
        try Self.expectSame(bytes(RTNetlinkRequests.newLink(name: "kube-ipvs0", kind: "dummy")), "rtm_newlink_dummy")
    }

    @Test func newAndDeleteAddressV4() throws {
        let ip = try #require(IPAddress("10.96.0.10"))
        try Self.expectSame(bytes(RTNetlinkRequests.address(ip, index: 3, add: true)), "rtm_newaddr_v4")
        try Self.expectSame(bytes(RTNetlinkRequests.address(ip, index: 3, add: false)), "rtm_deladdr_v4")
    }

    @Test func newAndDeleteAddressV6() throws {
        let ip = try #require(IPAddress("fd00::10"))
        try Self.expectSame(bytes(RTNetlinkRequests.address(ip, index: 3, add: true)), "rtm_newaddr_v6")
        try Self.expectSame(bytes(RTNetlinkRequests.address(ip, index: 3, add: false)), "rtm_deladdr_v6")
    }

    @Test func deleteLink() throws {
        try Self.expectSame(bytes(RTNetlinkRequests.deleteLink(index: 3)), "rtm_dellink")
    }

    /// The first message of `bytes` parsed with `parse` (through the same reply walker as the socket's).
    static func parsed<T>(_ bytes: [UInt8], _ parse: (NetlinkReply) -> T?) throws -> T? {
        var out: T?
        try withReplies(bytes) { (reply) throws(KernelError) in if out == nil { out = parse(reply) } }
        return out
    }

    /// A captured RTM_NEWADDR request parses back (the reply format is the same message type).
    @Test func parsesAddressMessages() throws {
        let v4 = try Self.parsed(try Self.fixture("rtm_newaddr_v4"), RTNetlinkParsing.address)
        #expect(v4 == .init(index: 3, address: IPAddress("10.96.0.10")!, prefixLength: 32))
        let v6 = try Self.parsed(try Self.fixture("rtm_newaddr_v6"), RTNetlinkParsing.address)
        #expect(v6 == .init(index: 3, address: IPAddress("fd00::10")!, prefixLength: 128))
        // Another message type is not an address.
        #expect(try Self.parsed(try Self.fixture("rtm_dellink"), RTNetlinkParsing.address) == nil)
    }

    /// A captured RTM_NEWLINK request parses back into name and kind.
    @Test func parsesLinkMessages() throws {
        let link = try #require(try Self.parsed(try Self.fixture("rtm_newlink_dummy"), RTNetlinkParsing.link))
        #expect(link.name == "kube-ipvs0")
        #expect(link.kind == "dummy")
        #expect(link.isUp == false)
    }

    /// The kernel's errno and extended ACK text are found after a capped echo.
    @Test func extendedAckText() throws {
        // NLMSG_ERROR, flags NLM_F_CAPPED|NLM_F_ACK_TLVS, errno -95, the echoed header of a 64-byte request,
        // NLMSGERR_ATTR_MSG "Unknown device type".
        var message: [UInt8] = [60, 0, 0, 0, 2, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0]
        message += [0xa1, 0xff, 0xff, 0xff] + [64, 0, 0, 0, 16, 0, 5, 6] + Array(repeating: 0, count: 8)
        message += [24, 0, 1, 0] + Array("Unknown device type".utf8) + [0]
        var seen: [String] = []
        try withReplies(message) { (reply) throws(KernelError) in
            if case .error(let errno, let text) = reply.kind { seen.append("\(errno) \(text)") }
        }
        #expect(seen == ["95 Unknown device type"])
    }
}
