import Logging

/// Failed kernel operations of one batch, logged as one line with the counts and the first failure
/// (a storm of 10,000 ENOMEMs is one error line, not 10,000); each failure is logged at V(4) only.
struct FailureStorm {
    let what: String
    private(set) var attempted = 0
    private(set) var failed = 0
    private var sample: (operation: String, error: String)?

    init(_ what: String) { self.what = what }

    /// Counts one operation, and its failure if `error` is set (logged on its own at trace level).
    mutating func record(_ operation: @autoclosure () -> String, error: (any Error)?, logger: Logger) {
        attempted += 1
        guard let error else { return }
        failed += 1
        let op = operation()
        if sample == nil { sample = (op, "\(error)") }
        logger.trace("kernel operation failed", metadata: ["operation": "\(op)", "error": "\(error)"])
    }

    /// Logs the summary line if anything failed (attributed to the caller's file and line).
    func report(to logger: Logger, file: String = #fileID, function: String = #function, line: UInt = #line) {
        guard let sample else { return }
        logger.error("\(what) failed", metadata: [
            "failed": .stringConvertible(failed), "attempted": .stringConvertible(attempted),
            "sample": "\(sample.operation)", "error": "\(sample.error)",
        ], file: file, function: function, line: line)
    }
}
