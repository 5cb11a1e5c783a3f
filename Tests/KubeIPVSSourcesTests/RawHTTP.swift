import AsyncHTTPClient
import Foundation
import NIOCore

/// A raw HTTP exchange, to check the test server's exact responses.
struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: String

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    var lines: [String] { body.split(separator: "\n").map(String.init) }
}

func rawRequest(_ url: String, method: String = "GET", body: String? = nil) async throws -> RawResponse {
    var request = HTTPClientRequest(url: url)
    request.method = .init(rawValue: method)
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
    let bytes = try await response.body.collect(upTo: 16 << 20)
    return RawResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                       body: String(buffer: bytes))
}
