import Foundation
import KubeIPVSTesting

/// Destroys the benchmark's namespaces when SIGINT or SIGTERM stops a run half way, so an
/// interrupted benchmark leaves nothing behind.
final class LabCleanup: @unchecked Sendable {
    // @unchecked: `labs` and `sources` are only touched under `lock`.
    static let shared = LabCleanup()
    private let lock = NSLock()
    private var labs: [ObjectIdentifier: NetnsLab] = [:]
    private var sources: [any DispatchSourceSignal] = []

    /// Installs the signal handlers (once).
    func install() {
        lock.withLock {
            guard sources.isEmpty else { return }
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [self] in
                    destroyAll()
                    exit(128 + number)
                }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// A new lab, destroyed on interrupt until ``release(_:)``.
    func makeLab(prefix: String) throws -> NetnsLab {
        let lab = try NetnsLab(prefix: prefix)
        lock.withLock { labs[ObjectIdentifier(lab)] = lab }
        return lab
    }

    /// Destroys `lab` now.
    func release(_ lab: NetnsLab) {
        lock.withLock { _ = labs.removeValue(forKey: ObjectIdentifier(lab)) }
        lab.destroy()
    }

    /// Leaves `lab`'s namespaces in place for good (its processes are not stopped either).
    func keep(_ lab: NetnsLab) {
        lock.withLock { _ = labs.removeValue(forKey: ObjectIdentifier(lab)) }
        lab.detach()
    }

    private func destroyAll() {
        let all = lock.withLock { Array(labs.values) }
        for lab in all { lab.destroy() }
    }
}
