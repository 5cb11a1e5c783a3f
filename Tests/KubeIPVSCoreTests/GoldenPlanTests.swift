import Foundation
import KubeIPVSCore
import Testing

/// Each `Golden/*.yaml` scenario planned and rendered must equal its `.golden` file, whatever the
/// order of its objects.
@Suite struct GoldenPlanTests {
    @Test func scenariosExist() {
        #expect(GoldenScenario.names.count >= 20)
    }

    @Test(arguments: GoldenScenario.names)
    func scenario(_ name: String) throws {
        let scenario = try GoldenScenario(name)
        let plan = scenario.plan()
        let text = IPVSPlanText.render(plan)
        if GoldenScenario.updating {
            try scenario.writeGolden(text)
        } else {
            let expected = try #require(scenario.expected, "missing Golden/\(name).golden (KUBE_IPVS_UPDATE_GOLDEN=1)")
            #expect(text == expected)
        }
        // Same plan for reversed and shuffled inputs.
        var rng = SeededGenerator(seed: 0x5eed_0000 &+ UInt64(name.utf8.count))
        for _ in 0..<3 {
            let shuffled = scenario.plan(services: scenario.objects.services.shuffled(using: &rng),
                                         slices: scenario.objects.endpointSlices.shuffled(using: &rng))
            #expect(shuffled == plan)
        }
        PlanInvariants.check(plan)
    }
}
