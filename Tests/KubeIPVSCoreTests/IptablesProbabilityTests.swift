import Testing
@testable import KubeIPVSCore

@Suite struct IptablesProbabilityTests {
    @Test func goFormatting() {
        #expect(IptablesProbability.text(1) == "1.0000000000")
        #expect(IptablesProbability.text(2) == "0.5000000000")
        #expect(IptablesProbability.text(3) == "0.3333333333")
        #expect(IptablesProbability.text(6) == "0.1666666667")
        #expect(IptablesProbability.text(7) == "0.1428571429")
        #expect(IptablesProbability.text(1000) == "0.0010000000")
        // 1/2048 = 0.00048828125 exactly: Go (and printf) round the tie to even.
        #expect(IptablesProbability.text(2048) == "0.0004882812")
    }

    @Test func sequenceIsOneOverNThenNMinusOne() {
        #expect(IptablesProbability.sequence(0) == [])
        #expect(IptablesProbability.sequence(1) == [])
        #expect(IptablesProbability.sequence(2) == ["0.5000000000"])
        #expect(IptablesProbability.sequence(3) == ["0.3333333333", "0.5000000000"])
        #expect(IptablesProbability.sequence(5) == ["0.2000000000", "0.2500000000", "0.3333333333", "0.5000000000"])
    }

    @Test("each endpoint gets 1/n overall", arguments: [2, 3, 4, 7, 10, 33])
    func uniform(n: Int) {
        let p = IptablesProbability.sequence(n).map { Double($0)! } + [1.0]
        var remaining = 1.0
        for value in p {
            let share = remaining * value
            #expect(abs(share - 1.0 / Double(n)) < 1e-9)
            remaining -= share
        }
        #expect(abs(remaining) < 1e-9)
    }

    @Test func savedFormIsTheKernelsValue() {
        #expect(IptablesProbability.savedForm("0.3333333333") == "0.33333333349")
        #expect(IptablesProbability.savedForm("0.5000000000") == "0.50000000000")
        #expect(IptablesProbability.savedForm("0.2500000000") == "0.25000000000")
        #expect(IptablesProbability.savedForm("x") == nil)
    }
}
