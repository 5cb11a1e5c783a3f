import Foundation
import KubeIPVSCore

/// How a manifest file is written.
public enum ManifestFormat: String, Hashable, Sendable {
    /// One or more `---`-separated YAML documents (JSON is accepted too).
    case yaml
    /// One JSON document.
    case json
    /// One JSON document per line: watch events (`{"type": ..., "object": ...}`) are replayed in
    /// order to the final state; plain objects are taken as they are.
    case jsonLines

    /// By file extension: `.json`, `.jsonl`, anything else YAML.
    public init(path: String) {
        if path.hasSuffix(".jsonl") { self = .jsonLines } else if path.hasSuffix(".json") { self = .json } else {
            self = .yaml
        }
    }
}

/// Loads Services, EndpointSlices and Nodes from manifest files: one file, or every `*.yaml`,
/// `*.yml`, `*.json` and `*.jsonl` file of a directory (not recursive, sorted by name, hidden
/// files skipped). Documents of other kinds are ignored; a document that cannot be parsed or
/// decoded becomes a `Rejection` (kind `.manifest`, object `path[document]`, or
/// `path[document].items[i]` for a list item) and the rest still loads.
public enum ManifestLoader {
    /// File name extensions read from a directory.
    public static let extensions = ["yaml", "yml", "json", "jsonl"]
    /// Larger files are refused (docs/bounds.md, "Sources and decoding").
    public static let maxFileSize = 32 << 20

    /// Loads a file or directory. Throws only when `path` itself cannot be read; unreadable files
    /// inside a directory become rejections.
    public static func load(path: String) throws(SourceError) -> ManifestObjects {
        switch try FileSystem.kind(path) {
        case .directory:
            var out = ManifestObjects()
            for name in try FileSystem.entries(path) where isManifestName(name) {
                let file = path.hasSuffix("/") ? path + name : path + "/" + name
                guard (try? FileSystem.kind(file)) == .file else { continue }
                out.append(loadFile(file))
            }
            return out
        case .file, .other:
            let bytes = try FileSystem.read(path, limit: maxFileSize)
            return decode(text: String(decoding: bytes, as: UTF8.self), format: ManifestFormat(path: path),
                          source: path)
        }
    }

    /// Loads one file; a read failure becomes a rejection naming the file.
    public static func loadFile(_ path: String) -> ManifestObjects {
        do {
            let bytes = try FileSystem.read(path, limit: maxFileSize)
            return decode(text: String(decoding: bytes, as: UTF8.self), format: ManifestFormat(path: path),
                          source: path)
        } catch {
            var out = ManifestObjects()
            out.reject(path, error.description)
            return out
        }
    }

    /// Decodes manifest text; `source` names it in rejections.
    /// A leading UTF-8 byte order mark is skipped, in every format.
    public static func decode(text rawText: String, format: ManifestFormat, source: String) -> ManifestObjects {
        let text = rawText.hasPrefix("\u{FEFF}") ? String(rawText.dropFirst()) : rawText
        switch format {
        case .yaml: return decodeYAML(text, source: source)
        case .json:
            var out = ManifestObjects()
            DocumentRouter.absorb(JSONDocument(data: Data(text.utf8)), object: "\(source)[0]", into: &out)
            return out
        case .jsonLines: return WatchReplay.decode(text, source: source)
        }
    }

    public static func isManifestName(_ name: String) -> Bool {
        guard !name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { return false }
        return extensions.contains(String(name[name.index(after: dot)...]))
    }

    static func decodeYAML(_ text: String, source: String) -> ManifestObjects {
        var out = ManifestObjects()
        let stream = KubeYAML.documents(text.utf8)
        for (index, document) in stream.documents.enumerated() {
            guard let document else { continue }
            DocumentRouter.absorb(JSONDocument(data: document), object: "\(source)[\(index)]", into: &out)
        }
        if let error = stream.error {
            let rest = stream.documents.isEmpty ? "" : " (rest of file skipped)"
            let what = error.code == .syntax ? "YAML syntax error" : "YAML refused"
            out.reject("\(source)[\(stream.documents.count)]", "\(what)\(rest): \(error)")
        }
        return out
    }
}
