import KubeIPVSCore
import KubeIPVSKernel

/// Parses `ipset save` text (what libipset prints in IPSET_LIST_SAVE mode) back into the
/// model: `create NAME TYPE family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x…`
/// and `add NAME 10.96.0.10,tcp:80`.
///
/// ipset prints host prefixes without their length (`hash:net` `10.1.1.1`, not `/32`), protocol
/// names from /etc/protocols (or the number when it has none), IPv6 compressed.
enum IPSetSaveFormat {
    /// A parse failure: the offending line.
    struct Unparseable: Error, CustomStringConvertible {
        let line: String
        var description: String { "cannot parse ipset save line '\(line)'" }
    }

    /// The spec in a `create` line.
    static func spec(from line: Substring) throws -> IPSetSpec {
        let words = line.split(separator: " ")
        guard words.count >= 3, words[0] == "create", let type = IPSetType(rawValue: String(words[2])) else {
            throw Unparseable(line: String(line))
        }
        var options: [Substring: Substring] = [:]
        var i = 3
        while i + 1 < words.count {
            options[words[i]] = words[i + 1]
            i += 2
        }
        if type == .bitmapPort {
            let bounds = (options["range"] ?? "").split(separator: "-").compactMap { UInt16($0) }
            guard bounds.count == 2, bounds[0] <= bounds[1] else { throw Unparseable(line: String(line)) }
            return IPSetSpec(name: String(words[1]), type: type, family: nil, portRange: bounds[0]...bounds[1])
        }
        guard let hashSize = options["hashsize"].flatMap({ UInt32($0) }),
              let maxElements = options["maxelem"].flatMap({ UInt32($0) }) else {
            throw Unparseable(line: String(line))
        }
        let family: IPFamily = options["family"] == "inet6" ? .v6 : .v4
        return IPSetSpec(name: String(words[1]), type: type, family: family, hashSize: hashSize,
                         maxElements: maxElements)
    }

    /// The spec and entries of one set's save text.
    static func parse(_ text: String) throws -> (spec: IPSetSpec, entries: [IPSetEntry]) {
        var spec: IPSetSpec?
        var entries: [IPSetEntry] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            if line.hasPrefix("create ") {
                spec = try self.spec(from: line)
            } else if let current = spec, line.hasPrefix("add ") {
                let words = line.split(separator: " ")
                guard words.count >= 3, let entry = entry(words[2], type: current.type) else {
                    throw Unparseable(line: String(line))
                }
                entries.append(entry)
            } else {
                throw Unparseable(line: String(line))
            }
        }
        guard let spec else { throw Unparseable(line: String(text.prefix(80))) }
        return (spec, entries)
    }

    /// One element in ipset syntax, for a set of `type`.
    static func entry(_ text: Substring, type: IPSetType) -> IPSetEntry? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        switch (type, parts.count) {
        case (.hashIP, 1):
            return IPAddress(String(parts[0])).map { .ip($0) }
        case (.hashNet, 1):
            return net(parts[0]).map { .net($0) }
        case (.bitmapPort, 1):
            return protoPort(parts[0], defaultProtocol: true).map { .port($0.1) }
        case (.hashIPPort, 2):
            guard let ip = IPAddress(String(parts[0])), let pp = protoPort(parts[1]) else { return nil }
            return .ipPort(ip, pp.0, pp.1)
        case (.hashIPPortIP, 3):
            guard let ip = IPAddress(String(parts[0])), let pp = protoPort(parts[1]),
                  let ip2 = IPAddress(String(parts[2])) else { return nil }
            return .ipPortIP(ip, pp.0, pp.1, ip2)
        case (.hashIPPortNet, 3):
            guard let ip = IPAddress(String(parts[0])), let pp = protoPort(parts[1]),
                  let n = net(parts[2]) else { return nil }
            return .ipPortNet(ip, pp.0, pp.1, n)
        default:
            return nil
        }
    }

    /// `10.0.0.0/8`, or a bare address meaning its host prefix.
    static func net(_ text: Substring) -> CIDR? {
        if text.contains("/") { return CIDR(String(text)) }
        return IPAddress(String(text)).map { CIDR(host: $0) }
    }

    /// `tcp:80`, `132:80` (number when /etc/protocols lacks the name); a bare `80` only where
    /// the protocol is implied (bitmap:port).
    static func protoPort(_ text: Substring, defaultProtocol: Bool = false) -> (L4Protocol, UInt16)? {
        guard let colon = text.lastIndex(of: ":") else {
            return defaultProtocol ? UInt16(text).map { (.tcp, $0) } : nil
        }
        let name = text[..<colon]
        guard let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        let proto = L4Protocol(rawValue: String(name)) ?? UInt16(name).flatMap { L4Protocol(number: $0) }
        return proto.map { ($0, port) }
    }
}
