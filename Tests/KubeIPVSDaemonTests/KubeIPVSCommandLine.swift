import Foundation
import KubeIPVSDaemon

/// A `kube-ipvs` command line from a deploy file, checked against the flags the built `kube-ipvs`
/// executable accepts (its own ArgumentParser definition, read with `--experimental-dump-help`).
struct KubeIPVSCommandLine {
    /// `--name` → value (nil for a flag without one), in order.
    var arguments: [(name: String, value: String?)]

    /// The built executable next to the test bundle (`swift test` builds every product).
    static var binary: URL {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("kube-ipvs")
    }

    /// Long option names of `kube-ipvs run` (the default subcommand) and whether each takes a value.
    static func acceptedOptions() throws -> [String: Bool] {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["run", "--experimental-dump-help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ManifestProblem("\(binary.path) run --experimental-dump-help exited \(process.terminationStatus)")
        }
        let info = try JSONDecoder().decode(ToolInfo.self, from: data)
        var out: [String: Bool] = [:]
        for argument in info.command.arguments ?? [] {
            for name in argument.names ?? [] where name.kind == "long" {
                out[name.name] = argument.kind == "option"
            }
        }
        return out
    }

    /// The subset of ArgumentParser's `ToolInfoV0` JSON read here.
    struct ToolInfo: Decodable {
        struct Command: Decodable { var arguments: [Argument]? }
        struct Argument: Decodable {
            var kind: String
            var names: [Name]?
        }
        struct Name: Decodable {
            var kind: String
            var name: String
        }
        var command: Command
    }

    /// Parses `tokens` (after the executable) with `accepted` (name → takes a value); throws on an
    /// unknown flag, a missing value, a value given to a flag, or a positional argument.
    init(_ tokens: [String], accepted: [String: Bool]) throws {
        arguments = []
        var rest = tokens[...]
        while let token = rest.popFirst() {
            guard token.hasPrefix("--") else { throw ManifestProblem("unexpected argument \(token)") }
            let body = token.dropFirst(2)
            let name = String(body.prefix { $0 != "=" })
            let inline = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
            guard let takesValue = accepted[name] else { throw ManifestProblem("kube-ipvs does not accept --\(name)") }
            if takesValue {
                guard let value = inline ?? rest.popFirst() else { throw ManifestProblem("--\(name) needs a value") }
                arguments.append((name, value))
            } else {
                guard inline == nil else { throw ManifestProblem("--\(name) is a flag and takes no value") }
                arguments.append((name, nil))
            }
        }
    }

    func value(_ name: String) -> String? { arguments.last { $0.name == name }?.value }

    /// The same settings as `RunCommand.flags` builds them, for `DaemonOptions.resolve`; `--config`
    /// and `--v` are not daemon flags (the file is passed separately).
    func daemonFlags() throws -> DaemonFlags {
        var f = DaemonFlags()
        for (name, value) in arguments {
            switch name {
            case "config", "v": break
            case "kubeconfig": f.kubeconfig = value
            case "master": f.master = value
            case "manifests": f.manifests = value
            case "hostname-override": f.hostnameOverride = value
            case "proxy-mode": f.proxyMode = value
            case "no-fallback": f.noFallback = true
            case "ipvs-scheduler": f.ipvsScheduler = value
            case "ipvs-sync-period": f.ipvsSyncPeriod = value
            case "ipvs-min-sync-period": f.ipvsMinSyncPeriod = value
            case "ipvs-strict-arp": f.ipvsStrictARP = true
            case "ipvs-exclude-cidrs": f.ipvsExcludeCIDRs = value
            case "ipvs-tcp-timeout": f.ipvsTCPTimeout = value
            case "ipvs-tcpfin-timeout": f.ipvsTCPFinTimeout = value
            case "ipvs-udp-timeout": f.ipvsUDPTimeout = value
            case "masquerade-all": f.masqueradeAll = true
            case "iptables-masquerade-bit":
                guard let bit = value.flatMap({ Int($0) }) else { throw ManifestProblem("--\(name) needs a number") }
                f.masqueradeBit = bit
            case "cluster-cidr": f.clusterCIDR = value
            case "nodeport-addresses": f.nodePortAddresses = value
            case "healthz-bind-address": f.healthzBindAddress = value
            case "metrics-bind-address": f.metricsBindAddress = value
            case "cleanup", "once":
                // A deployed daemon must keep running; these make it exit after one pass.
                throw ManifestProblem("--\(name) makes the daemon exit; it does not belong in a deployment")
            default: throw ManifestProblem("--\(name) is accepted by kube-ipvs but not mapped in this test")
            }
        }
        return f
    }
}
