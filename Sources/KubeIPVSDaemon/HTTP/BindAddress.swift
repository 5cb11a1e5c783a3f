import Foundation

/// A `host:port` listen address as kube-proxy's `--healthz-bind-address` / `--metrics-bind-address`
/// take it (`0.0.0.0:10256`, `[::]:10256`, `127.0.0.1:10249`; an empty port means disabled).
public struct BindAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    /// Parses `host:port`; nil when malformed.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// The host to listen on: a wildcard (`0.0.0.0`, `::`) listens on every address of both families, as
    /// Go's listener for kube-proxy's (one dual-stack socket; "::" with IPV6_V6ONLY off, Linux's default),
    /// or on IPv4 alone where the kernel has no IPv6.
    public var listenHost: String { host == "0.0.0.0" || host == "::" ? Self.anyHost : host }

    static let anyHost = FileManager.default.isReadableFile(atPath: "/proc/net/if_inet6") ? "::" : "0.0.0.0"

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
