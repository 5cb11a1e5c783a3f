import Foundation
import KubeIPVSCore

/// Replays a JSON-lines watch capture (`kubectl get -w -o json`, API `?watch=1`) to the state it
/// ends in: ADDED/MODIFIED store the object, DELETED removes it, BOOKMARK is skipped, ERROR is
/// rejected. Lines without a `type` are taken as plain objects.
enum WatchReplay {
    /// Just enough of a line to tell an event from an object.
    struct Probe: Decodable {
        var type: String?
    }

    static func decode(_ text: String, source: String) -> ManifestObjects {
        var out = ManifestObjects()
        var state: [String: KubeObject] = [:]
        let decoder = JSONDecoder()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { $0 != " " && $0 != "\t" && $0 != "\r" }) else { continue }
            let data = Data(line.utf8)
            let object = "\(source)[\(index)]"
            guard let probe = try? decoder.decode(Probe.self, from: data) else {
                out.reject(object, "not a JSON object")
                continue
            }
            guard probe.type != nil else {
                var single = ManifestObjects()
                DocumentRouter.absorb(JSONDocument(data: data), object: object, into: &single)
                for s in single.services { state[key(.service(s))] = .service(s) }
                for e in single.endpointSlices { state[key(.endpointSlice(e))] = .endpointSlice(e) }
                for n in single.nodes { state[key(.node(n))] = .node(n) }
                out.rejections += single.rejections
                continue
            }
            do {
                switch try decoder.decode(KubeWatchEvent<KubeObject>.self, from: data) {
                case .added(let o), .modified(let o): state[key(o)] = o
                case .deleted(let o): state[key(o)] = nil
                case .bookmark: break
                case .error(let status):
                    out.reject(object, "watch ERROR event: \(status.code.map(String.init) ?? "?") "
                               + "\(status.reason ?? "") \(status.message ?? "")")
                }
            } catch {
                out.reject(object, "watch event: \(KubeDecoding.describe(error))")
            }
        }
        for k in state.keys.sorted() { out.add(state[k]!) }
        return out
    }

    /// `Service demo/web`: identity of an object across events.
    static func key(_ object: KubeObject) -> String {
        "\(object.kind) \(object.metadata?.qualifiedName ?? "")"
    }
}
