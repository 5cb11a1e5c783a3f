#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Drains a child's stdout and stderr pipes together with `poll(2)`, so neither can fill up and
/// stall the child. Owns (and closes) the descriptors.
struct PipeReader: ~Copyable {
    private var fds: [Int32]
    private var open: [Bool]
    private(set) var data: [[UInt8]]

    init(_ fds: [Int32]) {
        self.fds = fds
        open = fds.map { _ in true }
        data = fds.map { _ in [] }
    }

    deinit { for (fd, isOpen) in zip(fds, open) where isOpen { close(fd) } }

    /// Every pipe reached end of file.
    var isClosed: Bool { !open.contains(true) }

    /// Reads what arrives until `deadline` or for at most `slice`, whichever is sooner.
    mutating func read(until deadline: ContinuousClock.Instant, slice: Duration) {
        let remaining = min(deadline - ContinuousClock.now, slice)
        let (seconds, attoseconds) = remaining.components
        readReady(waitingMilliseconds: max(0, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)))
    }

    /// Reads whatever is available now, without waiting.
    mutating func readAvailable() {
        readReady(waitingMilliseconds: 0)
    }

    /// The bytes of pipe `index` as text.
    func text(_ index: Int) -> String { String(decoding: data[index], as: UTF8.self) }

    private mutating func readReady(waitingMilliseconds: Int32) {
        var polled = zip(fds, open).filter { $0.1 }.map { pollfd(fd: $0.0, events: Int16(POLLIN), revents: 0) }
        guard !polled.isEmpty else { return }
        let ready = poll(&polled, nfds_t(polled.count), waitingMilliseconds)
        guard ready > 0 else { return }  // timeout, or EINTR: the caller loops
        var buffer = [UInt8](repeating: 0, count: 65536)
        for entry in polled where entry.revents != 0 {
            guard let index = fds.firstIndex(of: entry.fd) else { continue }
            let count = buffer.withUnsafeMutableBytes { readBytes(entry.fd, $0.baseAddress, $0.count) }
            if count > 0 {
                data[index] += buffer[0..<count]
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                close(entry.fd)
                open[index] = false
            }
        }
    }
}

/// `read(2)` (the struct's own `read` method hides the global name inside it).
private func readBytes(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
