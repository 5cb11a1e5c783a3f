import Glibc
import KubeIPVSKernel

/// Turns libipset's report text into a ``KernelError``.
///
/// libipset's session API exposes no errno: the kernel's code (often an ipset-private one such
/// as IPSET_ERR_EXIST) is translated into a fixed message (`lib/errcode.c`). We map those
/// messages back to the closest standard errno, so callers match codes, not text; the message
/// itself stays in `detail`. In batches libipset prefixes "Error in line N: ".
enum LibIPSetErrors {
    /// ipset's fixed messages and the standard errno each stands for.
    static let knownMessages: [(message: String, errno: Int32)] = [
        (IPSetMessage.setMissing, ENOENT),
        (IPSetMessage.setExists, EEXIST),
        (IPSetMessage.entryExists, EEXIST),
        (IPSetMessage.entryMissing, ENOENT),
        (IPSetMessage.setInUse, EBUSY),
        (IPSetMessage.swapSecondMissing, ENOENT),
        (IPSetMessage.swapTypeMismatch, EINVAL),
        (IPSetMessage.hashFull, ENOSPC),
        (IPSetMessage.outOfRange, ERANGE),
        ("Kernel error received: set type not supported", EOPNOTSUPP),
        ("Protocol family not supported by the set type", EAFNOSUPPORT),
    ]

    private static let kernelPrefix = "Kernel error received: "

    /// Splits "Error in line N: text" into (N, text).
    static func splitLine(_ message: String) -> (line: Int?, text: String) {
        let prefix = "Error in line "
        guard message.hasPrefix(prefix), let colon = message.firstIndex(of: ":") else { return (nil, message) }
        let number = Int(message[message.index(message.startIndex, offsetBy: prefix.count)..<colon])
        var rest = message[message.index(after: colon)...]
        while rest.first == " " { rest.removeFirst() }
        return (number, String(rest))
    }

    /// The errno a libipset message stands for, if any.
    static func errno(for text: String) -> Int32? {
        if let known = knownMessages.first(where: { $0.message == text }) { return known.errno }
        guard text.hasPrefix(kernelPrefix) else { return nil }
        // "Kernel error received: <strerror(errno)>" for standard errnos libipset has no text for.
        let reason = String(text.dropFirst(kernelPrefix.count))
        return (1...133).first { String(cString: strerror($0)) == reason }.map { Int32($0) }
    }

    /// The error for `message` (the session report) on `operation`/`target`.
    static func kernelError(operation: String, target: String, message: String) -> KernelError {
        let text = splitLine(message).text
        guard let errno = errno(for: text) else {
            let code: KernelError.Code = text.hasPrefix("Syntax error") ? .invalid : .failed
            return KernelError(code: code, operation: operation, target: target,
                               detail: text.isEmpty ? "libipset gave no reason" : text)
        }
        return KernelError(operation: operation, target: target, errno: errno, detail: text)
    }
}
