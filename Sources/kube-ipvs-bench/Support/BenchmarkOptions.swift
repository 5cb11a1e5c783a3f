import Foundation

/// `--key value` and `--flag` options, without a parser library.
struct BenchmarkOptions {
    private var values: [String: String] = [:]

    /// A usage error.
    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--"), argument.count > 2 else { throw UsageError(description: "unexpected argument \(argument)") }
            let key = String(argument.dropFirst(2))
            if let equals = key.firstIndex(of: "=") {
                values[String(key[..<equals])] = String(key[key.index(after: equals)...])
            } else if index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") {
                values[key] = arguments[index + 1]
                index += 1
            } else {
                values[key] = ""
            }
            index += 1
        }
    }

    /// Throws for an option not in `known` (a typo must not silently run the defaults).
    func check(known: Set<String>) throws {
        if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
            throw UsageError(description: "unknown option --\(unknown)")
        }
    }

    /// `--name` was given (with or without a value).
    func flag(_ name: String) -> Bool { values[name] != nil }

    /// `--name TEXT`, or `fallback`.
    func string(_ name: String, default fallback: String) -> String { values[name] ?? fallback }

    /// `--name N`, or `fallback`.
    func int(_ name: String, default fallback: Int) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), value >= 0 else { throw UsageError(description: "--\(name) wants a number, got \(text)") }
        return value
    }

    /// `--name 1000,10000`, or `fallback`.
    func ints(_ name: String, default fallback: [Int]) throws -> [Int] {
        guard let text = values[name] else { return fallback }
        let parsed = text.split(separator: ",").compactMap { Int($0.replacingOccurrences(of: "_", with: "")) }
        guard !parsed.isEmpty, parsed.allSatisfy({ $0 > 0 }) else {
            throw UsageError(description: "--\(name) wants numbers like 1000,10000, got \(text)")
        }
        return parsed
    }
}
