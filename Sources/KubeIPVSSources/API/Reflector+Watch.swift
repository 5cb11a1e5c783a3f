extension Reflector {
    /// One watch from the current resourceVersion until the server ends it. Returns whether it made progress
    /// (an event arrived or it lasted at least `minimumWatchDuration`). The resourceVersion advances with every
    /// event, so a broken connection resumes exactly after the last event received.
    func watchOnce(watchList: Bool = false) async throws -> Bool {
        let timeout = Int.random(in: configuration.watchTimeoutSeconds)
        let deadline = Duration.seconds(timeout) + configuration.watchGrace
        let started = ContinuousClock.now
        let events = try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask { try await self.consumeWatch(timeoutSeconds: timeout, watchList: watchList) }
            group.addTask {
                try await Task.sleep(for: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let events = first else {
                throw APIError(.timeout, operation: "watch \(resource)", message: "no end of watch after \(deadline)")
            }
            return events
        }
        state.withLockedValue { $0.watchesEnded += 1 }
        return events > 0 || ContinuousClock.now - started >= configuration.minimumWatchDuration
    }

    /// Streams one watch into `events`; returns how many events it carried. A watch-list first gathers its initial
    /// state (``InitialEvents``) and emits it as `.replaced`.
    private func consumeWatch(timeoutSeconds: Int, watchList: Bool) async throws -> Int {
        let from = watchList ? rewatchResourceVersion : statistics.resourceVersion
        let stream = try await client.watch(Object.self, resource, options: configuration.listOptions,
                                            resourceVersion: from, timeoutSeconds: timeoutSeconds,
                                            sendInitialEvents: watchList,
                                            maximumEventBytes: configuration.maximumEventBytes)
        state.withLockedValue { $0.watches += 1 }
        logger.debug("watching", metadata: ["resourceVersion": "\(from ?? "")", "timeoutSeconds": "\(timeoutSeconds)",
                                            "watchList": "\(watchList)"])
        var initial = watchList ? InitialEvents<Object>(limits: configuration.listOptions.limits) : nil
        if watchList { listActivity?(true) }
        defer { if initial != nil { listActivity?(false) } }
        var count = 0
        for try await event in stream {
            count += 1
            if initial != nil {
                if let (objects, version) = try takeInitial(event, into: &initial!) {
                    initial = nil
                    listActivity?(false)
                    finishInitialEvents(objects, resourceVersion: version)
                }
                continue
            }
            switch event {
            case .added(let object), .modified(let object):
                advance(object)
                continuation.yield(.upserted(object))
            case .deleted(let object):
                advance(object)
                continuation.yield(.deleted(object))
            case .bookmark(let version), .initialEventsEnd(let version):
                state.withLockedValue {
                    $0.resourceVersion = version
                    $0.lastSyncResourceVersion = version
                    $0.bookmarks += 1
                }
            case .error(let status):
                let operation = "watch \(resource)"
                let message = status.message ?? status.reason ?? "watch error"
                if status.code == 410 {
                    throw APIError(.gone, operation: operation, httpStatus: 410, message: message)
                }
                throw APIError(.watchError, operation: operation, httpStatus: status.code, message: message)
            case .malformed(let error):
                reportMalformed(error)
            }
        }
        if initial != nil { throw WatchListUnsupported.error("the watch ended before its initial events did") }
        return count
    }

    /// A watch line over the limit lost its event: resuming after the last event would deliver it again (and
    /// lose it again), so the watch is dropped and the resource relisted; the list carries the object.
    func droppedOversizedWatch(_ error: APIError) {
        let size = (error.underlying as? OversizedWatchEvent)?.bytes ?? 0
        state.withLockedValue {
            $0.oversizedEvents += 1
            $0.failures += 1
            $0.resourceVersion = nil
        }
        oversizedEvent?(size)
        logger.warning("watch event too large; dropping the watch and relisting",
                       metadata: ["event.bytes": "\(size)", "error": "\(error)"])
    }

    private func advance(_ object: Object) {
        state.withLockedValue { state in
            if let version = object.apiMetadata.resourceVersion, !version.isEmpty {
                state.resourceVersion = version
                state.lastSyncResourceVersion = version
            }
            state.eventsDelivered += 1
        }
    }
}
