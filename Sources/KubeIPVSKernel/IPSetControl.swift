import KubeIPVSCore

/// The ipset capability the applier needs (`ipset create/destroy/flush/swap/list/add/del/test`).
///
/// Implementations: `LibIPSet` (libipset in-process, KubeIPVSNetlink) and `FakeIPSet`
/// (KubeIPVSTesting). Both follow the kernel's semantics, checked by one contract suite:
/// - `create` of an existing name fails with `.exists` unless `ignoreExisting` is set *and* the
///   existing set is compatible: same type, maxelem and range. The kernel compares neither
///   hashsize nor the family (an `inet` set satisfies an `inet6` create with `-exist` and stays
///   `inet`): callers that care read ``header(of:)`` back;
/// - `add` of a present entry fails with `.exists`, `delete` of an absent one with `.notFound`,
///   unless `ignoreExisting` / `ignoreMissing` (ipset's `-exist`);
/// - anything on a missing set fails with `.notFound`; `destroy` of a set referenced by the
///   kernel (an iptables `-m set` rule) fails with `.invalid` (EBUSY); references follow the name
///   across `swap`.
/// Errors are ``KernelError`` whose `detail` is ipset's own message.
public protocol IPSetControl: Sendable {
    /// `ipset create NAME TYPE family F hashsize H maxelem M` / `bitmap:port range A-B`.
    nonisolated(nonsending) func create(_ spec: IPSetSpec, ignoreExisting: Bool) async throws

    /// `ipset destroy NAME`.
    nonisolated(nonsending) func destroy(set name: String) async throws

    /// `ipset flush NAME`: removes every entry, keeps the set.
    nonisolated(nonsending) func flush(set name: String) async throws

    /// `ipset swap A B`: exchanges the two sets' contents and types (names and references stay).
    nonisolated(nonsending) func swap(_ first: String, _ second: String) async throws

    /// `ipset list -n`: every set name in the namespace, sorted.
    nonisolated(nonsending) func setNames() async throws -> [String]

    /// The `create` line of one set, read back from the kernel (`comment` is always empty).
    nonisolated(nonsending) func header(of name: String) async throws -> IPSetSpec

    /// Every entry of one set, parsed back into ``IPSetEntry`` (sorted).
    nonisolated(nonsending) func entries(of name: String) async throws -> [IPSetEntry]

    /// Adds many entries in one batch (one netlink message per page of entries).
    ///
    /// Entries must match the set's type and family, else `.invalid` before anything is sent.
    /// The kernel stops at the first failing entry: entries before it stay added, and the
    /// error's `target` names the failing entry.
    nonisolated(nonsending) func add(_ entries: [IPSetEntry], to name: String, ignoreExisting: Bool) async throws

    /// Deletes many entries in one batch; same batching and failure rules as ``add(_:to:ignoreExisting:)``.
    nonisolated(nonsending) func delete(_ entries: [IPSetEntry], from name: String, ignoreMissing: Bool) async throws

    /// `ipset test NAME ENTRY`, with the kernel's matching: in hash:net and hash:ip,port,net a
    /// host prefix (/32, /128) matches any stored net that covers it, other prefixes match exactly;
    /// a port outside a bitmap's range is simply not contained.
    nonisolated(nonsending) func contains(_ entry: IPSetEntry, in name: String) async throws -> Bool
}

extension IPSetControl {
    /// `create` without `-exist`.
    public nonisolated(nonsending) func create(_ spec: IPSetSpec) async throws { try await create(spec, ignoreExisting: false) }

    /// `add` without `-exist`.
    public nonisolated(nonsending) func add(_ entries: [IPSetEntry], to name: String) async throws {
        try await add(entries, to: name, ignoreExisting: false)
    }

    /// `del` without `-exist`.
    public nonisolated(nonsending) func delete(_ entries: [IPSetEntry], from name: String) async throws {
        try await delete(entries, from: name, ignoreMissing: false)
    }
}

/// ipset's fixed messages, shared by the implementations so errors read the same everywhere
/// (text of libipset 7.x `lib/errcode.c`).
public enum IPSetMessage {
    /// ENOENT on any command naming a missing set.
    public static let setMissing = "The set with the given name does not exist"
    /// EEXIST on create.
    public static let setExists = "Set cannot be created: set with the same name already exists"
    /// IPSET_ERR_EXIST on add.
    public static let entryExists = "Element cannot be added to the set: it's already added"
    /// IPSET_ERR_EXIST on del.
    public static let entryMissing = "Element cannot be deleted from the set: it's not added"
    /// IPSET_ERR_BUSY on destroy.
    public static let setInUse = "Set cannot be destroyed: it is in use by a kernel component"
    /// IPSET_ERR_EXIST_SETNAME2 on swap.
    public static let swapSecondMissing = "Sets cannot be swapped: the second set does not exist"
    /// IPSET_ERR_TYPE_MISMATCH on swap.
    public static let swapTypeMismatch = "The sets cannot be swapped: their type does not match"
    /// IPSET_ERR_HASH_FULL on add.
    public static let hashFull = "Hash is full, cannot add more elements"
    /// IPSET_ERR_BITMAP_RANGE on add/del/test.
    public static let outOfRange = "Element is out of the range of the set"

    /// Refusal (ours, before sending) of an entry of another set type.
    public static func wrongType(entry: IPSetType, set: IPSetType) -> String {
        "entry of type \(entry) does not fit set type \(set)"
    }

    /// Refusal (ours, before sending) of an entry of the other family; `setFamily` is
    /// ipset's spelling (`inet`, `inet6`).
    public static func wrongFamily(entry: IPFamily, setFamily: String) -> String {
        "\(entry) entry does not fit a set of family \(setFamily)"
    }

    /// libipset's refusal of a name over 31 bytes.
    public static func nameTooLong(_ name: String) -> String {
        "Syntax error: setname '\(name)' is longer than 31 characters"
    }
}
