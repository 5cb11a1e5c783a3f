import Glibc
import KubeIPVSCore

/// ipset element syntax (`10.96.0.10,tcp:80`) written and read at the byte level, for batches and
/// dumps of tens of thousands of entries (`IPSetEntry.description` and the `String`-based
/// ``IPSetSaveFormat/entry(_:type:)`` produce and accept the same text, only slower).
enum IPSetElementText {
    /// Appends `entry` and a NUL to `out`.
    static func append(_ entry: IPSetEntry, to out: inout [UInt8]) {
        switch entry {
        case .ip(let a):
            appendIP(a, &out)
        case .ipPort(let a, let p, let port):
            appendIP(a, &out); out.append(0x2c); appendProtoPort(p, port, &out)
        case .ipPortIP(let a, let p, let port, let b):
            appendIP(a, &out); out.append(0x2c); appendProtoPort(p, port, &out); out.append(0x2c); appendIP(b, &out)
        case .ipPortNet(let a, let p, let port, let n):
            appendIP(a, &out); out.append(0x2c); appendProtoPort(p, port, &out); out.append(0x2c); appendNet(n, &out)
        case .net(let n):
            appendNet(n, &out)
        case .port(let port):
            appendNumber(Int(port), &out)
        }
        out.append(0)
    }

    static func appendNumber(_ value: Int, _ out: inout [UInt8]) {
        if value >= 10 { appendNumber(value / 10, &out) }
        out.append(0x30 + UInt8(value % 10))
    }

    static func appendIP(_ a: IPAddress, _ out: inout [UInt8]) {
        if a.family == .v4 {
            let v = a.v4Value
            for shift in [24, 16, 8, 0] as [UInt32] {
                appendNumber(Int(v >> shift & 0xff), &out)
                if shift > 0 { out.append(0x2e) }
            }
        } else {
            out.append(contentsOf: a.description.utf8)
        }
    }

    static func appendNet(_ n: CIDR, _ out: inout [UInt8]) {
        appendIP(n.network, &out)
        out.append(0x2f)
        appendNumber(n.prefixLength, &out)
    }

    static func appendProtoPort(_ p: L4Protocol, _ port: UInt16, _ out: inout [UInt8]) {
        out.append(contentsOf: p.rawValue.utf8)
        out.append(0x3a)
        appendNumber(Int(port), &out)
    }

    // MARK: reading

    /// One element of a set of `type`, from `text` (no NUL).
    static func parse(_ text: ArraySlice<UInt8>, type: IPSetType) -> IPSetEntry? {
        // Split at commas by hand: no intermediate array per element.
        var parts: (ArraySlice<UInt8>, ArraySlice<UInt8>, ArraySlice<UInt8>) = (text, [], [])
        var count = 1
        if let first = text.firstIndex(of: 0x2c) {
            parts.0 = text[..<first]
            let rest = text[(first + 1)...]
            count = 2
            parts.1 = rest
            if let second = rest.firstIndex(of: 0x2c) {
                parts.1 = rest[..<second]
                parts.2 = rest[(second + 1)...]
                count = parts.2.contains(0x2c) ? 4 : 3
            }
        }
        switch (type, count) {
        case (.hashIP, 1):
            return ip(parts.0).map { .ip($0) }
        case (.hashNet, 1):
            return net(parts.0).map { .net($0) }
        case (.bitmapPort, 1):
            return number(parts.0).map { .port($0) }
        case (.hashIPPort, 2):
            guard let a = ip(parts.0), let (p, port) = protoPort(parts.1) else { return nil }
            return .ipPort(a, p, port)
        case (.hashIPPortIP, 3):
            guard let a = ip(parts.0), let (p, port) = protoPort(parts.1), let b = ip(parts.2) else { return nil }
            return .ipPortIP(a, p, port, b)
        case (.hashIPPortNet, 3):
            guard let a = ip(parts.0), let (p, port) = protoPort(parts.1), let n = net(parts.2) else { return nil }
            return .ipPortNet(a, p, port, n)
        default:
            return nil
        }
    }

    static func number(_ text: ArraySlice<UInt8>) -> UInt16? {
        guard !text.isEmpty, text.count <= 5 else { return nil }
        var value = 0
        for c in text {
            guard c >= 0x30, c <= 0x39 else { return nil }
            value = value * 10 + Int(c - 0x30)
        }
        return value <= 65535 ? UInt16(value) : nil
    }

    static func ip(_ text: ArraySlice<UInt8>) -> IPAddress? {
        if !text.contains(0x3a) { return ipv4(text) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard text.count < buffer.count else { return nil }
        for (i, c) in text.enumerated() { buffer[i] = CChar(bitPattern: c) }
        var storage = in6_addr()
        guard inet_pton(AF_INET6, buffer, &storage) == 1 else { return nil }
        return withUnsafeBytes(of: &storage) { IPAddress(bytes: Array($0)) }
    }

    /// Dotted quad, exactly four parts of at most three digits, each ≤ 255.
    static func ipv4(_ text: ArraySlice<UInt8>) -> IPAddress? {
        var value: UInt32 = 0, octet: UInt32 = 0, digits = 0, dots = 0
        for c in text {
            if c == 0x2e {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else if c >= 0x30, c <= 0x39, digits < 3 {
                octet = octet * 10 + UInt32(c - 0x30)
                digits += 1
                guard octet <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return IPAddress(v4: value << 8 | octet)
    }

    /// `10.0.0.0/8`, or a bare address meaning its host prefix (ipset prints /32 and /128 so).
    static func net(_ text: ArraySlice<UInt8>) -> CIDR? {
        guard let slash = text.firstIndex(of: 0x2f) else { return ip(text).map { CIDR(host: $0) } }
        guard let a = ip(text[..<slash]), let length = number(text[(slash + 1)...]) else { return nil }
        return CIDR(address: a, prefixLength: Int(length))
    }

    /// `tcp:80`, or `132:80` when /etc/protocols lacks the name.
    static func protoPort(_ text: ArraySlice<UInt8>) -> (L4Protocol, UInt16)? {
        guard let colon = text.lastIndex(of: 0x3a), let port = number(text[(colon + 1)...]) else { return nil }
        let name = text[..<colon]
        let proto: L4Protocol? = if name.elementsEqual("tcp".utf8) {
            .tcp
        } else if name.elementsEqual("udp".utf8) {
            .udp
        } else if name.elementsEqual("sctp".utf8) {
            .sctp
        } else {
            number(name).flatMap { L4Protocol(number: $0) }
        }
        return proto.map { ($0, port) }
    }
}
