import NIOCore
import NIOHTTP1

extension TestAPIServer {
    /// Streams a watch as a chunked `application/json` body of newline-terminated events until `timeout` (clean end),
    /// a fault, or the client going away. A resourceVersion older than the history is answered as kube-apiserver
    /// does: 200, one ERROR event carrying a 410 Expired Status, end of body. Returns false when the connection
    /// must be closed.
    func streamWatch(_ resource: ServedResource, _ query: WatchQuery, bookmarks: Bool, timeout: Duration,
                     outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, channel: Channel) async throws -> Bool {
        var headers = Self.commonHeaders(contentType: "application/json")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
        let watch: (id: Int, signals: AsyncStream<WatchSignal>)
        do { watch = try store.watch(resource, query) } catch let error as TestAPIError {
            try await outbound.write(.head(head))
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: error.status.watchLine(type: "ERROR")))))
            try await outbound.write(.end(nil))
            return true
        }
        try await outbound.write(.head(head))
        let store = self.store
        let bookmarkInterval = configuration.bookmarkInterval
        channel.closeFuture.whenComplete { _ in store.finishWatch(watch.id, with: .drop) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await Task.sleep(for: timeout)
                store.finishWatch(watch.id, with: .end)
            }
            if bookmarks {
                group.addTask {
                    while true {
                        try await Task.sleep(for: bookmarkInterval)
                        store.bookmark(watch.id)
                    }
                }
            }
            defer { group.cancelAll() }
            for await signal in watch.signals {
                switch signal {
                case .line(let bytes):
                    try await writeEvent(bytes, outbound: outbound)
                case .truncated(let bytes):
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes.prefix(bytes.count / 2)))))
                    return false
                case .end:
                    try await outbound.write(.end(nil))
                    return true
                case .drop:
                    return false
                }
            }
            return false
        }
    }

    private func writeEvent(_ bytes: [UInt8], outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        watchBytes.withLockedValue { $0 += bytes.count }
        guard let size = faults.splitWrites else {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
            return
        }
        var start = 0
        while start < bytes.count {
            let end = min(start + size, bytes.count)
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes[start..<end]))))
            start = end
        }
    }
}
