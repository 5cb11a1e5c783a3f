import Foundation

/// Parses a command line as kube-proxy's pflag/cobra does: `--name=value`, `--name value`, a bare
/// `--bool` (true) or `--bool=<Go ParseBool>`, shorthands `-v=2`, `-v 2`, `-v2`, `-h`, `--` ends
/// the flags, `_` in a name reads as `-` (component-base's word-separator normalisation). A value is
/// checked as pflag checks it (booleans, durations, int32, IPs) and the last one given wins, except
/// list and map flags, which accumulate.
public struct PFlagParser: Sendable {
    public var flags: [String: KubeProxyFlag]

    public init(flags: [String: KubeProxyFlag] = KubeProxyFlag.all) { self.flags = flags }

    /// Flags given, in order of first appearance, with their final raw values; positional arguments.
    public struct Result: Sendable, Equatable {
        public var values: [String: String] = [:]
        public var order: [String] = []
        public var positional: [String] = []
    }

    public func parse(_ arguments: [String]) throws(OptionsError) -> Result {
        var result = Result()
        var rest = arguments[...]
        while let token = rest.popFirst() {
            if token == "--" { result.positional += rest; break }
            if token.hasPrefix("--"), token.count > 2 {
                try long(token.dropFirst(2), &rest, &result)
            } else if token.hasPrefix("-"), token.count > 1 {
                try short(token.dropFirst(), &rest, &result)
            } else {
                result.positional.append(token)
            }
        }
        return result
    }

    func long(_ body: Substring, _ rest: inout ArraySlice<String>, _ result: inout Result) throws(OptionsError) {
        let rawName = body.prefix { $0 != "=" }
        let name = rawName.replacingOccurrences(of: "_", with: "-")
        guard let flag = flags[name] else {
            throw OptionsError(setting: "--\(rawName)", reason: "unknown flag")
        }
        let inline = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
        try take(flag, "--\(name)", inline, &rest, &result)
    }

    func short(_ body: Substring, _ rest: inout ArraySlice<String>, _ result: inout Result) throws(OptionsError) {
        guard let c = body.first, let flag = flags.values.first(where: { $0.shorthand == c }) else {
            throw OptionsError(setting: "-\(body)", reason: "unknown shorthand flag '\(body.first.map(String.init) ?? "")'")
        }
        var tail = body.dropFirst()
        if tail.first == "=" { tail = tail.dropFirst(); try take(flag, "-\(c)", String(tail), &rest, &result); return }
        if !tail.isEmpty, !flag.isBoolean { try take(flag, "-\(c)", String(tail), &rest, &result); return }
        try take(flag, "-\(c)", nil, &rest, &result)
        // pflag reads `-hv2` as -h then -v2.
        if !tail.isEmpty { try short(tail, &rest, &result) }
    }

    func take(_ flag: KubeProxyFlag, _ spelled: String, _ inline: String?, _ rest: inout ArraySlice<String>,
              _ result: inout Result) throws(OptionsError) {
        var value: String
        if let inline {
            value = inline
        } else if flag.isBoolean {
            value = "true"
        } else {
            guard let next = rest.popFirst() else { throw OptionsError(setting: spelled, reason: "flag needs an argument") }
            value = next
        }
        try Self.check(flag, spelled, value)
        if flag.isBoolean, flag.kind == .bool { value = String(Self.parseBool(value)!) }
        if let previous = result.values[flag.name], flag.kind == .stringSlice || flag.kind == .mapStringBool {
            value = previous + "," + value
        }
        if result.values[flag.name] == nil { result.order.append(flag.name) }
        result.values[flag.name] = value
    }

    static func check(_ flag: KubeProxyFlag, _ spelled: String, _ value: String) throws(OptionsError) {
        func bad(_ why: String) -> OptionsError {
            OptionsError(setting: spelled, reason: "invalid argument \"\(value)\": \(why)")
        }
        switch flag.kind {
        case .bool: if parseBool(value) == nil { throw bad("not a boolean (true, false, 1, 0, t, f)") }
        case .version: if parseBool(value) == nil && value != "raw" { throw bad("want true, false or raw") }
        case .duration:
            do { _ = try GoDuration.parseNanoseconds(value) } catch { throw bad("\(error)") }
        case .int32: if Int32(value) == nil { throw bad("not a 32-bit integer") }
        case .verbosity: if Int32(value).map({ $0 >= 0 }) != true { throw bad("not a verbosity level (0 or more)") }
        case .float32: if Float(value).map({ $0.isFinite }) != true { throw bad("not a number") }
        case .ip: if !IPText.isIP(value) { throw bad("not an IP address") }
        case .ipPort: if !value.isEmpty && !IPText.isIPPort(value) { throw bad("not in a valid format (ip or ip:port)") }
        case .mapStringBool:
            for pair in value.split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                guard kv.count == 2, parseBool(kv[1].trimmingCharacters(in: .whitespaces)) != nil else {
                    throw bad("want key=true|false pairs")
                }
            }
        case .string, .stringSlice: break
        }
    }

    /// Go's strconv.ParseBool.
    public static func parseBool(_ s: some StringProtocol) -> Bool? {
        switch s {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }
}
