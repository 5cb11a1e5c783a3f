import Foundation
@testable import KubeIPVSNetlink
import KubeIPVSCore
import Testing

/// `ipset save` text captured from ipset 7.17 (Fixtures/README.md) parsed back into the model.
@Suite("ipset save text")
struct IPSetSaveFormatTests {
    static func saved(_ set: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "ipset_save_\(set)", withExtension: "txt",
                                                 subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func ip(_ s: String) -> IPAddress { IPAddress(s)! }

    @Test func hashIPPort() throws {
        let (spec, entries) = try IPSetSaveFormat.parse(try Self.saved("KUBE-CLUSTER-IP"))
        #expect(spec == IPSetSpec(name: "KUBE-CLUSTER-IP", type: .hashIPPort, family: .v4))
        #expect(entries.sorted() == [.ipPort(Self.ip("10.96.0.10"), .tcp, 53), .ipPort(Self.ip("10.96.0.10"), .udp, 53),
                                     .ipPort(Self.ip("10.96.0.11"), .sctp, 30080)])
    }

    @Test func hashIPPortNetV6WithHostPrefix() throws {
        let (spec, entries) = try IPSetSaveFormat.parse(try Self.saved("KUBE-LOAD-BALANCER-SOURCE-CIDR"))
        #expect(spec == IPSetSpec(name: "KUBE-LOAD-BALANCER-SOURCE-CIDR", type: .hashIPPortNet, family: .v6))
        #expect(entries.sorted() == [.ipPortNet(Self.ip("fd00::1"), .tcp, 443, CIDR("fd00:10::/64")!),
                                     .ipPortNet(Self.ip("fd00::2"), .udp, 53, CIDR("fd00::5/128")!)])
    }

    @Test func hashNetWithHostPrefix() throws {
        let (spec, entries) = try IPSetSaveFormat.parse(try Self.saved("KUBE-NET"))
        #expect(spec.type == .hashNet)
        #expect(entries.sorted() == [.net(CIDR("10.0.0.0/8")!), .net(CIDR("10.1.1.1/32")!)])
    }

    @Test func bitmapPort() throws {
        let (spec, entries) = try IPSetSaveFormat.parse(try Self.saved("KUBE-NODE-PORT-TCP"))
        #expect(spec == IPSetSpec(name: "KUBE-NODE-PORT-TCP", type: .bitmapPort, family: nil, portRange: 0...65535))
        #expect(entries == [.port(30080), .port(30081)])
    }

    @Test func hashIPPortIP() throws {
        let (spec, entries) = try IPSetSaveFormat.parse(try Self.saved("KUBE-LOOP-BACK"))
        #expect(spec.type == .hashIPPortIP)
        #expect(entries == [.ipPortIP(Self.ip("10.0.0.1"), .tcp, 80, Self.ip("10.0.0.1"))])
    }

    @Test func hashIPv6WithCustomSizes() throws {
        let (spec, entries) = try IPSetSaveFormat.parse(try Self.saved("KUBE-IPVS-IPS"))
        #expect(spec == IPSetSpec(name: "KUBE-IPVS-IPS", type: .hashIP, family: .v6, hashSize: 4096, maxElements: 1000))
        #expect(entries == [.ip(Self.ip("fd00::1"))])
    }

    @Test func protocolNumbersAndGarbage() throws {
        #expect(IPSetSaveFormat.entry("10.0.0.1,132:80", type: .hashIPPort) == .ipPort(Self.ip("10.0.0.1"), .sctp, 80))
        #expect(IPSetSaveFormat.entry("10.0.0.1,udplite:80", type: .hashIPPort) == nil)
        #expect(IPSetSaveFormat.entry("10.0.0.1", type: .hashIPPort) == nil)
        #expect(throws: IPSetSaveFormat.Unparseable.self) { try IPSetSaveFormat.parse("add X 10.0.0.1\n") }
        #expect(throws: IPSetSaveFormat.Unparseable.self) { try IPSetSaveFormat.parse("create X list:set size 8\n") }
    }
}

