import Logging

/// How a `stringConvertible` metadata value prints: numbers and booleans bare (klog's `%+v`, JSON
/// numbers), durations in Go's notation, everything else as quoted text.
enum LogValue {
    case bare(String)
    case text(String)

    static func classify(_ value: any CustomStringConvertible & Sendable) -> LogValue {
        switch value {
        case let d as Duration: .text(GoFormatting.duration(d))
        case let b as Bool: .bare(b ? "true" : "false")
        case let i as any BinaryInteger: .bare("\(i)")
        case let f as Double: f.isFinite ? .bare("\(f)") : .text("\(f)")
        case let f as Float: f.isFinite ? .bare("\(f)") : .text("\(f)")
        default: .text(value.description)
        }
    }
}
