import Foundation
import KubeIPVSIptables

/// A background process a ``NetnsLab`` started in one of its namespaces (a pod server, a daemon
/// under test). Its stdout and stderr go to a log file in the lab's folder.
public final class LabProcess: Sendable {
    /// The log file (stdout and stderr).
    public let logPath: String
    private let child: ChildProcess

    init(executable: String, arguments: [String], logPath: String, environment: [String: String]?) throws {
        self.logPath = logPath
        do {
            child = try ChildProcess(executable: executable, arguments: arguments, environment: environment,
                                     stdout: .file(logPath), stderr: .file(logPath))
        } catch {
            throw LabError(message: "start \(arguments.joined(separator: " ")): \(error)")
        }
    }

    /// The process id (`ip netns exec` execs the command, so this is the command itself).
    public var pid: Int32 { child.pid }

    /// Whether it still runs.
    public var isRunning: Bool { child.poll() == nil }

    /// What it wrote so far.
    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Waits at most `timeout` for the process to exit; returns its exit status (or the signal that
    /// ended it), nil when it still runs.
    public func wait(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while child.poll() == nil, ContinuousClock.now < deadline { usleep(20_000) }
        return child.poll()
    }

    /// Sends `signal` (SIGTERM by default) and waits up to `timeout`; SIGKILL after that. Returns the
    /// exit status, or nil when it had to be killed.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(5)) -> Int32? {
        if let status = child.poll() { return status }
        child.signal(signal)
        if let status = wait(timeout: timeout) { return status }
        kill()
        return nil
    }

    /// SIGKILL and wait for the exit.
    func kill() {
        guard child.poll() == nil else { return }
        child.signal(SIGKILL)
        _ = child.wait()
    }
}
