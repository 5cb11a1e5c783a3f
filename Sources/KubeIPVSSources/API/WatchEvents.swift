import AsyncHTTPClient
import NIOCore

/// The events of one watch response, read as the body streams in. Ends when the server ends the body
/// (its `timeoutSeconds`); throws `APIError(.transport)` when the connection breaks mid-stream.
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
                if let piece = splitter.next() { return event(piece) }
                if ended { return nil }
                let chunk: ByteBuffer?
                do { chunk = try await body.next() } catch {
                    throw APIError(.transport, operation: decoder.operation, url: url,
                                   message: "watch stream broken", underlying: error)
                }
                guard let chunk else {
                    ended = true
                    if let piece = splitter.finish() { return event(piece) }
                    return nil
                }
                splitter.append(chunk.readableBytesView)
            }
        }

        private func event(_ piece: WatchLineSplitter.Piece) -> WatchEvent<Object> {
            switch piece {
            case .line(let line): return decoder.decode(line)
            case .oversized(let size):
                return .malformed(APIError(.malformedEvent, operation: decoder.operation, url: url,
                                           message: "event line over \(splitter.maximumLineBytes) bytes (\(size)) dropped"))
            }
        }
    }

    /// An iterator over the events.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(body: body.makeAsyncIterator(), splitter: WatchLineSplitter(maximumLineBytes: maximumLineBytes),
                      decoder: decoder, url: url)
    }
}
