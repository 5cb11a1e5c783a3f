import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
@_spi(Fuzzing) import KubeIPVSNetlink
import KubeIPVSSources

/// The parsers of untrusted input driven by the fuzz harness (`scripts/fuzz.sh`, docs/fuzzing.md). Each
/// target feeds one input to the same entry point the daemon uses; a target must return for every input
/// (errors are fine, traps, hangs and memory errors are findings). The regression tests replay every kept
/// input through ``run(_:)``.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Manifest files: the input decoded as a YAML and as a JSON manifest (`ManifestLoader.decode`).
    case manifest
    /// Watch bodies: the input cut into lines by `WatchLineSplitter` and each decoded as a Service,
    /// EndpointSlice and Node watch event.
    case watch
    /// `--config`: the input decoded as a KubeProxyConfiguration and resolved into daemon options.
    case config
    /// Go durations (`--ipvs-sync-period`, config timeouts): `GoDuration.parse`.
    case duration
    /// Flags: `name=value` lines set the string flags of `DaemonFlags`, then resolved into daemon options.
    case flags
    /// Netlink answers (IPVS, rtnetlink, ipset dump): every reply parser over the input as one datagram.
    case netlink
    /// `iptables-save` output: `IptablesSaveDump(parsing:)` and a lookup of every chain's rules.
    case iptablesSave = "iptables-save"

    /// Runs the target on one input.
    public func run(_ input: [UInt8]) {
        switch self {
        case .manifest: Self.manifest(input)
        case .watch: Self.watch(input)
        case .config: Self.config(input)
        case .duration: _ = GoDuration.parse(String(decoding: input, as: UTF8.self))
        case .flags: Self.flags(input)
        case .netlink: NetlinkReplyParsing.parseAll(input)
        case .iptablesSave: Self.iptablesSave(input)
        }
    }

    static func manifest(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        _ = ManifestLoader.decode(text: text, format: .yaml, source: "fuzz.yaml")
        _ = ManifestLoader.decode(text: text, format: .json, source: "fuzz.json")
    }

    static func watch(_ input: [UInt8]) {
        // The first byte picks the chunk size, so events split across reads are exercised too.
        let chunk = Int(input.first ?? 0) % 64 + 1
        var splitter = WatchLineSplitter(maximumLineBytes: 4096)
        let services = WatchEventDecoder<KubeService>(operation: "watch services")
        let slices = WatchEventDecoder<KubeEndpointSlice>(operation: "watch endpointslices")
        let nodes = WatchEventDecoder<KubeNode>(operation: "watch nodes")
        var offset = input.isEmpty ? 0 : 1
        while offset < input.count {
            splitter.append(input[offset..<min(offset + chunk, input.count)])
            offset += chunk
            while let piece = splitter.next() {
                guard case .line(let line) = piece else { continue }
                _ = services.decode(line)
                _ = slices.decode(line)
                _ = nodes.decode(line)
            }
        }
    }

    static func config(_ input: [UInt8]) {
        // What `--config FILE` does: decode with kube-proxy's typing and defaulting, then resolve.
        guard let loaded = try? KubeProxyConfigLoader.decode(String(decoding: input, as: UTF8.self)) else { return }
        _ = try? DaemonOptions.resolve(flags: DaemonFlags(), file: loaded.file, fileWarnings: loaded.warnings)
    }

    static func flags(_ input: [UInt8]) {
        var flags = DaemonFlags()
        for line in String(decoding: input, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            FlagSetter.set(&flags, String(line[..<eq]), String(line[line.index(after: eq)...]))
        }
        _ = try? DaemonOptions.resolve(flags: flags, file: nil)
    }

    static func iptablesSave(_ input: [UInt8]) {
        let dump = IptablesSaveDump(parsing: String(decoding: input, as: UTF8.self))
        for table in dump.tables.values {
            for chain in table.chains { _ = table.rules(of: chain) }
        }
    }
}
