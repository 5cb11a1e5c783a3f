import Testing
@testable import KubeIPVSCore

/// The sorted-array table behaves as the dictionary it replaced: one entry per key, the first kept.
@Suite struct RealServerTableTests {
    static func rs(_ ip: String, _ port: UInt16, weight: Int32 = 1) -> RealServer {
        RealServer(address: IPAddress(ip)!, port: port, weight: weight)
    }

    @Test func anyOrderIsSortedAndTheFirstOfAKeyIsKept() {
        let table = RealServerTable([Self.rs("10.0.0.3", 80), Self.rs("10.0.0.1", 80, weight: 5),
                                     Self.rs("10.0.0.2", 80), Self.rs("10.0.0.1", 80, weight: 9), Self.rs("10.0.0.1", 79)])
        #expect(table.values.map(\.key.description) == ["10.0.0.1:79", "10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"])
        #expect(table[Self.rs("10.0.0.1", 80).key]?.weight == 5)
        #expect(table[Self.rs("10.0.0.4", 80).key] == nil)
        #expect(table.count == 4)
    }

    @Test func updateInsertsInOrderOrReplacesAndRemoveDeletes() {
        var table: RealServerTable = [Self.rs("10.0.0.1", 80), Self.rs("10.0.0.3", 80)]
        #expect(table.update(Self.rs("10.0.0.2", 80)) == nil)
        #expect(table.update(Self.rs("10.0.0.3", 80, weight: 0)) == Self.rs("10.0.0.3", 80))
        #expect(table.values == [Self.rs("10.0.0.1", 80), Self.rs("10.0.0.2", 80), Self.rs("10.0.0.3", 80, weight: 0)])
        #expect(table.remove(Self.rs("10.0.0.1", 80).key) == Self.rs("10.0.0.1", 80))
        #expect(table.remove(Self.rs("10.0.0.1", 80).key) == nil)
        #expect(Array(table.keys) == [Self.rs("10.0.0.2", 80).key, Self.rs("10.0.0.3", 80).key])
        // Equal contents compare equal whatever the order they were given in.
        #expect(table == RealServerTable([Self.rs("10.0.0.3", 80, weight: 0), Self.rs("10.0.0.2", 80)]))
    }
}
