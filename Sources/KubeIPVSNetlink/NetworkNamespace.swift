import CKubeIPVSShim
import Glibc
import KubeIPVSKernel

/// A network namespace to run kernel work in.
///
/// A namespace belongs to a *thread*: `unshare(CLONE_NEWNET)` and `setns` change only the
/// calling thread, and a netlink socket stays bound to the namespace of the thread that
/// opened it. Swift tasks hop between the few cooperative threads, so namespace changes happen
/// only on threads this module creates (``run(in:_:)`` and ``NamespaceThreadExecutor``), never
/// from async code.
public enum NetworkNamespace: Sendable, Hashable, CustomStringConvertible {
    /// A brand-new anonymous namespace (unshare). It lives while a thread or socket uses it.
    case fresh
    /// An existing namespace file: `/run/netns/NAME` (from `ip netns add`) or `/proc/PID/task/TID/ns/net`.
    case path(String)

    /// `/run/netns/NAME`, the file `ip netns add NAME` creates (`kube-ipvs --netns NAME`).
    public static func named(_ name: String) -> NetworkNamespace { .path("/run/netns/\(name)") }

    public var description: String {
        switch self {
        case .fresh: "fresh network namespace"
        case .path(let p): p
        }
    }

    /// Moves the *calling* thread into this namespace. Only for threads you own.
    public func enterOnCurrentThread() throws {
        switch self {
        case .fresh:
            let rc = kipvs_unshare_netns()
            if rc < 0 { throw KernelError(operation: "unshare(CLONE_NEWNET)", target: "thread", errno: -rc) }
        case .path(let p):
            let fd = open(p, O_RDONLY | O_CLOEXEC)
            if fd < 0 { throw KernelError(operation: "open", target: p, errno: errno) }
            defer { close(fd) }
            let rc = kipvs_setns_net(fd)
            if rc < 0 { throw KernelError(operation: "setns(CLONE_NEWNET)", target: p, errno: -rc) }
        }
    }

    /// The calling thread's namespace identity, e.g. `net:[4026532281]`.
    public static func currentThreadNamespace() -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        let n = readlink("/proc/thread-self/ns/net", &buffer, buffer.count - 1)
        guard n > 0 else { return "unknown" }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The namespace file of a thread of this process, so other threads can join it with `.path`.
    public static func pathOfThread(_ tid: Int32) -> NetworkNamespace {
        .path("/proc/\(getpid())/task/\(tid)/ns/net")
    }

    /// Runs `body` synchronously on a new pthread that first enters `namespace`, and waits for
    /// it. The calling thread never changes namespace. Blocks the caller: from async code prefer
    /// an actor on a ``NamespaceThreadExecutor``.
    public static func run<T>(in namespace: NetworkNamespace, _ body: () throws -> T) throws -> T {
        var result: Result<T, any Error>?
        try withoutActuallyEscaping(body) { escapingBody in
            let job = ThreadJob(namespace) { result = Result { try escapingBody() } }
            var thread = pthread_t()
            let context = Unmanaged.passRetained(job).toOpaque()
            let rc = pthread_create(&thread, nil, { raw in
                let job = Unmanaged<ThreadJob>.fromOpaque(raw!).takeRetainedValue()
                job.runInNamespace()
                return nil
            }, context)
            if rc != 0 {
                Unmanaged<ThreadJob>.fromOpaque(context).release()
                throw KernelError(operation: "pthread_create", target: namespace.description, errno: rc)
            }
            pthread_join(thread, nil)
            if let e = job.enterError { throw e }
        }
        return try result!.get()
    }
}

/// The work handed to the thread started by ``NetworkNamespace/run(in:_:)``.
// @unchecked Sendable: the creating thread blocks in pthread_join while the worker runs, so
// the two threads never touch the fields at the same time (join orders the memory accesses).
private final class ThreadJob: @unchecked Sendable {
    let namespace: NetworkNamespace
    let body: () -> Void
    var enterError: (any Error)?

    init(_ namespace: NetworkNamespace, _ body: @escaping () -> Void) {
        self.namespace = namespace
        self.body = body
    }

    func runInNamespace() {
        do {
            try namespace.enterOnCurrentThread()
            body()
        } catch {
            enterError = error
        }
    }
}
