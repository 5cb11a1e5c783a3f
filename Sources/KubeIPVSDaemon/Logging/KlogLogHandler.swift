import Foundation
import Logging
import Synchronization

/// A swift-log handler printing klog's text format or component-base's JSON format to stderr.
/// swift-log levels map onto klog's: trace is V(4), debug V(2), info and notice V(0), warning W,
/// error and critical E (docs/logging.md). `-v N` sets the threshold of info lines.
public struct KlogLogHandler: LogHandler {
    /// Where encoded lines go (one call per line, newline included).
    public typealias Output = @Sendable (String) -> Void

    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    let format: LogFormat
    let output: Output

    /// A handler at klog verbosity `verbosity`, writing `format` lines to `output` (stderr by default).
    public init(format: LogFormat, verbosity: Int, output: @escaping Output = KlogLogHandler.standardError) {
        self.format = format
        self.logLevel = Self.level(verbosity: verbosity)
        self.output = output
    }

    /// The lowest swift-log level printed at klog verbosity `v`.
    public static func level(verbosity v: Int) -> Logger.Level { v >= 4 ? .trace : (v >= 2 ? .debug : .info) }

    /// klog's V level of an info line logged at `level`.
    public static func verbosity(of level: Logger.Level) -> Int {
        switch level {
        case .trace: 4
        case .debug: 2
        default: 0
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        if let error = event.error, merged["error"] == nil, merged["err"] == nil { merged["error"] = "\(error)" }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let severity: LogRecord.Severity = switch event.level {
        case .error, .critical: .error
        case .warning: .warning
        default: .info
        }
        let record = LogRecord(severity: severity, verbosity: severity == .info ? Self.verbosity(of: event.level) : 0,
                               seconds: now.tv_sec, nanoseconds: now.tv_nsec, pid: getpid(), file: event.file,
                               line: event.line, message: event.message.description,
                               fields: LogRecord.orderedFields(merged))
        switch format {
        case .text: output(KlogTextEncoder.encode(record, time: Self.localTime(now.tv_sec)) + "\n")
        case .json: output(KlogJSONEncoder.encode(record) + "\n")
        }
    }

    static func localTime(_ seconds: Int) -> KlogTextEncoder.LocalTime {
        var t = time_t(seconds)
        var parts = tm()
        localtime_r(&t, &parts)
        return .init(month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday), hour: Int(parts.tm_hour),
                     minute: Int(parts.tm_min), second: Int(parts.tm_sec))
    }

    private static let writeLock = Mutex<Void>(())

    /// Writes each line to stderr with write(2), whole lines at a time (lines from threads never interleave).
    public static let standardError: Output = { line in
        var bytes = Array(line.utf8)
        writeLock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                offset += n
            }
        }
    }
}
