import Foundation
import KubeIPVSCore
import Testing
@testable import KubeIPVSSources

/// Malformed input: each bad document is refused with a reason naming file, document and field.
@Suite struct ManifestLoaderTests {
    @Test func badDocumentsAreRejectedOneByOne() throws {
        let dir = try ScratchDirectory()
        let file = try dir.write("mixed.yaml", """
        apiVersion: v1
        kind: Service
        metadata: {name: good, namespace: demo}
        spec: {clusterIP: 10.96.0.5, ports: [{port: 80}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: bad-port, namespace: demo}
        spec: {clusterIP: 10.96.0.6, ports: [{port: eighty}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ignored}
        ---
        just a string
        ---
        metadata: {name: no-kind}
        ---
        apiVersion: v1
        kind: List
        items:
        - {apiVersion: v1, kind: Service, metadata: {name: in-list, namespace: demo}, spec: {clusterIP: 10.96.0.7, ports: [{port: 53, protocol: UDP}]}}
        - {apiVersion: discovery.k8s.io/v1, kind: EndpointSlice, metadata: {name: s, namespace: demo}, addressType: IPv4, endpoints: [{addresses: "10.0.0.1"}]}
        - {apiVersion: v1, kind: ConfigMap, metadata: {name: cm}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: after-syntax-error
          broken: [
        """)
        let objects = try ManifestLoader.load(path: file)
        #expect(objects.serviceNames == ["demo/good", "demo/in-list"])
        #expect(objects.endpointSlices.isEmpty)
        let reasons = objects.rejections.map(\.description)
        #expect(reasons.count == 5)
        #expect(reasons[0] == "Manifest \(file)[1]: Service demo/bad-port: spec.ports[0].port: expected an integer")
        #expect(reasons[1] == "Manifest \(file)[3]: not a Kubernetes object (expected a mapping with apiVersion and kind)")
        #expect(reasons[2] == "Manifest \(file)[4]: kind is missing")
        #expect(reasons[3] == "Manifest \(file)[5].items[1]: EndpointSlice demo/s: endpoints[0].addresses: expected a list")
        #expect(reasons[4].hasPrefix("Manifest \(file)[6]: YAML syntax error (rest of file skipped): "))
    }

    @Test func typedListKeepsGoodItems() throws {
        let dir = try ScratchDirectory()
        let file = try dir.write("slices.json", """
        {"kind": "EndpointSliceList", "apiVersion": "discovery.k8s.io/v1", "metadata": {"resourceVersion": "9"},
         "items": [
          {"metadata": {"name": "a", "namespace": "x", "labels": {"kubernetes.io/service-name": "svc"}},
           "addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": "yes"}}]},
          {"metadata": {"name": "b", "namespace": "x", "labels": {"kubernetes.io/service-name": "svc"}},
           "addressType": "IPv4", "endpoints": null, "ports": [{"port": 80}]}
         ]}
        """)
        let objects = try ManifestLoader.load(path: file)
        #expect(objects.sliceNames == ["x/b"])
        #expect(objects.slice("x/b")?.ports == [KubeEndpointSlice.SlicePort(name: "", protocol: "TCP", port: 80)])
        #expect(objects.rejections.map(\.description) == [
            "Manifest \(file)[0].items[0]: EndpointSlice x/a: endpoints[0].conditions.ready: expected a boolean",
        ])
    }

    @Test func watchLinesWithErrorsAndPlainObjects() throws {
        let dir = try ScratchDirectory()
        let file = try dir.write("w.jsonl", """
        {"type":"ADDED","object":{"kind":"Service","metadata":{"name":"a","namespace":"n"},"spec":{"clusterIP":"10.96.0.1","ports":[{"port":1}]}}}
        {"type":"ADDED","object":{"kind":"Service","metadata":{"name":"b","namespace":"n"},"spec":{"ports":[{"port":"x"}]}}}
        {"kind":"Service","metadata":{"name":"plain","namespace":"n"}}
        not json

        {"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version"}}
        {"type":"SOMETHING","object":{}}
        {"type":"DELETED","object":{"kind":"Service","metadata":{"name":"a","namespace":"n"}}}
        """)
        let objects = try ManifestLoader.load(path: file)
        #expect(objects.serviceNames == ["n/plain"])
        #expect(objects.rejections.map(\.description) == [
            "Manifest \(file)[1]: watch event: object.spec.ports[0].port: expected an integer",
            "Manifest \(file)[3]: not a JSON object",
            "Manifest \(file)[5]: watch ERROR event: 410 Expired too old resource version",
            "Manifest \(file)[6]: watch event: type: unknown watch event type \"SOMETHING\"",
        ])
    }

    @Test func directorySkipsOtherFilesAndReportsUnreadableOnes() throws {
        let dir = try ScratchDirectory()
        try dir.write("b.yml", "apiVersion: v1\nkind: Service\nmetadata: {name: b}\n")
        try dir.write("a.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n")
        try dir.write("notes.txt", "kind: Service\nmetadata: {name: txt}\n")
        try dir.write(".hidden.yaml", "kind: Service\nmetadata: {name: hidden}\n")
        try FileManager.default.createDirectory(atPath: dir.path + "/sub.yaml", withIntermediateDirectories: false)
        let locked = try dir.write("c.json", "{}")
        chmod(locked, 0)
        let objects = try ManifestLoader.load(path: dir.path + "/")
        // Sorted by file name, namespace defaults to "default".
        #expect(objects.services.map(\.metadata.name) == ["a", "b"])
        #expect(objects.serviceNames == ["default/a", "default/b"])
        // root reads a mode-000 file anyway; then the empty object is what gets refused.
        let expected = getuid() == 0 ? "Manifest \(locked)[0]: kind is missing"
            : "Manifest \(locked): open \(locked): Permission denied (errno 13)"
        #expect(objects.rejections.map(\.description) == [expected])
    }

    @Test func missingPathThrowsWithErrno() {
        #expect(throws: SourceError(code: .notFound, operation: "stat", path: "/nonexistent/kube-ipvs",
                                    errno: ENOENT)) {
            try ManifestLoader.load(path: "/nonexistent/kube-ipvs")
        }
        let error = SourceError(code: .notFound, operation: "stat", path: "/x", errno: ENOENT)
        #expect(error.description == "stat /x: No such file or directory (errno 2)")
    }

    @Test func formatFromExtension() {
        #expect(ManifestFormat(path: "a.jsonl") == .jsonLines)
        #expect(ManifestFormat(path: "a.json") == .json)
        #expect(ManifestFormat(path: "a.yml") == .yaml)
        #expect(ManifestFormat(path: "manifest") == .yaml)
    }
}
