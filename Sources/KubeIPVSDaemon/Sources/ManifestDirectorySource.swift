import Foundation
import KubeIPVSCore
import KubeIPVSSources
import Logging

/// The embedded default source: a manifest file or directory (`--manifests`), reloaded when any
/// file in it changes (checked every `pollInterval`: names, sizes and modification times).
/// A file that stops parsing keeps its last good content (and is reported as rejected); a
/// directory that cannot be read keeps the last loaded state.
public struct ManifestDirectorySource: ObjectSource {
    public let path: String
    public let pollInterval: Duration
    let logger: Logger
    /// Told when a scan/reload starts and ends, so a reload stuck in the file system fails liveness.
    let health: HealthState?

    public init(path: String, pollInterval: Duration = .seconds(1), health: HealthState? = nil, logger: Logger) {
        self.path = path
        self.pollInterval = pollInterval
        self.health = health
        self.logger = logger
    }

    public var name: String { "manifests \(path)" }

    public func run(_ sink: @escaping @Sendable (ObjectEvent) async -> Void) async throws {
        var fingerprint: [String]? = nil
        var lastGood: [String: ManifestObjects] = [:]
        var first = true
        while !Task.isCancelled {
            health?.sourceBusy(name)
            let now = Self.fingerprint(path)
            if now != fingerprint {
                fingerprint = now
                await load(into: sink, lastGood: &lastGood)
                if first { await sink(.synced); first = false }
            }
            health?.sourceIdle(name)
            try await Task.sleep(for: pollInterval)
        }
    }

    func load(into sink: @Sendable (ObjectEvent) async -> Void, lastGood: inout [String: ManifestObjects]) async {
        guard let files = Self.manifestFiles(path) else {
            // Keep the last good state: an unreadable directory must not wipe the data plane.
            logger.error("cannot read manifests; keeping the last loaded state", metadata: ["source.path": "\(path)"])
            return
        }
        var merged = ManifestObjects()
        var rejections: [Rejection] = []
        for file in files {
            let objects = ManifestLoader.loadFile(file)
            rejections += objects.rejections
            if objects.rejections.isEmpty || lastGood[file] == nil {
                lastGood[file] = objects
            } else {
                // A file that no longer parses keeps its last good content: a typo must not delete services.
                logger.warning("manifest file has errors; keeping its last good content", metadata: ["file": "\(file)"])
            }
            var used = lastGood[file]!
            used.rejections = []
            merged.append(used)
        }
        lastGood = lastGood.filter { files.contains($0.key) }
        logger.info("loaded manifests", metadata: [
            "source.path": "\(path)", "services": "\(merged.services.count)",
            "endpointslices": "\(merged.endpointSlices.count)", "rejected": "\(rejections.count)",
        ])
        for r in rejections {
            logger.warning("rejected manifest document", metadata: ["object": "\(r.object)", "reason": "\(r.reason)"])
        }
        await sink(.replaceServices(merged.services))
        await sink(.replaceSlices(merged.endpointSlices))
        for node in merged.nodes { await sink(.node(node)) }
        await sink(.sourceRejections(rejections))
    }

    /// The manifest files of `path` (the file itself, or the directory's manifest files sorted);
    /// nil when it cannot be read.
    static func manifestFiles(_ path: String) -> [String]? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return nil }
        guard isDir.boolValue else { return [path] }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return nil }
        return names.filter(ManifestLoader.isManifestName).sorted().map { path + "/" + $0 }
    }

    /// Names, sizes and modification times of the manifest files (or the file itself).
    static func fingerprint(_ path: String) -> [String] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else { return ["missing"] }
        let files = isDir.boolValue
            ? ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
            : [path]
        return files.map { file in
            let a = try? fm.attributesOfItem(atPath: file)
            let size = (a?[.size] as? NSNumber)?.intValue ?? -1
            let mtime = (a?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(file)|\(size)|\(mtime)"
        }
    }
}
