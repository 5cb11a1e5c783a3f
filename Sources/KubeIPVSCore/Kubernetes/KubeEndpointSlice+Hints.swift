extension KubeEndpointSlice {
    /// `endpoints[].hints`: where the EndpointSlice controller wants an endpoint used
    /// (`forZones` since topology-aware hints, `forNodes` since `trafficDistribution: PreferSameNode`).
    /// Only the names are kept; an endpoint without hints decodes to empty lists (no allocation).
    public struct Hints: Codable, Hashable, Sendable {
        /// The names of `forZones[]`.
        public var forZones: [String]
        /// The names of `forNodes[]`.
        public var forNodes: [String]

        /// Creates a value from its parts.
        public init(forZones: [String] = [], forNodes: [String] = []) {
            self.forZones = forZones
            self.forNodes = forNodes
        }

        /// No hint of either kind.
        public var isEmpty: Bool { forZones.isEmpty && forNodes.isEmpty }

        enum CodingKeys: String, CodingKey { case forZones, forNodes }

        /// `{name: ...}`, the element of both hint lists.
        struct Named: Codable {
            var name: String
            init(name: String) { self.name = name }
            init(from decoder: any Decoder) throws {
                name = try decoder.container(keyedBy: CodingKeys.self).value(.name, default: "")
            }
            enum CodingKeys: String, CodingKey { case name }
        }

        /// Decodes leniently: absent or null lists are empty, unknown fields are ignored.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            forZones = try c.value(.forZones, default: [Named]()).map(\.name)
            forNodes = try c.value(.forNodes, default: [Named]()).map(\.name)
        }

        /// Encodes as the API writes it (lists of `{name: ...}`).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            if !forZones.isEmpty { try c.encode(forZones.map(Named.init(name:)), forKey: .forZones) }
            if !forNodes.isEmpty { try c.encode(forNodes.map(Named.init(name:)), forKey: .forNodes) }
        }
    }
}
