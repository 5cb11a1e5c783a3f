import Foundation
import KubeIPVSCore
import Yams

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
    /// Larger files are refused.
    public static let maxFileSize = 64 << 20

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
    public static func decode(text: String, format: ManifestFormat, source: String) -> ManifestObjects {
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
        let documents: YamlSequence<Node>
        do {
            documents = try compose_all(yaml: text)
        } catch {
            out.reject("\(source)[0]", "YAML syntax error: \(yamlProblem(error))")
            return out
        }
        var iterator = documents.makeIterator()
        var index = 0
        while let node = iterator.next() {
            defer { index += 1 }
            if node.null != nil { continue }
            DocumentRouter.absorb(YAMLDocument(node: node), object: "\(source)[\(index)]", into: &out)
        }
        if let error = iterator.error {
            out.reject("\(source)[\(index)]", "YAML syntax error (rest of file skipped): \(yamlProblem(error))")
        }
        return out
    }

    /// The first line of a Yams error: `5:3: error: scanner: mapping values are not allowed here`.
    static func yamlProblem(_ error: any Error) -> String {
        let text = "\(error)"
        let first = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
        return first.hasSuffix(":") ? String(first.dropLast()) : first
    }
}
