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

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
