import KubeIPVSCore

/// `iptables-restore --noflush --counters` for one family and backend, with its companions
/// (`iptables-save`, single `iptables` commands).
public struct IptablesRestore: Sendable {
    /// legacy or nft tools.
    public var backend: IptablesBackend
    /// `iptables-*` (IPv4) or `ip6tables-*` (IPv6).
    public var family: IPFamily
    /// Runs the tools.
    public var runner: any CommandRunning
    /// Base limit per command; a restore gets ``perLineAllowance`` more per input line
    /// (``restoreTimeout(lines:)``), a save at least ``saveTimeoutFloor``.
    public var timeout: Duration
    /// Seconds to wait for the xtables lock (`-w`).
    public var lockWait: Int

    /// The tools of `backend` for `family`.
    public init(backend: IptablesBackend, family: IPFamily, runner: any CommandRunning = ProcessRunner(),
                timeout: Duration = .seconds(30), lockWait: Int = 5) {
        self.backend = backend
        self.family = family
        self.runner = runner
        self.timeout = timeout
        self.lockWait = lockWait
    }

    /// `IPv4 (nft)`.
    public var label: String { "\(family) (\(backend))" }

    /// Time allowed per restore input line on top of ``timeout``: 320,008 rules took minutes in
    /// an emulated guest, where a fixed 30 s limit killed the restore (docs/iptables-fallback.md).
    public static let perLineAllowance: Duration = .microseconds(500)

    /// A save has no input to scale by; its limit only catches a hung tool (iptables-nft 1.8.3).
    public static let saveTimeoutFloor: Duration = .seconds(300)

    /// The limit for a restore of `lines` input lines: ``timeout`` + `lines` × ``perLineAllowance``.
    public func restoreTimeout(lines: Int) -> Duration {
        timeout + Self.perLineAllowance * max(lines, 0)
    }

    /// Lines in `text` (a last line without a newline counts).
    public static func lineCount(_ text: String) -> Int {
        var count = 0, last: UInt8 = 10
        for byte in text.utf8 {
            if byte == 10 { count += 1 }
            last = byte
        }
        return last == 10 ? count : count + 1
    }

    /// Feeds `text` to `iptables-restore -w N --noflush --counters` (one atomic transaction per table).
    /// A refusal throws ``IptablesError`` with the tool's stderr and the input line it named.
    public func restore(_ text: String, target: String = "") async throws {
        let command = backend.command(.restore, family: family)
        let limit = restoreTimeout(lines: Self.lineCount(text))
        let result = try await runner.run([command, "-w", String(lockWait), "--noflush", "--counters"],
                                          input: text, timeout: limit)
        if result.timedOut {
            throw IptablesError(code: .timeout, operation: command, target: target.isEmpty ? label : target,
                                message: "no exit after \(limit)")
        }
        guard result.status == 0 else {
            throw Self.restoreFailure(command: command, target: target.isEmpty ? label : target,
                                      status: result.status, stderr: result.stderr, input: text)
        }
    }

    /// True when `iptables-restore --test` accepts `text` (nothing is committed): the probe that
    /// finds which services' rules a failed restore choked on.
    public func accepts(_ text: String) async throws -> Bool {
        let command = backend.command(.restore, family: family)
        let result = try await runner.run([command, "-w", String(lockWait), "--test"], input: text,
                                          timeout: restoreTimeout(lines: Self.lineCount(text)))
        return result.status == 0 && !result.timedOut
    }

    /// `iptables-save [-t table]`.
    public func save(table: String? = nil) async throws -> String {
        let command = backend.command(.save, family: family)
        let result = try await runner.run([command] + (table.map { ["-t", $0] } ?? []), input: nil,
                                          timeout: max(timeout, Self.saveTimeoutFloor))
        try check(result, operation: command + (table.map { " -t \($0)" } ?? ""), target: label)
        return result.stdout
    }

    /// Runs `iptables -w N ARGS…`; returns the exit status (the caller decides what non-zero means).
    public func command(_ arguments: [String]) async throws -> CommandResult {
        let command = backend.command(.iptables, family: family)
        let result = try await runner.run([command, "-w", String(lockWait)] + arguments, input: nil, timeout: timeout)
        if result.timedOut {
            throw IptablesError(code: .timeout, operation: command, target: arguments.joined(separator: " "))
        }
        return result
    }

    /// True when `iptables --version` is at least 1.6.2 (`MASQUERADE --random-fully`).
    public func supportsRandomFully() async -> Bool {
        guard let result = try? await runner.run([backend.command(.iptables, family: family), "--version"],
                                                 input: nil, timeout: timeout), result.status == 0 else { return false }
        guard let range = result.stdout.range(of: "v") else { return false }
        let numbers = result.stdout[range.upperBound...].prefix { $0.isNumber || $0 == "." }
            .split(separator: ".").compactMap { Int($0) }
        return numbers.lexicographicallyPrecedes([1, 6, 2]) == false
    }

    func check(_ result: CommandResult, operation: String, target: String) throws {
        if result.timedOut { throw IptablesError(code: .timeout, operation: operation, target: target) }
        guard result.status == 0 else {
            throw IptablesError(code: .commandFailed, operation: operation, target: target, exitStatus: result.status,
                                message: Self.relevantLines(result.stderr).joined(separator: "; "))
        }
    }

    /// Builds the error for a refused restore: the stderr lines that explain it, verbatim, and the
    /// input line named by `Error occurred at line: N` (legacy) or `line N failed` / `line N:` (nft).
    static func restoreFailure(command: String, target: String, status: Int32, stderr: String, input: String) -> IptablesError {
        let line = lineNumber(in: stderr)
        let inputLines = input.split(separator: "\n", omittingEmptySubsequences: false)
        let inputLine = line.flatMap { $0 >= 1 && $0 <= inputLines.count ? String(inputLines[$0 - 1]) : nil }
        return IptablesError(code: .restoreFailed, operation: command, target: target, exitStatus: status,
                             message: relevantLines(stderr).joined(separator: "; "), line: line, inputLine: inputLine)
    }

    /// stderr lines minus the usage hint and deprecation notices.
    static func relevantLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map { String($0).trimmed(of: " \t") }
            .filter { !$0.isEmpty && !$0.hasPrefix("Try `") && !$0.hasPrefix("Ignoring deprecated")
                && !$0.hasPrefix("Error occurred at line") && !$0.hasSuffix("):") }
    }

    static func lineNumber(in stderr: String) -> Int? {
        for marker in ["Error occurred at line: ", "line "] {
            var rest = Substring(stderr)
            while let range = rest.range(of: marker) {
                let digits = rest[range.upperBound...].prefix { $0.isNumber }
                if let value = Int(digits) { return value }
                rest = rest[range.upperBound...]
            }
        }
        return nil
    }
}

extension String {
    func trimmed(of set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, set.contains(last) { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
