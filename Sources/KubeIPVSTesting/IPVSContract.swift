import KubeIPVSCore
import KubeIPVSKernel

/// The behaviour every ``IPVSControl`` must show, written once and run against both `FakeIPVS`
/// (`swift test`) and the real kernel through `NetlinkIPVS` (in the qemu guest), so the fake cannot
/// drift from the kernel.
///
/// Every check starts by flushing the table: run it only against a table nobody else uses.
public enum IPVSContract {
    /// What varies between environments.
    public struct Environment: Sendable, Hashable {
        /// A scheduler whose kernel module does not exist (Linux 6.1 has no `twos`); nil skips that check.
        public var missingScheduler: Scheduler?
        /// Size of the bulk check: virtual servers, and real servers per virtual server.
        public var bulkVirtualServers: Int
        public var bulkRealServers: Int

        public init(missingScheduler: Scheduler? = .twoRandomChoices, bulkVirtualServers: Int = 500,
                    bulkRealServers: Int = 4) {
            self.missingScheduler = missingScheduler
            self.bulkVirtualServers = bulkVirtualServers
            self.bulkRealServers = bulkRealServers
        }
    }

    /// Every check, in a stable order.
    public static var checks: [IPVSContractCheck] {
        virtualServerChecks + realServerChecks + tableChecks + batchChecks
    }

    /// Runs the checks whose name contains `filter` (all when nil), flushes, and reports each.
    public static func run(on control: any IPVSControl, environment: Environment = Environment(),
                           matching filter: String? = nil) async -> [ContractResult] {
        var results: [ContractResult] = []
        for check in checks where filter.map({ check.name.contains($0) }) ?? true {
            results.append(await check.run(on: control, environment: environment))
        }
        try? await control.flush()
        return results
    }
}

/// One named check of the ``IPVSContract``.
public struct IPVSContractCheck: Sendable, CustomStringConvertible {
    public let name: String
    let body: @Sendable (any IPVSControl, IPVSContract.Environment) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (any IPVSControl, IPVSContract.Environment) async throws -> Void) {
        self.name = name
        self.body = body
    }

    /// Flushes the table, then runs the check.
    public func run(on control: any IPVSControl,
                    environment: IPVSContract.Environment = IPVSContract.Environment()) async -> ContractResult {
        do {
            try await control.flush()
            try await body(control, environment)
            return ContractResult(name: name, failure: nil)
        } catch {
            return ContractResult(name: name, failure: "\(error)")
        }
    }

    public var description: String { name }
}

/// The outcome of one contract check.
public struct ContractResult: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    /// Why the check failed; nil when it passed.
    public let failure: String?

    public var passed: Bool { failure == nil }
    /// `PASS name` or `FAIL name: why`.
    public var description: String { passed ? "PASS \(name)" : "FAIL \(name): \(failure!)" }
}

/// A contract expectation that did not hold.
struct ContractFailure: Error, CustomStringConvertible {
    let description: String
}

func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw ContractFailure(description: message()) }
}

func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ what: String) throws {
    if actual != expected { throw ContractFailure(description: "\(what): got \(actual), expected \(expected)") }
}

/// Set equality that names only the differences (large tables).
func expectEqual<T: Hashable>(_ actual: Set<T>, _ expected: Set<T>, _ what: String) throws {
    guard actual != expected else { return }
    let missing = expected.subtracting(actual), extra = actual.subtracting(expected)
    throw ContractFailure(description: "\(what): \(actual.count) entries, expected \(expected.count); "
        + "missing \(missing.count): \(missing.prefix(3).map { "\($0)" }); unexpected \(extra.count): \(extra.prefix(3).map { "\($0)" })")
}

/// Expects `result` to have failed with exactly `errno` (and the code the errno classifies to).
func expectErrno(_ result: IPVSOperationResult?, _ errno: Int32, _ what: String) throws {
    guard let result else { throw ContractFailure(description: "\(what): no result") }
    guard let error = result.error else { throw ContractFailure(description: "\(what): succeeded, expected errno \(errno)") }
    try expectEqual(error.errno, errno, "\(what): errno of \(error)")
    try expectEqual(error.code, KernelError.classify(errno), "\(what): code")
}

func expectSuccess(_ results: [IPVSOperationResult], _ what: String) throws {
    if let failed = results.first(where: { !$0.succeeded }) {
        throw ContractFailure(description: "\(what): \(failed)")
    }
}

/// Applies `operations` and expects all to succeed.
func applyAll(_ control: any IPVSControl, _ operations: [IPVSOperation], _ what: String) async throws {
    try expectSuccess(await control.apply(operations), what)
}

/// A literal address (a programmer error when malformed).
func ip(_ text: String) -> IPAddress {
    guard let address = IPAddress(text) else { preconditionFailure("bad address literal \(text)") }
    return address
}

func vsKey(_ address: String, _ proto: L4Protocol, _ port: UInt16) -> VirtualServerKey {
    VirtualServerKey(address: ip(address), proto: proto, port: port)
}

func rsKey(_ address: String, _ port: UInt16) -> RealServerKey { RealServerKey(address: ip(address), port: port) }
