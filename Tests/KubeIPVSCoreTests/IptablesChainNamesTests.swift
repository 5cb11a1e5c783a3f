import Testing
@testable import KubeIPVSCore

@Suite struct IptablesChainNamesTests {
    typealias F = IptablesFixtures

    @Test("service chain hashes match the kube-proxy v1.28 dump", arguments: [
        ("demo/web-nodeport", "http", L4Protocol.tcp, "BBYD2RNDRQWT4Q5C"),
        ("demo/sticky", "http", .tcp, "AXLOBOE2HHHPV3ST"),
        ("demo/with-externalips", "http", .tcp, "B72V5ZRVN6WJOY6F"),
        ("demo/with-externalips", "dns", .udp, "37IF3GRJ24OIIFZO"),
    ])
    func serviceHash(service: String, port: String, proto: L4Protocol, hash: String) {
        let name = F.name(service, port, proto)
        #expect(IptablesChainNames.portProtoHash(name) == hash)
        #expect(IptablesChainNames.service(name) == "KUBE-SVC-" + hash)
        #expect(IptablesChainNames.external(name) == "KUBE-EXT-" + hash)
        #expect(IptablesChainNames.local(name) == "KUBE-SVL-" + hash)
        #expect(IptablesChainNames.firewall(name) == "KUBE-FW-" + hash)
    }

    @Test("endpoint chain hashes match the kube-proxy v1.28 dump", arguments: [
        ("demo/web-nodeport", "http", L4Protocol.tcp, "10.244.1.11", UInt16(8080), "XLJUY246SKZTYOKN"),
        ("demo/web-nodeport", "http", .tcp, "10.244.1.12", 8080, "53SWOZNPL3DC3PXK"),
        ("demo/web-nodeport", "http", .tcp, "10.244.2.13", 8080, "4STUCXJMLVLYFFNR"),
        ("demo/sticky", "http", .tcp, "10.244.1.21", 8080, "R5TDNW2YPNMX5TEK"),
        ("demo/with-externalips", "dns", .udp, "10.244.1.41", 5353, "ZYGPJWY7UHBNJ63U"),
        ("demo/with-externalips", "dns", .udp, "10.244.2.42", 5353, "HERGRM5Q3W3QOYVP"),
    ])
    func endpointHash(service: String, port: String, proto: L4Protocol, address: String, target: UInt16, hash: String) {
        let chain = IptablesChainNames.endpoint(F.name(service, port, proto), F.endpoint(address, target))
        #expect(chain == "KUBE-SEP-" + hash)
    }

    @Test func unnamedPortHashesServiceNameOnly() {
        // An unnamed port prints as "ns/name" (no colon), so its hash is sha256("ns/name" + "tcp").
        let unnamed = F.name("default/kubernetes", "", .tcp)
        #expect(unnamed.description == "default/kubernetes")
        #expect(IptablesChainNames.portProtoHash(unnamed) == IptablesChainNames.hash16("default/kubernetestcp"))
        #expect(IptablesChainNames.portProtoHash(unnamed) != IptablesChainNames.portProtoHash(F.name("default/kubernetes", "", .udp)))
    }

    @Test("RFC 4648 base32 test vectors")
    func base32() {
        let vectors: [(String, String)] = [("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"),
                                           ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")]
        for (input, expected) in vectors {
            #expect(IptablesChainNames.base32Prefix(Array(input.utf8), characters: expected.count) == expected)
        }
    }

    @Test func serviceChainPrefixes() {
        for chain in ["KUBE-SVC-X", "KUBE-SVL-X", "KUBE-EXT-X", "KUBE-FW-X", "KUBE-SEP-X"] {
            #expect(IptablesChainNames.isServiceChain(chain))
        }
        for chain in ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-MARK-MASQ", "KUBE-FIREWALL", "KUBE-PROXY-FIREWALL"] {
            #expect(!IptablesChainNames.isServiceChain(chain))
        }
    }
}
