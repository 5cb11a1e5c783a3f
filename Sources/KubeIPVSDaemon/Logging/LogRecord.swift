import Logging

/// One log line, before encoding: what klog's text format and component-base's JSON format both
/// print (docs/logging.md). Built by ``KlogLogHandler`` from a swift-log event.
public struct LogRecord: Sendable {
    /// klog's severities; swift-log's critical is printed as an error (the daemon does not exit on it).
    public enum Severity: Character, Sendable {
        case info = "I", warning = "W", error = "E"
    }

    /// The line's severity.
    public var severity: Severity
    /// klog's V level of an info line (0 for warnings and errors).
    public var verbosity: Int
    /// Wall-clock time: seconds since the epoch and the nanoseconds within that second.
    public var seconds: Int
    public var nanoseconds: Int
    /// The process id (klog prints it where glog printed the thread id).
    public var pid: Int32
    /// `Module/File.swift` (`#fileID`).
    public var file: String
    public var line: UInt
    public var message: String
    /// Key/value pairs in output order: `err` first (klog's ErrorS puts it there), then sorted by key.
    public var fields: [(key: String, value: Logger.MetadataValue)]

    /// Creates a value from its parts.
    public init(severity: Severity, verbosity: Int, seconds: Int, nanoseconds: Int, pid: Int32, file: String,
                line: UInt, message: String, fields: [(key: String, value: Logger.MetadataValue)]) {
        self.severity = severity
        self.verbosity = verbosity
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.pid = pid
        self.file = file
        self.line = line
        self.message = message
        self.fields = fields
    }

    /// The metadata keys that name the error of a line; printed as klog's and zapr's `err`.
    static let errorKeys: Set<String> = ["error", "err"]

    /// Orders metadata as the encoders print it: the error first, renamed `err`, then by key.
    static func orderedFields(_ metadata: Logger.Metadata) -> [(key: String, value: Logger.MetadataValue)] {
        var fields: [(key: String, value: Logger.MetadataValue)] = []
        var error: Logger.MetadataValue?
        for (key, value) in metadata {
            if errorKeys.contains(key) { error = value } else { fields.append((key, value)) }
        }
        fields.sort { $0.key < $1.key }
        if let error { fields.insert(("err", error), at: 0) }
        return fields
    }

    /// `File.swift` from `Module/File.swift`: klog prints the base name only.
    var baseFileName: String {
        guard let slash = file.lastIndex(of: "/") else { return file }
        return String(file[file.index(after: slash)...])
    }
}
