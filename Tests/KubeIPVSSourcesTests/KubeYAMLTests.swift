import Foundation
import KubeIPVSCore
import Testing
@testable import KubeIPVSSources

/// YAML → JSON as Kubernetes does it, on hostile input: nothing traps, nothing hangs, types are never guessed.
@Suite struct KubeYAMLTests {
    func json(_ yaml: String, limits: KubeYAML.Limits = .default) throws -> String {
        String(decoding: try KubeYAML.json(yaml.utf8, limits: limits), as: UTF8.self)
    }

    func refusal(_ yaml: String, limits: KubeYAML.Limits = .default) -> KubeYAMLError? {
        do { _ = try KubeYAML.json(yaml.utf8, limits: limits); return nil } catch { return error }
    }

    @Test func scalarsResolveWithJSONRules() throws {
        let text = """
        a: 80
        b: -1.5e3
        c: 1:0:0:0:0:0:0:0:0:0:0:0
        d: 0755
        e: 0x1F
        f: yes
        g: true
        h: ~
        i: "80"
        j: !!str 80
        k: 2001-12-14t21:59:43.10-05:00
        l: .inf
        m: "nul\\0byte"
        n: +1
        """
        #expect(try json(text) == #"{"a":80,"b":-1.5e3,"c":"1:0:0:0:0:0:0:0:0:0:0:0","d":"0755","e":"0x1F","f":"yes","#
            + #""g":true,"h":null,"i":"80","j":"80","k":"2001-12-14t21:59:43.10-05:00","l":".inf","#
            + #""m":"nul\u0000byte","n":"+1"}"#)
    }

    @Test func sexagesimalPortIsATypeErrorNotATrap() throws {
        let yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports:\n  - port: 1:0:0:0:0:0:0:0:0:0:0:0\n"
        #expect(throws: DecodingError.self) { try KubeYAML.decode(KubeService.self, from: yaml.utf8) }
        let objects = ManifestLoader.decode(text: yaml, format: .yaml, source: "s")
        #expect(objects.rejections.map(\.reason) == ["Service web: spec.ports[0].port: expected an integer"])
    }

    @Test func billionLaughsAsAKeyIsRefusedAtOnce() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<12 {
            let refs = Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ")
            yaml += "a\(i): &a\(i) [\(refs)]\n"
        }
        yaml += "? *a11\n: boom\n"
        let start = ContinuousClock.now
        #expect(refusal(yaml)?.code == .alias)
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func aliasesMergeKeysAndDuplicateKeysAreRefused() {
        #expect(refusal("a: &x 1\nb: *x\n")?.description == "line 2: aliases are not allowed")
        #expect(refusal("a: 1\n<<: {b: 2}\n")?.code == .badKey)
        #expect(refusal("a: 1\na: 2\n")?.description == "line 2: duplicate mapping key \"a\"")
        #expect(refusal("? [a]\n: 1\n")?.code == .badKey)
    }

    @Test func tagsCannotDecideATypeTheScalarDoesNotHave() throws {
        #expect(try json("a: !!int 80\nb: !!bool true\nc: !!float 1.5\n") == #"{"a":80,"b":true,"c":1.5}"#)
        #expect(refusal("a: !!int 0x50\n")?.code == .badTag)
        #expect(refusal("a: !!binary aGk=\n")?.code == .badTag)
        #expect(refusal("a: !!timestamp 2001-12-14\n")?.code == .badTag)
        #expect(refusal("a: !custom {b: 1}\n")?.code == .badTag)
    }

    @Test func depthAndSizeAreCapped() throws {
        let deep = String(repeating: "[", count: 150) + String(repeating: "]", count: 150)
        #expect(refusal(deep)?.code == .tooDeep)
        let limits = KubeYAML.Limits(maxStreamBytes: 1000, maxDocumentBytes: 100, maxDepth: 100)
        let big = "a: " + String(repeating: "x", count: 200) + "\n"
        #expect(refusal(big, limits: limits)?.code == .tooLarge)
        #expect(refusal(String(repeating: "# pad\n", count: 200), limits: limits)?.code == .tooLarge)
        #expect(try json("a: " + String(repeating: "x", count: 50), limits: limits).count == 58)
    }

    @Test func documentsAreSplitAndABOMIsAccepted() throws {
        let stream = KubeYAML.documents(Array("\u{FEFF}a: 1\n---\n---\nb: [1, {c: d}]\n".utf8))
        #expect(stream.error == nil)
        #expect(stream.documents.map { $0.map { String(decoding: $0, as: UTF8.self) } }
            == [#"{"a":1}"#, nil, #"{"b":[1,{"c":"d"}]}"#])
        let broken = KubeYAML.documents(Array("a: 1\n---\nb: [\n".utf8))
        #expect(broken.documents.count == 1)
        #expect(broken.error?.code == .syntax)
        #expect(refusal("a: 1\n---\nb: 2\n")?.code == .multipleDocuments)
    }

    @Test func numericLabelValuesAreRejectedAsKubectlDoes() {
        let yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: web, labels: {version: 1.0}}\nspec: {}\n"
        let objects = ManifestLoader.decode(text: yaml, format: .yaml, source: "s")
        #expect(objects.services.isEmpty)
        #expect(objects.rejections.map(\.reason) == ["Service web: metadata.labels.version: expected a string"])
    }

    @Test func byteOrderMarkIsAcceptedInEveryFormat() {
        let service = #"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {}}"#
        for format in [ManifestFormat.yaml, .json, .jsonLines] {
            let objects = ManifestLoader.decode(text: "\u{FEFF}" + service, format: format, source: "s")
            #expect(objects.services.map(\.metadata.name) == ["web"], "\(format)")
            #expect(objects.rejections.isEmpty, "\(format)")
        }
    }
}
