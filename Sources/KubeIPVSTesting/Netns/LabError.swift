import KubeIPVSIptables

/// A command or wait in a ``NetnsLab`` failed.
public struct LabError: Error, CustomStringConvertible {
    /// What failed, with the command's exit status and output.
    public var description: String

    /// A failure described in words.
    public init(message: String) { description = message }

    /// A command that exited non-zero or overran its time limit.
    public init(_ result: CommandResult) {
        description = "\(result.arguments.joined(separator: " ")): exit \(result.status)"
            + (result.timedOut ? " (timed out)" : "") + ": \(result.stderr)\(result.stdout)"
    }
}
