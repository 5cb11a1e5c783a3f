extension ConfigFieldReader {
    /// The keys of a mapping (nil for absent/null); unknown keys become warnings.
    mutating func fields(_ value: ConfigValue?, _ prefix: String, _ known: Set<String>) throws -> [String: ConfigValue]? {
        guard let value, value != .null else { return nil }
        guard case .map(let pairs) = value else { throw typeError(String(prefix.dropLast()), "an object") }
        var out: [String: ConfigValue] = [:]
        for (key, v) in pairs {
            // JSON decoding matches field names case-insensitively only as a fallback; strict
            // decoding (the one kube-proxy reports) wants the exact name.
            if known.contains(key) { out[key] = v } else { warnings.append("unknown field \"\(prefix)\(key)\"") }
        }
        return out
    }

    func typeError(_ path: String, _ want: String) -> OptionsError {
        OptionsError(setting: "\(source) \(path)", reason: "must be \(want)")
    }

    func string(_ f: [String: ConfigValue], _ key: String, _ prefix: String = "") throws -> String? {
        switch f[key] {
        case nil, .null?: nil
        case .string(let s)?: s
        default: throw typeError(prefix + key, "a string")
        }
    }

    func bool(_ f: [String: ConfigValue], _ key: String, _ prefix: String = "") throws -> Bool? {
        switch f[key] {
        case nil, .null?: nil
        case .bool(let b)?: b
        default: throw typeError(prefix + key, "true or false")
        }
    }

    /// An int32 field: a JSON integer within Int32's range.
    func int(_ f: [String: ConfigValue], _ key: String, _ prefix: String = "") throws -> Int? {
        switch f[key] {
        case nil, .null?: return nil
        case .number(let n)?:
            guard let v = Int32(n) else { throw typeError(prefix + key, "an integer from -2147483648 to 2147483647") }
            return Int(v)
        default: throw typeError(prefix + key, "an integer")
        }
    }

    /// A float32 field (clientConnection.qps).
    func number(_ f: [String: ConfigValue], _ key: String, _ prefix: String = "") throws -> Double? {
        switch f[key] {
        case nil, .null?: return nil
        case .number(let n)?:
            guard let v = Double(n), v.isFinite, abs(v) <= Double(Float.greatestFiniteMagnitude) else {
                throw typeError(prefix + key, "a number")
            }
            return v
        default: throw typeError(prefix + key, "a number")
        }
    }

    /// A metav1.Duration: Go duration text, range-checked.
    func duration(_ f: [String: ConfigValue], _ key: String, _ prefix: String = "") throws -> String? {
        if case .number? = f[key] { throw typeError(prefix + key, "a duration string such as 30s") }
        guard let text = try string(f, key, prefix) else { return nil }
        do { _ = try GoDuration.parseNanoseconds(text) } catch {
            throw OptionsError(setting: "\(source) \(prefix)\(key)", reason: "\(error) \"\(text)\"")
        }
        return text
    }

    func strings(_ f: [String: ConfigValue], _ key: String, _ prefix: String = "") throws -> [String]? {
        switch f[key] {
        case nil, .null?: return nil
        case .list(let items)?:
            return try items.map {
                guard case .string(let s) = $0 else { throw typeError(prefix + key, "a list of strings") }
                return s
            }
        default: throw typeError(prefix + key, "a list of strings")
        }
    }

    func boolMap(_ f: [String: ConfigValue], _ key: String) throws -> [String: Bool]? {
        switch f[key] {
        case nil, .null?: return nil
        case .map(let pairs)?:
            var out: [String: Bool] = [:]
            for (k, v) in pairs {
                guard case .bool(let b) = v else { throw typeError("\(key).\(k)", "true or false") }
                out[k] = b
            }
            return out
        default: throw typeError(key, "a map of names to true or false")
        }
    }

    /// logging.flushFrequency: a duration string or integer nanoseconds (component-base accepts both).
    func flushFrequency(_ f: [String: ConfigValue]) throws -> String? {
        if case .number(let n)? = f["flushFrequency"] {
            guard let ns = Int64(n), ns >= 0 else { throw typeError("logging.flushFrequency", "a duration") }
            return GoDuration.format(.nanoseconds(ns))
        }
        return try duration(f, "flushFrequency", "logging.")
    }

    /// logging.vmodule: a list of `{filePattern, verbosity}`, rendered back as `pattern=N`.
    func vmodule(_ f: [String: ConfigValue]) throws -> [String]? {
        switch f["vmodule"] {
        case nil, .null?: return nil
        case .list(let items)?:
            return try items.map { item in
                guard case .string(let p)? = item["filePattern"], case .number(let v)? = item["verbosity"], let n = UInt32(v) else {
                    throw typeError("logging.vmodule", "a list of {filePattern, verbosity}")
                }
                return "\(p)=\(n)"
            }
        default: throw typeError("logging.vmodule", "a list")
        }
    }
}
