import AsyncHTTPClient
import Foundation
import KubeIPVSCore
import NIOCore

/// One page of a list.
public struct ListPage<Object: APIObject>: Sendable {
    /// The objects that decoded.
    public var items: [Object]
    /// The list's resourceVersion (watch from here).
    public var resourceVersion: String
    /// The token for the next page, if any.
    public var continueToken: String?
    /// Items that did not decode as `Object` (skipped).
    public var malformedItems: [APIError]
    /// Size of the page's response body.
    public var bodyBytes = 0
}

/// A complete list, all pages joined.
public struct ListResult<Object: APIObject>: Sendable {
    /// The objects that decoded.
    public var items: [Object]
    /// The resourceVersion of the (consistent) list.
    public var resourceVersion: String
    /// Items that did not decode as `Object` (skipped).
    public var malformedItems: [APIError]
    /// How many pages were fetched.
    public var pages: Int
}

private struct ListBody<Object: Decodable>: Decodable {
    struct Metadata: Decodable {
        var resourceVersion: String?
        var `continue`: String?
    }

    // Decodes one item without failing the whole list.
    struct Item: Decodable {
        var result: Result<Object, any Error>
        init(from decoder: any Decoder) throws {
            do {
                if let kinded = Object.self as? any KubeKind.Type,
                   let problem = kinded.itemProblem(try KubeObjectHeader(from: decoder)) {
                    throw APIError(.decoding, operation: "decode list item", message: problem)
                }
                result = .success(try Object(from: decoder))
            } catch { result = .failure(error) }
        }
    }

    var metadata: Metadata?
    var items: [Item]?
}

extension APIClient {
    /// Fetches one page: `GET <collection>?limit=N[&continue=T][&labelSelector=...][&fieldSelector=...]`, the first
    /// page with `read`'s resourceVersion parameters. 410 (an expired continue token) throws `APIError(.gone)`.
    /// The body may be at most `maxBodyBytes` and `options.limits.maxPageBytes` (`maxBodyBytes` for the first page
    /// of a cache read, which may be the whole list); a larger one throws `.limitExceeded` as soon as it passes the
    /// cap, without reading the rest.
    public func listPage<Object: APIObject>(_ type: Object.Type = Object.self, _ resource: APIResource,
                                            options: ListOptions = ListOptions(),
                                            continueToken: String? = nil, read: ListRead = .quorum,
                                            maxBodyBytes: Int? = nil) async throws -> ListPage<Object> {
        var parameters: [(String, String)] = []
        if options.pageSize > 0 { parameters.append(("limit", String(options.pageSize))) }
        if let continueToken, !continueToken.isEmpty {
            parameters.append(("continue", continueToken))
        } else {
            parameters += read.parameters
        }
        parameters += options.selectorParameters
        let url = url(resource, namespace: options.namespace, parameters)
        let operation = "list \(resource)"
        let deadline = configuration.requestTimeout
        return try await withDeadline(deadline, operation: operation, url: url) {
            let response = try await self.get(url, operation: operation)
            guard response.status.code == 200 else {
                throw await self.failure(response, operation: operation, url: url)
            }
            // A watch-cache read may come back in one page whatever the limit (docs/api-client.md): its first
            // page is held to the whole list's cap, not a page's.
            let unpaged = read != .quorum && (continueToken ?? "").isEmpty
            let pageCap = unpaged ? max(options.limits.maxPageBytes, options.limits.maxBodyBytes)
                                  : options.limits.maxPageBytes
            let cap = min(maxBodyBytes ?? pageCap, pageCap)
            let bytes: ByteBuffer
            do { bytes = try await response.body.collect(upTo: cap) } catch let error as NIOTooManyBytesError {
                throw APIError(.limitExceeded, operation: operation, url: url,
                               message: "list body is larger than \(cap) bytes; refused", underlying: error)
            } catch {
                throw APIError(.transport, operation: operation, url: url, message: "list body", underlying: error)
            }
            var page = try Self.decodePage(Object.self, Data(bytes.readableBytesView), operation: operation, url: url)
            page.bodyBytes = bytes.readableBytes
            return page
        }
    }

    /// Lists every page and joins them; all pages share the first page's resourceVersion. `read` picks the watch
    /// cache or etcd (docs/api-client.md); a server may answer a paged request in one page. Bounded by
    /// `options.limits`: too many pages, too many body bytes or past the deadline throws `.limitExceeded`.
    /// `now` reads the clock (injectable for tests).
    public func list<Object: APIObject>(_ type: Object.Type = Object.self, _ resource: APIResource,
                                        options: ListOptions = ListOptions(), read: ListRead = .quorum,
                                        now: @Sendable () -> ContinuousClock.Instant = { .now })
        async throws -> ListResult<Object> {
        var result = ListResult<Object>(items: [], resourceVersion: "", malformedItems: [], pages: 0)
        var token: String?
        var bytesLeft = options.limits.maxBodyBytes
        let deadline = now() + options.limits.deadline
        repeat {
            try checkListLimits(result.pages, deadline: deadline, now: now(), options.limits, resource)
            var page = try await listPage(Object.self, resource, options: options, continueToken: token,
                                          read: read, maxBodyBytes: bytesLeft)
            bytesLeft -= page.bodyBytes
            page.bodyBytes = 0
            result.items += page.items
            result.malformedItems += page.malformedItems
            result.pages += 1
            if result.resourceVersion.isEmpty { result.resourceVersion = page.resourceVersion }
            token = page.continueToken
        } while token != nil
        return result
    }

    private func checkListLimits(_ pages: Int, deadline: ContinuousClock.Instant, now: ContinuousClock.Instant,
                                 _ limits: ListLimits, _ resource: APIResource) throws {
        if pages >= limits.maxPages {
            throw APIError(.limitExceeded, operation: "list \(resource)",
                           message: "list has more than \(limits.maxPages) pages; refused")
        }
        if pages > 0, now >= deadline {
            throw APIError(.limitExceeded, operation: "list \(resource)",
                           message: "list did not finish within \(limits.deadline); refused")
        }
    }

    /// Decodes one list page body (for tests and fuzzing; pure).
    public static func decodePageForTesting<Object: APIObject>(_ type: Object.Type, _ data: Data) throws
        -> ListPage<Object> {
        try decodePage(type, data, operation: "list", url: "")
    }

    static func decodePage<Object: APIObject>(_ type: Object.Type, _ data: Data, operation: String,
                                              url: String) throws -> ListPage<Object> {
        let body: ListBody<Object>
        do { body = try JSONDecoder().decode(ListBody<Object>.self, from: data) } catch {
            throw APIError(.decoding, operation: operation, url: url, message: "list response", underlying: error)
        }
        guard let version = body.metadata?.resourceVersion, !version.isEmpty else {
            throw APIError(.decoding, operation: operation, url: url, message: "list without metadata.resourceVersion")
        }
        var page = ListPage<Object>(items: [], resourceVersion: version,
                                    continueToken: body.metadata?.continue.flatMap { $0.isEmpty ? nil : $0 },
                                    malformedItems: [])
        for (index, item) in (body.items ?? []).enumerated() {
            switch item.result {
            case .success(let object): page.items.append(object)
            case .failure(let error):
                page.malformedItems.append(APIError(.malformedEvent, operation: operation, url: url,
                                                    message: "list item \(index) does not decode", underlying: error))
            }
        }
        return page
    }
}
