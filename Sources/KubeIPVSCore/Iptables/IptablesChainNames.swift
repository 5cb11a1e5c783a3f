import Crypto

/// kube-proxy's iptables chain names (`pkg/proxy/iptables/proxier.go`).
///
/// Per-service chains carry a 16-character hash so names stay within iptables' 28-character
/// limit: base32(sha256(servicePortName + protocol))[:16] for SVC/SVL/EXT/FW, and
/// base32(sha256(servicePortName + protocol + endpoint))[:16] for SEP.
public enum IptablesChainNames {
    /// `KUBE-SERVICES` (nat and filter).
    public static let services = "KUBE-SERVICES"
    /// `KUBE-EXTERNAL-SERVICES` (filter).
    public static let externalServices = "KUBE-EXTERNAL-SERVICES"
    /// `KUBE-NODEPORTS` (nat and filter).
    public static let nodePorts = "KUBE-NODEPORTS"
    /// `KUBE-POSTROUTING` (nat).
    public static let postrouting = "KUBE-POSTROUTING"
    /// `KUBE-MARK-MASQ` (nat).
    public static let markMasq = "KUBE-MARK-MASQ"
    /// `KUBE-FORWARD` (filter).
    public static let forward = "KUBE-FORWARD"
    /// `KUBE-PROXY-FIREWALL` (filter): loadBalancerSourceRanges drops.
    public static let proxyFirewall = "KUBE-PROXY-FIREWALL"
    /// `KUBE-PROXY-CANARY` (mangle, nat, filter): its disappearance means someone flushed the tables.
    public static let proxyCanary = "KUBE-PROXY-CANARY"
    /// `KUBE-FIREWALL` (filter): kubelet's anti-martian chain, which kube-proxy duplicates.
    public static let kubeletFirewall = "KUBE-FIREWALL"

    /// Prefix of the per-service-port cluster-policy chain.
    public static let servicePrefix = "KUBE-SVC-"
    /// Prefix of the per-service-port local-policy chain.
    public static let localPrefix = "KUBE-SVL-"
    /// Prefix of the per-service-port external-destinations chain.
    public static let externalPrefix = "KUBE-EXT-"
    /// Prefix of the per-service-port loadBalancerSourceRanges chain.
    public static let firewallPrefix = "KUBE-FW-"
    /// Prefix of the per-endpoint chain.
    public static let endpointPrefix = "KUBE-SEP-"

    /// Chains kubelet (not a proxy) owns; cleanup never deletes them.
    public static let kubeletOwned: Set<String> = [
        kubeletFirewall, "KUBE-KUBELET-CANARY", "KUBE-IPTABLES-HINT", "KUBE-MARK-DROP",
    ]

    /// The 16-character hash of a service port: `portProtoHash` upstream.
    public static func portProtoHash(_ name: ServicePortName) -> String {
        hash16(name.description + name.proto.rawValue)
    }

    /// `KUBE-SVC-<hash>`.
    public static func service(_ name: ServicePortName) -> String { servicePrefix + portProtoHash(name) }
    /// `KUBE-SVL-<hash>`.
    public static func local(_ name: ServicePortName) -> String { localPrefix + portProtoHash(name) }
    /// `KUBE-EXT-<hash>`.
    public static func external(_ name: ServicePortName) -> String { externalPrefix + portProtoHash(name) }
    /// `KUBE-FW-<hash>`.
    public static func firewall(_ name: ServicePortName) -> String { firewallPrefix + portProtoHash(name) }

    /// `KUBE-SEP-<hash>` of one endpoint (`10.244.1.11:8080`, `[fd00::5]:8080`) of a service port.
    public static func endpoint(_ name: ServicePortName, _ endpoint: Endpoint) -> String {
        endpointPrefix + hash16(name.description + name.proto.rawValue + endpoint.description)
    }

    /// True for the per-service and per-endpoint chains (SVC, SVL, EXT, FW, SEP): upstream's `isServiceChainName`.
    public static func isServiceChain(_ chain: String) -> Bool {
        [servicePrefix, localPrefix, externalPrefix, firewallPrefix, endpointPrefix].contains { chain.hasPrefix($0) }
    }

    /// base32 (RFC 4648 alphabet) of sha256(text), first 16 characters.
    static func hash16(_ text: String) -> String {
        let digest = Array(SHA256.hash(data: Array(text.utf8)))
        return base32Prefix(digest, characters: 16)
    }

    /// The first `characters` characters of the RFC 4648 base32 encoding of `bytes` (no padding needed
    /// since 16 characters are exactly 10 whole bytes).
    static func base32Prefix(_ bytes: [UInt8], characters: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(characters)
        var buffer: UInt64 = 0
        var bits = 0
        var index = 0
        while out.count < characters {
            if bits < 5 {
                let byte: UInt8 = index < bytes.count ? bytes[index] : 0
                buffer = buffer << 8 | UInt64(byte)
                bits += 8
                index += 1
            }
            let value = Int((buffer >> UInt64(bits - 5)) & 0x1f)
            bits -= 5
            out.append(alphabet[value])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
