import CYaml
import Foundation

/// Walks libyaml's event stream and writes each document as JSON, iteratively (no recursion, so nesting
/// cannot exhaust the stack), refusing aliases and enforcing `KubeYAML.Limits` as events arrive.
struct KubeYAMLEventReader: ~Copyable {
    /// One open mapping or sequence.
    struct Frame {
        var isMapping: Bool
        var count = 0
        var expectingKey: Bool
        var keys: Set<String> = []
    }

    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let limits: KubeYAML.Limits
    private var started = false
    private var failed = false

    /// `buffer` must stay valid for the reader's lifetime.
    init(_ buffer: UnsafeBufferPointer<UInt8>, limits: KubeYAML.Limits) {
        parser = .allocate(capacity: 1)
        yaml_parser_initialize(parser)
        yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
        self.limits = limits
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// The next document's JSON (nil inside for an empty document), or nil at the end of the stream.
    mutating func nextDocument() throws(KubeYAMLError) -> Data?? {
        if failed { return nil }
        do {
            if !started {
                try withEvent { _ in }
                started = true
            }
            var start = 0
            let type = try withEvent { event in
                start = event.start_mark.index
                return event.type
            }
            if type == YAML_STREAM_END_EVENT { return nil }
            return .some(try convertDocument(start: start))
        } catch {
            failed = true
            throw error
        }
    }

    /// Converts events up to the document end into JSON.
    private func convertDocument(start: Int) throws(KubeYAMLError) -> Data? {
        var out: [UInt8] = []
        var stack: [Frame] = []
        var rootIsNull = false
        while true {
            let done = try withEvent { (event) throws(KubeYAMLError) -> Bool in
                if event.end_mark.index - start > limits.maxDocumentBytes {
                    throw KubeYAMLError(.tooLarge, "document is larger than \(limits.maxDocumentBytes) bytes",
                                        line: event.start_mark.line + 1)
                }
                if event.type == YAML_DOCUMENT_END_EVENT { return true }
                try KubeYAMLJSONWriter.handle(&event, stack: &stack, out: &out, rootIsNull: &rootIsNull,
                                              maxDepth: limits.maxDepth)
                return false
            }
            if done { break }
        }
        return rootIsNull ? nil : Data(out)
    }

    /// Parses one event, hands it to `body`, then frees it.
    private func withEvent<R>(_ body: (inout yaml_event_t) throws(KubeYAMLError) -> R)
        throws(KubeYAMLError) -> R
    {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw syntaxError() }
        defer { yaml_event_delete(&event) }
        return try body(&event)
    }

    private func syntaxError() -> KubeYAMLError {
        let p = parser.pointee
        let problem = p.problem.map { String(cString: $0) } ?? "unknown error"
        let context = p.context.map { String(cString: $0) + ": " } ?? ""
        return KubeYAMLError(.syntax, "\(context)\(problem)", line: p.problem_mark.line + 1)
    }
}
