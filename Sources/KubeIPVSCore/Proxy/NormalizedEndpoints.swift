/// Endpoints per service port, merged across every EndpointSlice of each service, with what was refused.
public struct NormalizedEndpoints: Hashable, Sendable {
    /// Sorted by address and port, one entry per `address:port` (see `EndpointSliceNormalizer.merge`).
    public var endpoints: [ServicePortName: [Endpoint]]
    /// What was refused, with reasons.
    public var rejections: [Rejection]

    /// Creates a value from its parts.
    public init(endpoints: [ServicePortName: [Endpoint]] = [:], rejections: [Rejection] = []) {
        self.endpoints = endpoints
        self.rejections = rejections
    }
}

/// One slice's contribution, before merging with the service's other slices.
public struct SliceEndpoints: Hashable, Sendable {
    /// Endpoints per service port named by the slice's ports (in slice order, not deduplicated).
    public var endpoints: [ServicePortName: [Endpoint]]
    /// What was refused, with reasons.
    public var rejections: [Rejection]
    /// True when the slice is deliberately ignored (FQDN, headless, another proxy's).
    public var skipped: Bool

    /// Creates a value from its parts.
    public init(endpoints: [ServicePortName: [Endpoint]] = [:], rejections: [Rejection] = [], skipped: Bool = false) {
        self.endpoints = endpoints
        self.rejections = rejections
        self.skipped = skipped
    }
}
