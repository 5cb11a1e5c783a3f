#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Address family of an ``IPAddress``.
public enum IPFamily: Int, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    case v4 = 4
    case v6 = 6

    public static func < (a: IPFamily, b: IPFamily) -> Bool { a.rawValue < b.rawValue }
    public var description: String { self == .v4 ? "IPv4" : "IPv6" }
}

/// An IPv4 or IPv6 address stored inline (no heap allocation): 128 bits plus the family.
/// IPv4 addresses live in the low 32 bits of `low`.
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    // The family last: 17 bytes, so a port and flags fit in the padding of the types that hold one
    // (an endpoint is 24 bytes, not 32).
    /// Most significant 64 bits (always 0 for IPv4).
    public let high: UInt64
    /// Least significant 64 bits.
    public let low: UInt64
    public let family: IPFamily

    public init(family: IPFamily, high: UInt64, low: UInt64) {
        self.family = family
        self.high = family == .v4 ? 0 : high
        self.low = family == .v4 ? low & 0xffff_ffff : low
    }

    /// An IPv4 address from its host-order 32-bit value.
    public init(v4 value: UInt32) { self.init(family: .v4, high: 0, low: UInt64(value)) }

    /// Network-order bytes: 4 for IPv4, 16 for IPv6.
    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4:
            self.init(v4: bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            let hi = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let lo = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            self.init(family: .v6, high: hi, low: lo)
        default:
            return nil
        }
    }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text. Returns nil for anything else: leading zeros in
    /// IPv4 octets (as Go's net.ParseIP since 1.17), zones, and any byte the address syntax has no use
    /// for (a NUL would otherwise end the text early for inet_pton). An IPv4-mapped IPv6 address
    /// (`::ffff:10.97.0.7`) is the IPv4 address, as kube-proxy's netutils treats it (docs/validation.md).
    public init?(_ text: String) {
        let utf8 = text.utf8
        guard utf8.count <= IPAddress.maxTextLength else { return nil }
        if let v4 = IPAddress.parseV4(utf8) {
            self.init(v4: v4)
        } else if utf8.contains(UInt8(ascii: ":")), utf8.allSatisfy(IPAddress.isV6TextByte),
                  let v6 = IPAddress.parseV6(text) {
            self = v6.high == 0 && v6.low >> 32 == 0xffff ? IPAddress(v4: UInt32(truncatingIfNeeded: v6.low)) : v6
        } else {
            return nil
        }
    }

    /// The longest address text: `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255` (INET6_ADDRSTRLEN - 1).
    public static let maxTextLength = 45

    static func isV6TextByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f"))
            || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F")) || c == UInt8(ascii: ":") || c == UInt8(ascii: ".")
    }

    /// Network-order bytes: 4 for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        if family == .v4 {
            let v = UInt32(truncatingIfNeeded: low)
            return [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
        }
        return (0..<8).map { UInt8(high >> (56 - 8 * UInt64($0)) & 0xff) }
            + (0..<8).map { UInt8(low >> (56 - 8 * UInt64($0)) & 0xff) }
    }

    /// Host-order IPv4 value (meaningless for IPv6).
    public var v4Value: UInt32 { UInt32(truncatingIfNeeded: low) }

    public var isLoopback: Bool {
        family == .v4 ? (v4Value >> 24) == 127 : (high == 0 && low == 1)
    }

    /// True for 0.0.0.0 and ::.
    public var isUnspecified: Bool { high == 0 && low == 0 }

    /// IPv6 link-local (fe80::/10) or IPv4 169.254.0.0/16.
    public var isLinkLocal: Bool {
        family == .v4 ? (v4Value >> 16) == 0xa9fe : (high >> 54) == 0x3fa
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        (a.family, a.high, a.low) < (b.family, b.high, b.low)
    }

    public var description: String {
        if family == .v4 {
            let v = v4Value
            return "\(v >> 24).\(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff)"
        }
        return IPAddress.formatV6(bytes)
    }

    /// The text with IPv6 in brackets, for `address:port` notation.
    public var bracketed: String { family == .v4 ? description : "[\(description)]" }
}

extension IPAddress {
    static func parseV4(_ utf8: String.UTF8View) -> UInt32? {
        var value: UInt32 = 0, octet: UInt32 = 0, digits = 0, dots = 0
        for c in utf8 {
            if c == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0; digits = 0; dots += 1
            } else if c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
                if digits > 0 && octet == 0 { return nil }  // leading zero
                octet = octet * 10 + UInt32(c - UInt8(ascii: "0"))
                digits += 1
                guard octet <= 255, digits <= 3 else { return nil }
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }

    static func parseV6(_ text: String) -> IPAddress? {
        var storage = in6_addr()
        guard inet_pton(AF_INET6, text, &storage) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &storage) { Array($0) }
        return IPAddress(bytes: bytes)
    }

    static func formatV6(_ bytes: [UInt8]) -> String {
        var storage = in6_addr()
        withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &storage, &buffer, socklen_t(buffer.count)) != nil else { return "::" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
