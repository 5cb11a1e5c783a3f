import Glibc

/// A serial executor that runs every job on one dedicated pthread.
///
/// Blocking netlink calls (`recv` waiting up to the socket timeout) then never occupy a thread of
/// Swift's cooperative pool, and every socket the owning actor opens is opened on this one thread, in
/// its network namespace. The thread is detached: ``stop()`` lets it finish its queue and exit, so
/// stopping from the thread itself (an actor's `deinit` running there) cannot deadlock.
final class NetlinkThreadExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked Sendable: `jobs`, `head` and `stopping` are read and written only with `mutex` held;
    // the mutex and condition live in heap memory that never moves (a stored pthread_mutex_t has no
    // stable address in Swift).
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [UnownedJob] = []
    private var head = 0
    private var stopping = false

    /// Starts the thread (idle until the first job).
    init(name: String) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        // The thread holds a strong reference until it exits.
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            let executor = Unmanaged<NetlinkThreadExecutor>.fromOpaque(context!).takeRetainedValue()
            executor.runLoop()
            return nil
        }, context)
        precondition(rc == 0, "pthread_create for \(name) failed: errno \(rc)")
        pthread_detach(thread)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        pthread_mutex_lock(mutex)
        jobs.append(unowned)
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }

    /// Lets the thread run what is queued, then exit.
    func stop() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    private func runLoop() {
        while let job = nextJob() {
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }

    private func nextJob() -> UnownedJob? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while head == jobs.count && !stopping { pthread_cond_wait(condition, mutex) }
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        if head == jobs.count {  // drained: reuse the storage
            jobs.removeAll(keepingCapacity: true)
            head = 0
        }
        return job
    }
}
