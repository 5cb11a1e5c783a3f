/// What a reflector reports about its resource.
public enum ReflectorEvent<Object: APIObject>: Sendable {
    /// The complete current set of objects, after each (re)list: anything not in it is gone.
    case replaced([Object])
    /// An object was added or changed.
    case upserted(Object)
    /// An object was deleted (its last state).
    case deleted(Object)
}

/// Counters of a reflector's work, for tests, logs and metrics.
public struct ReflectorStatistics: Sendable, Equatable {
    /// Completed lists (each emitted `.replaced`).
    public var lists = 0
    /// Relists forced by 410 Gone.
    public var relistsAfterGone = 0
    /// Watch requests answered with 200.
    public var watches = 0
    /// Watches the server ended cleanly (timeoutSeconds).
    public var watchesEnded = 0
    /// Failures (connection errors, error statuses, short watches) each followed by a backoff sleep.
    public var failures = 0
    /// BOOKMARK events seen.
    public var bookmarks = 0
    /// Events and list items skipped because they did not decode.
    public var malformedEvents = 0
    /// Watch event lines over `maximumEventBytes`: each dropped its watch and forced a relist.
    public var oversizedEvents = 0
    /// Objects emitted by `.upserted` and `.deleted`.
    public var eventsDelivered = 0
    /// The resourceVersion the next watch starts from (nil before the first list and after 410).
    public var resourceVersion: String?
    /// The last resourceVersion seen (kept across 410: a relist reads the watch cache not older than it).
    public var lastSyncResourceVersion: String?
    /// Lists whose first page read the watch cache (`resourceVersion=0` or `NotOlderThan`).
    public var cacheLists = 0
    /// Lists read from etcd (no resourceVersion): only after the cache could not serve a relist.
    public var quorumLists = 0
    /// Watch-lists whose initial state arrived whole (each emitted `.replaced` and counts in `lists` too).
    public var watchLists = 0
    /// The server refused watch-list or did not end its initial events: list+watch from then on.
    public var watchListUnsupported = false
    /// The read of the latest list request, successful or not.
    public var lastListRead: ListRead?
    /// The cache refused `lastSyncResourceVersion` (410, too large): the next list is a quorum read.
    var lastSyncUnavailable = false
    /// A `resourceVersion=0` list came back in pages: the server pages cache reads, so relists keep `limit`.
    var paginatedResult = false

    /// Zero counters.
    public init() {}
}
