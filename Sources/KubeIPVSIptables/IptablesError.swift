/// The one error type of the iptables layer: which command failed, on what, and what it said.
public struct IptablesError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Broad classes callers match on.
    public enum Code: String, Sendable, Hashable {
        /// The binary is not installed (or not on PATH).
        case notFound
        /// The process could not be started.
        case spawnFailed
        /// No exit in time; the process was killed.
        case timeout
        /// `iptables-restore` refused the input (the whole transaction was rolled back).
        case restoreFailed
        /// Another command exited non-zero.
        case commandFailed
    }

    /// The broad class.
    public var code: Code
    /// The command: `iptables-nft-restore`, `ip6tables-legacy-save -t nat`, `conntrack -D`.
    public var operation: String
    /// What it applied to: `IPv4 nat+filter`, `KUBE-SVC-X`, `10.96.0.10 -> 10.244.1.5`.
    public var target: String
    /// Exit status, when the process ran.
    public var exitStatus: Int32?
    /// The tool's own words: its relevant stderr lines, verbatim.
    public var message: String
    /// The restore input line the tool reported (1-based), when it reported one.
    public var line: Int?
    /// The text of that input line.
    public var inputLine: String?

    /// An error; see the properties.
    public init(code: Code, operation: String, target: String, exitStatus: Int32? = nil, message: String = "",
                line: Int? = nil, inputLine: String? = nil) {
        self.code = code
        self.operation = operation
        self.target = target
        self.exitStatus = exitStatus
        self.message = message
        self.line = line
        self.inputLine = inputLine
    }

    /// `iptables-nft-restore IPv4 nat+filter: exit 2: iptables-nft-restore v1.8.9 (nf_tables): Chain
    /// 'KUBE-NOPE' does not exist (input line 3: -A KUBE-X -j KUBE-NOPE)`.
    public var description: String {
        var text = "\(operation) \(target): "
        if let status = exitStatus { text += "exit \(status)" } else { text += code.rawValue }
        if !message.isEmpty { text += ": \(message)" }
        if let line {
            text += " (input line \(line)" + (inputLine.map { ": \($0)" } ?? "") + ")"
        }
        return text
    }
}
