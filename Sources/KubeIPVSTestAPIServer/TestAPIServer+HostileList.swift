import NIOCore
import NIOHTTP1

/// A list response built to hurt the client: `metadata.continue` on every page (a list that never ends) and/or
/// `paddingBytes` of padding streamed in 1 MiB chunks (a body far larger than any real list), never held in memory.
public struct HostileList: Sendable, Equatable {
    /// Bytes of padding inside the body.
    public var paddingBytes: Int
    /// Whether every page carries a continue token.
    public var alwaysContinue: Bool

    /// Creates a value from its parts.
    public init(paddingBytes: Int = 0, alwaysContinue: Bool = false) {
        self.paddingBytes = paddingBytes
        self.alwaysContinue = alwaysContinue
    }
}

extension TestAPIServer {
    /// Streams the hostile list body (chunked); returns false when the client went away mid-body.
    func writeHostileList(_ list: HostileList, outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>)
        async throws -> Bool {
        let headers = Self.commonHeaders(contentType: "application/json")
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)))
        let token = list.alwaysContinue ? #","continue":"again""# : ""
        let opening = #"{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"1"\#(token)},"padding":""#
        do {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(string: opening))))
            let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1 << 20)
            var left = list.paddingBytes
            while left > 0 {
                let n = min(left, chunk.readableBytes)
                try await outbound.write(.body(.byteBuffer(chunk.getSlice(at: 0, length: n)!)))
                left -= n
            }
            try await outbound.write(.body(.byteBuffer(ByteBuffer(string: #"","items":[]}"#))))
            try await outbound.write(.end(nil))
        } catch {
            return false
        }
        return true
    }
}
