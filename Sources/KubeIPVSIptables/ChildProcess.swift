#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn(3)`. Foundation's `Process.run()` on Linux
/// (swift-corelibs-foundation up to Swift 6.3.1) over-reads `struct dirent` while scanning
/// /proc/self/fd and crashes the caller now and then (swiftlang/swift-corelibs-foundation#5472);
/// a proxy that runs iptables-restore on every sync cannot afford that.
///
/// Pipes are created close-on-exec, so concurrent spawns never leak one command's pipe into
/// another (which would hold back its end of file). The child starts with default signal
/// dispositions and an empty signal mask.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: `status` is written once, under `lock`; everything else is immutable.
    /// Where a standard stream of the child goes.
    public enum Stream: Sendable {
        /// `/dev/null`.
        case null
        /// A file: read for stdin; for output created if needed and appended to.
        case file(String)
        /// A pipe whose other end the parent reads (``stdout``/``stderr``); output streams only.
        case pipe
    }

    /// The child's process id.
    public let pid: pid_t
    /// Read end of the child's stdout when it is ``Stream/pipe``; the caller closes it.
    public let stdout: Int32?
    /// Read end of the child's stderr when it is ``Stream/pipe``; the caller closes it.
    public let stderr: Int32?
    private let lock = Mutex()
    private var status: Int32?

    /// Starts `executable` (an absolute path) with `arguments` (argv[1…]) and `environment` (nil:
    /// the current one).
    public init(executable: String, arguments: [String], environment: [String: String]? = nil,
                stdin: Stream = .null, stdout: Stream = .null, stderr: Stream = .null) throws(ChildProcessError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigfillset(&signals)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var parentEnds: [Int32] = [], childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }
        func route(_ stream: Stream, to target: Int32) throws(ChildProcessError) -> Int32? {
            switch stream {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .file(let path):
                let flags = target == 0 ? O_RDONLY : (O_WRONLY | O_CREAT | O_APPEND)
                posix_spawn_file_actions_addopen(&actions, target, path, flags, 0o644)
            case .pipe:
                let fds = try Self.closeOnExecPipe()
                parentEnds.append(fds[0])
                childEnds.append(fds[1])
                posix_spawn_file_actions_adddup2(&actions, fds[1], target)  // dup2 clears FD_CLOEXEC on target
                return fds[0]
            }
            return nil
        }
        do {
            precondition(!Self.isPipe(stdin), "stdin cannot be a pipe")
            _ = try route(stdin, to: 0)
            self.stdout = try route(stdout, to: 1)
            self.stderr = try route(stderr, to: 2)
        } catch {
            for fd in parentEnds { close(fd) }
            throw error
        }
        let argv = [executable] + arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var cEnvironment: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in cEnvironment ?? [] { free(pointer) } }
        var child: pid_t = 0
        let result = Self.spawnLock.withLock {
            if cEnvironment != nil {
                return posix_spawn(&child, executable, &actions, &attributes, &cArguments, &cEnvironment!)
            }
            return posix_spawn(&child, executable, &actions, &attributes, &cArguments, environ)
        }
        guard result == 0 else {
            for fd in parentEnds { close(fd) }
            throw ChildProcessError(operation: "posix_spawn \(executable)", errno: result)
        }
        pid = child
    }

    /// The exit status (or the number of the signal that ended it) once it has exited; nil while
    /// it runs. Reaps the child.
    public func poll() -> Int32? {
        reap(options: WNOHANG)
    }

    /// Blocks until the child exits; returns its status (see ``poll()``).
    public func wait() -> Int32 {
        if let status = lock.withLock({ status }) { return status }
        // Wait without reaping (WNOWAIT) and without the lock, so `signal` never blocks and never
        // hits a recycled pid; then reap, which no longer blocks.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        return reap(options: 0) ?? -1
    }

    /// Sends `signal` unless the child was already reaped.
    public func signal(_ signal: Int32) {
        lock.withLock { if status == nil { _ = kill(pid, signal) } }
    }

    private func reap(options: Int32) -> Int32? {
        lock.withLock {
            if let status { return status }
            var raw: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &raw, options) } while result == -1 && errno == EINTR
            guard result == pid else { return result == -1 ? -1 : nil }
            // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift does not import.
            let signal = raw & 0x7f
            status = signal == 0 ? (raw >> 8) & 0xff : signal
            return status
        }
    }

    /// Held while a pipe exists without FD_CLOEXEC and while spawning, so no spawn of ours inherits
    /// another's pipe (`pipe2` is not imported).
    static let spawnLock = Mutex()

    static func closeOnExecPipe() throws(ChildProcessError) -> [Int32] {
        try spawnLock.withLock { () throws(ChildProcessError) -> [Int32] in
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { throw ChildProcessError(operation: "pipe", errno: errno) }
            for fd in fds where fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 {
                let code = errno
                close(fds[0])
                close(fds[1])
                throw ChildProcessError(operation: "fcntl FD_CLOEXEC", errno: code)
            }
            return fds
        }
    }

    private static func isPipe(_ stream: Stream) -> Bool {
        if case .pipe = stream { return true }
        return false
    }
}

/// A spawn-related system call failed.
public struct ChildProcessError: Error, CustomStringConvertible, Sendable {
    /// The call (`posix_spawn /usr/sbin/iptables-restore`).
    public var operation: String
    /// Its errno.
    public var errno: Int32

    public var description: String { "\(operation): \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// A pthread mutex (`Synchronization.Mutex` needs macOS 15 and the package targets macOS 14).
final class Mutex: @unchecked Sendable {
    // @unchecked: pthread_mutex_t is only used through lock/unlock.
    private var mutex = pthread_mutex_t()

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
