import Foundation

extension APIStore {
    /// What seeding read.
    public struct SeedReport: Sendable, Equatable {
        /// Objects stored (created or replaced), per resource plural name.
        public var stored: [String: Int] = [:]
        /// Documents skipped because their kind is not served (Namespace, Deployment, ...).
        public var skippedKinds: [String] = []

        /// Nothing stored yet.
        public init() {}
    }

    /// Seeds from a file or a directory (its `.json`, `.jsonl`, `.yaml` and `.yml` files in name order):
    /// list responses (`{"kind":"ServiceList",...}`), single objects, YAML manifests (multi-document, `kind: List`)
    /// and captured watch streams (one event per line). Seeded objects keep their resourceVersion when they have
    /// one, the newest version of an object wins, and history starts after the seed: older watches get 410.
    @discardableResult
    public func seed(path: String) throws -> SeedReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DocumentError(description: "\(path): no such file or directory")
        }
        var files = [path]
        if isDirectory.boolValue {
            files = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                .filter { ["json", "jsonl", "yaml", "yml"].contains(($0 as NSString).pathExtension) }
                .map { (path as NSString).appendingPathComponent($0) }
        }
        var report = SeedReport()
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            if file.hasSuffix(".jsonl") {
                for (number, line) in text.split(separator: "\n").enumerated() {
                    let event = try JSONValue.parse(String(line), source: "\(file):\(number + 1)")
                    try seedEvent(event, report: &report)
                }
            } else {
                for document in try JSONValue.parseDocuments(text, source: file) {
                    try seed(document, report: &report)
                }
            }
        }
        return report
    }

    /// Seeds one object, list or manifest document.
    public func seed(_ document: JSONValue, report: inout SeedReport) throws {
        let kind = document["kind"]?.stringValue ?? ""
        if kind.hasSuffix("List"), let items = document["items"]?.arrayValue {
            let itemKind = String(kind.dropLast(4))
            for var item in items {
                if item["kind"] == nil, !itemKind.isEmpty { item = Self.withKind(item, itemKind) }
                try seed(item, report: &report)
            }
            if let version = document.value(at: ["metadata", "resourceVersion"])?.stringValue.flatMap(UInt64.init) {
                advance(to: version)
            }
            return
        }
        guard let resource = ServedResource.forKind(kind) else {
            report.skippedKinds.append(kind.isEmpty ? "<no kind>" : kind)
            return
        }
        try seedUpsert(resource, document)
        report.stored[resource.plural, default: 0] += 1
    }

    private func seedEvent(_ event: JSONValue, report: inout SeedReport) throws {
        guard let object = event["object"], let type = event["type"]?.stringValue else {
            throw DocumentError(description: "watch event without type or object")
        }
        switch type {
        case "ADDED", "MODIFIED": try seed(object, report: &report)
        case "DELETED":
            guard let resource = ServedResource.forKind(object["kind"]?.stringValue ?? "") else { return }
            let (_, key) = try normalize(resource, object, namespace: nil)
            let version = Self.resourceVersion(of: object) ?? 0
            state.withLockedValue { state in
                if let stored = state.objects[resource]?[key], stored.resourceVersion <= version {
                    state.objects[resource]?[key] = nil
                }
                state.resourceVersion = max(state.resourceVersion, version)
                state.floor = state.resourceVersion
            }
        case "BOOKMARK": Self.resourceVersion(of: object).map(advance(to:))
        default: break
        }
    }

    private func seedUpsert(_ resource: ServedResource, _ object: JSONValue) throws {
        let normalized = try normalize(resource, object, namespace: nil)
        var value = normalized.0
        let key = normalized.1
        if value.value(at: ["metadata", "uid"]) == nil {
            value.setMetadata("uid", .string(UUID().uuidString.lowercased()))
        }
        if value.value(at: ["metadata", "creationTimestamp"]) == nil {
            value.setMetadata("creationTimestamp", .string(Date().formatted(.iso8601)))
        }
        let version = Self.resourceVersion(of: value)
        state.withLockedValue { state in
            let assigned = version ?? state.resourceVersion + 1
            if let stored = state.objects[resource]?[key], stored.resourceVersion > assigned { return }
            state.objects[resource, default: [:]][key] = StoredObject(value: value, key: key, resourceVersion: assigned)
            state.resourceVersion = max(state.resourceVersion, assigned)
            state.floor = state.resourceVersion
        }
    }

    private func advance(to version: UInt64) {
        state.withLockedValue { state in
            state.resourceVersion = max(state.resourceVersion, version)
            state.floor = state.resourceVersion
        }
    }

    private static func resourceVersion(of object: JSONValue) -> UInt64? {
        object.value(at: ["metadata", "resourceVersion"])?.stringValue.flatMap { UInt64($0) }
    }

    private static func withKind(_ item: JSONValue, _ kind: String) -> JSONValue {
        guard case .object(let object) = item else { return item }
        return .object(JSONObject([("kind", .string(kind))] + object.members.map { ($0.key, $0.value) }))
    }
}
