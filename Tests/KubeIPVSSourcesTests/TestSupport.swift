import Foundation
import KubeIPVSCore
@testable import KubeIPVSSources

/// API list/watch streams captured from a real kube-apiserver v1.28 (Samples/).
enum Samples {
    static var directory: String {
        Bundle.module.url(forResource: "Samples", withExtension: nil)!.path
    }

    static func path(_ name: String) -> String { directory + "/" + name }

    static func load(_ name: String) throws -> ManifestObjects {
        try ManifestLoader.load(path: path(name))
    }
}

/// A scratch directory removed when the value is dropped.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "kube-ipvs-sources-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

extension ManifestObjects {
    var serviceNames: [String] { services.map(\.metadata.qualifiedName).sorted() }
    var sliceNames: [String] { endpointSlices.map(\.metadata.qualifiedName).sorted() }

    func service(_ qualifiedName: String) -> KubeService? {
        services.first { $0.metadata.qualifiedName == qualifiedName }
    }

    func slice(_ qualifiedName: String) -> KubeEndpointSlice? {
        endpointSlices.first { $0.metadata.qualifiedName == qualifiedName }
    }
}
