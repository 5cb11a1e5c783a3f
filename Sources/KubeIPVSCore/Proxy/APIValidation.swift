/// The API server's name and value rules (apimachinery `pkg/util/validation/validation.go`), applied
/// by the normalizers to every text field of an object before it is planned. A field that fails makes
/// the normalizer reject the object (or the port) with a reason naming the field; see docs/validation.md.
///
/// Each function returns nil when the text is valid, or the reason it is not (without the field name).
public enum APIValidation {
    /// Longest DNS-1123 label and DNS-1035 label (RFC 1123 / RFC 1035).
    public static let maxLabelLength = 63
    /// Longest DNS-1123 subdomain.
    public static let maxSubdomainLength = 253
    /// Longest label value.
    public static let maxLabelValueLength = 63

    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 bytes: namespaces, Service and slice port names.
    public static func dns1123Label(_ text: String) -> String? {
        let b = Array(text.utf8)
        if b.isEmpty { return "must not be empty" }
        if b.count > maxLabelLength { return "must be no more than \(maxLabelLength) characters" }
        guard isLabel(b[...], first: isLowerAlnum) else {
            return "must be a lowercase RFC 1123 label (a-z, 0-9 and '-', starting and ending alphanumeric)"
        }
        return nil
    }

    /// `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63 bytes: Service names.
    public static func dns1035Label(_ text: String) -> String? {
        let b = Array(text.utf8)
        if b.isEmpty { return "must not be empty" }
        if b.count > maxLabelLength { return "must be no more than \(maxLabelLength) characters" }
        guard isLabel(b[...], first: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else {
            return "must be a lowercase RFC 1035 label (a-z, 0-9 and '-', starting alphabetic, ending alphanumeric)"
        }
        return nil
    }

    /// Dot-separated DNS-1123 labels, at most 253 bytes: EndpointSlice names.
    public static func dns1123Subdomain(_ text: String) -> String? {
        let b = Array(text.utf8)
        if b.isEmpty { return "must not be empty" }
        if b.count > maxSubdomainLength { return "must be no more than \(maxSubdomainLength) characters" }
        let labels = b.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.allSatisfy({ isLabel($0, first: isLowerAlnum) }) else {
            return "must be a lowercase RFC 1123 subdomain (labels of a-z, 0-9 and '-' separated by '.')"
        }
        return nil
    }

    /// `(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?`, at most 63 bytes: label values.
    public static func labelValue(_ text: String) -> String? {
        let b = Array(text.utf8)
        if b.isEmpty { return nil }
        if b.count > maxLabelValueLength { return "must be no more than \(maxLabelValueLength) characters" }
        let middle: (UInt8) -> Bool = {
            isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
        guard isAlnum(b.first!), isAlnum(b.last!), b.allSatisfy(middle) else {
            return "must be a label value (A-Z, a-z, 0-9, '-', '_' and '.', starting and ending alphanumeric)"
        }
        return nil
    }

    /// An optional port name: empty, or a DNS-1123 label (the API server's rule for Service and
    /// EndpointSlice ports).
    public static func portName(_ text: String) -> String? {
        text.isEmpty ? nil : dns1123Label(text)
    }

    static func isLowerAlnum(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    static func isAlnum(_ c: UInt8) -> Bool {
        isLowerAlnum(c) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }

    /// One label: `first` holds for the first byte, the last is lowercase alphanumeric, the rest are
    /// lowercase alphanumerics or '-'.
    static func isLabel(_ b: ArraySlice<UInt8>, first: (UInt8) -> Bool) -> Bool {
        guard let head = b.first, let tail = b.last, first(head), isLowerAlnum(tail) else { return false }
        return b.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }
}
