/// The server module's one error type: a Kubernetes `Status` failure (HTTP code, reason, message).
public struct TestAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// HTTP status code, also `Status.code`.
    public var code: Int
    /// `Status.reason` (`NotFound`, `AlreadyExists`, `Conflict`, `Expired`, `BadRequest`, ...).
    public var reason: String
    /// `Status.message`.
    public var message: String
    /// `Status.details` (name and kind), when the error is about one object.
    public var details: (name: String, kind: String)?

    /// A failure with the given fields.
    public init(code: Int, reason: String, message: String, details: (name: String, kind: String)? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    public static func == (lhs: TestAPIError, rhs: TestAPIError) -> Bool {
        lhs.code == rhs.code && lhs.reason == rhs.reason && lhs.message == rhs.message
            && lhs.details?.name == rhs.details?.name && lhs.details?.kind == rhs.details?.kind
    }

    public var description: String { "\(code) \(reason): \(message)" }

    /// 400 BadRequest.
    public static func badRequest(_ message: String) -> TestAPIError {
        TestAPIError(code: 400, reason: "BadRequest", message: message)
    }

    /// 404 NotFound for one object.
    public static func notFound(_ resource: ServedResource, _ name: String) -> TestAPIError {
        TestAPIError(code: 404, reason: "NotFound", message: "\(resource.qualifiedName) \"\(name)\" not found",
                     details: (name, resource.plural))
    }

    /// 409 AlreadyExists.
    public static func alreadyExists(_ resource: ServedResource, _ name: String) -> TestAPIError {
        TestAPIError(code: 409, reason: "AlreadyExists",
                     message: "\(resource.qualifiedName) \"\(name)\" already exists", details: (name, resource.plural))
    }

    /// 409 Conflict (stale `metadata.resourceVersion` on update).
    public static func conflict(_ resource: ServedResource, _ name: String) -> TestAPIError {
        TestAPIError(code: 409, reason: "Conflict",
                     message: "Operation cannot be fulfilled on \(resource.qualifiedName) \"\(name)\": the object has "
                         + "been modified; please apply your changes to the latest version and try again",
                     details: (name, resource.plural))
    }

    /// 410 Expired: a watch from a resourceVersion older than the retained history (the watch cache's text).
    public static func tooOldResourceVersion(requested: UInt64, oldest: UInt64) -> TestAPIError {
        TestAPIError(code: 410, reason: "Expired", message: "too old resource version: \(requested) (\(oldest))")
    }

    /// 410 Expired: a list continue token older than the retained history.
    public static let continueExpired = TestAPIError(
        code: 410, reason: "Expired",
        message: "The provided continue parameter is too old to display a consistent list result. You can start a new "
            + "list without the continue parameter.")

    /// The `Status` object kube-apiserver sends for this failure.
    public var status: JSONValue {
        var members: [(String, JSONValue)] = [
            ("kind", .string("Status")), ("apiVersion", .string("v1")), ("metadata", .object(JSONObject())),
            ("status", .string("Failure")), ("message", .string(message)), ("reason", .string(reason)),
        ]
        if let details {
            members.append(("details", .object(JSONObject([("name", .string(details.name)),
                                                           ("kind", .string(details.kind))]))))
        } else if code == 404 {
            members.append(("details", .object(JSONObject())))
        }
        members.append(("code", .int(Int64(code))))
        return .object(JSONObject(members))
    }
}
