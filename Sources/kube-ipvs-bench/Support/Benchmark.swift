import Foundation

/// One `kube-ipvs-bench <name>` benchmark: it prints its figures to stdout and returns an exit code
/// (non-zero when it could not measure, not when a target was missed).
protocol Benchmark {
    /// The subcommand name (`iptables`, `plan`, `ipvs`, `ipset`).
    static var name: String { get }
    /// One line for the command list.
    static var summary: String { get }
    /// The options it reads, one per line.
    static var usage: String { get }
    /// Runs the benchmark.
    static func run(_ options: BenchmarkOptions) async throws -> Int32
}

/// The top-level help text.
enum BenchmarkUsage {
    static func text(_ benchmarks: [any Benchmark.Type]) -> String {
        var lines = ["usage: kube-ipvs-bench <benchmark> [--option value …]   (--help after a name for its options)", "",
                     "benchmarks:"]
        for benchmark in benchmarks { lines.append("  \(benchmark.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(benchmark.summary)") }
        return lines.joined(separator: "\n")
    }
}

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
