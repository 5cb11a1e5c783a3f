import Foundation
import KubeIPVSCore
import Testing
@testable import KubeIPVSSources

/// Object sources on hostile files: list items of the wrong kind, wrong apiVersions, FIFOs, files mid-write.
@Suite struct ManifestHostileInputTests {
    @Test func listItemOfAnotherKindIsRejectedNotDecodedAsTheListKind() {
        let yaml = """
        apiVersion: v1
        kind: ServiceList
        items:
        - {metadata: {name: good, namespace: demo}, spec: {clusterIP: 10.96.0.5, ports: [{port: 80}]}}
        - {apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, metadata: {name: good, namespace: demo}, spec: {clusterIP: 10.96.0.9, ports: [{port: 81}]}}
        - {apiVersion: apps/v1, kind: Service, metadata: {name: v, namespace: demo}, spec: {}}
        """
        let objects = ManifestLoader.decode(text: yaml, format: .yaml, source: "f")
        #expect(objects.services.map(\.spec.clusterIP) == ["10.96.0.5"])
        #expect(objects.rejections.map(\.description) == [
            "Manifest f[0].items[1]: EndpointSlice demo/good: kind \"EndpointSlice\" in a ServiceList (expected Service)",
            "Manifest f[0].items[2]: Service demo/v: apiVersion \"apps/v1\" for a Service (expected v1)",
        ])
    }

    @Test func apiVersionIsCheckedPerObjectAndPerGenericListItem() {
        let yaml = """
        apiVersion: v2
        kind: Service
        metadata: {name: a}
        ---
        kind: Node
        metadata: {name: n}
        ---
        apiVersion: v1
        kind: List
        items:
        - {apiVersion: v1, kind: EndpointSlice, metadata: {name: s, namespace: x}, addressType: IPv4}
        - {apiVersion: v1, kind: Service, metadata: {name: ok, namespace: x}, spec: {}}
        """
        let objects = ManifestLoader.decode(text: yaml, format: .yaml, source: "f")
        #expect(objects.services.map(\.metadata.name) == ["ok"])
        #expect(objects.nodes.map(\.metadata.name) == ["n"])
        #expect(objects.rejections.map(\.description) == [
            "Manifest f[0]: Service a: apiVersion \"v2\" for a Service (expected v1)",
            "Manifest f[2].items[0]: EndpointSlice x/s: apiVersion \"v1\" for a EndpointSlice (expected discovery.k8s.io/v1)",
        ])
    }

    @Test func aFIFOIsSkippedWithoutBlocking() throws {
        let dir = try ScratchDirectory()
        try dir.write("a.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {}\n")
        let fifo = dir.path + "/b.yaml"
        #expect(mkfifo(fifo, 0o644) == 0)
        let objects = ManifestLoader.loadFile(fifo)
        #expect(objects.rejections.map(\.reason) == ["open \(fifo): notRegularFile"])
        #expect(throws: SourceError(code: .notRegularFile, operation: "open", path: fifo)) {
            try FileSystem.read(fifo, limit: 100)
        }
        #expect(try ManifestLoader.load(path: dir.path).services.map(\.metadata.name) == ["a"])
    }

    @Test func aFileThatChangesDuringTheReadIsRefused() throws {
        let dir = try ScratchDirectory()
        let file = try dir.write("a.yaml", String(repeating: "# padding\n", count: 20_000))
        #expect(throws: SourceError(code: .changedDuringRead, operation: "read", path: file)) {
            try FileSystem.read(file, limit: 1 << 20) {
                let handle = FileHandle(forWritingAtPath: file)!
                handle.seekToEndOfFile()
                handle.write(Data("kind: Service\n".utf8))
                handle.closeFile()
            }
        }
        #expect(throws: SourceError(code: .changedDuringRead, operation: "read", path: file)) {
            try FileSystem.read(file, limit: 1 << 20) { _ = try? dir.write("a.yaml", "replaced: true\n") }
        }
        #expect(try FileSystem.read(file, limit: 1 << 20) == Array("replaced: true\n".utf8))
    }

    @Test func oversizedFilesAreRefusedBeforeReading() throws {
        let dir = try ScratchDirectory()
        let file = try dir.write("big.yaml", String(repeating: "x", count: 2000))
        #expect(throws: SourceError(code: .tooLarge, operation: "read", path: file)) {
            try FileSystem.read(file, limit: 1000)
        }
    }
}
