import KubeIPVSCore
import Testing

/// Issue 10 items 1 and 2: object text the API server would refuse is refused here too, and whatever
/// text reaches the iptables renderer cannot change which rules the restore input holds.
@Suite struct HostileTextTests {
    typealias N = ServiceNormalizerTests
    typealias F = IptablesFixtures

    static let injected = "web\n-I PREROUTING -j DNAT --to-destination 6.6.6.6\n#"

    @Test func serviceNamesFollowTheAPIServer() {
        let cases: [(String, String, String)] = [
            (Self.injected, "ns", #"metadata.name "web\n-I PREROUTING -j DNAT --to-destination 6.6.6.6\n#" must be a lowercase RFC 1035 label"#),
            ("Web", "ns", #"metadata.name "Web" must be a lowercase RFC 1035 label"#),
            ("1web", "ns", #"metadata.name "1web" must be a lowercase RFC 1035 label"#),
            (String(repeating: "a", count: 64), "ns", "metadata.name \"\(String(repeating: "a", count: 64))\" must be no more than 63 characters"),
            ("web", "n s", #"metadata.namespace "n s" must be a lowercase RFC 1123 label"#),
            ("web", "ns\u{0}", #"metadata.namespace "ns\u{0}" must be a lowercase RFC 1123 label"#),
        ]
        for (name, namespace, reason) in cases {
            let n = ServiceNormalizer.normalize(N.service(name) { $0.metadata.namespace = namespace })
            #expect(n.ports.isEmpty, "\(reason)")
            #expect(n.rejections.count == 1)
            #expect(n.rejections.first.map { $0.reason.hasPrefix(reason) } == true, "\(n.rejections)")
        }
        #expect(ServiceNormalizer.normalize(N.service("a-1") { $0.metadata.namespace = "kube-system" }).ports.count == 1)
    }

    @Test func portNamesAreDNS1123Labels() {
        let ports = [KubeService.Port(name: "http\n-A KUBE-SERVICES -j ACCEPT", port: 80),
                     KubeService.Port(name: "Metrics", port: 81), KubeService.Port(name: "dns-tcp", port: 53)]
        let n = ServiceNormalizer.normalize(N.service(ports: ports))
        #expect(n.ports.map(\.name.port) == ["dns-tcp"])
        #expect(n.rejections.map(\.reason) == [
            #"spec.ports[0].name "http\n-A KUBE-SERVICES -j ACCEPT" must be a lowercase RFC 1123 label (a-z, 0-9 and '-', starting and ending alphanumeric)"#,
            #"spec.ports[1].name "Metrics" must be a lowercase RFC 1123 label (a-z, 0-9 and '-', starting and ending alphanumeric)"#,
        ])
    }

    static func slice(_ name: String = "web-abc", service: String = "web", portName: String = "http",
                      address: String = "10.244.1.5", addressType: String = "IPv4") -> KubeEndpointSlice {
        KubeEndpointSlice(metadata: KubeObjectMeta(name: name, namespace: "ns",
                                                   labels: [KubeEndpointSlice.serviceNameLabel: service]),
                          addressType: addressType,
                          endpoints: [.init(addresses: [address])],
                          ports: [.init(name: portName, protocol: "TCP", port: 8080)])
    }

    @Test func sliceNamesLabelAndPortNamesFollowTheAPIServer() {
        let cases: [(KubeEndpointSlice, String)] = [
            (Self.slice(service: Self.injected), #"metadata.labels["kubernetes.io/service-name"] "web\n-I PREROUTING"#),
            (Self.slice(service: "web.x"), #"metadata.labels["kubernetes.io/service-name"] "web.x" must be a lowercase RFC 1035 label"#),
            (Self.slice("Web_1"), #"metadata.name "Web_1" must be a lowercase RFC 1123 subdomain"#),
            (Self.slice(portName: "a\"b"), #"ports[0].name "a\"b" must be a lowercase RFC 1123 label"#),
        ]
        for (slice, reason) in cases {
            let out = EndpointSliceNormalizer.normalize([slice], nodeName: "node1")
            #expect(out.endpoints.isEmpty, "\(reason)")
            #expect(out.rejections.count == 1 && out.rejections[0].reason.hasPrefix(reason), "\(out.rejections)")
        }
        let good = EndpointSliceNormalizer.normalize([Self.slice("web-abc.v1")], nodeName: "node1")
        #expect(good.rejections.isEmpty && good.endpoints.count == 1)
    }

    @Test func ipTextHasExactlyOneMeaning() {
        for text in ["fd00:97::1\u{0}junk", "10.97.0.7\u{0}", "fd00::1%eth0", " 10.0.0.1", "fd00::1 ", "fd00::1\n",
                     "0x0a.0.0.1", "fd00::g", String(repeating: "0", count: 40) + "::1"] {
            #expect(IPAddress(text) == nil, "\(printable(text))")
        }
        #expect(IPAddress("::ffff:10.97.0.7") == IPAddress("10.97.0.7"))
        #expect(IPAddress("::ffff:a61:7")?.description == "10.97.0.7")
        #expect(IPAddress("::ffff:10.97.0.7")?.family == .v4)
        #expect(IPAddress("64:ff9b::10.97.0.7")?.family == .v6)
        #expect(IPAddress("FD00:97::1")?.description == "fd00:97::1")
    }

    @Test func nulTruncatedAndMappedAddressesInObjects() {
        let n = ServiceNormalizer.normalize(N.service(clusterIPs: ["fd00:96::1\u{0}junk"]))
        #expect(n.ports.isEmpty)
        #expect(n.rejections.map(\.reason) == [#"spec.clusterIPs[0] "fd00:96::1\u{0}junk" is not an IP address"#])
        let ext = ServiceNormalizer.normalize(N.service { $0.spec.externalIPs = ["::ffff:10.97.0.7", "fd00:97::1\u{0}junk"] })
        #expect(ext.ports.first?.externalIPs == [IPAddress("10.97.0.7")!])
        #expect(ext.rejections.map(\.reason) == [#"spec.externalIPs[1] "fd00:97::1\u{0}junk" is not an IP address"#])
        let slice = EndpointSliceNormalizer.normalize([Self.slice(address: "fd00:244::5\u{0}x", addressType: "IPv6")],
                                                      nodeName: "n")
        #expect(slice.rejections.map(\.reason) == [#"endpoints[0].addresses[0] "fd00:244::5\u{0}x" is not an IP address"#])
    }

    @Test func rejectionDescriptionsEscapeTheObjectName() {
        let n = ServiceNormalizer.normalize(N.service(Self.injected))
        #expect(!n.rejections[0].description.contains("\n"))
        #expect(n.rejections[0].description.hasPrefix(#"Service ns/web\n-I PREROUTING"#))
    }
}
