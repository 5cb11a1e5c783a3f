import Foundation
import KubeIPVSCore

/// One document as JSON (YAML documents are converted by `KubeYAML` first), decodable into any Kubernetes type.
struct JSONDocument {
    let data: Data
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(type, from: data) }
}

/// Routes one document by `kind`: Service, EndpointSlice and Node objects are kept, lists are
/// unpacked item by item, every other kind is ignored.
enum DocumentRouter {
    static func absorb(_ doc: JSONDocument, object: String, into out: inout ManifestObjects) {
        guard let header = try? doc.decode(KubeObjectHeader.self) else {
            out.reject(object, "not a Kubernetes object (expected a mapping with apiVersion and kind)")
            return
        }
        guard let kind = header.kind, !kind.isEmpty else {
            out.reject(object, "kind is missing")
            return
        }
        let label = describe(header, kind)
        if kind.hasSuffix("List") == false, let problem = KubeKindCheck.objectProblem(header, kind: kind) {
            out.reject(object, "\(label): \(problem)")
            return
        }
        do {
            switch kind {
            case "Service": out.services.append(try doc.decode(KubeService.self))
            case "EndpointSlice": out.endpointSlices.append(try doc.decode(KubeEndpointSlice.self))
            case "Node": out.nodes.append(try doc.decode(KubeNode.self))
            case "List": unpack(try doc.decode(CheckedList<CheckedObject>.self), object, &out) { $0.value }
            case "ServiceList":
                unpack(try doc.decode(CheckedList<CheckedListItem<KubeService>>.self), object, &out) { .service($0.value) }
            case "EndpointSliceList":
                unpack(try doc.decode(CheckedList<CheckedListItem<KubeEndpointSlice>>.self), object, &out) {
                    .endpointSlice($0.value)
                }
            case "NodeList":
                unpack(try doc.decode(CheckedList<CheckedListItem<KubeNode>>.self), object, &out) { .node($0.value) }
            default: break
            }
        } catch {
            out.reject(object, "\(label): \(KubeDecoding.describe(error))")
        }
    }

    static func unpack<T>(_ list: CheckedList<T>, _ object: String, _ out: inout ManifestObjects,
                          _ wrap: (T) -> KubeObject) {
        for item in list.items { out.add(wrap(item)) }
        for failure in list.failures { out.reject("\(object).items[\(failure.index)]", failure.reason) }
    }

    /// `Service demo/web`, or just the kind.
    static func describe(_ header: KubeObjectHeader, _ kind: String) -> String {
        guard let name = header.name, !name.isEmpty else { return kind }
        guard let namespace = header.namespace, !namespace.isEmpty else { return "\(kind) \(name)" }
        return "\(kind) \(namespace)/\(name)"
    }
}
