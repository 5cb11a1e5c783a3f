import Foundation
import KubeIPVSSources
import Testing

@Suite("Watch stream parsing")
struct WatchStreamParsingTests {
    private func lines(_ chunks: [String], limit: Int = 1 << 20) -> [WatchLineSplitter.Piece] {
        var splitter = WatchLineSplitter(maximumLineBytes: limit)
        var out: [WatchLineSplitter.Piece] = []
        for chunk in chunks {
            splitter.append(Array(chunk.utf8))
            while let piece = splitter.next() { out.append(piece) }
        }
        if let rest = splitter.finish() { out.append(rest) }
        return out
    }

    private func line(_ text: String) -> WatchLineSplitter.Piece { .line(Array(text.utf8)) }

    @Test func eventSplitAcrossChunksIsJoined() {
        #expect(lines(["{\"type\":\"AD", "DED\"}", "\n"]) == [line("{\"type\":\"ADDED\"}")])
    }

    @Test func severalEventsInOneChunkAreSeparated() {
        #expect(lines(["{\"a\":1}\n{\"b\":2}\n{\"c\"", ":3}\n"]) == [line("{\"a\":1}"), line("{\"b\":2}"), line("{\"c\":3}")])
    }

    @Test func everySplitPointOfACapturedStreamGivesTheSameLines() throws {
        let text = try Fixtures.text("k8s-api/watch-services.jsonl")
        let expected = text.split(separator: "\n").map { WatchLineSplitter.Piece.line(Array($0.utf8)) }
        let bytes = Array(text.utf8)
        for size in [1, 2, 7, 100, 4096] {
            var splitter = WatchLineSplitter()
            var out: [WatchLineSplitter.Piece] = []
            var index = 0
            while index < bytes.count {
                splitter.append(bytes[index..<min(index + size, bytes.count)])
                index += size
                while let piece = splitter.next() { out.append(piece) }
            }
            #expect(splitter.finish() == nil)
            #expect(out == expected, "chunk size \(size)")
        }
    }

    @Test func blankLinesAreSkippedAndAFinalUnterminatedLineIsKept() {
        #expect(lines(["\n \r\n{\"a\":1}\n\n", "{\"b\":2}"]) == [line("{\"a\":1}"), line("{\"b\":2}")])
    }

    @Test func oversizedLineIsDroppedUpToItsNewlineAndReportedOnce() {
        let pieces = lines(["0123456789", "abcdef", "ghij\n{\"ok\":1}\n"], limit: 8)
        #expect(pieces == [.oversized(10), line("{\"ok\":1}")])
    }

    @Test func capturedEventsDecode() throws {
        let decoder = WatchEventDecoder<TestService>(operation: "watch services")
        let text = try Fixtures.text("k8s-api/watch-services.jsonl")
        var summary: [String] = []
        for raw in text.split(separator: "\n") {
            switch decoder.decode(Array(raw.utf8)) {
            case .added(let s): summary.append("ADDED \(s.apiMetadata.key)@\(s.apiMetadata.resourceVersion!)")
            case .modified(let s): summary.append("MODIFIED \(s.apiMetadata.key)@\(s.apiMetadata.resourceVersion!)")
            case .deleted(let s): summary.append("DELETED \(s.apiMetadata.key)@\(s.apiMetadata.resourceVersion!)")
            case .bookmark(let version): summary.append("BOOKMARK \(version)")
            case .initialEventsEnd(let version): summary.append("INITIAL-EVENTS-END \(version)")
            case .error(let status): summary.append("ERROR \(status.code ?? 0)")
            case .malformed(let error): summary.append("MALFORMED \(error)")
            }
        }
        #expect(summary == [
            "ADDED demo/web-nodeport@200", "ADDED demo/sticky@203", "ADDED demo/headless@205",
            "ADDED demo/external-db@207", "ADDED demo/with-externalips@209", "MODIFIED demo/web-nodeport@214",
            "ADDED demo/tmp-svc@216", "DELETED demo/tmp-svc@217", "BOOKMARK 217", "BOOKMARK 217",
        ])
    }

    @Test func errorEventCarriesItsStatus() {
        let line = #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (235)","reason":"Expired","code":410}}"#
        guard case .error(let status) = WatchEventDecoder<TestService>(operation: "w").decode(Array(line.utf8)) else {
            Issue.record("not an error event")
            return
        }
        #expect(status == APIStatus(status: "Failure", message: "too old resource version: 5 (235)", reason: "Expired",
                                    code: 410))
    }

    @Test(arguments: [
        "not json",
        #"{"type":"ADDED"}"#,
        #"{"type":"SOMETHING","object":{}}"#,
        #"{"type":"ADDED","object":{"metadata":{"name":"x"},"spec":{"ports":"oops"}}}"#,
        #"{"type":"BOOKMARK","object":{"metadata":{}}}"#,
    ])
    func malformedLinesBecomeMalformedEvents(_ line: String) {
        guard case .malformed(let error) = WatchEventDecoder<TestService>(operation: "watch services").decode(Array(line.utf8)) else {
            Issue.record("accepted: \(line)")
            return
        }
        #expect(error.code == .malformedEvent)
        #expect(error.operation == "watch services")
    }
}

@Suite("Backoff and selectors")
struct BackoffAndSelectorTests {
    @Test func backoffDoublesAddsJitterAndIsBounded() {
        var backoff = Backoff(policy: .init(initial: .milliseconds(100), maximum: .seconds(1), factor: 2, jitter: 0.5))
        #expect(backoff.next(random: 0) == .milliseconds(100))
        #expect(backoff.next(random: 0) == .milliseconds(200))
        #expect(backoff.next(random: 1) == .milliseconds(600))
        #expect(backoff.next(random: 0) == .milliseconds(800))
        #expect(backoff.next(random: 0.5) == .seconds(1))
        #expect(backoff.next(random: 1) == .seconds(1))
        backoff.reset()
        #expect(backoff.next(random: 0) == .milliseconds(100))
    }

    @Test func clientGoDefaults() {
        var backoff = Backoff()
        #expect(backoff.next(random: 0) == .milliseconds(800))
        #expect(backoff.next(random: 0.5) == .milliseconds(2400))
    }

    @Test func kubeProxySelectorRendersSortedLikeApimachinery() {
        #expect(LabelSelector.kubeProxy.description
                == "!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name")
        #expect(ListOptions.proxied.labelSelector == LabelSelector.kubeProxy.description)
        #expect(ListOptions.node(named: "node1").fieldSelector == "metadata.name=node1")
        #expect(LabelSelector([.equals("b", "2"), .exists("a"), .notEquals("c", "3")]).description == "a,b=2,c!=3")
    }
}
