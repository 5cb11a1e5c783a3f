import Foundation
import KubeIPVSCore
import Yams

/// One parsed document, decodable into any Kubernetes type (YAML node or JSON bytes).
protocol ManifestDocument {
    func decode<T: Decodable>(_ type: T.Type) throws -> T
}

struct YAMLDocument: ManifestDocument {
    let node: Node
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try YAMLDecoder().decode(type, from: node) }
}

struct JSONDocument: ManifestDocument {
    let data: Data
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(type, from: data) }
}

/// Routes one document by `kind`: Service, EndpointSlice and Node objects are kept, lists are
/// unpacked item by item, every other kind is ignored.
enum DocumentRouter {
    static func absorb(_ doc: some ManifestDocument, object: String, into out: inout ManifestObjects) {
        guard let header = try? doc.decode(KubeObjectHeader.self) else {
            out.reject(object, "not a Kubernetes object (expected a mapping with apiVersion and kind)")
            return
        }
        guard let kind = header.kind, !kind.isEmpty else {
            out.reject(object, "kind is missing")
            return
        }
        let label = describe(header, kind)
        do {
            switch kind {
            case "Service": out.services.append(try doc.decode(KubeService.self))
            case "EndpointSlice": out.endpointSlices.append(try doc.decode(KubeEndpointSlice.self))
            case "Node": out.nodes.append(try doc.decode(KubeNode.self))
            case "List": unpack(try doc.decode(KubeList<KubeObject>.self), object, &out) { $0 }
            case "ServiceList": unpack(try doc.decode(KubeList<KubeService>.self), object, &out) { .service($0) }
            case "EndpointSliceList":
                unpack(try doc.decode(KubeList<KubeEndpointSlice>.self), object, &out) { .endpointSlice($0) }
            case "NodeList": unpack(try doc.decode(KubeList<KubeNode>.self), object, &out) { .node($0) }
            default: break
            }
        } catch {
            out.reject(object, "\(label): \(KubeDecoding.describe(error))")
        }
    }

    static func unpack<T>(_ list: KubeList<T>, _ object: String, _ out: inout ManifestObjects,
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
