import KubeIPVSCore
import Prometheus

/// `kubernetes_build_info`: component-base's constant-1 gauge labelled with the build, filled with
/// kube-ipvs's version (docs/metrics.md: no Go, so `go_version` is empty and `compiler` is swiftc).
enum BuildInfo {
    static func register(in registry: PrometheusCollectorRegistry, version: String = KubeIPVSCoreVersion.version) {
        let numbers = version.split(whereSeparator: { !$0.isNumber }).map(String.init)
        let labels = [
            ("build_date", ""), ("compiler", "swiftc"), ("git_commit", ""), ("git_tree_state", ""),
            ("git_version", "v" + version), ("go_version", ""), ("major", numbers.first ?? ""),
            ("minor", numbers.count > 1 ? numbers[1] : ""), ("platform", platform),
        ]
        registry.makeGauge(name: "kubernetes_build_info", labels: labels,
                           help: "A metric with a constant '1' value labeled by major, minor, git version, git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running.")
            .set(to: 1)
    }

    static var platform: String {
        #if arch(x86_64)
        "linux/amd64"
        #elseif arch(arm64)
        "linux/arm64"
        #else
        "linux/unknown"
        #endif
    }
}
