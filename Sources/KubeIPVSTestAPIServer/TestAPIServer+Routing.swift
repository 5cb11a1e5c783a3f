import Foundation
import NIOCore
import NIOHTTP1

/// A parsed request.
struct APIRequest {
    var method: HTTPMethod
    var path: String
    var query: [String: String]
    var headers: HTTPHeaders
    var body: ByteBuffer

    var isWatch: Bool { query["watch"] == "1" || query["watch"] == "true" }

    init(head: HTTPRequestHead, body: ByteBuffer) {
        method = head.method
        headers = head.headers
        self.body = body
        var components = URLComponents(string: head.uri)
        // Go's url.ParseQuery reads '+' as a space.
        let rawQuery = components?.percentEncodedQuery
        components?.percentEncodedQuery = rawQuery?.replacingOccurrences(of: "+", with: "%20")
        path = components?.path ?? head.uri
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] where query[item.name] == nil { query[item.name] = item.value ?? "" }
        self.query = query
    }

    var bodyText: String { String(buffer: body) }
}

/// What to answer.
enum APIReply {
    case json(HTTPResponseStatus, JSONValue)
    case text(HTTPResponseStatus, String)
    case watch(ServedResource, WatchQuery, bookmarks: Bool, timeout: Duration)
}

/// Where a resource URL points.
struct ResourcePath {
    var resource: ServedResource
    var namespace: String?
    var name: String?

    /// Parses `/api/v1[/namespaces/NS]/PLURAL[/NAME]` and `/apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME]`.
    init?(_ path: String) {
        var parts = path.split(separator: "/").map(String.init)
        let group: String
        if parts.first == "api", parts.count >= 2 {
            group = ""
            parts.removeFirst()
        } else if parts.first == "apis", parts.count >= 3 {
            group = parts[1]
            parts.removeFirst(2)
        } else {
            return nil
        }
        let version = parts.removeFirst()
        if parts.count >= 3, parts[0] == "namespaces" {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        guard (1...2).contains(parts.count),
              let resource = ServedResource.all.first(where: {
                  $0.group == group && $0.version == version && $0.plural == parts[0]
              }) else { return nil }
        if namespace != nil, !resource.namespaced { return nil }
        self.resource = resource
        name = parts.count == 2 ? parts[1] : nil
    }
}

extension TestAPIServer {
    /// Answers one request; returns false when the connection must close (a dropped watch).
    func respond(to head: HTTPRequestHead, body: ByteBuffer, outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
                 channel: Channel) async throws -> Bool {
        let request = APIRequest(head: head, body: body)
        requestLog.record(RecordedRequest(method: request.method.rawValue, path: request.path, query: request.query))
        let reply: APIReply
        if !request.path.hasPrefix("/_test/"), !request.isWatch, ResourcePath(request.path) != nil,
           let hostile = faults.hostileList {
            return try await writeHostileList(hostile, outbound: outbound) && head.isKeepAlive
        }
        if !request.path.hasPrefix("/_test/"),
           let failure = faults.failure(path: request.path, read: ServedRead(query: request.query)) {
            reply = .json(HTTPResponseStatus(statusCode: failure.code), failure.status)
        } else {
            do { reply = try route(request) } catch let error as TestAPIError {
                reply = .json(HTTPResponseStatus(statusCode: error.code), error.status)
            } catch {
                reply = .json(.badRequest, TestAPIError.badRequest("\(error)").status)
            }
        }
        switch reply {
        case .json(let status, let value):
            var bytes = value.encoded()
            bytes.append(UInt8(ascii: "\n"))
            try await writeWhole(status, contentType: "application/json", bytes, keepAlive: head.isKeepAlive,
                                 outbound: outbound)
            return head.isKeepAlive
        case .text(let status, let text):
            try await writeWhole(status, contentType: "text/plain; charset=utf-8", Array(text.utf8),
                                 keepAlive: head.isKeepAlive, outbound: outbound)
            return head.isKeepAlive
        case .watch(let resource, let query, let bookmarks, let timeout):
            return try await streamWatch(resource, query, bookmarks: bookmarks, timeout: timeout,
                                         outbound: outbound, channel: channel)
        }
    }

