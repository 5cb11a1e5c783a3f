import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import KubeIPVSSources
import Testing

/// deploy/kube-ipvs.service (kube-ipvs outside Kubernetes' control) and deploy/examples.
@Suite("deploy unit and examples")
struct DeployUnitAndExampleTests {
    static let unitPath = "deploy/kube-ipvs.service"

    @Test func systemdUnitStartsKubeIPVSWithFlagsItAccepts() throws {
        let unit = try SystemdUnit(try DeployManifests.text(Self.unitPath))
        #expect(Set(unit.sections.keys) == ["Unit", "Service", "Install"])
        let exec = try #require(unit.values("Service", "ExecStart").only, "want exactly one ExecStart")
        let tokens = exec.split(whereSeparator: \.isWhitespace).map(String.init)
        let binary = try #require(tokens.first)
        #expect(binary.hasPrefix("/") && binary.hasSuffix("/kube-ipvs"), "ExecStart runs \(binary)")
        #expect(!tokens.contains { $0.contains("\"") || $0.contains("'") }, "quoting is not expected here")
        let line = try KubeIPVSCommandLine(Array(tokens.dropFirst()), accepted: try KubeIPVSCommandLine.acceptedOptions())
        // Outside a pod there is no in-cluster API access: the unit must say where the objects come from.
        #expect(line.value("kubeconfig") != nil || line.value("master") != nil || line.value("manifests") != nil)
        #expect(line.value("config") != nil)
        // The file at --config is the ConfigMap's config.conf on a Kubernetes node; resolve it with the flags.
        let options = try DaemonOptions.resolve(flags: try line.daemonFlags(),
                                                file: try DeployManifestsTests.configFile(key: "config.conf"))
        #expect(options.mode == .ipvs)

        // ExecStartPre loads real modules, including the configured scheduler's.
        let modules = Set(Scheduler.allCases.map { "ip_vs_\($0.rawValue)" } + ["ip_vs", "nf_conntrack"])
        let pre = unit.values("Service", "ExecStartPre").map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
        let loaded = pre.filter { $0.first?.hasSuffix("/modprobe") == true }.flatMap { $0.dropFirst().filter { !$0.hasPrefix("-") } }
        #expect(!loaded.isEmpty && Set(loaded).isSubset(of: modules), "modprobe \(loaded)")
        #expect(loaded.contains("ip_vs_\(options.proxy.scheduler.rawValue)"))

        #expect(unit.values("Service", "Restart").only == "always")
        #expect(unit.values("Install", "WantedBy").only == "multi-user.target")
        let capabilities = unit.values("Service", "AmbientCapabilities").flatMap { $0.split(separator: " ") }
        #expect(capabilities.contains("CAP_NET_ADMIN") && capabilities.contains("CAP_NET_RAW"))
        let bounding = Set(unit.values("Service", "CapabilityBoundingSet").flatMap { $0.split(separator: " ") })
        #expect(Set(capabilities).isSubset(of: bounding), "ambient capabilities must be in the bounding set")
    }

    /// systemd's own parser: no unknown section or key, every command executable. The unit's
    /// ExecStart binary is not installed on the test machine, so a copy points it at the built one.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
    func systemdAnalyzeVerifiesTheUnit() throws {
        let text = try DeployManifests.text(Self.unitPath)
        let installed = "/usr/local/bin/kube-ipvs"
        #expect(text.contains("ExecStart=\(installed) "))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kube-ipvs-unit-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("kube-ipvs.service")
        try text.replacingOccurrences(of: "ExecStart=\(installed) ", with: "ExecStart=\(KubeIPVSCommandLine.binary.path) ")
            .write(to: copy, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = ["verify", copy.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && output.isEmpty, "systemd-analyze verify: \(output)")
    }

    /// The example cluster is a valid cluster: every object loads and plans without a rejection,
    /// and its README lists exactly the services it holds.
    @Test func exampleClusterLoadsAndPlansWithoutRejections() throws {
        let path = DeployManifests.root.appendingPathComponent("deploy/examples").path
        let objects = try ManifestLoader.load(path: path)
        #expect(objects.rejections.isEmpty, "\(objects.rejections)")
        #expect(objects.nodes.map(\.metadata.name) == ["node1"])
        let node = PlanNode.context(name: "node1", nodeIPs: [], objects: objects)
        #expect(!node.localAddresses.isEmpty)
        let report = PlanReport(objects: objects, node: node, config: ProxyConfiguration(), mode: .ipvs)
        #expect(report.rejections.isEmpty, "\(report.rejections)")
        #expect(report.ipvs.virtualServers.count >= objects.services.count / 2)

        let readme = try DeployManifests.text("deploy/examples/README.md")
        let listed = Set(readme.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| "), let cell = line.split(separator: "|").first else { return nil }
            let name = cell.trimmingCharacters(in: .whitespaces)
            return name.contains("/") ? name : nil
        })
        let held = Set(objects.services.map { ServiceNormalizer.serviceName($0.metadata).description })
        #expect(listed == held, "README lists \(listed.subtracting(held).sorted()), file has \(held.subtracting(listed).sorted())")
    }
}

/// A systemd unit file: sections of `Key=Value` lines (comments and blank lines skipped).
struct SystemdUnit {
    var sections: [String: [(key: String, value: String)]] = [:]

    init(_ text: String) throws {
        var current: String?
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = String(line.dropFirst().dropLast())
                sections[current!, default: []] += []
                continue
            }
            guard let section = current, let eq = line.firstIndex(of: "=") else {
                throw ManifestProblem("unit line outside a section or without '=': \(line)")
            }
            sections[section, default: []].append((String(line[..<eq]), String(line[line.index(after: eq)...])))
        }
    }

    /// Every value of `key` in `section`, in order.
    func values(_ section: String, _ key: String) -> [String] {
        (sections[section] ?? []).filter { $0.key == key }.map(\.value)
    }
}

extension Array {
    /// The element of a one-element array.
    var only: Element? { count == 1 ? first : nil }
}
