import Testing
@testable import KubeIPVSCore

@Suite struct IPAddressTests {
    @Test(arguments: ["10.96.0.1", "0.0.0.0", "255.255.255.255", "fd00::1", "::", "2001:db8::a:b"])
    func roundTrips(_ text: String) throws {
        let ip = try #require(IPAddress(text))
        #expect(ip.description == text)
        #expect(IPAddress(bytes: ip.bytes) == ip)
    }

    @Test(arguments: ["10.96.0", "10.96.0.256", "010.1.1.1", "1.2.3.4.5", "", "abc", "1.2.3.4/32", "fd00::zz"])
    func rejectsMalformed(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func cidrContainment() throws {
        let c = try #require(CIDR("10.244.0.0/16"))
        #expect(c.contains(IPAddress("10.244.3.7")!))
        #expect(!c.contains(IPAddress("10.245.0.1")!))
        #expect(!c.contains(IPAddress("fd00::1")!))
        #expect(CIDR("10.244.1.5/16")?.description == "10.244.0.0/16")
        #expect(CIDR("fd00:1::/64")?.contains(IPAddress("fd00:1::9")!) == true)
        #expect(CIDR("10.0.0.0/33") == nil)
    }
}
