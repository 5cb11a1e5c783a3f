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

    /// The spec and entries of one set's save text (bytes level: dumps hold tens of thousands of lines).
    static func parse(_ text: String) throws -> (spec: IPSetSpec, entries: [IPSetEntry]) {
        let bytes = Array(text.utf8)
        var spec: IPSetSpec?
        var entries: [IPSetEntry] = []
        var lineStart = 0
        while lineStart < bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: 0x0a) ?? bytes.count
            let line = bytes[lineStart..<lineEnd]
            lineStart = lineEnd + 1
            if line.isEmpty { continue }
            if let current = spec, let entry = addLine(line, type: current.type) {
                entries.append(entry)
            } else if spec == nil, line.starts(with: "create ".utf8) {
                spec = try self.spec(from: Substring(String(decoding: line, as: UTF8.self)))
            } else {
                throw Unparseable(line: String(decoding: line, as: UTF8.self))
            }
        }
        guard let spec else { throw Unparseable(line: String(text.prefix(80))) }
        return (spec, entries)
    }

    /// `add NAME ELEMENT` → the element, or nil.
    static func addLine(_ line: ArraySlice<UInt8>, type: IPSetType) -> IPSetEntry? {
        guard line.starts(with: "add ".utf8) else { return nil }
        let afterAdd = line.index(line.startIndex, offsetBy: 4)
        guard let nameEnd = line[afterAdd...].firstIndex(of: 0x20) else { return nil }
        let element = line[(nameEnd + 1)...]
        return IPSetElementText.parse(element.prefix { $0 != 0x20 }, type: type)
    }

    /// One element in ipset syntax, for a set of `type`.
    static func entry(_ text: Substring, type: IPSetType) -> IPSetEntry? {
        IPSetElementText.parse(ArraySlice(text.utf8), type: type)
    }
}
