import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP, SIGUSR1, SIGUSR2 and SIGALRM, whose default action would end the daemon without a word, are trapped,
/// logged and ignored (SIGHUP does not reload: the sources already follow their inputs; docs/signals.md).
/// SIGTERM and SIGINT stay with the `ServiceGroup` as graceful shutdown signals.
public struct IgnoredSignals: Service {
    /// The trapped signals.
    public static let signals: [UnixSignal] = [.sighup, .sigusr1, .sigusr2, .sigalrm]

    private let sequence: UnixSignalsSequence
    private let logger: Logger

    /// Traps the signals at once (the initializer returns when they are registered), so none is lost between
    /// start-up and `run()`.
    public init(logger: Logger) async {
        sequence = await UnixSignalsSequence(trapping: Self.signals)
        self.logger = logger
    }

    /// Logs each trapped signal until graceful shutdown.
    public func run() async throws {
        for await signal in sequence.cancelOnGracefulShutdown() {
            logger.warning("received signal; ignored", metadata: ["signal": "\(signal)"])
        }
    }
}
