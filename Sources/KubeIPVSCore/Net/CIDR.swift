/// An IP prefix such as `10.244.0.0/16` or `fd00::/64`.
public struct CIDR: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The network address (host bits cleared).
    public let network: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let ip = IPAddress(String(parts[0])), let len = Int(parts[1]) else { return nil }
        self.init(address: ip, prefixLength: len)
    }

    public init?(address: IPAddress, prefixLength: Int) {
        let bits = address.family == .v4 ? 32 : 128
        guard (0...bits).contains(prefixLength) else { return nil }
        self.prefixLength = prefixLength
        self.network = CIDR.mask(address, prefixLength)
    }

    /// The host prefix of one address (/32 or /128).
    public init(host: IPAddress) {
        self.network = host
        self.prefixLength = host.family == .v4 ? 32 : 128
    }

    public var family: IPFamily { network.family }

    public func contains(_ ip: IPAddress) -> Bool {
        ip.family == network.family && CIDR.mask(ip, prefixLength) == network
    }

    public var description: String { "\(network)/\(prefixLength)" }

    public static func < (a: CIDR, b: CIDR) -> Bool { (a.network, a.prefixLength) < (b.network, b.prefixLength) }

    static func mask(_ ip: IPAddress, _ length: Int) -> IPAddress {
        if ip.family == .v4 {
            let m: UInt32 = length == 0 ? 0 : ~UInt32(0) << UInt32(32 - length)
            return IPAddress(v4: ip.v4Value & m)
        }
        let hiMask: UInt64 = length >= 64 ? ~0 : (length == 0 ? 0 : ~UInt64(0) << UInt64(64 - length))
        let loMask: UInt64 = length <= 64 ? 0 : (length == 128 ? ~0 : ~UInt64(0) << UInt64(128 - length))
        return IPAddress(family: .v6, high: ip.high & hiMask, low: ip.low & loMask)
    }
}
