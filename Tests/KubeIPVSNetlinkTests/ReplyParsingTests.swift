import CNetlink
import Glibc
import KubeIPVSCore
import KubeIPVSKernel
@testable import KubeIPVSNetlink
import Testing

/// The kernel's answers captured in the guest, parsed back.
@Suite struct ReplyParsingTests {
    @Test func serviceDumpParses() throws {
        let fixture = try Fixture("list")
        var services: [VirtualServer] = []
        for message in fixture.replies(command: IPVS_CMD_NEW_SERVICE) {
            try withReplies(message.bytes) { (reply) throws(KernelError) in
                if let (vs, _) = try IPVSReply.service(reply) { services.append(vs) }
            }
        }
        // The kernel's hash-table order for that boot (the hash mixes in the netns address).
        #expect(services == [
            VirtualServer(key: GoldenBytesTests.dns, scheduler: .sourceHashing, persistenceTimeout: 10800),
            VirtualServer(key: GoldenBytesTests.diameter, scheduler: .weightedLeastConnection),
            VirtualServer(key: GoldenBytesTests.web, scheduler: .leastConnection),
        ])
    }

    @Test func destinationDumpsParseWithCounters() throws {
        let fixture = try Fixture("list")
        let replies = fixture.replies(command: IPVS_CMD_NEW_DEST)
        try #require(replies.count == 2)
        var parsed: [RealServerState] = []
        for (message, family) in zip(replies, [IPFamily.v4, .v6]) {
            try withReplies(message.bytes) { (reply) throws(KernelError) in
                parsed.append(try IPVSReply.dest(reply, serviceFamily: family))
            }
        }
        #expect(parsed == [
            RealServerState(realServer: RealServer(key: GoldenBytesTests.pod, weight: 0, forwarding: .masquerade)),
            RealServerState(realServer: RealServer(key: RealServerKey(address: IPAddress("fd00:10:244::2")!, port: 3868),
                                                   weight: 5, forwarding: .masquerade, upperThreshold: 100, lowerThreshold: 10)),
        ])
    }

    @Test func parsedDumpRendersExactlyAsIpvsadmPrintedIt() throws {
        let fixture = try Fixture("list")
        var table: [VirtualServerState] = []
        for message in fixture.replies(command: IPVS_CMD_NEW_SERVICE) {
            try withReplies(message.bytes) { (reply) throws(KernelError) in
                if let (vs, stats) = try IPVSReply.service(reply) { table.append(VirtualServerState(virtualServer: vs, stats: stats)) }
            }
        }
        var dests: [RealServerState] = []
        for message in fixture.replies(command: IPVS_CMD_NEW_DEST) {
            try withReplies(message.bytes) { (reply) throws(KernelError) in dests.append(try IPVSReply.dest(reply, serviceFamily: .v4)) }
        }
        // ipvsadm asked for the destinations of 10.96.0.1:443/TCP first, then of [fd00::1]:3868/SCTP.
        for i in table.indices {
            switch table[i].virtualServer.key {
            case GoldenBytesTests.web: table[i].realServers = [dests[0]]
            case GoldenBytesTests.diameter: table[i].realServers = [dests[1]]
            default: break
            }
        }
        let printed = try Fixture.text("list.ipvsadm-Ln")
        #expect(IPVSTableText.render(table.map(\.tableEntry)) == printed)
    }

    @Test func configAnswerParses() throws {
        let reply = try #require(try Fixture("get-config").replies(command: IPVS_CMD_SET_CONFIG).first)
        var timeouts: IPVSTimeouts?
        try withReplies(reply.bytes) { (r) throws(KernelError) in timeouts = try IPVSReply.timeouts(r) }
        #expect(timeouts == IPVSTimeouts(tcp: 900, tcpFin: 120, udp: 300))
    }

    @Test func familyAnswerParses() throws {
        let fixture = try Fixture("new-service-tcp4")
        let answer = try #require(fixture.messages.first { !$0.fromUser && $0.type == UInt16(GENL_ID_CTRL) })
        var id: UInt16?
        try withReplies(answer.bytes) { (r) throws(KernelError) in id = IPVSReply.familyID(r) }
        #expect(id == fixture.family)
    }

    @Test("kernel errors keep their errno", arguments: [("add-existing", EEXIST), ("del-missing-dest", ENOENT)])
    func errorAnswers(_ name: String, _ errno: Int32) throws {
        let last = try #require(try Fixture(name).errors.last)
        var kinds: [String] = []
        try withReplies(last.bytes) { (r) throws(KernelError) in
            if case .error(let e, let text) = r.kind { kinds.append("error \(e) \(text)") } else { kinds.append("other") }
        }
        #expect(kinds == ["error \(errno) "])
    }

    @Test func ackIsAnAck() throws {
        let first = try #require(try Fixture("flush").errors.last)
        var isAck = false
        try withReplies(first.bytes) { (r) throws(KernelError) in if case .ack = r.kind { isAck = true } }
        #expect(isAck)
    }
}

/// Error codes no kernel sends (found by the netlink fuzz target: negating Int32.min trapped).
@Suite struct ReplyErrorCodeTests {
    static func header(length: UInt32, type: UInt16) -> [UInt8] {
        withUnsafeBytes(of: length.littleEndian, Array.init) + withUnsafeBytes(of: type.littleEndian, Array.init)
            + [0, 0] + [1, 0, 0, 0] + [0, 0, 0, 0]
    }

    static func code(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }

    func kinds(_ bytes: [UInt8]) throws -> [String] {
        var kinds: [String] = []
        try withReplies(bytes) { reply in kinds.append("\(reply.kind)") }
        return kinds
    }

    @Test func errorCodesOutsideErrnoReadAsEPROTO() throws {
        let echoed = Self.header(length: 16, type: 0)
        let error = { (value: Int32) in Self.header(length: 36, type: UInt16(NLMSG_ERROR)) + Self.code(value) + echoed }
        let done = { (value: Int32) in Self.header(length: 20, type: UInt16(NLMSG_DONE)) + Self.code(value) }
        #expect(try kinds(error(-2) + error(.min) + error(7)) == ["error(2, \"\")", "error(\(EPROTO), \"\")", "error(\(EPROTO), \"\")"])
        #expect(try kinds(done(-17) + done(.min) + done(5)) == ["done(17)", "done(\(EPROTO))", "done(0)"])
    }
}
