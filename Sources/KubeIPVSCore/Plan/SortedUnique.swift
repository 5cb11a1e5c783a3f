/// Sorted, without repeats.
func sortedUnique<T: Comparable>(_ values: [T]) -> [T] {
    var out = values
    sortUnique(&out)
    return out
}

/// Sorts in place and drops repeats; no work (and no allocation) when already strictly sorted.
func sortUnique<T: Comparable>(_ values: inout [T]) {
    guard values.count > 1, !isStrictlySorted(values) else { return }
    values.sort()
    var kept = 1
    for i in 1..<values.count where values[i] != values[kept - 1] {
        if i != kept { values.swapAt(i, kept) }
        kept += 1
    }
    values.removeLast(values.count - kept)
}

func isStrictlySorted<T: Comparable>(_ values: [T]) -> Bool {
    var i = 1
    while i < values.count {
        guard values[i - 1] < values[i] else { return false }
        i += 1
    }
    return true
}
