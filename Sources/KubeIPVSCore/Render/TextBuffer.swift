/// UTF-8 output built byte by byte: renderers of 10^5-line tables avoid a String per field.
struct TextBuffer {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func append(byte: UInt8) { bytes.append(byte) }

    /// Decimal digits of `value` (`%u` / `%d`).
    mutating func appendDecimal<T: BinaryInteger>(_ value: T) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendDecimal(UInt64(value.magnitude))
            return
        }
        var v = UInt64(value)
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            } while v > 0
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(d[i]) }
        }
    }

    /// `10.0.0.1` or, with `bracketed`, `[fd00::1]`; IPv4 without allocating.
    mutating func appendAddress(_ ip: IPAddress, bracketed: Bool) {
        guard ip.family == .v4 else {
            if bracketed { bytes.append(UInt8(ascii: "[")) }
            append(ip.description)
            if bracketed { bytes.append(UInt8(ascii: "]")) }
            return
        }
        let v = ip.v4Value
        appendDecimal(v >> 24)
        bytes.append(UInt8(ascii: "."))
        appendDecimal(v >> 16 & 0xff)
        bytes.append(UInt8(ascii: "."))
        appendDecimal(v >> 8 & 0xff)
        bytes.append(UInt8(ascii: "."))
        appendDecimal(v & 0xff)
    }

    /// Spaces until the text written since byte offset `start` is `width` wide (`%-Ns`).
    mutating func pad(from start: Int, to width: Int) {
        let written = bytes.count - start
        if written < width { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - written)) }
    }
}
