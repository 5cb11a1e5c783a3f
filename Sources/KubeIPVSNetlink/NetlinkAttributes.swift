import CNetlink
import KubeIPVSKernel

/// One received netlink attribute, borrowed from the receive buffer.
struct NLAttribute {
    let raw: UnsafeMutablePointer<nlattr>

    /// `nla_type`: the type without `NLA_F_NESTED` / `NLA_F_NET_BYTEORDER`.
    var type: Int { Int(nla_type(raw)) }
    var payload: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: nla_data(raw), count: Int(nla_len(raw))) }

    // Every getter checks the payload length first: a short attribute reads as absent.
    var u8: UInt8? { payload.count >= 1 ? nla_get_u8(raw) : nil }
    var u16: UInt16? { payload.count >= 2 ? nla_get_u16(raw) : nil }
    var u32: UInt32? { payload.count >= 4 ? nla_get_u32(raw) : nil }
    var u64: UInt64? { payload.count >= 8 ? nla_get_u64(raw) : nil }
    /// A `__be16` payload in host order.
    var be16: UInt16? { u16.map { UInt16(bigEndian: $0) } }
    /// The payload up to its first NUL.
    var string: String {
        String(decoding: payload.prefix { $0 != 0 }, as: UTF8.self)
    }
    var bytes: [UInt8] { Array(payload) }
    /// The attributes nested inside this one.
    var nested: NetlinkAttributes { NetlinkAttributes(head: nla_data(raw).assumingMemoryBound(to: nlattr.self), length: nla_len(raw)) }
}

/// A run of attributes (a message's, or a nest's), walked with libnl's `nla_ok` / `nla_next`
/// (the `nla_for_each_*` macros do not import).
struct NetlinkAttributes: Sequence {
    let head: UnsafeMutablePointer<nlattr>?
    let length: Int32

    struct Iterator: IteratorProtocol {
        var position: UnsafeMutablePointer<nlattr>?
        var remaining: Int32
        mutating func next() -> NLAttribute? {
            guard let p = position, nla_ok(p, remaining) != 0 else { return nil }
            position = nla_next(p, &remaining)
            return NLAttribute(raw: p)
        }
    }

    func makeIterator() -> Iterator { Iterator(position: head, remaining: length) }

    /// The first attribute of `type`, if any.
    func first(_ type: Int) -> NLAttribute? { first { $0.type == type } }

    /// `nla_parse` into a table indexed by type (types above `maxType` are ignored), on the stack.
    func parse<R>(maxType: Int, _ body: (AttributeTable) throws(KernelError) -> R) throws(KernelError) -> R {
        let result: Result<R, KernelError> = withUnsafeTemporaryAllocation(
            of: UnsafeMutablePointer<nlattr>?.self, capacity: maxType + 1
        ) { slots in
            slots.initialize(repeating: nil)
            let rc = nla_parse(slots.baseAddress, Int32(maxType), head, length, nil)
            if rc < 0 {
                return .failure(KernelError(code: .failed, operation: "nla_parse", target: "netlink reply",
                                            detail: "libnl: \(String(cString: nl_geterror(rc)))"))
            }
            do throws(KernelError) {
                return .success(try body(AttributeTable(slots: UnsafeBufferPointer(slots))))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// Attributes by type, as `nla_parse` left them.
struct AttributeTable {
    let slots: UnsafeBufferPointer<UnsafeMutablePointer<nlattr>?>

    subscript(type: Int) -> NLAttribute? {
        guard type < slots.count, let p = slots[type] else { return nil }
        return NLAttribute(raw: p)
    }
}
