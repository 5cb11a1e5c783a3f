import CIPSet
import Glibc

/// The process-wide lock around every libipset call.
///
/// libipset keeps global state: the registered type list (`ipset_load_types`), the set-name
/// cache (`ipset_cache_*`, freed by every `ipset_session_fini`) and per-type kernel checks.
/// Sessions on different threads (e.g. two namespaces in tests) must therefore never run
/// at the same time.
enum LibIPSetLock {
    // @unchecked Sendable box: the mutex is only used through pthread calls, which are
    // thread-safe; the pointer itself never changes.
    private final class Box: @unchecked Sendable {
        let mutex: UnsafeMutablePointer<pthread_mutex_t>
        var typesLoaded = false  // guarded by mutex
        init() {
            mutex = .allocate(capacity: 1)
            // Recursive: a session released while the lock is held (its deinit takes the lock to
            // call ipset_session_fini) must not deadlock its own thread.
            var attributes = pthread_mutexattr_t()
            pthread_mutexattr_init(&attributes)
            pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
            pthread_mutex_init(mutex, &attributes)
            pthread_mutexattr_destroy(&attributes)
        }
    }

    private static let box = Box()

    /// Runs `body` holding the lock; loads libipset's set types on first use.
    static func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(box.mutex)
        defer { pthread_mutex_unlock(box.mutex) }
        if !box.typesLoaded {
            ipset_load_types()
            box.typesLoaded = true
        }
        return try body()
    }
}
