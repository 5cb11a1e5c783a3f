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

/// Walks two sorted arrays side by side, in one pass without hashing: elements of one side only go
/// to `onlyOld` or `onlyNew`, pairs that neither precedes to `inBoth` (equal repeats pair off one by one).
func walkSorted<T: Comparable>(_ old: [T], _ new: [T], onlyOld: (T) -> Void, onlyNew: (T) -> Void,
                               inBoth: (T, T) -> Void = { _, _ in }) {
    var i = 0, j = 0
    while i < old.count || j < new.count {
        if j == new.count || (i < old.count && old[i] < new[j]) {
            onlyOld(old[i]); i += 1
        } else if i == old.count || new[j] < old[i] {
            onlyNew(new[j]); j += 1
        } else {
            inBoth(old[i], new[j]); i += 1; j += 1
        }
    }
}
