extension ClientConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    /// The configuration without credentials: the bearer token and the client key are never printed (a token
    /// file's path is, its content is not), so no log line at any verbosity can carry them.
    public var description: String {
        let token = bearerToken == nil ? "none" : "<redacted>"
        let key = clientKeyPEM == nil ? "none" : "<redacted>"
        return "ClientConfiguration(server: \(server), bearerToken: \(token), bearerTokenFile: "
            + "\(bearerTokenFile ?? "none"), clientCertificate: \(clientCertificatePEM == nil ? "none" : "set"), "
            + "clientKey: \(key), insecureSkipTLSVerify: \(insecureSkipTLSVerify))"
    }

    /// Same as `description`.
    public var debugDescription: String { description }
}
