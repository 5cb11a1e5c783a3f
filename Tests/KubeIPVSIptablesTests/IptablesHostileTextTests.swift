import Foundation
import KubeIPVSCore
import KubeIPVSIptables
import KubeIPVSTesting
import Testing

/// Issue 10 item 2 against the real tools: restore input rendered for services with arbitrary names
/// passes `iptables-restore --test`, and once applied `iptables-save` shows exactly the rules a plainly
/// named service gets. Inside a namespace the test creates.
@Suite(.serialized, .enabled(if: !IptablesLab.backends.isEmpty, "needs root, ip netns and iptables in a namespace"))
struct IptablesHostileTextTests {
    static let node = NodeContext(name: "node1", localAddresses: [LocalAddress(interface: "eth0",
                                                                               address: IptablesLab.ip("10.0.0.10"))],
                                  primaryIPs: [IptablesLab.ip("10.0.0.10")])

    static func render(_ name: ServicePortName) -> String {
        IptablesModeRenderer(configuration: IptablesLab.configuration)
            .render(HostileText.snapshot(name), node: node, family: .v4).restoreText()
    }

    @Test(arguments: IptablesLab.backends)
    func arbitraryNamesRestoreToTheIntendedRules(backend: IptablesBackend) throws {
        let lab = try NetnsLab()
        defer { lab.destroy() }
        let ns = try lab.addNamespace("node")
        let restore = backend.command(.restore, family: .v4)
        let plainName = ServicePortName(service: ServiceName(namespace: "ns", name: "web"), port: "http", proto: .tcp)
        try lab.must(ns, [restore], input: Self.render(plainName))
        let plainSaved = try IptablesLab.save(lab, ns, backend, .v4)
        let expected = ["nat", "filter"].map { HostileText.structure(plainSaved, table: $0) }
        #expect(expected[0].count > 15)
        var rng = SeededGenerator(seed: 10)
        for _ in 0..<12 {
            let name = ServicePortName(service: ServiceName(namespace: HostileText.text(&rng), name: HostileText.text(&rng)),
                                       port: HostileText.text(&rng), proto: .tcp)
            let text = Self.render(name)
            let tested = try lab.run(ns, [restore, "--test"], input: text)
            #expect(tested.status == 0, "\(printable(name.description)): \(tested.stderr)")
            try lab.must(ns, [restore], input: text)
            let saved = try IptablesLab.save(lab, ns, backend, .v4)
            #expect(["nat", "filter"].map { HostileText.structure(saved, table: $0) } == expected,
                    "\(printable(name.description))")
        }
    }
}

/// SplitMix64 (as in the core tests): reproducible names.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
