/// What a watch connection is told to do next, in commit order.
public enum WatchSignal: Sendable, Equatable {
    /// Send this line (one event, newline-terminated).
    case line([UInt8])
    /// Send this line cut in half, then drop the connection (fault injection).
    case truncated([UInt8])
    /// End the response cleanly (server-side timeout).
    case end
    /// Close the connection without ending the chunked body (fault injection).
    case drop
}

/// What a watch request asks for.
public struct WatchQuery: Sendable {
    /// Namespace from the URL, or nil for all namespaces.
    public var namespace: String?
    /// `labelSelector`.
    public var labels: ParsedLabelSelector = .everything
    /// `fieldSelector`.
    public var fields: ParsedFieldSelector?
    /// `resourceVersion`; nil or 0 starts with synthetic ADDED events for the current state.
    public var resourceVersion: UInt64?
    /// `sendInitialEvents=true` (watch-list): the current state as ADDED events, then a BOOKMARK annotated
    /// `k8s.io/initial-events-end: "true"`, whatever the resourceVersion (NotOlderThan).
    public var sendInitialEvents = false

    /// A watch query.
    public init(namespace: String? = nil, labels: ParsedLabelSelector = .everything, fields: ParsedFieldSelector? = nil,
                resourceVersion: UInt64? = nil) {
        self.namespace = namespace
        self.labels = labels
        self.fields = fields
        self.resourceVersion = resourceVersion
    }

    var listQuery: ListQuery { ListQuery(namespace: namespace, labels: labels, fields: fields) }
}

/// A registered watch.
struct Watcher: Sendable {
    var resource: ServedResource
    var query: WatchQuery
    /// Only changes after this resourceVersion are sent.
    var startResourceVersion: UInt64
    var continuation: AsyncStream<WatchSignal>.Continuation
    var truncateNextEvent = false

    /// The event this watcher sees for a change, following the watch cache's rules (`cacheWatcher.convertToWatchEvent`):
    /// an object that starts matching the selectors is ADDED, one that stops matching is DELETED (previous content,
    /// the change's resourceVersion).
    func line(for entry: APIStore.HistoryEntry) -> [UInt8]? {
        guard entry.resource == resource, entry.resourceVersion > startResourceVersion else { return nil }
        let matcher = query.listQuery
        let current = entry.type != .deleted && matcher.matches(entry.object)
        let previous = entry.previous.map(matcher.matches) ?? false
        switch (current, previous) {
        case (true, false): return entry.object.watchLine(type: "ADDED")
        case (true, true): return entry.object.watchLine(type: "MODIFIED")
        case (false, true):
            return entry.previous!.withResourceVersion(entry.resourceVersion).watchLine(type: "DELETED")
        case (false, false): return nil
        }
    }
}

