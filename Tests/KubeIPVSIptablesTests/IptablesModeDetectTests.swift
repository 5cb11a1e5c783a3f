import Foundation
import KubeIPVSCore
import KubeIPVSIptables
import KubeIPVSTesting
import Testing

/// `IptablesModeOptions.detect`: `MASQUERADE --random-fully` only when every family's iptables
/// is at least 1.6.2; the detected options then shape the rules actually written.
@Suite struct IptablesModeDetectTests {
    /// Answers `<tool> --version` per tool name; unknown tools are not installed.
    struct Tools: CommandRunning {
        var versions: [String: String]
        var status: Int32 = 0

        func run(_ arguments: [String], input: String?, timeout: Duration) async throws -> CommandResult {
            guard arguments.dropFirst().first == "--version", let version = versions[arguments[0]] else {
                throw IptablesError(code: .notFound, operation: arguments[0], target: arguments[0])
            }
            return CommandResult(arguments: arguments, status: status, stdout: version + "\n", stderr: "")
        }
    }

    static let modern = Tools(versions: ["iptables-nft": "iptables v1.8.9 (nf_tables)",
                                         "ip6tables-nft": "ip6tables v1.8.9 (nf_tables)"])

    @Test func everyFamilySupportsRandomFully() async {
        let base = IptablesModeOptions(localhostNodePorts: false, randomFully: false, largeClusterEndpointsThreshold: 7)
        let options = await IptablesModeOptions.detect(backend: .nft, runner: Self.modern, base: base)
        #expect(options == IptablesModeOptions(localhostNodePorts: false, randomFully: true, largeClusterEndpointsThreshold: 7))
    }

    @Test func oneOldFamilyTurnsItOff() async {
        let mixed = Tools(versions: ["iptables-legacy": "iptables v1.8.7 (legacy)", "ip6tables-legacy": "ip6tables v1.6.1"])
        #expect(await !IptablesModeOptions.detect(backend: .legacy, runner: mixed).randomFully)
        // Only IPv4 programmed: the old ip6tables does not matter.
        #expect(await IptablesModeOptions.detect(backend: .legacy, families: [.v4], runner: mixed).randomFully)
    }

    @Test func missingOrFailingToolsTurnItOff() async {
        #expect(await !IptablesModeOptions.detect(backend: .legacy, runner: Self.modern).randomFully)
        var failing = Self.modern
        failing.status = 1
        #expect(await !IptablesModeOptions.detect(backend: .nft, runner: failing).randomFully)
        #expect(await !IptablesModeOptions.detect(backend: .nft, families: [], runner: Self.modern).randomFully)
    }

    @Test("the detected setting decides the MASQUERADE rule written by the real tools",
          .enabled(if: !IptablesLab.backends.isEmpty, "needs root, ip netns and iptables in a namespace"),
          arguments: IptablesLab.backends)
    func appliedRule(backend: IptablesBackend) async throws {
        let lab = try NetnsLab()
        defer { lab.destroy() }
        let ns = try lab.addNamespace("node")
        let detected = await IptablesModeOptions.detect(backend: backend, runner: lab.runner(in: ns))
        #expect(detected.randomFully, "iptables on this machine is 1.8.x")
        let old = await IptablesModeOptions.detect(backend: backend, runner: Tools(versions: [
            backend.command(.iptables, family: .v4): "iptables v1.6.1", backend.command(.iptables, family: .v6): "ip6tables v1.6.1",
        ]))
        for (options, expected) in [(detected, true), (old, false)] {
            let proxier = IptablesProxier(configuration: IptablesLab.configuration, options: options,
                                          node: IptablesApplyTests.node, backend: backend, runner: lab.runner(in: ns),
                                          logger: IptablesLab.logger)
            try await proxier.sync(IptablesApplyTests.snapshot())
            for family in IPFamily.allFamilies {
                let masquerade = try IptablesLab.save(lab, ns, backend, family).split(separator: "\n")
                    .filter { $0.hasPrefix("-A KUBE-POSTROUTING") && $0.contains("-j MASQUERADE") }
                #expect(masquerade.count == 1 && masquerade[0].hasSuffix("--random-fully") == expected,
                        "\(backend) \(family): \(masquerade)")
            }
        }
    }
}
