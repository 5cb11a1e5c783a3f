import Logging

/// `--logging-format`: klog's text lines (kube-proxy's default) or component-base's JSON objects.
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}

/// The one place the executable sets up logging (libraries only take a `Logger`).
public enum DaemonLogging {
    /// Bootstraps swift-log with ``KlogLogHandler`` at klog verbosity `verbosity` (`-v`). Call once, first thing.
    public static func bootstrap(format: LogFormat, verbosity: Int) {
        LoggingSystem.bootstrap { _ in KlogLogHandler(format: format, verbosity: verbosity) }
    }
}
