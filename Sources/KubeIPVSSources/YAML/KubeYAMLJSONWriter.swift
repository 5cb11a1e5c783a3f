import CYaml

/// Turns one libyaml event into JSON text (used by `KubeYAMLEventReader`).
enum KubeYAMLJSONWriter {
    typealias Frame = KubeYAMLEventReader.Frame

    static func handle(_ event: inout yaml_event_t, stack: inout [Frame], out: inout [UInt8], rootIsNull: inout Bool,
                       maxDepth: Int) throws(KubeYAMLError) {
        let line = event.start_mark.line + 1
        switch event.type {
        case YAML_ALIAS_EVENT:
            throw KubeYAMLError(.alias, "aliases are not allowed", line: line)
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            let tag = s.tag.map { String(cString: $0) }
            let plain = s.style == YAML_PLAIN_SCALAR_STYLE
            if let top = stack.last, top.isMapping, top.expectingKey {
                try writeKey(text, plain: plain, line: line, stack: &stack, out: &out)
                return
            }
            let value: KubeYAMLScalar.Value
            do { value = try KubeYAMLScalar.resolve(text, plain: plain, tag: tag) } catch {
                throw KubeYAMLError(error.code, error.detail, line: line)
            }
            if stack.isEmpty, value == .null { rootIsNull = true }
            beginValue(&stack, &out)
            KubeYAMLScalar.write(value, to: &out)
            endValue(&stack)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            if let top = stack.last, top.isMapping, top.expectingKey {
                throw KubeYAMLError(.badKey, "a mapping key must be a scalar", line: line)
            }
            let rawTag = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
            let tag = rawTag.map { String(cString: $0) }
            let allowed = isMapping ? "tag:yaml.org,2002:map" : "tag:yaml.org,2002:seq"
            guard tag == nil || tag == "!" || tag == allowed else {
                throw KubeYAMLError(.badTag, "unsupported tag \(String(tag!.prefix(64)))", line: line)
            }
            guard stack.count < maxDepth else {
                throw KubeYAMLError(.tooDeep, "nesting is deeper than \(maxDepth) levels", line: line)
            }
            beginValue(&stack, &out)
            stack.append(Frame(isMapping: isMapping, expectingKey: isMapping))
            out.append(UInt8(ascii: isMapping ? "{" : "["))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            let frame = stack.removeLast()
            out.append(UInt8(ascii: frame.isMapping ? "}" : "]"))
            endValue(&stack)
        default:
            break
        }
    }

    /// A mapping key: any scalar's text becomes a JSON string key (`80:` is `"80"`), as sigs.k8s.io/yaml does.
    static func writeKey(_ text: String, plain: Bool, line: Int, stack: inout [Frame], out: inout [UInt8])
        throws(KubeYAMLError) {
        if plain, text == "<<" { throw KubeYAMLError(.badKey, "merge keys (<<) are not supported", line: line) }
        var top = stack.removeLast()
        defer { stack.append(top) }
        guard top.keys.insert(text).inserted else {
            throw KubeYAMLError(.badKey, "duplicate mapping key \"\(String(text.prefix(64)))\"", line: line)
        }
        if top.count > 0 { out.append(UInt8(ascii: ",")) }
        KubeYAMLScalar.writeString(text, to: &out)
        out.append(UInt8(ascii: ":"))
        top.expectingKey = false
    }

    static func beginValue(_ stack: inout [Frame], _ out: inout [UInt8]) {
        if let top = stack.last, !top.isMapping, top.count > 0 { out.append(UInt8(ascii: ",")) }
    }

    static func endValue(_ stack: inout [Frame]) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].count += 1
        if stack[stack.count - 1].isMapping { stack[stack.count - 1].expectingKey = true }
    }
}
