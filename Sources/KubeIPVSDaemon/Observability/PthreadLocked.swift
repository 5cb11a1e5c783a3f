import Foundation

/// A value behind a pthread mutex (`NSLock`), for state that threads of the sanitizer tier share:
/// ThreadSanitizer models pthread locks, but not Synchronization.Mutex's futex (uninstrumented), and
/// reported accesses under one as races (docs/fuzzing.md).
public final class PthreadLocked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
