/// ipset set types kube-ipvs uses (docs/kube-proxy-ipvs.md "ipsets").
public enum IPSetType: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    case hashIP = "hash:ip"
    case hashIPPort = "hash:ip,port"
    case hashIPPortIP = "hash:ip,port,ip"
    case hashIPPortNet = "hash:ip,port,net"
    case hashNet = "hash:net"
    case bitmapPort = "bitmap:port"

    public var description: String { rawValue }
}

/// One set's definition, as `ipset create NAME TYPE family F hashsize H maxelem M [range R] comment`.
public struct IPSetSpec: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var name: String
    public var type: IPSetType
    /// nil for bitmap:port (it has no family).
    public var family: IPFamily?
    public var hashSize: UInt32
    public var maxElements: UInt32
    /// Only for bitmap:port: inclusive port range.
    public var portRange: ClosedRange<UInt16>?
    /// Human comment (kube-proxy sets one per set); kept in our model, not on the kernel set.
    public var comment: String

    public init(name: String, type: IPSetType, family: IPFamily?, hashSize: UInt32 = 1024,
                maxElements: UInt32 = 65536, portRange: ClosedRange<UInt16>? = nil, comment: String = "") {
        self.name = name
        self.type = type
        self.family = type == .bitmapPort ? nil : family
        self.hashSize = hashSize
        self.maxElements = maxElements
        self.portRange = type == .bitmapPort ? (portRange ?? 0...65535) : nil
        self.comment = comment
    }

    /// `create` line in `ipset save` format.
    public var description: String {
        if let r = portRange { return "create \(name) \(type) range \(r.lowerBound)-\(r.upperBound)" }
        let fam = family == .v6 ? "inet6" : "inet"
        return "create \(name) \(type) family \(fam) hashsize \(hashSize) maxelem \(maxElements)"
    }

    public static func < (a: IPSetSpec, b: IPSetSpec) -> Bool { a.name < b.name }
}

/// One member of a set, typed by set type; `description` is ipset's own syntax.
public enum IPSetEntry: Hashable, Sendable, Comparable, CustomStringConvertible {
    case ip(IPAddress)
    case ipPort(IPAddress, L4Protocol, UInt16)
    case ipPortIP(IPAddress, L4Protocol, UInt16, IPAddress)
    case ipPortNet(IPAddress, L4Protocol, UInt16, CIDR)
    case net(CIDR)
    case port(UInt16)

    /// `10.96.0.10,tcp:80`, `10.0.0.1,tcp:30080,10.0.0.1`, `30080`.
    public var description: String {
        switch self {
        case .ip(let a): "\(a)"
        case .ipPort(let a, let p, let port): "\(a),\(p.rawValue):\(port)"
        case .ipPortIP(let a, let p, let port, let b): "\(a),\(p.rawValue):\(port),\(b)"
        case .ipPortNet(let a, let p, let port, let n): "\(a),\(p.rawValue):\(port),\(n)"
        case .net(let n): "\(n)"
        case .port(let port): "\(port)"
        }
    }

    /// The set type this entry belongs in.
    public var setType: IPSetType {
        switch self {
        case .ip: .hashIP
        case .ipPort: .hashIPPort
        case .ipPortIP: .hashIPPortIP
        case .ipPortNet: .hashIPPortNet
        case .net: .hashNet
        case .port: .bitmapPort
        }
    }

    // Numeric, allocation-free order (planner sorts sets of 10^5 entries): kind, first address,
    // protocol, port, then the second address or network.
    private var sortKey: (Int, IPAddress, UInt16, UInt16, IPAddress, Int) {
        let zero = IPAddress(v4: 0)
        switch self {
        case .ip(let a): return (0, a, 0, 0, zero, 0)
        case .ipPort(let a, let p, let port): return (1, a, p.number, port, zero, 0)
        case .ipPortIP(let a, let p, let port, let b): return (2, a, p.number, port, b, 0)
        case .ipPortNet(let a, let p, let port, let n): return (3, a, p.number, port, n.network, n.prefixLength)
        case .net(let n): return (4, n.network, UInt16(n.prefixLength), 0, zero, 0)
        case .port(let port): return (5, zero, port, 0, zero, 0)
        }
    }

    public static func < (a: IPSetEntry, b: IPSetEntry) -> Bool {
        // Entries of one set share a case: compare those directly (hot in sorts of 10^5 entries).
        switch (a, b) {
        case let (.ipPort(x, p, m), .ipPort(y, q, n)):
            return x != y ? x < y : (p.number, m) < (q.number, n)
        case let (.ipPortIP(x, p, m, u), .ipPortIP(y, q, n, v)):
            return x != y ? x < y : (p.number, m) != (q.number, n) ? (p.number, m) < (q.number, n) : u < v
        case let (.ip(x), .ip(y)):
            return x < y
        case let (.port(m), .port(n)):
            return m < n
        default:
            break
        }
        let x = a.sortKey, y = b.sortKey
        if x.0 != y.0 { return x.0 < y.0 }
        if x.1 != y.1 { return x.1 < y.1 }
        return (x.2, x.3, x.4, x.5) < (y.2, y.3, y.4, y.5)
    }
}
