/// One event of a watch stream.
public enum WatchEvent<Object: APIObject>: Sendable {
    /// `ADDED`
    case added(Object)
    /// `MODIFIED`
    case modified(Object)
    /// `DELETED` (the object's last state, with the deletion's resourceVersion)
    case deleted(Object)
    /// `BOOKMARK`: everything up to this resourceVersion was sent.
    case bookmark(resourceVersion: String)
    /// `BOOKMARK` annotated `k8s.io/initial-events-end: "true"`: a watch-list's initial state is complete at this
    /// resourceVersion (docs/api-client.md).
    case initialEventsEnd(resourceVersion: String)
    /// `ERROR`, with its Status (code 410: the watch's resourceVersion is too old).
    case error(APIStatus)
    /// A line that is not a valid event for `Object`; the stream goes on.
    case malformed(APIError)
}
