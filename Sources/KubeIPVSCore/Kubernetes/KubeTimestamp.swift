/// A `metav1.Time` read from its RFC 3339 text (`2026-12-07T16:30:00Z`, as the API server writes
/// `metadata.creationTimestamp`; fractions of up to nine digits and `±hh:mm` offsets are accepted too).
/// Pure: no Foundation, no time zone database; compared as an instant.
public struct KubeTimestamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64
    /// 0...999,999,999.
    public var nanoseconds: Int32

    /// The instant `seconds` (since the epoch) plus `nanoseconds`.
    public init(seconds: Int64, nanoseconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// Parses RFC 3339 exactly (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)`, `T`/`Z` in either case);
    /// anything else, a day that does not exist in its month included, is nil.
    public init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        guard b.count >= 20, b.count <= 35 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<from + count {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let year = number(0, 4), b[4] == 45, let month = number(5, 2), b[7] == 45, let day = number(8, 2),
              b[10] == 84 || b[10] == 116, let hour = number(11, 2), b[13] == 58, let minute = number(14, 2),
              b[16] == 58, let second = number(17, 2),
              (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19, nanos = 0
        if b[i] == 46 {
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57, i - start < 9 { nanos = nanos * 10 + Int(b[i] - 48); i += 1 }
            guard i > start else { return nil }
            for _ in 0..<(9 - (i - start)) { nanos *= 10 }
        }
        var offset = 0
        if i + 1 == b.count, b[i] == 90 || b[i] == 122 {
        } else if i + 6 == b.count, b[i] == 43 || b[i] == 45, let h = number(i + 1, 2), b[i + 3] == 58,
                  let m = number(i + 4, 2), h < 24, m < 60 {
            offset = (h * 3600 + m * 60) * (b[i] == 45 ? -1 : 1)
        } else {
            return nil
        }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        seconds = Int64(days * 86400 + hour * 3600 + minute * 60 + second - offset)
        nanoseconds = Int32(nanos)
    }

    /// `seconds.nanoseconds` since the epoch (the RFC 3339 text is not kept).
    public var description: String { "\(seconds).\(String(nanoseconds + 1_000_000_000).dropFirst())" }

    /// Earlier instants first.
    public static func < (a: KubeTimestamp, b: KubeTimestamp) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
