import KubeIPVSCore

/// Arbitrary text for every text field that can reach a rule, and a snapshot carrying it, for the
/// property tests proving that no such text changes which rules an iptables-restore input holds.
public enum HostileText {
    /// Pieces iptables-restore gives meaning to (line ends, quotes, escapes, options), mixed with
    /// printable and non-ASCII characters.
    static let pieces = ["\n", "\r", "\"", "\\", " ", "\t", "\u{0}", "-A", "-I PREROUTING -j DNAT", "COMMIT", "*nat",
                         "#", "'", "--comment", ":", "/", "-", "é", "\u{202e}", "a", "Z", "9", "."]

    /// A string of 0-40 pieces or random scalars.
    public static func text<G: RandomNumberGenerator>(_ rng: inout G) -> String {
        var out = ""
        for _ in 0..<Int.random(in: 0...40, using: &rng) {
            if Bool.random(using: &rng) {
                out += pieces.randomElement(using: &rng)!
            } else if let scalar = Unicode.Scalar(UInt32.random(in: 1...0x2ff, using: &rng)) {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// One service port with every feature that writes a comment (NodePort, externalIP, LoadBalancer
    /// with source ranges, health check, affinity, local policy) and two endpoints, named by `name`.
    public static func snapshot(_ name: ServicePortName) -> ProxySnapshot {
        let ip = { (text: String) in IPAddress(text)! }
        let port = ServicePort(name: name, port: 80, nodePort: 30080, clusterIPs: [ip("10.96.0.10")],
                               externalIPs: [ip("192.0.2.10")], loadBalancerIPs: [ip("203.0.113.10")],
                               loadBalancerSourceRanges: [CIDR("10.0.0.0/8")!], sessionAffinityTimeout: 600,
                               externalPolicyLocal: true, healthCheckNodePort: 32000)
        var snapshot = ProxySnapshot()
        snapshot.servicePorts[name] = port
        snapshot.endpoints[name] = [Endpoint(address: ip("10.244.1.10"), port: 8080, isLocal: true),
                                    Endpoint(address: ip("10.244.2.10"), port: 8080)]
        return snapshot
    }

    /// The rules of `text` for `table` in canonical form with comments dropped and per-service chain
    /// hashes replaced by `*`: what the rules do, whatever the service is called.
    public static func structure(_ text: String, table: String) -> [String] {
        IptablesSaveDump(parsing: text)[table].rules.map { line in
            guard var rule = IptablesCanonicalRule(line, family: .v4) else { return "UNPARSED " + line }
            rule.matches.removeAll { $0.hasPrefix("-m comment ") }
            return hashesHidden(rule.description)
        }.sorted()
    }

    static func hashesHidden(_ text: String) -> String {
        var out = text
        for prefix in ["KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-"] {
            while let range = out.range(of: prefix), out[range.upperBound...].prefix(16).allSatisfy(\.isUppercaseOrDigit),
                  out[range.upperBound...].count >= 16 {
                let end = out.index(range.upperBound, offsetBy: 16)
                out.replaceSubrange(range.lowerBound..<end, with: prefix.lowercased() + "*")
            }
        }
        return out
    }
}

extension Character {
    fileprivate var isUppercaseOrDigit: Bool { ("A"..."Z").contains(self) || ("0"..."9").contains(self) }
}