/// libipset's report texts mapped to codes and errnos.
@Suite("libipset error mapping")
struct LibIPSetErrorsTests {
    @Test func batchLinePrefix() {
        let (line, text) = LibIPSetErrors.splitLine("Error in line 3: Element cannot be added to the set: it's already added")
        #expect(line == 3)
        #expect(text == "Element cannot be added to the set: it's already added")
        #expect(LibIPSetErrors.splitLine("Hash is full, cannot add more elements").line == nil)
    }

    @Test func knownMessages() {
        let e = LibIPSetErrors.kernelError(operation: "ipset add", target: "S 1.2.3.4",
                                           message: "Error in line 1: Element cannot be added to the set: it's already added")
        #expect(e.code == .exists)
        #expect(e.errno == EEXIST)
        #expect(e.detail == "Element cannot be added to the set: it's already added")
        #expect(e.description == "ipset add S 1.2.3.4: File exists (errno 17) — Element cannot be added to the set: it's already added")
        #expect(LibIPSetErrors.kernelError(operation: "ipset destroy", target: "S",
                                           message: "Set cannot be destroyed: it is in use by a kernel component").errno == EBUSY)
    }

    @Test func kernelErrnoText() {
        let e = LibIPSetErrors.kernelError(operation: "ipset create", target: "S",
                                           message: "Kernel error received: Operation not permitted")
        #expect(e.code == .permission)
        #expect(e.errno == EPERM)
    }

    @Test func syntaxAndUnknown() {
        let syntax = LibIPSetErrors.kernelError(operation: "ipset add", target: "S x", message: "Syntax error: cannot parse x")
        #expect(syntax.code == .invalid)
        #expect(syntax.errno == nil)
        let odd = LibIPSetErrors.kernelError(operation: "ipset add", target: "S", message: "")
        #expect(odd.code == .failed)
        #expect(odd.detail == "libipset gave no reason")
    }
}

/// The byte-level element writer and reader agree with `IPSetEntry.description`.
@Suite("ipset element text")
struct IPSetElementTextTests {
    static let samples: [IPSetEntry] = [
        .ip(IPAddress("10.96.0.1")!), .ip(IPAddress("fd00::a")!), .ip(IPAddress("0.0.0.0")!),
        .ipPort(IPAddress("255.255.255.255")!, .sctp, 65535), .ipPort(IPAddress("2001:db8::7")!, .udp, 0),
        .ipPortIP(IPAddress("10.0.0.1")!, .tcp, 80, IPAddress("10.0.0.1")!),
        .ipPortNet(IPAddress("fd00::10")!, .tcp, 443, CIDR("fd00:10::/64")!),
        .ipPortNet(IPAddress("192.0.2.10")!, .udp, 53, CIDR("198.51.100.0/24")!),
        .net(CIDR("10.0.0.0/8")!), .net(CIDR("2001:db8::1/128")!), .port(30080), .port(0),
    ]

    @Test(arguments: samples)
    func writesDescription(_ entry: IPSetEntry) {
        var bytes: [UInt8] = []
        IPSetElementText.append(entry, to: &bytes)
        #expect(bytes.last == 0)
        #expect(String(decoding: bytes.dropLast(), as: UTF8.self) == entry.description)
    }

    @Test(arguments: samples)
    func readsDescription(_ entry: IPSetEntry) {
        #expect(IPSetElementText.parse(ArraySlice(entry.description.utf8), type: entry.setType) == entry)
    }

    @Test func refusesMalformed() {
        for (text, type) in [("10.0.0.256", IPSetType.hashIP), ("10.0.0.1,tcp:65536", .hashIPPort), ("x", .bitmapPort),
                             ("10.0.0.1,tcp", .hashIPPort), ("10.0.0.0/33", .hashNet), ("", .hashIP)] {
            #expect(IPSetElementText.parse(ArraySlice(text.utf8), type: type) == nil, "\(text)")
        }
    }
}
