/// A parsed `iptables-save` / `ip6tables-save` dump (or restore input): tables, their chains
/// (in order, with the built-in chains' policies) and their `-A` rules.
public struct IptablesSaveDump: Hashable, Sendable {
    /// One `*table` … `COMMIT` block.
    public struct Table: Hashable, Sendable {
        /// `nat`, `filter`, …
        public var name: String
        /// Chains in declaration order.
        public var chains: [String] = []
        /// Policy of each declared chain (`ACCEPT` for built-ins, `-` for user chains).
        public var policies: [String: String] = [:]
        /// `-A CHAIN …` lines in order (other commands such as `-X` or `-I` are kept too).
        public var rules: [String] = []

        /// An empty table.
        public init(name: String) { self.name = name }

        /// The rules appended to `chain`, in order.
        public func rules(of chain: String) -> [String] {
            let prefix = "-A \(chain) "
            return rules.filter { $0.hasPrefix(prefix) }
        }

        /// User-defined chains (policy `-`).
        public var userChains: [String] { chains.filter { policies[$0] == "-" } }
    }

    /// Tables by name (`nat`, `filter`, `mangle`, …).
    public var tables: [String: Table] = [:]

    /// A dump of these tables.
    public init(tables: [String: Table] = [:]) { self.tables = tables }

    /// Parses the text; comment lines and blank lines are skipped.
    public init(parsing text: String) {
        var current: Table?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.trimmingTrailingWhitespace
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("*") {
                current = Table(name: String(line.dropFirst()))
            } else if line == "COMMIT" {
                if let table = current { tables[table.name] = table }
                current = nil
            } else if line.hasPrefix(":") {
                let fields = line.dropFirst().split(separator: " ")
                guard let name = fields.first.map(String.init) else { continue }
                current?.chains.append(name)
                current?.policies[name] = fields.count > 1 ? String(fields[1]) : "-"
            } else {
                current?.rules.append(line)
            }
        }
    }

    /// The table, or an empty one.
    public subscript(table: String) -> Table { tables[table] ?? Table(name: table) }
}

extension Substring {
    var trimmingTrailingWhitespace: String {
        var end = endIndex
        while end > startIndex, self[index(before: end)].isWhitespace { end = index(before: end) }
        return String(self[startIndex..<end])
    }
}
