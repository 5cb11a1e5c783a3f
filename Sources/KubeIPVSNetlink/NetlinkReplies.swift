import CNetlink
import Glibc
import KubeIPVSKernel

/// One netlink message of a received datagram, borrowed from the receive buffer.
struct NetlinkReply {
    enum Kind {
        /// A data message (dump entry, `GET` answer); attributes via ``NetlinkAttributes``.
        case data
        /// `NLMSG_ERROR` with error 0.
        case ack
        /// `NLMSG_ERROR` with a negative errno, stored positive, plus the extended ACK text if any.
        case error(Int32, String)
        /// `NLMSG_DONE` (end of a dump), with the dump's error if it failed (positive errno, else 0).
        case done(Int32)
    }

    let header: UnsafeMutablePointer<nlmsghdr>
    let kind: Kind
    var sequence: UInt32 { header.pointee.nlmsg_seq }
    var type: UInt16 { header.pointee.nlmsg_type }

    /// The attributes after the generic netlink header of a data message.
    var genlAttributes: NetlinkAttributes {
        let genl = nlmsg_data(header).assumingMemoryBound(to: genlmsghdr.self)
        return NetlinkAttributes(head: genlmsg_attrdata(genl, 0), length: genlmsg_attrlen(genl, 0))
    }

    /// The generic netlink command of a data message.
    var command: UInt8 { nlmsg_data(header).assumingMemoryBound(to: genlmsghdr.self).pointee.cmd }

    /// The whole message (header included), valid while the receive buffer is.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: header, count: Int(header.pointee.nlmsg_len)) }

    /// The family header at the start of the payload (`ifinfomsg`, `ifaddrmsg`), nil if the payload is shorter.
    func familyHeader<T: BitwiseCopyable>(_ type: T.Type) -> T? {
        guard nlmsg_datalen(header) >= Int32(MemoryLayout<T>.size) else { return nil }
        return UnsafeRawPointer(nlmsg_data(header)).loadUnaligned(as: T.self)
    }

    /// The attributes after a family header of type `T` (`nlmsg_attrdata` / `nlmsg_attrlen`).
    func attributes<T>(after type: T.Type) -> NetlinkAttributes {
        let length = Int32(MemoryLayout<T>.size)
        return NetlinkAttributes(head: nlmsg_attrdata(header, length), length: nlmsg_attrlen(header, length))
    }
}

/// Walks the messages of one datagram with libnl's `nlmsg_ok` / `nlmsg_next` (the `nlmsg_for_each`
/// macro does not import).
enum NetlinkReplies {
    static func forEach(in datagram: UnsafeRawBufferPointer,
                        _ body: (NetlinkReply) throws(KernelError) -> Void) throws(KernelError) {
        guard let base = datagram.baseAddress, datagram.count >= MemoryLayout<nlmsghdr>.size else { return }
        var remaining = Int32(datagram.count)
        var header: UnsafeMutablePointer<nlmsghdr>? = UnsafeMutableRawPointer(mutating: base)
            .assumingMemoryBound(to: nlmsghdr.self)
        while let h = header, nlmsg_ok(h, remaining) != 0 {
            try body(NetlinkReply(header: h, kind: kind(of: h)))
            header = nlmsg_next(h, &remaining)
        }
    }

    static func kind(of header: UnsafeMutablePointer<nlmsghdr>) -> NetlinkReply.Kind {
        switch Int32(header.pointee.nlmsg_type) {
        case NLMSG_ERROR:
            guard nlmsg_datalen(header) >= Int32(MemoryLayout<nlmsgerr>.size) else { return .error(EPROTO, "") }
            let err = nlmsg_data(header).assumingMemoryBound(to: nlmsgerr.self)
            if err.pointee.error == 0 { return .ack }
            return .error(errno(negated: err.pointee.error), extendedMessage(header, err))
        case NLMSG_DONE:
            guard nlmsg_datalen(header) >= 4 else { return .done(0) }
            let code = nlmsg_data(header).load(as: Int32.self)
            return .done(code < 0 ? errno(negated: code) : 0)
        default:
            return .data
        }
    }

    /// The positive errno of a kernel's negative error code. Anything else (a positive code, or Int32.min,
    /// whose negation traps) is no errno the kernel sends: EPROTO.
    static func errno(negated code: Int32) -> Int32 {
        code < 0 && code != .min ? -code : EPROTO
    }

    /// `NLMSGERR_ATTR_MSG` of an extended ACK (`NETLINK_EXT_ACK`), or "".
    private static func extendedMessage(_ header: UnsafeMutablePointer<nlmsghdr>,
                                        _ err: UnsafeMutablePointer<nlmsgerr>) -> String {
        let flags = Int32(header.pointee.nlmsg_flags)
        guard flags & NLM_F_ACK_TLVS != 0 else { return "" }
        // With NLM_F_CAPPED only the request's header is echoed; otherwise the whole request is.
        let echoed = flags & NLM_F_CAPPED != 0 ? MemoryLayout<nlmsghdr>.size : Int(err.pointee.msg.nlmsg_len)
        let offset = MemoryLayout<Int32>.size + echoed
        let total = Int(nlmsg_datalen(header))
        guard offset < total else { return "" }
        let attrs = NetlinkAttributes(head: UnsafeMutableRawPointer(err).advanced(by: offset)
            .assumingMemoryBound(to: nlattr.self), length: Int32(total - offset))
        return attrs.first(Int(NLMSGERR_ATTR_MSG.rawValue)).map { $0.string } ?? ""
    }
}
