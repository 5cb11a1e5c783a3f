#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an object source could not read its input at all (per-document problems are `Rejection`s).
public struct SourceError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// The path does not exist.
        case notFound
        /// The path exists but cannot be opened or read (permissions, I/O).
        case unreadable
        /// The file is larger than `ManifestLoader.maxFileSize`.
        case tooLarge
    }

    public var code: Code
    /// What was being done: `open`, `read`, `opendir`, `stat`.
    public var operation: String
    public var path: String
    /// The errno, when the failure came from a system call.
    public var errno: Int32?

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
