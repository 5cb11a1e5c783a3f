/// Cuts a watch body into newline-terminated event lines, whatever the chunking: an event split across
/// chunks is joined, several events in one chunk are separated. Blank lines are skipped. A line longer than
/// `maximumLineBytes` is dropped (reported once) up to its newline, so a runaway line cannot exhaust memory.
public struct WatchLineSplitter: Sendable {
    /// One piece of output.
    public enum Piece: Sendable, Equatable {
        /// A complete line, without its newline.
        case line([UInt8])
        /// A line over the size limit was dropped; the count is its size so far.
        case oversized(Int)
    }

    /// The longest line kept.
    public let maximumLineBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    // Bytes before this index (from `start`) hold no newline: a long event arriving in small pieces is scanned once.
    private var scanned = 0
    private var skipping = false

    /// A splitter keeping lines up to `maximumLineBytes` (default 64 MiB).
    public init(maximumLineBytes: Int = 64 << 20) {
        self.maximumLineBytes = maximumLineBytes
    }

    /// Adds received bytes.
    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete line or oversize report, or nil when more bytes are needed.
    public mutating func next() -> Piece? {
        while true {
            guard let newline = buffer[max(start, scanned)...].firstIndex(of: UInt8(ascii: "\n")) else {
                let pending = buffer.count - start
                scanned = buffer.count
                if !skipping, pending > maximumLineBytes {
                    skipping = true
                    clear()
                    return .oversized(pending)
                }
                if skipping { clear() }
                return nil
            }
            let line = Array(buffer[start..<newline])
            start = newline + 1
            scanned = start
            if skipping {
                skipping = false
                continue
            }
            if line.count > maximumLineBytes { return .oversized(line.count) }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            return .line(line)
        }
    }

    private mutating func clear() {
        buffer.removeAll(keepingCapacity: true)
        start = 0
        scanned = 0
    }

    /// What is left after the body ended: a final line without a newline, or nil.
    public mutating func finish() -> Piece? {
        defer { clear() }
        let rest = Array(buffer[start...])
        if skipping || rest.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        return .line(rest)
    }
}
