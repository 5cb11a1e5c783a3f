/// The one way text that came from an object reaches iptables-restore input: a `-m comment --comment`
/// argument. Chain names never carry object text (they are hashes, `IptablesChainNames`).
///
/// iptables-restore splits a line at spaces, treats `"` as quoting and `\` as an escape inside quotes,
/// and ends a rule at a newline; the kernel's comment match holds at most 255 bytes. Names are
/// validated long before (`APIValidation`), so this only guarantees the line still means what the
/// renderer wrote should an invalid name ever get through (docs/validation.md).
public enum IptablesComment {
    /// Longest comment xt_comment accepts (256 bytes with the NUL).
    public static let maxLength = 255

    /// A name (`ns/svc:port`) made of bytes that need no quoting anywhere: anything outside
    /// `[A-Za-z0-9._/:-]` becomes `_`.
    public static func name(_ text: String) -> String {
        let bytes = text.utf8.map { isBare($0) ? $0 : UInt8(ascii: "_") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` as one `--comment` argument: bare when every byte is in the name alphabet (as
    /// kube-proxy writes a plain service port name), otherwise in double quotes with every quote,
    /// backslash, control and non-ASCII byte replaced by `_`; cut to ``maxLength`` bytes.
    public static func argument(_ text: String) -> String {
        var bytes = text.utf8.map { isQuotable($0) ? $0 : UInt8(ascii: "_") }
        if bytes.count > maxLength { bytes.removeLast(bytes.count - maxLength) }
        let body = String(decoding: bytes, as: UTF8.self)
        return !bytes.isEmpty && bytes.allSatisfy(isBare) ? body : "\"\(body)\""
    }

    static func isBare(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "/"),
             UInt8(ascii: ":"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Printable ASCII except the quote and the backslash.
    static func isQuotable(_ c: UInt8) -> Bool {
        c >= 0x20 && c < 0x7f && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\")
    }
}
