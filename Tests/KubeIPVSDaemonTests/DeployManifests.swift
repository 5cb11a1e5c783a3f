import Foundation
import Yams

/// The files under `deploy/`, parsed as YAML nodes, with the lookups the deploy tests need.
struct DeployManifests {
    /// The package root (three levels above this file).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every YAML file under deploy/, relative to the package root, sorted.
    static func yamlFiles() throws -> [String] {
        let deploy = root.appendingPathComponent("deploy")
        guard let walker = FileManager.default.enumerator(atPath: deploy.path) else { return [] }
        return walker.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .map { "deploy/" + $0 }.sorted()
    }

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    /// The non-empty documents of one YAML file.
    static func documents(_ relative: String) throws -> [Node] {
        try Array(compose_all(yaml: try text(relative))).filter { $0.mapping.map { !$0.isEmpty } ?? true }
    }

    /// Every document of deploy/ with the file it came from.
    static func allObjects() throws -> [(file: String, object: Node)] {
        try yamlFiles().flatMap { file in try documents(file).map { (file, $0) } }
    }

    /// The one object of `kind` in `file`.
    static func object(_ kind: String, in file: String) throws -> Node {
        let matches = try documents(file).filter { $0["kind"]?.string == kind }
        guard matches.count == 1, let object = matches.first else {
            throw ManifestProblem("\(file) has \(matches.count) \(kind) objects, want 1")
        }
        return object
    }
}

/// A deploy file that does not have the shape a test needs.
struct ManifestProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Node {
    /// The keys of a mapping (empty for anything else).
    var keyNames: [String] { mapping?.keys.compactMap(\.string) ?? [] }

    /// `metadata.name`.
    var name: String? { self["metadata"]?["name"]?.string }

    /// `metadata.namespace`.
    var namespace: String? { self["metadata"]?["namespace"]?.string }

    /// A mapping of strings (labels, data) as a dictionary.
    var stringMap: [String: String] {
        var out: [String: String] = [:]
        guard let mapping else { return out }
        for (key, value) in mapping {
            if let k = key.string, let v = value.string { out[k] = v }
        }
        return out
    }
}

/// Kubernetes object name rules (apimachinery validation).
enum KubeNames {
    /// RFC 1123 subdomain: lowercase alphanumerics, '-' and '.', alphanumeric at both ends, at most 253.
    static func isDNSSubdomain(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isLabel(String($0), 63) }
    }

    /// RFC 1123 label: lowercase alphanumerics and '-', alphanumeric at both ends.
    static func isLabel(_ text: String, _ limit: Int) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= limit else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) }
        return alnum(bytes.first!) && alnum(bytes.last!) && bytes.allSatisfy { alnum($0) || $0 == 0x2d }
    }

    /// RFC 1035 label (Service names): an RFC 1123 label starting with a letter.
    static func isDNS1035Label(_ name: String) -> Bool {
        isLabel(name, 63) && (name.utf8.first.map { $0 >= 0x61 && $0 <= 0x7a } ?? false)
    }

    /// RBAC object names only need to be valid path segments (`system:kube-ipvs` is fine).
    static func isPathSegment(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("%")
    }
}
