/// A plain-text table with left-aligned first columns and right-aligned figures.
struct TextTable {
    var header: [String]
    /// Columns (by index) aligned left; the rest align right.
    var leftColumns: Set<Int>
    private(set) var rows: [[String]] = []

    init(_ header: [String], left: Set<Int>) {
        self.header = header
        leftColumns = left
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    /// A separator line between groups.
    mutating func rule() { rows.append([]) }

    var text: String {
        let all = [header] + rows
        var widths = Array(repeating: 0, count: header.count)
        for row in all { for (index, cell) in row.enumerated() { widths[index] = Swift.max(widths[index], cell.count) } }
        func line(_ row: [String]) -> String {
            row.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return leftColumns.contains(index) ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        let separator = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), separator] + rows.map { $0.isEmpty ? separator : line($0) }).joined(separator: "\n")
    }
}
