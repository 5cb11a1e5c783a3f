import CKubeIPVSShim
import Glibc
import KubeIPVSKernel

/// A `SerialExecutor` backed by one dedicated pthread, optionally living in another network
/// namespace. Actors using it as their executor run all their code on that thread, so
/// blocking libnl/libipset calls stay off the small cooperative pool, and every socket they
/// open is bound to the thread's namespace.
public final class NamespaceThreadExecutor: SerialExecutor, Sendable {
    private let queue: JobQueue
    /// The namespace the thread entered (nil: the process's own).
    public let namespace: NetworkNamespace?
    /// The worker's kernel thread id.
    public let threadID: Int32

    /// Starts the thread and enters `namespace` on it; throws if that fails (e.g. EPERM).
    public init(name: String, namespace: NetworkNamespace? = nil) throws {
        let queue = JobQueue()
        self.queue = queue
        self.namespace = namespace
        let start = StartBox(queue: queue, namespace: namespace, name: name)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(start).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            let start = Unmanaged<StartBox>.fromOpaque(raw!).takeRetainedValue()
            start.main()
            return nil
        }, context)
        if rc != 0 {
            Unmanaged<StartBox>.fromOpaque(context).release()
            throw KernelError(operation: "pthread_create", target: name, errno: rc)
        }
        let outcome = queue.waitStarted()
        switch outcome {
        case .failure(let error):
            pthread_join(thread, nil)
            throw error
        case .success(let tid):
            threadID = tid
            queue.setThread(thread)
        }
    }

    deinit { queue.stop(join: false) }

    /// The worker's namespace as a path other threads can join while this executor runs.
    public var namespacePath: NetworkNamespace { NetworkNamespace.pathOfThread(threadID) }

    public func enqueue(_ job: consuming ExecutorJob) {
        queue.push(UnownedJob(job), executor: self)
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Runs the queued jobs, then stops and joins the thread. Call from outside the executor.
    public func shutdown() { queue.stop(join: true) }

    /// Lets the thread end once its queue is drained, without waiting (callable on the thread).
    /// Jobs enqueued after the drain never run.
    public func stopSoon() { queue.stop(join: false) }
}

/// What the new thread needs before it serves jobs.
// @unchecked Sendable: immutable after init; handed once to the new thread.
private final class StartBox: @unchecked Sendable {
    let queue: JobQueue
    let namespace: NetworkNamespace?
    let name: String

    init(queue: JobQueue, namespace: NetworkNamespace?, name: String) {
        self.queue = queue
        self.namespace = namespace
        self.name = name
    }

    func main() {
        _ = kipvs_set_thread_name(name)
        do {
            try namespace?.enterOnCurrentThread()
        } catch {
            queue.started(.failure(error))
            return
        }
        queue.started(.success(kipvs_gettid()))
        queue.serve()
    }
}

/// The job queue shared by the executor and its thread. Lives as long as either needs it, so
/// the executor's deinit can stop a thread without joining itself.
// @unchecked Sendable: every mutable field is guarded by `mutex`. The pthread primitives must
// not move, so they live in allocated memory rather than stored properties.
private final class JobQueue: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [(UnownedJob, UnownedSerialExecutor)] = []
    private var stopping = false
    private var startOutcome: Result<Int32, any Error>?
    private var thread: pthread_t?

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    func started(_ outcome: Result<Int32, any Error>) {
        locked {
            startOutcome = outcome
            pthread_cond_broadcast(cond)
        }
    }

    func waitStarted() -> Result<Int32, any Error> {
        locked {
            while startOutcome == nil { pthread_cond_wait(cond, mutex) }
            return startOutcome!
        }
    }

    func setThread(_ t: pthread_t) { locked { thread = t } }

    func push(_ job: UnownedJob, executor: some SerialExecutor) {
        let unowned = executor.asUnownedSerialExecutor()
        locked {
            jobs.append((job, unowned))
            pthread_cond_signal(cond)
        }
    }

    /// The worker loop: runs jobs until stopped and drained.
    func serve() {
        while true {
            let next: (UnownedJob, UnownedSerialExecutor)? = locked {
                while jobs.isEmpty && !stopping { pthread_cond_wait(cond, mutex) }
                return jobs.isEmpty ? nil : jobs.removeFirst()
            }
            guard let (job, executor) = next else { return }
            job.runSynchronously(on: executor)
        }
    }

    /// Stops the worker once the queue is drained; joins it, or detaches it when called from
    /// a context that must not wait (deinit may run on the worker itself).
    func stop(join: Bool) {
        let t: pthread_t? = locked {
            stopping = true
            pthread_cond_broadcast(cond)
            defer { thread = nil }
            return thread
        }
        guard let t else { return }
        if join && pthread_equal(t, pthread_self()) == 0 {
            pthread_join(t, nil)
        } else {
            pthread_detach(t)
        }
    }
}
