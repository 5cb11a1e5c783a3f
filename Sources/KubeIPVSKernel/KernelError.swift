#if canImport(Glibc)
import Glibc
#endif

/// The one error type of the kernel layer: what failed, on what, and the kernel's errno.
public struct KernelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Broad classes callers match on (derived from the errno when there is one).
    public enum Code: String, Sendable, Hashable {
        /// EEXIST: the object is already there.
        case exists
        /// ENOENT/ESRCH: the object (or kernel facility) is not there.
        case notFound
        /// EOPNOTSUPP/EAFNOSUPPORT/EPROTONOSUPPORT: the kernel lacks the feature (module, link type).
        case unsupported
        /// EPERM/EACCES: missing CAP_NET_ADMIN.
        case permission
        /// EINVAL and other refusals of the request itself.
        case invalid
        /// No answer in time.
        case timeout
        /// A library or protocol failure without a kernel errno.
        case failed
    }

    public var code: Code
    /// The operation, in the uapi's or tool's words: `IPVS_CMD_NEW_SERVICE`, `ipset add`, `RTM_NEWADDR`.
    public var operation: String
    /// What it was applied to: `10.96.0.1:443/TCP`, `KUBE-CLUSTER-IP`, `kube-ipvs0`.
    public var target: String
    /// The kernel's errno (positive), when the kernel answered with one.
    public var errno: Int32?
    /// Extra detail (library message).
    public var detail: String

    public init(code: Code, operation: String, target: String, errno: Int32? = nil, detail: String = "") {
        self.code = code
        self.operation = operation
        self.target = target
        self.errno = errno
        self.detail = detail
    }

    /// An error classified from a positive kernel errno.
    public init(operation: String, target: String, errno: Int32, detail: String = "") {
        self.init(code: KernelError.classify(errno), operation: operation, target: target, errno: errno, detail: detail)
    }

    /// Maps a positive errno to a ``Code``.
    public static func classify(_ errno: Int32) -> Code {
        switch errno {
        case EEXIST: .exists
        case ENOENT, ESRCH: .notFound
        case EOPNOTSUPP, EAFNOSUPPORT, EPROTONOSUPPORT: .unsupported
        case EPERM, EACCES: .permission
        case ETIMEDOUT: .timeout
        default: .invalid
        }
    }

    /// `IPVS_CMD_NEW_SERVICE 10.96.0.1:443/TCP: File exists (errno 17)`.
    public var description: String {
        var text = "\(operation) \(target): "
        if let e = errno {
            text += "\(String(cString: strerror(e))) (errno \(e))"
        } else {
            text += code.rawValue
        }
        if !detail.isEmpty { text += " — \(detail)" }
        return text
    }
}
