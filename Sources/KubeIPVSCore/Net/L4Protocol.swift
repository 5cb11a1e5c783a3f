/// Transport protocol of a service port (Kubernetes `protocol`, IPVS `IPVS_SVC_ATTR_PROTOCOL`).
public enum L4Protocol: String, Sendable, Hashable, Comparable, CaseIterable, Codable, CustomStringConvertible {
    case tcp, udp, sctp

    /// Parses Kubernetes spelling (`TCP`, `UDP`, `SCTP`); case-insensitive.
    public init?(kubernetes text: String) {
        self.init(rawValue: text.lowercased())
    }

    /// IANA protocol number (IPPROTO_TCP 6, IPPROTO_UDP 17, IPPROTO_SCTP 132).
    public var number: UInt16 {
        switch self {
        case .tcp: 6
        case .udp: 17
        case .sctp: 132
        }
    }

    public init?(number: UInt16) {
        guard let p = L4Protocol.allCases.first(where: { $0.number == number }) else { return nil }
        self = p
    }

    /// Upper-case name as Kubernetes and `ipvsadm -Ln` print it.
    public var upper: String { rawValue.uppercased() }
    public var description: String { upper }

    public static func < (a: L4Protocol, b: L4Protocol) -> Bool { a.number < b.number }
}
