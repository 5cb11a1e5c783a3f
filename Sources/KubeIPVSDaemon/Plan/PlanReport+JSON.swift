import Foundation
import KubeIPVSCore

extension PlanReport {
    struct JSONReport: Encodable {
        struct RealServerJSON: Encodable { var address: String; var port: UInt16; var weight: Int32; var forward: String }
        struct VirtualServerJSON: Encodable {
            var address: String; var proto: String; var port: UInt16; var scheduler: String
            var persistentTimeout: UInt32?; var service: String; var role: String; var realServers: [RealServerJSON]
        }
        struct IPSetJSON: Encodable { var name: String; var type: String; var entries: [String] }
        struct RejectionJSON: Encodable { var kind: String; var object: String; var reason: String }
        var mode: String
        var node: String
        var virtualServers: [VirtualServerJSON]
        var boundAddresses: [String]
        var ipsets: [IPSetJSON]
        var iptablesRestore: [String: String]
        var rejections: [RejectionJSON]
    }

    /// Machine-readable form (stable key order).
    public func json() throws -> String {
        let vs = ipvs.virtualServers.map { p in
            JSONReport.VirtualServerJSON(
                address: "\(p.key.address)", proto: p.key.proto.upper, port: p.key.port,
                scheduler: p.server.scheduler.rawValue, persistentTimeout: p.server.persistenceTimeout,
                service: "\(p.servicePort)", role: p.role.rawValue,
                realServers: p.realServers.map { .init(address: "\($0.key.address)", port: $0.key.port,
                                                       weight: $0.weight, forward: "\($0.forwarding)") })
        }
        var rules: [String: String] = [:]
        if mode == .ipvs {
            rules["ipv4"] = ipvs.companionRules
            rules["ipv6"] = ipvs.companionRulesIPv6
        } else {
            for (family, text) in iptablesRules { rules[family == .v4 ? "ipv4" : "ipv6"] = text }
        }
        let report = JSONReport(
            mode: mode.rawValue, node: node.name, virtualServers: mode == .ipvs ? vs : [],
            boundAddresses: mode == .ipvs ? ipvs.boundAddresses.map { "\($0)" } : [],
            ipsets: mode == .ipvs ? ipvs.ipsets.map { .init(name: $0.spec.name, type: $0.spec.type.rawValue,
                                                            entries: $0.entries.map { "\($0)" }) } : [],
            iptablesRestore: rules,
            rejections: rejections.map { .init(kind: $0.kind.rawValue, object: $0.object, reason: $0.reason) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }
}
