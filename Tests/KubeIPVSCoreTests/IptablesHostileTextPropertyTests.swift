import KubeIPVSCore
import KubeIPVSTesting
import Testing

/// Issue 10 item 2: arbitrary text in every field that reaches a rule (namespace, name, port name)
/// leaves the iptables-restore input with exactly the rules a plainly named service gets.
@Suite struct IptablesHostileTextPropertyTests {
    typealias S = IptablesScenarios

    static func render(_ name: ServicePortName) -> String {
        IptablesModeRenderer(configuration: S.configuration)
            .render(HostileText.snapshot(name), node: S.node, family: .v4).restoreText()
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func arbitraryNamesRenderTheIntendedRules(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let plain = Self.render(ServicePortName(service: ServiceName(namespace: "ns", name: "web"), port: "http",
                                                proto: .tcp))
        let expected = ["nat", "filter"].map { HostileText.structure(plain, table: $0) }
        #expect(expected[0].count > 15)
        for _ in 0..<100 {
            let name = ServicePortName(service: ServiceName(namespace: HostileText.text(&rng),
                                                            name: HostileText.text(&rng)),
                                       port: HostileText.text(&rng), proto: .tcp)
            let text = Self.render(name)
            let actual = ["nat", "filter"].map { HostileText.structure(text, table: $0) }
            #expect(actual == expected, "\(printable(name.description))")
            for line in text.split(separator: "\n") {
                let ok = ["*", ":", "-A ", "-X ", "COMMIT"].contains { line.hasPrefix($0) }
                #expect(ok, "\(printable(String(line)))")
                #expect(line.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f }, "\(printable(String(line)))")
            }
        }
    }

    @Test func commentArgumentsAreBareOrQuotedAndBounded() {
        #expect(IptablesComment.argument("ns/web:http") == "ns/web:http")
        #expect(IptablesComment.argument("ns/web:http cluster IP") == "\"ns/web:http cluster IP\"")
        #expect(IptablesComment.argument("a\"b\\c\nd") == "a_b_c_d")
        #expect(IptablesComment.argument("a\"b c\u{0}") == "\"a_b c_\"")
        #expect(IptablesComment.argument("") == "\"\"")
        #expect(IptablesComment.argument(String(repeating: "x ", count: 200)).utf8.count == 257)
        #expect(IptablesComment.name("ns/we b\n:p") == "ns/we_b_:p")
    }
}
