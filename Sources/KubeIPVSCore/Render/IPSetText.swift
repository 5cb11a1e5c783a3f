/// Renders planned ipsets in `ipset save` format: per set (sorted by name) its `create` line, then
/// one `add NAME ENTRY` line per entry.
public enum IPSetText {
    /// The `ipset save` text for `sets`.
    public static func render(_ sets: [PlannedIPSet]) -> String {
        var text = ""
        for set in sets.sorted(by: { $0.spec.name < $1.spec.name }) {
            text += set.spec.description + "\n"
            for entry in set.entries {
                text += "add \(set.spec.name) \(entry)\n"
            }
        }
        return text
    }
}
