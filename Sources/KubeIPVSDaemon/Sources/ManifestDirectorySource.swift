import Foundation
import KubeIPVSCore
import KubeIPVSSources
import Logging

/// The embedded default source: a manifest file or directory (`--manifests`), reloaded when any
/// file in it changes (checked every `pollInterval`: names, sizes and modification times).
public struct ManifestDirectorySource: ObjectSource {
    public let path: String
    public let pollInterval: Duration
    let logger: Logger

    public init(path: String, pollInterval: Duration = .seconds(1), logger: Logger) {
        self.path = path
        self.pollInterval = pollInterval
        self.logger = logger
    }

    public var name: String { "manifests \(path)" }

    public func run(_ sink: @escaping @Sendable (ObjectEvent) async -> Void) async throws {
        var fingerprint: [String]? = nil
        var first = true
        while !Task.isCancelled {
            let now = Self.fingerprint(path)
            if now != fingerprint {
                fingerprint = now
                await load(into: sink)
                if first { await sink(.synced); first = false }
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    func load(into sink: @Sendable (ObjectEvent) async -> Void) async {
        do {
            let objects = try ManifestLoader.load(path: path)
            logger.info("loaded manifests", metadata: [
                "source.path": "\(path)", "services": "\(objects.services.count)",
                "endpointslices": "\(objects.endpointSlices.count)", "rejected": "\(objects.rejections.count)",
            ])
            for r in objects.rejections {
                logger.warning("rejected manifest document", metadata: ["object": "\(r.object)", "reason": "\(r.reason)"])
            }
            await sink(.replaceServices(objects.services))
            await sink(.replaceSlices(objects.endpointSlices))
            for node in objects.nodes { await sink(.node(node)) }
            await sink(.sourceRejections(objects.rejections))
        } catch {
            // Keep the last good state: an unreadable directory must not wipe the data plane.
            logger.error("cannot read manifests; keeping the last loaded state",
                         metadata: ["source.path": "\(path)", "error": "\(error)"])
        }
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
