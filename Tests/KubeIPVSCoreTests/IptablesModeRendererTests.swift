import Testing
@testable import KubeIPVSCore

@Suite struct IptablesModeRendererTests {
    typealias F = IptablesFixtures
    typealias S = IptablesScenarios

    func render(_ snapshot: ProxySnapshot, family: IPFamily = .v4,
                configuration: ProxyConfiguration = S.configuration,
                options: IptablesModeOptions = IptablesModeOptions()) -> IptablesRuleset {
        IptablesModeRenderer(configuration: configuration, options: options).render(snapshot, node: S.node, family: family)
    }

    @Test func basicGolden() throws {
        try IptablesGolden.check(render(S.basic).restoreText(), "basic-v4.txt")
    }

    @Test func policiesGolden() throws {
        try IptablesGolden.check(render(S.policies).restoreText(), "policies-v4.txt")
    }

    @Test func dualStackGoldens() throws {
        try IptablesGolden.check(render(S.dualStack, family: .v4).restoreText(), "dual-stack-v4.txt")
        try IptablesGolden.check(render(S.dualStack, family: .v6).restoreText(), "dual-stack-v6.txt")
    }

    @Test func nodePortAddressesMasqueradeAllLargeClusterGolden() throws {
        var configuration = S.configuration
        configuration.nodePortAddresses = .cidrs([F.cidr("127.0.0.0/8"), F.cidr("10.0.0.0/8")])
        configuration.masqueradeAll = true
        configuration.masqueradeBit = 12
        let options = IptablesModeOptions(randomFully: false, largeClusterEndpointsThreshold: 2)
        let port = ServicePort(name: F.name("ns4/np", "http"), port: 80, nodePort: 30400, clusterIPs: [F.ip("10.96.4.4")])
        let snapshot = F.snapshot([(port, [F.endpoint("10.244.1.1", 80), F.endpoint("10.244.1.2", 80),
                                           F.endpoint("10.244.1.3", 80)])])
        try IptablesGolden.check(render(snapshot, configuration: configuration, options: options).restoreText(),
                                 "nodeport-addresses-v4.txt")
    }

    @Test func partialSyncWritesOnlyChangedServicesAndDeletesStaleChains() throws {
        let before = render(S.basic)
        var snapshot = S.basic
        snapshot.endpoints[S.web.name]?.removeAll { $0.address == F.ip("10.244.2.9") }
        let after = render(snapshot)
        let changed = after.changedServices(since: before)
        #expect(changed == [S.web.name])
        let gone = IptablesChainNames.endpoint(S.web.name, F.endpoint("10.244.2.9", 8080))
        #expect(after.staleChains(existing: before.serviceChainNames.union(["KUBE-SERVICES", "OTHER"])) == [gone])
        try IptablesGolden.check(after.restoreText(only: changed, deleting: [gone]), "partial-v4.txt")
    }

    @Test func restoreInputIsRenderPlusStaleChains() throws {
        let renderer = IptablesModeRenderer(configuration: S.configuration)
        let before = renderer.render(S.basic, node: S.node, family: .v4)
        var snapshot = S.basic
        snapshot.endpoints[S.web.name]?.removeAll { $0.address == F.ip("10.244.2.9") }
        let (text, stale) = renderer.restoreInput(snapshot, node: S.node, family: .v4, onlyServices: [S.web.name],
                                                  previousChains: before.serviceChainNames)
        #expect(stale == [IptablesChainNames.endpoint(S.web.name, F.endpoint("10.244.2.9", 8080))])
        try IptablesGolden.check(text, "partial-v4.txt")
        #expect(renderer.renderAll(snapshot, node: S.node).map(\.family) == [.v4, .v6])
    }

    @Test func noChangeMeansNoServiceChainsWritten() {
        let ruleset = render(S.basic)
        #expect(ruleset.changedServices(since: ruleset).isEmpty)
        #expect(ruleset.changedServices(since: nil).count == S.basic.servicePorts.count)
        let text = ruleset.restoreText(only: [])
        #expect(!text.contains(":KUBE-SVC-") && !text.contains(":KUBE-SEP-"))
        // Top-level jumps into the (kept) service chains are still written in full.
        #expect(text.contains("-A KUBE-SERVICES -m comment --comment \"ns1/web:http cluster IP\""))
    }

    @Test func probabilitiesFollowOneOverNThenNMinusOne() {
        let port = ServicePort(name: F.name("ns/five", "p"), port: 1, clusterIPs: [F.ip("10.96.9.9")])
        let endpoints = (1...5).map { F.endpoint("10.244.9.\($0)", 80) }
        let rules = render(F.snapshot([(port, endpoints)])).services[0].chainRules
            .filter { $0.hasPrefix("-A KUBE-SVC-") && $0.contains(" -> ") }
        let probabilities = rules.map { rule in
            rule.split(separator: " ").drop { $0 != "--probability" }.dropFirst().first.map(String.init)
        }
        #expect(probabilities == ["0.2000000000", "0.2500000000", "0.3333333333", "0.5000000000", nil])
    }

    @Test func deterministicWhateverTheInputOrder() {
        var shuffled = S.basic
        for key in shuffled.endpoints.keys { shuffled.endpoints[key]?.reverse() }
        shuffled.endpoints[S.web.name]? += [F.endpoint("10.244.2.9", 8080)]  // a duplicate from a second slice
        #expect(render(shuffled).restoreText() == render(S.basic).restoreText())
    }

    @Test func localPolicyWithoutLocalEndpointsDropsExternalTraffic() {
        let text = render(S.policies).restoreText()
        #expect(text.contains("-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns2/lb-local-none:http has no local endpoints\""
            + " -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30101 -j DROP"))
        #expect(text.contains("-A KUBE-SERVICES -m comment --comment \"ns2/itp-local-none:http has no local endpoints\""
            + " -m tcp -p tcp -d 10.96.1.3 --dport 80 -j DROP"))
        let ext = IptablesChainNames.external(F.name("ns2/lb-local-none", "http"))
        // The EXT chain keeps only the short-circuit rules: no jump to an (absent) local chain.
        #expect(!text.contains("-A \(ext) -j "))
    }
}
