import AsyncHTTPClient

extension APIClient {
    /// Starts a watch: `GET <collection>?watch=1&resourceVersion=RV&allowWatchBookmarks=true&timeoutSeconds=N
    /// [&labelSelector=...][&fieldSelector=...]` and returns its events as they stream in. A non-200 answer throws
    /// (410: `APIError(.gone)`); a 410 inside the stream arrives as an `.error` event. `sendInitialEvents` asks for a
    /// watch-list (`sendInitialEvents=true&resourceVersionMatch=NotOlderThan`, docs/api-client.md): the current state
    /// as ADDED events, then `.initialEventsEnd`.
    public func watch<Object: APIObject>(_ type: Object.Type = Object.self, _ resource: APIResource,
                                         options: ListOptions = ListOptions(), resourceVersion: String?,
                                         timeoutSeconds: Int? = nil, allowBookmarks: Bool = true,
                                         sendInitialEvents: Bool = false,
                                         maximumEventBytes: Int = 16 << 20) async throws -> WatchEvents<Object> {
        var parameters: [(String, String)] = [("watch", "1")]
        if let resourceVersion, !resourceVersion.isEmpty { parameters.append(("resourceVersion", resourceVersion)) }
        if allowBookmarks || sendInitialEvents { parameters.append(("allowWatchBookmarks", "true")) }
        if sendInitialEvents {
            parameters += [("sendInitialEvents", "true"), ("resourceVersionMatch", "NotOlderThan")]
        }
        if let timeoutSeconds { parameters.append(("timeoutSeconds", String(timeoutSeconds))) }
        parameters += options.selectorParameters
        let url = url(resource, namespace: options.namespace, parameters)
        let operation = "watch \(resource)"
        let response = try await get(url, operation: operation)
        guard response.status.code == 200 else { throw await failure(response, operation: operation, url: url) }
        return WatchEvents(body: response.body, decoder: WatchEventDecoder(operation: operation), url: url,
                           maximumLineBytes: maximumEventBytes)
    }
}
