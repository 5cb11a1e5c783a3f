import Testing
@testable import KubeIPVSCore

/// The render cache and the chain-level partial restore: whatever is reused or left out, the
/// result must equal an uncached render and a full write.
@Suite struct IptablesRenderCacheTests {
    typealias F = IptablesFixtures
    typealias S = IptablesScenarios

    static let renderer = IptablesModeRenderer(configuration: S.configuration)

    /// A sequence of snapshots, each one change away from the previous, with the services changed.
    static var steps: [(ProxySnapshot, Set<ServiceName>)] {
        var out: [(ProxySnapshot, Set<ServiceName>)] = []
        var s = S.policies.merging(S.basic).merging(S.dualStack)
        out.append((s, []))
        let web = S.web.name
        s.endpoints[web, default: []].append(F.endpoint("10.244.3.3", 8080))
        out.append((s, [web.service]))
        s.servicePorts[web]?.nodePort = 30999
        out.append((s, [web.service]))
        let extra = ServicePort(name: F.name("ns9/new", "dns", .udp), port: 53, clusterIPs: [F.ip("10.96.9.9")])
        s.servicePorts[extra.name] = extra
        s.endpoints[extra.name] = [F.endpoint("10.244.9.1", 5353), F.endpoint("10.244.9.2", 5353, local: true)]
        out.append((s, [extra.name.service]))
        let removed = s.servicePorts.keys.filter { $0 != web && $0 != extra.name }.min()!
        s.servicePorts[removed] = nil
        s.endpoints[removed] = nil
        out.append((s, [removed.service]))
        s.endpoints[extra.name] = []
        out.append((s, [extra.name.service]))
        return out
    }

    @Test("a cached render equals an uncached one at every step, with and without the changed-services hint",
          arguments: [false, true])
    func cachedEqualsUncached(hint: Bool) {
        for family in IPFamily.allFamilies {
            var cache = IptablesRenderCache()
            for (index, (snapshot, changed)) in Self.steps.enumerated() {
                let cached = Self.renderer.render(snapshot, node: S.node, family: family, cache: &cache,
                                                  changed: hint && index > 0 ? changed : nil)
                let plain = Self.renderer.render(snapshot, node: S.node, family: family)
                #expect(cached == plain, "step \(index) \(family)")
                #expect(cached.restoreText() == plain.restoreText(), "step \(index) \(family)")
                if index > 0 {
                    // Only the changed service's ports were rendered again.
                    #expect(cache.lastRendered.allSatisfy { changed.contains($0.service) }, "step \(index): \(cache.lastRendered)")
                }
            }
        }
    }

    @Test func onlyTheChangedPortIsRenderedAgain() {
        var cache = IptablesRenderCache()
        var snapshot = S.basic
        _ = Self.renderer.render(snapshot, node: S.node, family: .v4, cache: &cache)
        let all = Set(snapshot.servicePorts.keys)
        #expect(cache.lastRendered == all && cache.count == all.count)
        _ = Self.renderer.render(snapshot, node: S.node, family: .v4, cache: &cache)
        #expect(cache.lastRendered.isEmpty && cache.lastRemoved.isEmpty)
        snapshot.endpoints[S.web.name, default: []].append(F.endpoint("10.244.3.3", 8080))
        _ = Self.renderer.render(snapshot, node: S.node, family: .v4, cache: &cache)
        #expect(cache.lastRendered == [S.web.name])
        snapshot.servicePorts[S.web.name] = nil
        _ = Self.renderer.render(snapshot, node: S.node, family: .v4, cache: &cache)
        #expect(cache.lastRendered.isEmpty && cache.lastRemoved == [S.web.name] && cache.count == all.count - 1)
    }

    @Test("crossing the large-cluster threshold renders every port again, without comments")
    func largeClusterFlip() {
        var snapshot = S.basic
        let count = snapshot.endpoints.values.reduce(0) { $0 + Set($1).count }
        let renderer = IptablesModeRenderer(configuration: S.configuration,
                                            options: IptablesModeOptions(largeClusterEndpointsThreshold: count))
        var cache = IptablesRenderCache()
        let small = renderer.render(snapshot, node: S.node, family: .v4, cache: &cache)
        #expect(small.restoreText().contains("-m comment --comment ns1/web:http -s"))
        snapshot.endpoints[S.web.name, default: []].append(F.endpoint("10.244.7.1", 8080))
        let large = renderer.render(snapshot, node: S.node, family: .v4, cache: &cache, changed: [S.web.name.service])
        #expect(cache.lastRendered == Set(snapshot.servicePorts.keys))
        #expect(large == renderer.render(snapshot, node: S.node, family: .v4))
        #expect(!large.restoreText().contains("-m comment --comment ns1/web:http -s"))
    }

