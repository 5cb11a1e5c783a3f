import Foundation

/// A background process a ``NetnsLab`` started in one of its namespaces (a pod server, a daemon
/// under test). Its stdout and stderr go to a log file in the lab's folder.
public final class LabProcess: @unchecked Sendable {
    // @unchecked: `Process` is thread-safe for the calls used here (isRunning, terminationStatus,
    // processIdentifier); nothing else is mutable.
    /// The log file (stdout and stderr).
    public let logPath: String
    private let process: Process

    init(executable: String, arguments: [String], logPath: String, environment: [String: String]?) throws {
        self.logPath = logPath
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw LabError(message: "start \(arguments.joined(separator: " ")): \(error)")
        }
    }

    /// The process id (`ip netns exec` execs the command, so this is the command itself).
    public var pid: Int32 { process.processIdentifier }

    /// Whether it still runs.
    public var isRunning: Bool { process.isRunning }

    /// What it wrote so far.
    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Waits at most `timeout` for the process to exit; returns its exit status (or the signal that
    /// ended it), nil when it still runs.
    public func wait(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Sends `signal` (SIGTERM by default) and waits up to `timeout`; SIGKILL after that. Returns the
    /// exit status, or nil when it had to be killed.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(5)) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        Foundation.kill(pid, signal)
        if let status = wait(timeout: timeout) { return status }
        kill()
        return nil
    }

    /// SIGKILL and wait for the exit.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(pid, SIGKILL)
        process.waitUntilExit()
    }
}