extension APIStore {
    /// Starts a watch. With a resourceVersion, replays the retained changes after it (410 Expired when it is older
    /// than the history window); without one (or "0"), first sends the current objects as ADDED events.
    /// The stream ends when the consumer stops; a registered watcher is removed then.
    public func watch(_ resource: ServedResource, _ query: WatchQuery) throws -> (id: Int, signals: AsyncStream<WatchSignal>) {
        let (stream, continuation) = AsyncStream<WatchSignal>.makeStream(bufferingPolicy: .unbounded)
        let id = try state.withLockedValue { state in
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            var watcher = Watcher(resource: resource, query: query, startResourceVersion: state.resourceVersion,
                                  continuation: continuation)
            if query.sendInitialEvents {
                var backlog = Self.initialEvents(state, resource, query.listQuery)
                backlog += resource.bookmarkObject(resourceVersion: state.resourceVersion, initialEventsEnd: true)
                    .watchLine(type: "BOOKMARK")
                continuation.yield(.line(backlog))
            } else if let from = query.resourceVersion, from != 0 {
                guard from >= state.floor else {
                    throw TestAPIError.tooOldResourceVersion(requested: from, oldest: state.floor + 1)
                }
                watcher.startResourceVersion = from
                // Like kube-apiserver, which flushes only when no event is pending, the backlog goes out as one chunk.
                var backlog: [UInt8] = []
                for entry in state.history where entry.resourceVersion > from {
                    if let line = watcher.line(for: entry) { backlog += line }
                }
                if !backlog.isEmpty { continuation.yield(.line(backlog)) }
            } else {
                let backlog = Self.initialEvents(state, resource, query.listQuery)
                if !backlog.isEmpty { continuation.yield(.line(backlog)) }
            }
            state.watchers[id] = watcher
            return id
        }
        // Not under the cancelling task's status lock: that lock is held while this runs, and a yield made under
        // the store's lock takes it too (a consumer's cancellation and a yield to it deadlocked the two threads).
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            Task.detached { self.cancelWatch(id) }
        }
        return (id, stream)
    }

    /// The current objects matching `matcher` as ADDED event lines, in key order.
    private static func initialEvents(_ state: State, _ resource: ServedResource, _ matcher: ListQuery) -> [UInt8] {
        var backlog: [UInt8] = []
        for object in state.objects[resource, default: [:]].values.sorted(by: { $0.key < $1.key })
        where matcher.matches(object) {
            backlog += object.watchLine(type: "ADDED")
        }
        return backlog
    }

    /// Queues a BOOKMARK carrying the current resourceVersion; queued behind every change already sent, so a client
    /// that resumes from it misses nothing.
    public func bookmark(_ id: Int) {
        state.withLockedValue { state in
            guard let watcher = state.watchers[id] else { return }
            let version = max(state.resourceVersion, watcher.startResourceVersion)
            let object = watcher.resource.bookmarkObject(resourceVersion: version)
            watcher.continuation.yield(.line(object.watchLine(type: "BOOKMARK")))
        }
    }

    /// Sends one watcher a final signal (`.end` at its timeout, `.drop` when its connection closed) and removes it.
    public func finishWatch(_ id: Int, with signal: WatchSignal) {
        state.withLockedValue { state in
            _ = state.watchers.removeValue(forKey: id)?.continuation.yield(signal)
        }
    }

    /// Removes a watcher.
    public func cancelWatch(_ id: Int) {
        _ = state.withLockedValue { $0.watchers.removeValue(forKey: id) }
    }

    /// The number of registered watchers, optionally of one resource.
    public func watcherCount(_ resource: ServedResource? = nil) -> Int {
        state.withLockedValue { state in state.watchers.values.filter { resource == nil || $0.resource == resource }.count }
    }

    /// Tells every watcher (of one resource, or all) to end cleanly (as at timeoutSeconds) or to drop.
    public func signalWatchers(_ signal: WatchSignal, resource: ServedResource? = nil) {
        state.withLockedValue { state in
            for (id, watcher) in state.watchers where resource == nil || watcher.resource == resource {
                watcher.continuation.yield(signal)
                state.watchers[id] = nil
            }
        }
    }

    /// Sends every watcher an ERROR event with a 410 Expired Status and ends it: what kube-apiserver does when a
    /// watcher falls out of the watch cache window or etcd compacts under it.
    public func expireWatchers(resource: ServedResource? = nil) {
        state.withLockedValue { state in
            let error = TestAPIError.tooOldResourceVersion(requested: state.floor, oldest: state.resourceVersion)
            for (id, watcher) in state.watchers where resource == nil || watcher.resource == resource {
                watcher.continuation.yield(.line(error.status.watchLine(type: "ERROR")))
                watcher.continuation.yield(.end)
                state.watchers[id] = nil
            }
        }
    }

    /// Sends raw bytes to every current watcher, in order with real events (a malformed event, say).
    public func injectWatchBytes(_ bytes: [UInt8], resource: ServedResource? = nil) {
        state.withLockedValue { state in
            for watcher in state.watchers.values where resource == nil || watcher.resource == resource {
                watcher.continuation.yield(.line(bytes))
            }
        }
    }

    /// Makes the next event of every current watcher arrive cut in half, followed by a dropped connection.
    public func truncateNextEvent(resource: ServedResource? = nil) {
        state.withLockedValue { state in
            for id in state.watchers.keys where resource == nil || state.watchers[id]!.resource == resource {
                state.watchers[id]!.truncateNextEvent = true
            }
        }
    }

    /// Sends a change to every watcher. Called with the lock held, so watchers see changes in commit order.
    func deliver(_ state: inout State, _ entry: HistoryEntry) {
        for (id, watcher) in state.watchers {
            guard let line = watcher.line(for: entry) else { continue }
            if watcher.truncateNextEvent {
                watcher.continuation.yield(.truncated(line))
                state.watchers[id] = nil
            } else {
                watcher.continuation.yield(.line(line))
            }
        }
    }
}
