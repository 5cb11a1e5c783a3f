import Foundation
import KubeIPVSCore
import KubeIPVSIptables
import KubeIPVSTesting
import Testing

/// The real `kube-ipvs` executable (and, for the API-server cases, `kube-ipvs-test-apiserver`)
/// running inside a ``PodNetwork``'s node namespace: started, stopped, scraped and waited for.
/// Its healthz, metrics and the test API server listen on fixed ports of the node namespace's
/// own loopback, which nothing else shares.
final class DaemonHarness {
    let lab: NetnsLab
    let net: PodNetwork
    /// Daemon flags after the source (`--manifests DIR` or `--kubeconfig FILE`).
    let flags: [String]
    private(set) var daemon: LabProcess?
    private var starts = 0

    static let apiServerAddress = "127.0.0.1:6443"
    static let metricsURL = "http://127.0.0.1:10249"
    static let healthzURL = "http://127.0.0.1:10256"

    /// A daemon reading `source` flags; `--v 2` so every finished sync logs `SyncProxyRules complete`, and a long
    /// sync period so every sync the test waits for is one a change caused.
    init(_ net: PodNetwork, source: [String], verbosity: Int = 2, extra: [String] = []) {
        lab = net.lab
        self.net = net
        flags = source + [
            "--proxy-mode", "ipvs", "--hostname-override", "node1", "--cluster-cidr", "10.244.0.0/16",
            "--ipvs-min-sync-period", "0s", "--ipvs-sync-period", "1h", "--v", "\(verbosity)",
            "--healthz-bind-address", "127.0.0.1:10256", "--metrics-bind-address", "127.0.0.1:10249",
        ] + extra
    }

    /// An executable built next to the test bundle (`swift build --build-tests` builds every product).
    static func binary(_ name: String) throws -> String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw LabError(message: "\(name) is not built at \(path): run `swift build --build-tests` first")
        }
        return path
    }

    /// Starts `kube-ipvs-test-apiserver` in the node namespace seeded with `seed` (YAML) and writes a
    /// kubeconfig for it; returns the kubeconfig's path.
    static func startAPIServer(_ net: PodNetwork, seed: String) throws -> String {
        let lab = net.lab
        let seedPath = try lab.write("seed.yaml", seed)
        let server = try lab.start(net.node, [try binary("kube-ipvs-test-apiserver"), "--listen", apiServerAddress,
                                              "--seed", seedPath], log: "apiserver.log")
        try lab.waitFor("the test API server to listen", seconds: 15) {
            guard server.isRunning else { throw LabError(message: "test API server exited: \(server.log())") }
            return server.log().contains("listening on")
        }
        return try lab.write("kubeconfig", """
            apiVersion: v1
            kind: Config
            clusters:
            - name: lab
              cluster: {server: "http://\(apiServerAddress)"}
            contexts:
            - name: lab
              context: {cluster: lab, user: lab}
            users:
            - name: lab
              user: {}
            current-context: lab
            """)
    }

    /// Starts the daemon (a fresh log per start) and waits until its first sync is done and
    /// /healthz answers 200.
    @discardableResult
    func start() throws -> LabProcess {
        let process = try launch()
        try waitForSync(after: 0, seconds: 30) { true }
        try lab.waitFor("/healthz to answer 200", seconds: 10) {
            try lab.run(net.node, ["curl", "-fsS", "-m", "2", "\(Self.healthzURL)/healthz"]).status == 0
        }
        return process
    }

    /// Starts the daemon (a fresh log per start) without waiting for anything.
    @discardableResult
    func launch() throws -> LabProcess {
        starts += 1
        let process = try lab.start(net.node, [try Self.binary("kube-ipvs")] + flags, log: "kube-ipvs-\(starts).log")
        daemon = process
        return process
    }

    /// `GET path` on the healthz server: the status code, the header lines, the body.
    func healthz(_ path: String) throws -> (status: Int, headers: [String], body: String) {
        let out = try lab.must(net.node, ["curl", "-sS", "-i", "-m", "5", Self.healthzURL + path])
        let parts = out.components(separatedBy: "\r\n\r\n")
        let head = parts[0].components(separatedBy: "\r\n")
        let status = head.first.flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0) } } ?? 0
        return (status, Array(head.dropFirst()), parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// The current daemon's log.
    var log: String { daemon?.log() ?? "" }

    /// Finished syncs of the current daemon (`SyncProxyRules complete` lines, logged after the kernel has
    /// the rules and stale conntrack entries are gone).
    var syncs: Int { log.components(separatedBy: "\"SyncProxyRules complete\"").count - 1 }

    /// Waits until more than `count` syncs finished and `condition` holds; fails early (with the log)
    /// when the daemon exits.
    func waitForSync(after count: Int, seconds: Double = 15, _ condition: () throws -> Bool) throws {
        do {
            try lab.waitFor("a sync after #\(count)", seconds: seconds) {
                guard let daemon, daemon.isRunning else { throw LabError(message: "kube-ipvs exited") }
                return syncs > count ? try condition() : false
            }
        } catch {
            throw LabError(message: "\(error)\n--- kube-ipvs log ---\n\(String(log.suffix(4000)))")
        }
    }

    /// Runs `change`, then waits for the sync it causes.
    func afterSync(_ change: () throws -> Void) throws {
        let before = syncs
        try change()
        try waitForSync(after: before) { true }
    }

    /// `GET path` on the metrics server.
    func get(_ path: String) throws -> String {
        try lab.must(net.node, ["curl", "-fsS", "-m", "5", Self.metricsURL + path])
    }

    /// Prometheus samples by `name{labels}`.
    func metrics() throws -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in try get("/metrics").split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// POSTs YAML documents to the test API server's /_test/apply (create or replace, with watch events).
    func apply(_ yaml: String) throws {
        try lab.must(net.node, ["curl", "-fsS", "-m", "5", "-X", "POST", "--data-binary", "@-",
                                "http://\(Self.apiServerAddress)/_test/apply"], input: yaml)
    }

    /// The iptables backend the daemon wrote to (the one whose nat table holds KUBE-SERVICES).
    func backend() throws -> IptablesBackend {
        for backend in IptablesLab.backends
        where try lab.must(net.node, [backend.command(.save, family: .v4), "-t", "nat"]).contains(":KUBE-SERVICES") {
            return backend
        }
        throw LabError(message: "no iptables backend holds KUBE-SERVICES")
    }

    /// Every KUBE-* chain declaration (without counters) and every rule naming a KUBE-* chain, both
    /// families, as `family table line`.
    func kubeRules(_ backend: IptablesBackend) throws -> [String] {
        var rules: [String] = []
        for family in IPFamily.allFamilies {
            var table = ""
            for line in try lab.must(net.node, [backend.command(.save, family: family)]).split(separator: "\n") {
                if line.hasPrefix("*") { table = String(line.dropFirst()) }
                guard line.contains("KUBE-") else { continue }
                if line.hasPrefix(":") {
                    rules.append("\(family) \(table) \(line.split(separator: " ")[0])")
                } else if line.hasPrefix("-A ") {
                    rules.append("\(family) \(table) \(line)")
                }
            }
        }
        return rules
    }
}
