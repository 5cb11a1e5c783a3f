import Foundation
import KubeIPVSDaemon

/// `--help` text and the machine-readable flag list (`--experimental-dump-help`, the shape
/// swift-argument-parser's ToolInfoV0 uses) for the daemon's kube-proxy flags.
enum CommandLineHelp {
    static var sortedFlags: [KubeProxyFlag] { KubeProxyFlag.all.values.sorted { $0.name < $1.name } }

    static func usage() -> String {
        var lines = ["Usage: kube-ipvs [flags]     (kube-proxy's flags; kube-ipvs plan --help for the planner)", "", "Flags:"]
        for f in sortedFlags {
            let short = f.shorthand.map { "-\($0), " } ?? "    "
            let note = switch f.support {
            case .honoured: ""
            case .ignored: "   (accepted, not honoured: see docs/kube-proxy-compatibility.md)"
            case .kubeIPVS: "   (kube-ipvs)"
            }
            lines.append("  \(short)--\(f.name)\(f.isBoolean ? "" : " value")\(note)")
        }
        return lines.joined(separator: "\n")
    }

    static func toolInfoJSON() -> String {
        let arguments = sortedFlags.map { f in
            "{\"kind\":\"\(f.isBoolean ? "flag" : "option")\",\"names\":[{\"kind\":\"long\",\"name\":\"\(f.name)\"}]}"
        }
        return "{\"serializationVersion\":0,\"command\":{\"commandName\":\"run\",\"arguments\":[" + arguments.joined(separator: ",") + "]}}"
    }
}
