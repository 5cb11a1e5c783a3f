/// The `/_test/` control endpoints, so shell scripts (in the guest, say) can drive the server with curl.
///
///     POST /_test/apply                       body: JSON/YAML documents; create or replace each (events sent)
///     POST /_test/seed                        body: documents; store without events
///     POST /_test/compact                     forget history: older watches and continue tokens get 410
///     POST /_test/end-watches                 end every watch cleanly (as at timeoutSeconds)
///     POST /_test/drop-watches                close every watch connection mid-stream
///     POST /_test/expire-watches              send every watch an ERROR 410 event
///     POST /_test/truncate-next-event         send the next event half-written, then drop
///     POST /_test/refuse-connections?count=N  close the next N connections at once
///     POST /_test/fail-requests?count=N&code=500&reason=InternalError[&path=...][&watch=true|false]
///                                             [&read=cache,notOlderThan,quorum][&message=...]
///     POST /_test/ignore-watch-timeouts?on=true|false   watches stay silent past timeoutSeconds (dead peer)
///     POST /_test/page-cache-lists?on=true|false   watch-cache lists honour limit (kube-apiserver 1.31+)
///     POST /_test/watch-list?support=served|rejected|ignored   how watch-list (sendInitialEvents) is answered
///     POST /_test/clear-failures              forget pending fail-requests
///     POST /_test/split-writes?size=N         write watch events in N-byte chunks (no size: whole events)
///     POST /_test/inject-watch-bytes          body: raw bytes sent to every watch as they are (malformed events)
///     GET  /_test/state                       resourceVersion, oldest watchable resourceVersion, watchers
///     GET  /_test/requests                    the request log
/// Watch faults take an optional `resource=services|endpointslices|nodes`.
extension TestAPIServer {
    func control(_ request: APIRequest) throws -> APIReply {
        let resource = request.query["resource"].flatMap { name in ServedResource.all.first { $0.plural == name } }
        let count = request.query["count"].flatMap { Int($0) } ?? 1
        switch (request.method, request.path) {
        case (.POST, "/_test/apply"):
            var applied: [JSONValue] = []
            for document in try JSONValue.parseDocuments(request.bodyText, source: "request body") {
                guard let resource = ServedResource.forKind(document["kind"]?.stringValue ?? "") else { continue }
                applied.append(try store.apply(resource, document))
            }
            return .json(.ok, .array(applied))
        case (.POST, "/_test/seed"):
            var report = APIStore.SeedReport()
            for document in try JSONValue.parseDocuments(request.bodyText, source: "request body") {
                try store.seed(document, report: &report)
            }
            return .json(.ok, .object(JSONObject(report.stored.sorted { $0.key < $1.key }
                .map { ($0.key, JSONValue.int(Int64($0.value))) })))
        case (.POST, "/_test/compact"): store.compact()
        case (.POST, "/_test/end-watches"): store.signalWatchers(.end, resource: resource)
        case (.POST, "/_test/drop-watches"): store.signalWatchers(.drop, resource: resource)
        case (.POST, "/_test/expire-watches"): store.expireWatchers(resource: resource)
        case (.POST, "/_test/truncate-next-event"): store.truncateNextEvent(resource: resource)
        case (.POST, "/_test/refuse-connections"): faults.refuseConnections(count: count)
        case (.POST, "/_test/inject-watch-bytes"):
            store.injectWatchBytes(Array(request.body.readableBytesView), resource: resource)
        case (.POST, "/_test/clear-failures"): faults.clearRequestFailures()
        case (.POST, "/_test/ignore-watch-timeouts"): faults.setIgnoringWatchTimeouts(request.query["on"] != "false")
        case (.POST, "/_test/watch-list"):
            let support: FaultInjector.WatchListSupport
            switch request.query["support"] {
            case "rejected": support = .rejected
            case "ignored": support = .ignored
            default: support = .served
            }
            faults.setWatchList(support)
        case (.POST, "/_test/page-cache-lists"): faults.setPagingCacheLists(request.query["on"] != "false")
        case (.POST, "/_test/split-writes"): faults.splitWatchWrites(into: request.query["size"].flatMap { Int($0) })
        case (.POST, "/_test/fail-requests"):
            faults.failRequests(FaultInjector.RequestFailure(
                code: request.query["code"].flatMap { Int($0) } ?? 500,
                reason: request.query["reason"] ?? "InternalError", pathContains: request.query["path"],
                watch: request.query["watch"].map { $0 == "true" },
                reads: request.query["read"].map { Set($0.split(separator: ",").compactMap { ServedRead(rawValue: String($0)) }) },
                message: request.query["message"] ?? "injected failure", count: count))
        case (.GET, "/_test/state"):
            return .json(.ok, .object(JSONObject([
                ("resourceVersion", .int(Int64(store.resourceVersion))),
                ("oldestWatchableResourceVersion", .int(Int64(store.oldestWatchableResourceVersion))),
                ("watchers", .int(Int64(store.watcherCount()))),
                ("refusedConnections", .int(Int64(faults.refusedConnections))),
            ])))
        case (.GET, "/_test/requests"):
            return .json(.ok, .array(requestLog.requests.map { .string($0.description) }))
        default:
            return .json(.notFound, TestAPIError(code: 404, reason: "NotFound",
                                                 message: "no test control endpoint \(request.path)").status)
        }
        return .json(.ok, .object(JSONObject([("ok", .bool(true))])))
    }
}
