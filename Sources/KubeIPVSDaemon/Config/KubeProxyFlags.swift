/// Every flag kube-proxy v1.28 through v1.35 registers (cmd/kube-proxy/app/options.go, component-base
/// logging, cobra's help and the version flag), plus kube-ipvs's own. docs/kube-proxy-compatibility.md
/// says what kube-ipvs does with each.
public struct KubeProxyFlag: Sendable, Equatable {
    /// How pflag parses the value.
    public enum Kind: Sendable, Equatable {
        case bool, string, duration, int32, float32, stringSlice, mapStringBool, ip, ipPort, verbosity, version
    }

    /// What kube-ipvs does with it.
    public enum Support: Sendable, Equatable {
        /// Behaves as kube-proxy's.
        case honoured
        /// Accepted and parsed, then ignored with one warning (the reason is in the docs).
        case ignored
        /// kube-ipvs's own flag.
        case kubeIPVS
    }

    public var name: String
    public var kind: Kind
    public var support: Support
    /// pflag shorthand (`-v`, `-h`).
    public var shorthand: Character?
    /// Still applies when `--config` is given (kube-proxy lets the file win over every other flag).
    public var appliesWithConfig: Bool

    init(_ name: String, _ kind: Kind, _ support: Support, shorthand: Character? = nil, withConfig: Bool = false) {
        self.name = name
        self.kind = kind
        self.support = support
        self.shorthand = shorthand
        self.appliesWithConfig = withConfig
    }

    /// pflag's "no option default": a bare `--flag` means `true`.
    public var isBoolean: Bool { kind == .bool || kind == .version }
}

extension KubeProxyFlag {
    /// The flag table, by name.
    public static let all: [String: KubeProxyFlag] = Dictionary(uniqueKeysWithValues: table.map { ($0.name, $0) })

    static let table: [KubeProxyFlag] = [
        .init("config", .string, .honoured, withConfig: true),
        .init("write-config-to", .string, .honoured, withConfig: true),
        .init("cleanup", .bool, .honoured, withConfig: true),
        .init("init-only", .bool, .ignored, withConfig: true),
        .init("kubeconfig", .string, .honoured),
        .init("master", .string, .honoured, withConfig: true),
        .init("hostname-override", .string, .honoured, withConfig: true),
        .init("healthz-bind-address", .ipPort, .honoured),
        .init("metrics-bind-address", .ipPort, .honoured),
        .init("healthz-port", .int32, .honoured),
        .init("metrics-port", .int32, .honoured),
        .init("proxy-mode", .string, .honoured),
        .init("iptables-masquerade-bit", .int32, .honoured),
        .init("masquerade-all", .bool, .honoured),
        .init("iptables-sync-period", .duration, .honoured),
        .init("iptables-min-sync-period", .duration, .honoured),
        .init("ipvs-sync-period", .duration, .honoured),
        .init("ipvs-min-sync-period", .duration, .honoured),
        .init("ipvs-scheduler", .string, .honoured),
        .init("ipvs-exclude-cidrs", .stringSlice, .honoured),
        .init("ipvs-strict-arp", .bool, .honoured),
        .init("ipvs-tcp-timeout", .duration, .honoured),
        .init("ipvs-tcpfin-timeout", .duration, .honoured),
        .init("ipvs-udp-timeout", .duration, .honoured),
        .init("cluster-cidr", .string, .honoured),
        .init("nodeport-addresses", .stringSlice, .honoured),
        .init("detect-local-mode", .string, .honoured),
        .init("pod-bridge-interface", .string, .honoured),
        .init("pod-interface-name-prefix", .string, .honoured),
        .init("oom-score-adj", .int32, .honoured),
        .init("conntrack-max-per-core", .int32, .honoured),
        .init("conntrack-min", .int32, .honoured),
        .init("conntrack-tcp-timeout-established", .duration, .honoured),
        .init("conntrack-tcp-timeout-close-wait", .duration, .honoured),
        .init("conntrack-tcp-be-liberal", .bool, .honoured),
        .init("conntrack-udp-timeout", .duration, .honoured),
        .init("conntrack-udp-timeout-stream", .duration, .honoured),
        .init("v", .verbosity, .honoured, shorthand: "v", withConfig: true),
        .init("logging-format", .string, .honoured, withConfig: true),
        .init("vmodule", .string, .ignored, withConfig: true),
        .init("log-flush-frequency", .duration, .ignored, withConfig: true),
        .init("log-json-split-stream", .bool, .ignored, withConfig: true),
        .init("log-json-info-buffer-size", .string, .ignored, withConfig: true),
        .init("log-text-split-stream", .bool, .ignored, withConfig: true),
        .init("log-text-info-buffer-size", .string, .ignored, withConfig: true),
        .init("feature-gates", .mapStringBool, .ignored),
        .init("kube-api-content-type", .string, .ignored),
        .init("kube-api-burst", .int32, .ignored),
        .init("kube-api-qps", .float32, .ignored),
        .init("bind-address", .ip, .ignored),
        .init("bind-address-hard-fail", .bool, .ignored),
        .init("profiling", .bool, .ignored),
        .init("show-hidden-metrics-for-version", .string, .ignored),
        .init("iptables-localhost-nodeports", .bool, .honoured),
        .init("config-sync-period", .duration, .ignored),
        .init("help", .bool, .honoured, shorthand: "h", withConfig: true),
        .init("version", .version, .honoured, withConfig: true),
        .init("manifests", .string, .kubeIPVS, withConfig: true),
        .init("no-fallback", .bool, .kubeIPVS, withConfig: true),
        .init("once", .bool, .kubeIPVS, withConfig: true),
    ]
}
