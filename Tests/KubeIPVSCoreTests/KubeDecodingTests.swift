import Foundation
import KubeIPVSCore
import Testing

/// Kubernetes JSON decoding: lenient lists, watch events, int-or-string.
@Suite struct KubeDecodingTests {
    @Test func listKeepsGoodItemsAndReportsBadOnes() throws {
        let json = #"""
        {"kind":"ServiceList","metadata":{"resourceVersion":"77"},"items":[
          {"metadata":{"name":"a","namespace":"x"},"spec":{"ports":[{"port":80}]}},
          {"metadata":{"name":"b","namespace":"x"},"spec":{"ports":[{"port":true}]}},
          {"metadata":{"name":"c"},"spec":{"clusterIPs":"10.0.0.1"}},
          7
        ]}
        """#
        let list = try JSONDecoder().decode(KubeList<KubeService>.self, from: Data(json.utf8))
        #expect(list.kind == "ServiceList" && list.resourceVersion == "77")
        #expect(list.items.map(\.metadata.name) == ["a"])
        #expect(list.failures.map(\.description) == [
            "items[1]: Service x/b: spec.ports[0].port: expected an integer",
            "items[2]: Service c: spec.clusterIPs: expected a list",
            "items[3]: (root): expected an object",
        ])
    }

    @Test func watchEvents() throws {
        func decode(_ s: String) throws -> KubeWatchEvent<KubeService> {
            try JSONDecoder().decode(KubeWatchEvent<KubeService>.self, from: Data(s.utf8))
        }
        guard case .modified(let s) = try decode(#"{"type":"MODIFIED","object":{"metadata":{"name":"x"}}}"#) else {
            Issue.record("not MODIFIED")
            return
        }
        #expect(s.metadata.name == "x")
        guard case .bookmark(let rv) = try decode(
            #"{"type":"BOOKMARK","object":{"kind":"Service","metadata":{"resourceVersion":"217"}}}"#) else {
            Issue.record("not BOOKMARK")
            return
        }
        #expect(rv == "217")
        guard case .error(let status) = try decode(
            #"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired"}}"#) else {
            Issue.record("not ERROR")
            return
        }
        #expect(status == KubeStatus(code: 410, reason: "Expired"))
        #expect(throws: DecodingError.self) { try decode(#"{"type":"NOPE","object":{}}"#) }
    }

    @Test func intOrStringAndNullFields() throws {
        let json = #"{"spec":{"ports":[{"port":80,"targetPort":"http"},{"port":81,"targetPort":8081}],"externalIPs":null},"status":null}"#
        let s = try JSONDecoder().decode(KubeService.self, from: Data(json.utf8))
        #expect(s.spec.ports.map(\.targetPort) == [.string("http"), .int(8081)])
        #expect(s.spec.externalIPs.isEmpty && s.status.loadBalancer.ingress.isEmpty)
        let round = try JSONDecoder().decode(KubeService.self, from: JSONEncoder().encode(s))
        #expect(round == s)
    }

    @Test func nodePrimaryIPs() throws {
        let json = #"{"metadata":{"name":"n"},"status":{"addresses":[{"type":"Hostname","address":"n"},{"type":"InternalIP","address":"fd00::5"},{"type":"ExternalIP","address":"1.2.3.4"},{"type":"InternalIP","address":"10.0.0.5"},{"type":"InternalIP","address":"10.0.0.6"}]}}"#
        let node = try JSONDecoder().decode(KubeNode.self, from: Data(json.utf8))
        #expect(node.primaryIPs.map(\.description) == ["10.0.0.5", "fd00::5"])
    }
}
