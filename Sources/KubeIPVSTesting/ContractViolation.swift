import KubeIPVSKernel

/// A contract check that did not hold: what was checked, what was expected, what happened.
///
/// Contracts throw it instead of using a test framework, so they also run in plain executables
/// (the qemu guest harness) and report through whatever calls them.
public struct ContractViolation: Error, CustomStringConvertible, Sendable {
    public var check: String
    public var expected: String
    public var actual: String
    public var location: String

    public var description: String { "\(location): \(check): expected \(expected), got \(actual)" }
}

/// The checks contracts are written with.
enum Contract {
    static func equal<T: Equatable>(_ actual: T, _ expected: T, _ check: String,
                                    file: StaticString = #fileID, line: UInt = #line) throws {
        guard actual == expected else {
            throw ContractViolation(check: check, expected: "\(expected)", actual: "\(actual)", location: "\(file):\(line)")
        }
    }

    static func isTrue(_ condition: Bool, _ check: String, file: StaticString = #fileID, line: UInt = #line) throws {
        try equal(condition, true, check, file: file, line: line)
    }

    /// `body` must throw a ``KernelError`` with this code, errno (nil: none) and, when given,
    /// exactly this detail and target.
    @discardableResult
    static func fails(_ check: String, code: KernelError.Code, errno: Int32?, detail: String? = nil,
                      target: String? = nil, file: StaticString = #fileID, line: UInt = #line,
                      _ body: () async throws -> Void) async throws -> KernelError {
        let location = "\(file):\(line)"
        let expected = "KernelError(\(code), errno \(errno.map(String.init) ?? "nil")"
            + (detail.map { ", \"\($0)\"" } ?? "") + (target.map { ", target \($0)" } ?? "") + ")"
        do {
            try await body()
        } catch let error as KernelError {
            let matches = error.code == code && error.errno == errno
                && (detail == nil || error.detail == detail) && (target == nil || error.target == target)
            guard matches else {
                throw ContractViolation(check: check, expected: expected, actual: "\(error) [\(error.code)]", location: location)
            }
            return error
        } catch {
            throw ContractViolation(check: check, expected: expected, actual: "\(type(of: error)): \(error)", location: location)
        }
        throw ContractViolation(check: check, expected: expected, actual: "success", location: location)
    }
}
