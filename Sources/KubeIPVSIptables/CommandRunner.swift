import Foundation

/// What a finished command left behind.
public struct CommandResult: Hashable, Sendable {
    /// The full argument vector that ran (prefix included).
    public var arguments: [String]
    /// Exit status (the signal number after a kill).
    public var status: Int32
    /// Everything written to stdout.
    public var stdout: String
    /// Everything written to stderr.
    public var stderr: String
    /// The command overran its time limit and was killed.
    public var timedOut: Bool

    /// A result (fakes build these).
    public init(arguments: [String], status: Int32, stdout: String, stderr: String, timedOut: Bool = false) {
        self.arguments = arguments
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.timedOut = timedOut
    }
}

/// Runs external commands (iptables-restore, iptables-save, conntrack). A seam so tests can see or
/// redirect exactly what would run.
public protocol CommandRunning: Sendable {
    /// Runs `arguments` with `input` on stdin, killing it after `timeout`. Throws only when the
    /// command cannot be started; a non-zero exit is a result.
    func run(_ arguments: [String], input: String?, timeout: Duration) async throws -> CommandResult
}

/// Runs commands as child processes (`posix_spawn`, see ``ChildProcess``), each on its own thread so a slow
/// iptables never blocks the cooperative pool.
public struct ProcessRunner: CommandRunning {
    /// Prepended to every command: `["ip", "netns", "exec", "kipt-1234"]` runs inside that namespace.
    public var prefix: [String]
    /// Extra directories searched for executables after `PATH`.
    public var searchPath: [String]

    /// A runner for the current namespace (or, with `prefix`, wherever that prefix puts commands).
    public init(prefix: [String] = [], searchPath: [String] = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]) {
        self.prefix = prefix
        self.searchPath = searchPath
    }

    /// A runner whose commands run inside the named network namespace (`ip netns exec NAME`).
    public static func inNetworkNamespace(_ name: String) -> ProcessRunner {
        ProcessRunner(prefix: ["ip", "netns", "exec", name])
    }

    /// Runs on a dedicated thread and resumes when the process exits or is killed.
    public func run(_ arguments: [String], input: String?, timeout: Duration) async throws -> CommandResult {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try self.runBlocking(arguments, input: input, timeout: timeout) })
            }
            thread.name = "kube-ipvs-exec"
            thread.start()
        }
    }

    /// The absolute path of `name`, looked up in `PATH` then ``searchPath``.
    public func resolve(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in path + searchPath {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs to completion on the calling thread: SIGTERM at the time limit, SIGKILL a second later.
    public func runBlocking(_ arguments: [String], input: String?, timeout: Duration) throws -> CommandResult {
        let argv = prefix + arguments
        let operation = arguments.prefix(2).joined(separator: " ")
        guard let executable = argv.first.flatMap(resolve) else {
            throw IptablesError(code: .notFound, operation: operation, target: argv.first ?? "",
                                message: "not found in PATH or \(searchPath.joined(separator: ":"))")
        }
        // stdin from a file: no SIGPIPE or pipe deadlock when the tool stops reading early.
        let inputFile = try input.map(Self.temporaryFile)
        defer { if let inputFile { unlink(inputFile) } }
        let child: ChildProcess
        do {
            child = try ChildProcess(executable: executable, arguments: Array(argv.dropFirst()),
                                     stdin: inputFile.map { .file($0) } ?? .null, stdout: .pipe, stderr: .pipe)
        } catch {
            throw IptablesError(code: .spawnFailed, operation: operation, target: executable, message: "\(error)")
        }
        var output = PipeReader([child.stdout!, child.stderr!])
        let deadline = ContinuousClock.now + timeout
        var exited: ContinuousClock.Instant?
        // Until the pipes close; after the child exited, at most a second more (a grandchild may
        // hold them open); before, at most until the deadline.
        while !output.isClosed {
            let now = ContinuousClock.now
            if let exited, now - exited > .seconds(1) { break }
            if exited == nil, now >= deadline { break }
            output.read(until: exited.map { $0 + .seconds(1) } ?? deadline, slice: .milliseconds(20))
            if exited == nil, child.poll() != nil { exited = ContinuousClock.now }
        }
        let timedOut = exited == nil && !Self.exits(child, before: max(deadline, ContinuousClock.now + .milliseconds(100)))
        if timedOut {
            child.signal(SIGTERM)
            if !Self.exits(child, before: ContinuousClock.now + .seconds(1)) { child.signal(SIGKILL) }
        }
        let status = child.wait()
        output.readAvailable()
        return CommandResult(arguments: argv, status: status, stdout: output.text(0), stderr: output.text(1),
                             timedOut: timedOut)
    }

    /// Polls for the child's exit until `deadline`.
    static func exits(_ child: ChildProcess, before deadline: ContinuousClock.Instant) -> Bool {
        while child.poll() == nil {
            guard ContinuousClock.now < deadline else { return false }
            usleep(200)
        }
        return true
    }

    static func temporaryFile(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("kube-ipvs-stdin-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: Data(contents.utf8)) else {
            throw IptablesError(code: .spawnFailed, operation: "write stdin file", target: path)
        }
        return path
    }
}

extension Duration {
    /// Seconds as a `TimeInterval`.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
