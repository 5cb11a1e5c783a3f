import AsyncHTTPClient
import Foundation
import NIOCore

/// A core/v1 Event about this node, as kube-proxy's event recorder writes it.
public struct NodeEvent: Encodable, Sendable {
    struct Meta: Encodable, Sendable { var generateName: String; var namespace: String }
    struct Reference: Encodable, Sendable { var kind = "Node"; var name: String; var uid: String }
    struct Source: Encodable, Sendable { var component: String; var host: String }
    var apiVersion = "v1"
    var kind = "Event"
    var metadata: Meta
    var involvedObject: Reference
    public var reason: String
    var message: String
    var type: String
    var source: Source
    var reportingComponent: String
    var reportingInstance: String
    var firstTimestamp: String
    var lastTimestamp: String
    var count = 1

    /// An event (`type` Normal or Warning) about node `node`, dated `now`.
    public init(node: String, reason: String, message: String, type: String = "Warning",
                component: String = "kube-ipvs", now: Date = Date()) {
        let stamp = ISO8601DateFormatter().string(from: now)
        metadata = Meta(generateName: "\(node).", namespace: "default")
        involvedObject = Reference(name: node, uid: node)
        self.reason = reason
        self.message = message
        self.type = type
        source = Source(component: component, host: node)
        reportingComponent = component
        reportingInstance = node
        firstTimestamp = stamp
        lastTimestamp = stamp
    }
}

extension APIClient {
    /// POSTs `event` to `/api/v1/namespaces/default/events`; throws with the server's status on refusal.
    public func create(_ event: NodeEvent) async throws {
        let url = "\(baseURL)/api/v1/namespaces/\(event.metadata.namespace)/events"
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        if let token = configuration.currentBearerToken() {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        let body = try JSONEncoder().encode(event)
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await execute(request, requestBytes: body.count)
        } catch {
            throw APIError(.transport, operation: "create event", url: url, underlying: error)
        }
        guard (200..<300).contains(Int(response.status.code)) else {
            throw await failure(response, operation: "create event", url: url)
        }
    }
}