    @Test("applying the partial input to the previous state gives exactly the full write of the new ruleset")
    func partialRestoreReachesTheFullState() throws {
        for family in IPFamily.allFamilies {
            var cache = IptablesRenderCache()
            var previous: IptablesRuleset?
            var kernel = RestoreModel()
            for (index, (snapshot, changed)) in Self.steps.enumerated() {
                let ruleset = Self.renderer.render(snapshot, node: S.node, family: family, cache: &cache,
                                                   changed: index > 0 ? changed : nil)
                if let previous {
                    let candidates = cache.lastRendered.union(cache.lastRemoved)
                    let ports = ruleset.changedServices(since: previous, among: candidates)
                    #expect(ports == ruleset.changedServices(since: previous), "step \(index)")
                    let stale = ruleset.staleChains(since: previous, among: candidates)
                    #expect(stale == ruleset.staleChains(existing: previous.serviceChainNames), "step \(index)")
                    let partial = ruleset.partialRestore(since: previous.topLevelChains, changed: ports, deleting: stale)
                    if let text = partial.text { try kernel.apply(text) }
                } else {
                    try kernel.apply(ruleset.restoreText())
                }
                var fresh = RestoreModel()
                try fresh.apply(ruleset.restoreText())
                #expect(kernel == fresh, "step \(index) \(family)")
                previous = ruleset
            }
        }
    }

    @Test("an added endpoint rewrites only its service's chains; an unchanged ruleset writes nothing")
    func partialRestoreIsMinimal() throws {
        let before = Self.renderer.render(S.basic, node: S.node, family: .v4)
        let same = before.partialRestore(since: before.topLevelChains, changed: [], deleting: [])
        #expect(same.text == nil && same.rewrittenChains.isEmpty)

        var snapshot = S.basic
        snapshot.endpoints[S.web.name, default: []].append(F.endpoint("10.244.3.3", 8080))
        let after = Self.renderer.render(snapshot, node: S.node, family: .v4)
        let changed = after.changedServices(since: before)
        let partial = after.partialRestore(since: before.topLevelChains, changed: changed, deleting: [])
        #expect(changed == [S.web.name] && partial.rewrittenChains.isEmpty)
        let text = try #require(partial.text)
        let declared = text.split(separator: "\n").filter { $0.hasPrefix(":") }.map { String($0.dropFirst().prefix { $0 != " " }) }
        let own = try #require(after.section(named: S.web.name)).chains
        #expect(declared == own)
        #expect(!text.contains("KUBE-SERVICES") && text.hasPrefix("*filter\nCOMMIT\n*nat\n"))

        // A new NodePort changes KUBE-NODEPORTS (nat) and nothing at the top of filter.
        snapshot.servicePorts[S.web.name]?.nodePort = 31000
        let third = Self.renderer.render(snapshot, node: S.node, family: .v4)
        let nodePort = third.partialRestore(since: after.topLevelChains, changed: third.changedServices(since: after),
                                            deleting: [])
        #expect(nodePort.rewrittenChains == ["nat/KUBE-NODEPORTS"])
    }

    @Test func stale_conntrack_can_be_limited_to_changed_services() {
        let dns = ServicePort(name: F.name("ns/dns", "dns", .udp), port: 53, clusterIPs: [F.ip("10.96.0.53")])
        let other = ServicePort(name: F.name("ns/other", "dns", .udp), port: 53, clusterIPs: [F.ip("10.96.0.54")])
        let before = F.snapshot([(dns, [F.endpoint("10.244.1.1", 53), F.endpoint("10.244.1.2", 53)]),
                                 (other, [F.endpoint("10.244.2.1", 53), F.endpoint("10.244.2.2", 53)])])
        var after = before
        after.endpoints[dns.name] = [F.endpoint("10.244.1.1", 53)]
        after.endpoints[other.name] = [F.endpoint("10.244.2.1", 53)]
        let all = StaleConntrack.deletions(previous: before, current: after)
        let limited = StaleConntrack.deletions(previous: before, current: after, services: [dns.name.service])
        #expect(all.count == 2)
        #expect(limited == [ConntrackDeletion(.serviceEndpoint(F.ip("10.96.0.53"), endpoint: F.ip("10.244.1.2")))])
    }
}

extension ProxySnapshot {
    /// Both snapshots' ports and endpoints (the other's win on a clash).
    func merging(_ other: ProxySnapshot) -> ProxySnapshot {
        var out = self
        out.servicePorts.merge(other.servicePorts) { $1 }
        out.endpoints.merge(other.endpoints) { $1 }
        return out
    }
}
