import Foundation
import KubeIPVSCore
import Testing

/// metadata.creationTimestamp: RFC 3339 as metav1.Time reads it, validated by the Service normalizer.
@Suite struct KubeTimestampTests {
    @Test func parsesRFC3339Instants() {
        #expect(KubeTimestamp(rfc3339: "2026-12-07T16:30:00Z") == KubeTimestamp(seconds: 1_796_661_000))
        #expect(KubeTimestamp(rfc3339: "2026-12-07t18:30:00+02:00") == KubeTimestamp(seconds: 1_796_661_000))
        #expect(KubeTimestamp(rfc3339: "2024-02-29T23:59:59.5z") == KubeTimestamp(seconds: 1_709_251_199, nanoseconds: 500_000_000))
        #expect(KubeTimestamp(rfc3339: "1969-12-31T23:59:59.000000001Z") == KubeTimestamp(seconds: -1, nanoseconds: 1))
        #expect(KubeTimestamp(rfc3339: "2024-01-01T00:00:00Z")! < KubeTimestamp(rfc3339: "2024-01-01T00:00:00.000000001Z")!)
    }

    @Test(arguments: ["", "yesterday", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01 00:00:00Z",
                      "2024-01-01T00:00:00", "2024-01-01T00:00:00Z\u{0}", "2024-01-01T00:00:00.Z",
                      "2024-01-01T00:00:00.1234567891Z", "2024-01-01T24:00:00Z", "2024-01-01T00:00:00+2:00",
                      "1e9", "+2024-01-01T00:00:00Z"])
    func refusesAnythingElse(_ text: String) {
        #expect(KubeTimestamp(rfc3339: text) == nil)
    }

    @Test func decodedFromMetadataAndValidatedByTheNormalizer() throws {
        let json = #"{"metadata":{"name":"web","namespace":"ns","creationTimestamp":"2024-01-01T00:00:00Z"},"#
            + #""spec":{"clusterIP":"10.96.0.9","ports":[{"port":80}]}}"#
        let s = try JSONDecoder().decode(KubeService.self, from: Data(json.utf8))
        #expect(s.metadata.creationTimestamp == "2024-01-01T00:00:00Z")
        #expect(ServiceNormalizer.normalize(s).rejections.isEmpty)
        var bad = s
        bad.metadata.creationTimestamp = "2024-01-01T00:00:00Z\nforged"
        let n = ServiceNormalizer.normalize(bad)
        #expect(n.ports.isEmpty)
        #expect(n.rejections.map(\.reason) == [#"metadata.creationTimestamp "2024-01-01T00:00:00Z\nforged" is not an RFC 3339 time"#])
        let null = #"{"metadata":{"name":"web","creationTimestamp":null},"spec":{"clusterIP":"10.96.0.9"}}"#
        #expect(try JSONDecoder().decode(KubeService.self, from: Data(null.utf8)).metadata.creationTimestamp == nil)
    }
}
