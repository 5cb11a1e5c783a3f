import Foundation
import KubeIPVSIptables

/// What the client script saw: answers per pod, the client addresses the pods saw, and errors.
public struct ClientReport: Decodable, Sendable {
    /// Answers per pod name.
    public var counts: [String: Int]
    /// Client addresses the pods saw (sorted, unique): tells masquerade from a kept source.
    public var sources: [String]
    /// Failures per Python exception name (`timeout`, `ConnectionRefusedError`, …).
    public var errors: [String: Int]
    /// The pod of each answer, in order.
    public var order: [String]

    /// Decodes the script's JSON; throws ``LabError`` when the script itself failed.
    public init(_ result: CommandResult) throws {
        guard result.status == 0, !result.timedOut, let data = result.stdout.data(using: .utf8) else {
            throw LabError(result)
        }
        self = try JSONDecoder().decode(ClientReport.self, from: data)
    }

    /// Answers in total.
    public var total: Int { counts.values.reduce(0, +) }
}
