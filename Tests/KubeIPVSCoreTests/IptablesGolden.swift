import Foundation
import Testing

/// Golden files under Golden/iptables/, read from the source tree. `KIPT_UPDATE_GOLDEN=1` rewrites
/// them (review the diff before committing).
enum IptablesGolden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/iptables")

    static func read(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// Expects `actual` to equal the golden file, line by line so a failure names the first difference.
    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if ProcessInfo.processInfo.environment["KIPT_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
            return
        }
        let expected = try read(name)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, (x, y)) in zip(a, e).enumerated() where x != y {
            Issue.record("\(name):\(index + 1)\n  expected: \(y)\n  actual:   \(x)", sourceLocation: sourceLocation)
            return
        }
        #expect(a.count == e.count, "\(name): \(a.count) lines, golden has \(e.count)", sourceLocation: sourceLocation)
    }
}
