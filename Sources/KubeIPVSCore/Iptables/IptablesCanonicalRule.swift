/// A rule in a form where what `iptables-restore` was given and what `iptables-save` prints back
/// compare equal: `iptables-save` adds `/32`, moves `-p` and `-s`/`-d` first, prints probabilities
/// as the kernel keeps them (11 digits), spells `--or-mark X` as `--set-xmark X/X`, and adds
/// defaults (`--mask 255.255.255.255 --rsource`, `--reject-with icmp-port-unreachable`).
public struct IptablesCanonicalRule: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The chain the rule is appended to.
    public var chain: String
    /// Basic matches (`-d 10.0.0.1/32`, `! -s 10.244.0.0/16`, `-p tcp`), sorted.
    public var basics: [String]
    /// `-m module opts…` groups, each with sorted options, sorted.
    public var matches: [String]
    /// `-j TARGET opts…` (options sorted), or empty.
    public var target: String

    /// Parses one `-A CHAIN …` line; nil for anything else.
    public init?(_ line: String, family: IPFamily) {
        let tokens = Self.tokenize(line)
        guard tokens.count >= 2, tokens[0] == "-A" else { return nil }
        chain = tokens[1]
        var basics: [String] = [], groups: [(name: String, options: [String])] = []
        var targetName = "", targetOptions: [String] = []
        var protocolName: String?
        var negate = false
        var index = 2
        func values() -> [String] {
            var out: [String] = []
            while index < tokens.count, !tokens[index].hasPrefix("-"), tokens[index] != "!" {
                out.append(tokens[index]); index += 1
            }
            return out
        }
        while index < tokens.count {
            let token = tokens[index]; index += 1
            if token == "!" { negate = true; continue }
            let bang = negate ? "! " : ""
            negate = false
            switch token {
            case "-s", "--source", "-d", "--destination":
                let flag = token.hasPrefix("-s") || token == "--source" ? "-s" : "-d"
                basics.append("\(bang)\(flag) \(Self.prefix(values().first ?? "", family))")
            case "-p", "--protocol":
                let value = (values().first ?? "").lowercased()
                protocolName = value
                basics.append("\(bang)-p \(value)")
            case "-i", "--in-interface", "-o", "--out-interface":
                basics.append("\(bang)\(token.count == 2 ? token : String(token.prefix(3))) \(values().joined(separator: " "))")
            case "-m", "--match":
                groups.append((values().first ?? "", []))
            case "-j", "--jump", "-g", "--goto":
                targetName = (token == "-g" || token == "--goto" ? "-g " : "-j ") + (values().first ?? "")
            default:
                let option = ([bang + token] + values()).joined(separator: " ")
                if !targetName.isEmpty {
                    targetOptions.append(option)
                } else if groups.isEmpty, let proto = protocolName {
                    groups.append((proto, [option]))  // implicit `-m tcp` from `-p tcp --dport`
                } else if groups.isEmpty {
                    basics.append(option)
                } else {
                    groups[groups.count - 1].options.append(option)
                }
            }
        }
        self.basics = basics.sorted()
        matches = groups.map { Self.canonicalMatch($0.name, $0.options, family) }.sorted()
        target = Self.canonicalTarget(targetName, targetOptions, family)
    }

    /// The canonical text (chain, sorted basics, sorted matches, target).
    public var description: String {
        (["-A \(chain)"] + basics + matches + (target.isEmpty ? [] : [target])).joined(separator: " ")
    }

    public static func < (a: Self, b: Self) -> Bool { a.description < b.description }

    /// Every rule of `table` in `text` (save output or restore input), by chain, in order.
    public static func rulesByChain(_ text: String, table: String, family: IPFamily) -> [String: [Self]] {
        var out: [String: [Self]] = [:]
        for line in IptablesSaveDump(parsing: text)[table].rules {
            if let rule = Self(line, family: family) { out[rule.chain, default: []].append(rule) }
        }
        return out
    }

    static func canonicalMatch(_ name: String, _ options: [String], _ family: IPFamily) -> String {
        var kept: [String] = []
        for option in options {
            switch (name, option) {
            case ("recent", "--rsource"), ("recent", "--mask 255.255.255.255"),
                 ("recent", "--mask ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"):
                continue  // defaults iptables-save prints
            case ("statistic", _) where option.hasPrefix("--probability "):
                let value = String(option.dropFirst("--probability ".count))
                kept.append("--probability " + (IptablesProbability.savedForm(value) ?? value))
            default:
                kept.append(option)
            }
        }
        return (["-m \(name)"] + kept.sorted()).joined(separator: " ")
    }

    static func canonicalTarget(_ name: String, _ options: [String], _ family: IPFamily) -> String {
        var kept: [String] = []
        for option in options {
            let parts = option.split(separator: " ").map(String.init)
            if parts.count == 2, parts[0] == "--or-mark" {
                kept.append("--set-xmark \(parts[1])/\(parts[1])")
            } else if parts.count == 2, parts[0] == "--xor-mark" {
                kept.append("--set-xmark \(parts[1])/0x0")
            } else {
                kept.append(option)
            }
        }
        if name == "-j REJECT", !kept.contains(where: { $0.hasPrefix("--reject-with") }) {
            kept.append(family == .v4 ? "--reject-with icmp-port-unreachable" : "--reject-with icmp6-port-unreachable")
        }
        return ([name] + kept.sorted()).filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// `10.0.0.1` → `10.0.0.1/32`; CIDRs are re-printed canonically.
    static func prefix(_ text: String, _ family: IPFamily) -> String {
        if let cidr = CIDR(text) { return cidr.description }
        if let ip = IPAddress(text) { return CIDR(host: ip).description }
        return text
    }

    /// Splits on spaces, keeping double-quoted strings whole (quotes removed).
    static func tokenize(_ line: String) -> [String] {
        var tokens: [String] = [], current = "", quoted = false, started = false
        for character in line {
            if character == "\"" {
                quoted.toggle(); started = true
            } else if character == " " && !quoted {
                if started { tokens.append(current) }
                current = ""; started = false
            } else {
                current.append(character); started = true
            }
        }
        if started { tokens.append(current) }
        return tokens
    }
}