    private func route(_ request: APIRequest) throws -> APIReply {
        if let token = configuration.bearerToken, request.headers.first(name: "Authorization") != "Bearer \(token)" {
            return .json(.unauthorized, TestAPIError(code: 401, reason: "Unauthorized", message: "Unauthorized").status)
        }
        switch request.path {
        case "/healthz", "/readyz", "/livez": return .text(.ok, "ok")
        case "/version":
            return .json(.ok, .object(JSONObject([
                ("major", .string("1")), ("minor", .string("28")), ("gitVersion", .string("v1.28.0-kube-ipvs-test")),
                ("platform", .string("linux/amd64")),
            ])))
        default: break
        }
        if request.path.hasPrefix("/_test/") { return try control(request) }
        guard let target = ResourcePath(request.path) else {
            return .json(.notFound, TestAPIError(code: 404, reason: "NotFound",
                                                 message: "the server could not find the requested resource").status)
        }
        return try resourceReply(target, request)
    }

    private func resourceReply(_ target: ResourcePath, _ request: APIRequest) throws -> APIReply {
        let resource = target.resource
        let labels = try request.query["labelSelector"].map(ParsedLabelSelector.init(parsing:)) ?? .everything
        let fields = try request.query["fieldSelector"].flatMap { $0.isEmpty ? nil : try ParsedFieldSelector(parsing: $0) }
        switch (request.method, target.name) {
        case (.GET, nil) where request.isWatch:
            let version = try request.query["resourceVersion"].flatMap { text -> UInt64? in
                if text.isEmpty { return nil }
                guard let value = UInt64(text) else { throw TestAPIError.badRequest("invalid resourceVersion \(text)") }
                return value
            }
            let seconds = faults.ignoresWatchTimeouts ? nil : request.query["timeoutSeconds"].flatMap { Int($0) }
            var query = WatchQuery(namespace: target.namespace, labels: labels, fields: fields, resourceVersion: version)
            query.sendInitialEvents = try ServedRead.validatedWatchList(request.query, support: faults.watchList)
            return .watch(resource, query,
                          bookmarks: request.query["allowWatchBookmarks"] == "true",
                          timeout: seconds.map { .seconds($0) } ?? configuration.defaultWatchTimeout)
        case (.GET, nil):
            // The watch cache ignores limit before kube-apiserver 1.31 (docs/api-client.md).
            let read = try ServedRead.validatedListRead(request.query, current: store.resourceVersion)
            let paged = !read.fromCache || faults.pagesCacheLists
            let limit = paged ? request.query["limit"].flatMap { Int($0) } : nil
            return .json(.ok, try store.list(resource, ListQuery(namespace: target.namespace, labels: labels,
                                                                 fields: fields, limit: limit,
                                                                 continueToken: request.query["continue"])))
        case (.GET, let name?):
            return .json(.ok, try store.get(resource, namespace: target.namespace ?? "", name: name))
        case (.POST, nil):
            let object = try JSONValue.parse(request.bodyText, source: "request body")
            return .json(.created, try store.create(resource, object, namespace: target.namespace))
        case (.PUT, let name?):
            let object = try JSONValue.parse(request.bodyText, source: "request body")
            guard object.value(at: ["metadata", "name"])?.stringValue == name else {
                throw TestAPIError.badRequest("the name of the object (\(object.value(at: ["metadata", "name"])?.stringValue ?? "")) does not match the name on the URL (\(name))")
            }
            return .json(.ok, try store.update(resource, object, namespace: target.namespace))
        case (.DELETE, let name?):
            return .json(.ok, try store.delete(resource, namespace: target.namespace ?? "", name: name))
        default:
            return .json(.methodNotAllowed, TestAPIError(code: 405, reason: "MethodNotAllowed",
                                                         message: "the server does not allow this method on the requested resource").status)
        }
    }

    func writeWhole(_ status: HTTPResponseStatus, contentType: String, _ bytes: [UInt8], keepAlive: Bool,
                    outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        var headers = Self.commonHeaders(contentType: contentType)
        headers.add(name: "Content-Length", value: String(bytes.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
        try await outbound.write(.end(nil))
    }

    static func commonHeaders(contentType: String) -> HTTPHeaders {
        HTTPHeaders([("Content-Type", contentType), ("Cache-Control", "no-cache, private"),
                     ("Audit-Id", UUID().uuidString.lowercased())])
    }
}
