import KubeIPVSCore

/// Deletes conntrack entries with the `conntrack` tool, as kube-proxy does: best effort, one
/// command per filter; "0 flow entries have been deleted" is success.
public struct ConntrackCleaner: Sendable {
    /// Runs `conntrack` (in a namespace, for tests).
    public var runner: any CommandRunning
    /// Limit per `conntrack` command.
    public var timeout: Duration
    /// Commands run at once (a first sync deletes for every UDP service; one at a time that is
    /// most of its wall time).
    public var parallelism: Int

    /// A cleaner using `conntrack` from PATH.
    public init(runner: any CommandRunning = ProcessRunner(), timeout: Duration = .seconds(10), parallelism: Int = 4) {
        self.runner = runner
        self.timeout = timeout
        self.parallelism = max(1, parallelism)
    }

    /// Runs every deletion; returns how many entries went, and the failures in the order of
    /// `deletions` (the rest still ran).
    public func delete(_ deletions: [ConntrackDeletion]) async -> (deleted: Int, failures: [IptablesError]) {
        var outcomes: [(Int, Result<Int, IptablesError>)] = []
        await withTaskGroup(of: (Int, Result<Int, IptablesError>).self) { group in
            var next = 0
            func startNext() {
                guard next < deletions.count else { return }
                let (index, deletion) = (next, deletions[next])
                next += 1
                group.addTask { (index, await self.outcome(deletion)) }
            }
            for _ in 0..<parallelism { startNext() }
            for await outcome in group {
                outcomes.append(outcome)
                startNext()
            }
        }
        var deleted = 0
        var failures: [IptablesError] = []
        for (_, outcome) in outcomes.sorted(by: { $0.0 < $1.0 }) {
            switch outcome {
            case .success(let count): deleted += count
            case .failure(let error): failures.append(error)
            }
        }
        return (deleted, failures)
    }

    private func outcome(_ deletion: ConntrackDeletion) async -> Result<Int, IptablesError> {
        do {
            return .success(try await delete(deletion))
        } catch let error as IptablesError {
            return .failure(error)
        } catch {
            return .failure(IptablesError(code: .commandFailed, operation: "conntrack -D", target: deletion.description,
                                          message: "\(error)"))
        }
    }

    /// Runs one deletion; returns the number of entries the tool reports deleted.
    public func delete(_ deletion: ConntrackDeletion) async throws -> Int {
        let result = try await runner.run(["conntrack"] + deletion.arguments, input: nil, timeout: timeout)
        let count = Self.deletedCount(result.stderr + result.stdout)
        if result.timedOut {
            throw IptablesError(code: .timeout, operation: "conntrack -D", target: deletion.description)
        }
        // conntrack exits 1 when nothing matched ("0 flow entries have been deleted"): not a failure.
        if result.status != 0 && count != 0 {
            throw IptablesError(code: .commandFailed, operation: "conntrack -D", target: deletion.description,
                                exitStatus: result.status, message: IptablesRestore.relevantLines(result.stderr).joined(separator: "; "))
        }
        return count ?? 0
    }

    /// N from `conntrack v1.4.7 (conntrack-tools): N flow entries have been deleted.`
    static func deletedCount(_ output: String) -> Int? {
        guard let range = output.range(of: " flow entries have been deleted") else { return nil }
        let digits = output[..<range.lowerBound].reversed().prefix { $0.isNumber }
        return Int(String(digits.reversed()))
    }
}
