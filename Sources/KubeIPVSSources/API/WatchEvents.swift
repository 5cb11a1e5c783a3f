import AsyncHTTPClient
import NIOCore

/// The events of one watch response, read as the body streams in. Ends when the server ends the body
/// (its `timeoutSeconds`); throws `APIError(.transport)` when the connection breaks mid-stream, and
/// `APIError(.limitExceeded)` (an `OversizedWatchEvent` underlying) at a line over `maximumLineBytes`: the
/// event it carried is lost, so the watch cannot go on (docs/bounds.md).
public struct WatchEvents<Object: APIObject>: AsyncSequence, Sendable {
    /// Each element is one event.
    public typealias Element = WatchEvent<Object>

    let body: HTTPClientResponse.Body
    let decoder: WatchEventDecoder<Object>
    let url: String
    let maximumLineBytes: Int

    /// Reads events from a body.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var body: HTTPClientResponse.Body.AsyncIterator
        var splitter: WatchLineSplitter
        let decoder: WatchEventDecoder<Object>
        let url: String
        var ended = false

        /// The next event, or nil at the end of the body.
        public mutating func next() async throws -> WatchEvent<Object>? {
            while true {
                if let piece = splitter.next() { return try event(piece) }
                if ended { return nil }
                let chunk: ByteBuffer?
                do { chunk = try await body.next() } catch {
                    throw APIError(.transport, operation: decoder.operation, url: url,
                                   message: "watch stream broken", underlying: error)
                }
                guard let chunk else {
                    ended = true
                    if let piece = splitter.finish() { return try event(piece) }
                    return nil
                }
                splitter.append(chunk.readableBytesView)
            }
        }

        private func event(_ piece: WatchLineSplitter.Piece) throws -> WatchEvent<Object> {
            switch piece {
            case .line(let line): return decoder.decode(line)
            case .oversized(let size):
                let oversized = OversizedWatchEvent(bytes: size, maximumBytes: splitter.maximumLineBytes)
                throw APIError(.limitExceeded, operation: decoder.operation, url: url,
                               message: "\(oversized); watch dropped", underlying: oversized)
            }
        }
    }

    /// An iterator over the events.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(body: body.makeAsyncIterator(), splitter: WatchLineSplitter(maximumLineBytes: maximumLineBytes),
                      decoder: decoder, url: url)
    }
}

/// A watch event line longer than the client keeps: `bytes` is its size (at least; counted until the cap
/// was passed when no newline had arrived yet).
public struct OversizedWatchEvent: Error, Sendable, Equatable, CustomStringConvertible {
    /// Bytes of the line seen when it was refused.
    public var bytes: Int
    /// The line limit.
    public var maximumBytes: Int

    /// `event line of 20000 bytes is over 16777216 bytes`.
    public var description: String { "event line of \(bytes) bytes is over \(maximumBytes) bytes" }
}
