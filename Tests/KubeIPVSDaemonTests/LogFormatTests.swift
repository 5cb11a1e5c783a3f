import Foundation
import KubeIPVSTesting
import Logging
import Synchronization
import Testing
@testable import KubeIPVSDaemon

/// klog's text format and component-base's JSON format, byte for byte where the format is fixed.
struct LogFormatTests {
    static func record(_ metadata: Logger.Metadata = [:], severity: LogRecord.Severity = .info, v: Int = 0,
                       message: String = "SyncProxyRules complete") -> LogRecord {
        LogRecord(severity: severity, verbosity: v, seconds: 1_765_125_000, nanoseconds: 123_456_789, pid: 4242,
                  file: "KubeIPVSDaemon/ProxyDaemon+Sync.swift", line: 42, message: message,
                  fields: LogRecord.orderedFields(metadata))
    }

    static let time = KlogTextEncoder.LocalTime(month: 12, day: 7, hour: 16, minute: 30, second: 0)

    @Test("text: klog's header, quoted message, bare numbers and booleans, quoted strings, Go durations")
    func textLine() {
        let line = KlogTextEncoder.encode(Self.record(["elapsed": .stringConvertible(Duration.microseconds(12_500)),
                                                       "full": .stringConvertible(true), "virtualServers": .stringConvertible(3),
                                                       "node": "node1"]), time: Self.time)
        #expect(line == #"I1207 16:30:00.123456    4242 ProxyDaemon+Sync.swift:42] "SyncProxyRules complete" elapsed="12.5ms" full=true node="node1" virtualServers=3"#)
    }

    @Test("text: the error first as err, Go quoting of control and quote characters, multi-line values as key=<…>")
    func textEscaping() throws {
        let line = KlogTextEncoder.encode(Self.record(["error": "EEXIST", "rules": "*nat\n-A X\nCOMMIT\n", "a": "x y"],
                                                      severity: .error, message: "a \"b\"\n\t\u{01}é"),
                                          time: Self.time)
        #expect(line == "E1207 16:30:00.123456    4242 ProxyDaemon+Sync.swift:42] \"a \\\"b\\\"\\n\\t\\x01é\" err=\"EEXIST\" a=\"x y\" rules=<\n\t*nat\n\t-A X\n\tCOMMIT\n >")
        let parsed = try KlogLineParser.parseText(line + "\n")
        #expect(parsed.count == 1)
        #expect(parsed.first?.message == "a \"b\"\n\t\u{01}é")
        #expect(parsed.first?.fields == ["err": "EEXIST", "a": "x y", "rules": "*nat\n-A X\nCOMMIT"])
    }

    @Test("json: ts in float milliseconds, caller, msg, v on info lines, err and no v on error lines")
    func jsonLines() throws {
        let info = KlogJSONEncoder.encode(Self.record(["elapsed": .stringConvertible(Duration.seconds(90)),
                                                             "count": .stringConvertible(7), "name": "a\"b"], v: 2))
        #expect(info == #"{"ts":1765125000123.4568,"caller":"KubeIPVSDaemon/ProxyDaemon+Sync.swift:42","msg":"SyncProxyRules complete","v":2,"count":7,"elapsed":"1m30s","name":"a\"b"}"#)
        let error = KlogJSONEncoder.encode(Self.record(["error": "ENOMEM"], severity: .error, message: "IPVS operations failed"))
        let parsed = try KlogLineParser.parseJSON(info + "\n" + error + "\n")
        #expect(parsed.map(\.verbosity) == [2, nil])
        #expect(parsed[1].severity == "E" && parsed[1].fields == ["err": "ENOMEM"])
        #expect(!error.contains("\"v\""))
    }

    @Test("Go duration strings", arguments: [
        (Int64(0), "0s"), (999, "999ns"), (1_500, "1.5µs"), (12_345_000, "12.345ms"), (2_500_000_000, "2.5s"),
        (90_000_000_000, "1m30s"), (3_723_500_000_000, "1h2m3.5s"), (-1_000_000, "-1ms"),
    ])
    func goDurations(nanos: Int64, text: String) {
        #expect(GoFormatting.duration(nanoseconds: nanos) == text)
    }

    /// A handler writing into memory.
    static func capture(_ format: LogFormat, verbosity: Int) -> (Logger, @Sendable () -> [String]) {
        let lines = Mutex<[String]>([])
        let handler = KlogLogHandler(format: format, verbosity: verbosity) { line in lines.withLock { $0.append(line) } }
        return (Logger(label: "test", factory: { _ in handler }), { lines.withLock { $0 } })
    }

    @Test("-v N: trace is V(4), debug V(2), info V(0); warnings and errors always; severities W and E")
    func verbosityLevels() throws {
        for v in [0, 2, 4] {
            let (logger, lines) = Self.capture(.text, verbosity: v)
            logger.trace("t"); logger.debug("d"); logger.info("i"); logger.warning("w"); logger.critical("c")
            let parsed = try KlogLineParser.parseText(lines().joined())
            let expected = (v >= 4 ? ["t"] : []) + (v >= 2 ? ["d"] : []) + ["i", "w", "c"]
            #expect(parsed.map(\.message) == expected, "v=\(v)")
            #expect(parsed.suffix(2).map(\.severity) == ["W", "E"])
            #expect(parsed.allSatisfy { $0.file == "LogFormatTests.swift" })
        }
        let (json, lines) = Self.capture(.json, verbosity: 4)
        json.trace("t"); json.debug("d"); json.info("i"); json.warning("w")
        #expect(try KlogLineParser.parseJSON(lines().joined()).map(\.verbosity) == [4, 2, 0, 0])
    }

    @Test("a storm of failed kernel operations is one error line with the counts and a sample; each at V(4) only")
    func failureStorm() throws {
        struct Boom: Error, CustomStringConvertible { var description: String { "ENOMEM" } }
        for v in [0, 4] {
            let (logger, lines) = Self.capture(.text, verbosity: v)
            var storm = FailureStorm("IPVS operations")
            for i in 0..<1000 { storm.record("add \(i)", error: i % 2 == 0 ? Boom() : nil, logger: logger) }
            storm.report(to: logger)
            let parsed = try KlogLineParser.parseText(lines().joined())
            let errors = parsed.filter { $0.severity == "E" }
            #expect(errors.count == 1)
            #expect(errors.first?.message == "IPVS operations failed")
            #expect(errors.first?.fields == ["err": "ENOMEM", "failed": "500", "attempted": "1000", "sample": "add 0"])
            #expect(parsed.count == (v >= 4 ? 501 : 1))
        }
        let (logger, lines) = Self.capture(.text, verbosity: 4)
        var clean = FailureStorm("IPVS operations")
        clean.record("add", error: nil, logger: logger)
        clean.report(to: logger)
        #expect(lines().isEmpty)
    }
}
