/// What `iptables-restore --noflush` does to tables, for checking restore inputs without a
/// kernel: `:CHAIN` creates or flushes, `-A CHAIN …` appends (refused when the chain or a KUBE-*
/// jump target does not exist), `-X CHAIN` deletes (refused while the chain holds rules or a rule
/// jumps to it), `COMMIT` applies the table's block.
struct RestoreModel: Equatable {
    /// table → chain → rules.
    private(set) var tables: [String: [String: [String]]] = [:]

    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    mutating func apply(_ text: String) throws {
        var table = ""
        var pending: [String: [String]] = [:]
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("*") {
                table = String(line.dropFirst())
                pending = tables[table] ?? [:]
            } else if line == "COMMIT" {
                tables[table] = pending
            } else if line.hasPrefix(":") {
                pending[String(line.dropFirst().prefix { $0 != " " })] = []
            } else if line.hasPrefix("-A ") {
                let chain = String(line.dropFirst(3).prefix { $0 != " " })
                guard pending[chain] != nil else { throw Refused(description: "append to missing chain: \(line)") }
                if let target = Self.jumpTarget(line), target.hasPrefix("KUBE-"), pending[target] == nil {
                    throw Refused(description: "jump to missing chain: \(line)")
                }
                pending[chain]!.append(line)
            } else if line.hasPrefix("-X ") {
                let chain = String(line.dropFirst(3))
                let referenced = pending.values.joined().contains { Self.jumpTarget($0) == chain }
                guard !referenced else { throw Refused(description: "delete of referenced chain \(chain)") }
                guard pending[chain]?.isEmpty ?? false else { throw Refused(description: "delete of missing or non-empty chain \(chain)") }
                pending[chain] = nil
            } else if !line.isEmpty {
                throw Refused(description: "unexpected line \(line)")
            }
        }
    }

    static func jumpTarget(_ rule: String) -> String? {
        guard let range = rule.range(of: " -j ") else { return nil }
        return String(rule[range.upperBound...].prefix { $0 != " " })
    }
}
