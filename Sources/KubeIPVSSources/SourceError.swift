#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an object source could not read its input at all (per-document problems are `Rejection`s).
public struct SourceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Hashable, Sendable {
        /// The path does not exist.
        case notFound
        /// The path exists but cannot be opened or read (permissions, I/O).
        case unreadable
        /// The file is larger than `ManifestLoader.maxFileSize`.
        case tooLarge
        /// The path is not a regular file (a FIFO, socket or device): never read, it could block forever.
        case notRegularFile
        /// The file changed while it was read (a writer was mid-write); its last good content is kept.
        case changedDuringRead
    }

    /// What went wrong.
    public var code: Code
    /// What was being done: `open`, `read`, `opendir`, `stat`.
    public var operation: String
    /// The file or directory.
    public var path: String
    /// The errno, when the failure came from a system call.
    public var errno: Int32?

    /// Creates a value from its parts.
    public init(code: Code, operation: String, path: String, errno: Int32? = nil) {
        self.code = code
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// `open /etc/kube-ipvs/manifests/a.yaml: Permission denied (errno 13)`.
    public var description: String {
        guard let errno else { return "\(operation) \(path): \(code.rawValue)" }
        return "\(operation) \(path): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
