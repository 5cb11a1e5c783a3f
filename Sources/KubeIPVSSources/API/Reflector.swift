import Logging
import NIOConcurrencyHelpers

/// client-go's reflector for one resource: list, then watch from the list's resourceVersion, and keep going.
/// Lists read the API server's watch cache, not etcd (docs/api-client.md). BOOKMARKs advance the resourceVersion;
/// a watch the server ends (timeoutSeconds) is resumed from the last resourceVersion without relisting; 410 Gone
/// (status or ERROR event) relists and emits `.replaced` with the current state; connection errors and error statuses retry with bounded exponential backoff and jitter.
/// Malformed events are logged, counted and skipped. The constructor starts nothing; `run()` does.
public final class Reflector<Object: APIObject>: Sendable {
    /// Tunables.
    public struct Configuration: Sendable {
        /// Selectors, namespace and page size.
        public var listOptions: ListOptions
        /// Each watch asks the server for a timeout drawn from this range (client-go: 5–10 minutes).
        public var watchTimeoutSeconds: ClosedRange<Int>
        /// How long past its timeout a silent watch is abandoned (a dead connection).
        public var watchGrace: Duration
        /// Backoff between failed attempts.
        public var backoff: Backoff.Policy
        /// A watch ending sooner than this with no event counts as a failure (client-go's "very short watch").
        public var minimumWatchDuration: Duration
        /// The longest watch event line kept; a longer one drops the watch and relists (docs/bounds.md).
        public var maximumEventBytes: Int
        /// Stream the initial state with a watch-list instead of listing, while the server supports it
        /// (docs/api-client.md); off by default.
        public var watchList = false

        /// A configuration; the defaults are client-go's.
        public init(listOptions: ListOptions = ListOptions(), watchTimeoutSeconds: ClosedRange<Int> = 300...600,
                    watchGrace: Duration = .seconds(30), backoff: Backoff.Policy = Backoff.Policy(),
                    minimumWatchDuration: Duration = .seconds(1), maximumEventBytes: Int = 16 << 20) {
            self.listOptions = listOptions
            self.watchTimeoutSeconds = watchTimeoutSeconds
            self.watchGrace = watchGrace
            self.backoff = backoff
            self.minimumWatchDuration = minimumWatchDuration
            self.maximumEventBytes = maximumEventBytes
        }
    }

    /// Sleeps for a backoff delay; injectable so tests need not wait.
    public typealias Sleep = @Sendable (Duration) async throws -> Void
    /// Told `true` when a (paged) list starts and `false` when it ends, however it ends, so liveness can
    /// notice a list that never finishes.
    public typealias ListActivity = @Sendable (_ listing: Bool) -> Void

    /// The events, for one consumer. Finishes when `run()` returns.
    public let events: AsyncStream<ReflectorEvent<Object>>
    let continuation: AsyncStream<ReflectorEvent<Object>>.Continuation
    let client: APIClient
    let resource: APIResource
    let configuration: Configuration
    let logger: Logger
    let sleep: Sleep
    let random: @Sendable () -> Double
    let listActivity: ListActivity?
    let oversizedEvent: (@Sendable (_ bytes: Int) -> Void)?
    let state = NIOLockedValueBox(ReflectorStatistics())

    /// A reflector for `resource` through `client`. `sleep` waits out backoff delays and `random` draws jitter
    /// (both injectable for tests); `listActivity` hears when each list starts and ends, `oversizedEvent` of
    /// each watch line over `maximumEventBytes` (for a metric).
    public init(client: APIClient, resource: APIResource, configuration: Configuration = Configuration(),
                logger: Logger, sleep: @escaping Sleep = { try await Task.sleep(for: $0) },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                listActivity: ListActivity? = nil, oversizedEvent: (@Sendable (_ bytes: Int) -> Void)? = nil) {
        let (stream, continuation) = AsyncStream<ReflectorEvent<Object>>.makeStream(bufferingPolicy: .unbounded)
        self.events = stream
        self.continuation = continuation
        self.client = client
        self.resource = resource
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "resource"] = "\(resource)"
        self.logger = logger
        self.sleep = sleep
        self.random = random
        self.listActivity = listActivity
        self.oversizedEvent = oversizedEvent
    }

    /// The counters so far.
    public var statistics: ReflectorStatistics { state.withLockedValue { $0 } }

    /// Lists and watches until the calling task is cancelled; then finishes `events`.
    public func run() async {
        defer { continuation.finish() }
        var backoff = Backoff(policy: configuration.backoff)
        var consecutiveGone = 0
        while !Task.isCancelled {
            let before = progressMark
            do {
                let progressed: Bool
                if statistics.resourceVersion == nil, let streamed = try await watchListIfSupported() {
                    progressed = streamed
                } else {
                    if statistics.resourceVersion == nil { try await relist() }
                    progressed = try await watchOnce()
                }
                consecutiveGone = 0
                if progressed {
                    backoff.reset()
                } else {
                    state.withLockedValue { $0.failures += 1 }
                    logger.warning("watch ended at once without events; backing off")
                    try await sleep(backoff.next(random: random()))
                }
            } catch is CancellationError {
                return
            } catch let error as APIError where error.underlying is OversizedWatchEvent {
                if Task.isCancelled { return }
                droppedOversizedWatch(error)
                // Backed off (and not reset) like any failure: an object rewritten over and over must not
                // make relists spin.
                do { try await sleep(backoff.next(random: random())) } catch { return }
            } catch let error as APIError where error.isGone {
                if Task.isCancelled { return }
                logger.info("resourceVersion too old; relisting", metadata: ["error": "\(error)"])
                state.withLockedValue { $0.resourceVersion = nil; $0.relistsAfterGone += 1 }
                consecutiveGone += 1
                // A relist answers a 410 at once, as client-go does; only a 410 loop backs off.
                if consecutiveGone > 1 { try? await sleep(backoff.next(random: random())) }
            } catch {
                if Task.isCancelled { return }
                state.withLockedValue { $0.failures += 1 }
                // A watch that delivered something before breaking was healthy: start the backoff over.
                if progressMark != before { backoff.reset() }
                let delay = backoff.next(random: random())
                logger.warning("list/watch failed; retrying", metadata: ["error": "\(error)", "backoff": "\(delay)"])
                do { try await sleep(delay) } catch { return }
            }
        }
    }

    /// Changes whenever the stream delivered anything.
    private var progressMark: Int {
        state.withLockedValue { $0.lists + $0.eventsDelivered + $0.bookmarks + $0.malformedEvents }
    }

    func reportMalformed(_ error: APIError) {
        state.withLockedValue { $0.malformedEvents += 1 }
        logger.warning("skipping malformed object", metadata: ["error": "\(error)"])
    }
}
