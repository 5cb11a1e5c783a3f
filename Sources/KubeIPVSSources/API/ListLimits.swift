/// Bounds on one complete (paged) list, so a hostile or broken API server cannot make a list endless or huge:
/// exceeding one throws `APIError(.limitExceeded)`, and the reflector backs off and relists. Reasons for the
/// defaults are in docs/bounds.md, "Sources and decoding".
public struct ListLimits: Sendable, Hashable {
    /// Most pages one list may take.
    public var maxPages: Int
    /// Most response-body bytes for one page; the body is cut off as soon as it passes.
    public var maxPageBytes: Int
    /// Most response-body bytes for the whole list (all pages together); a page is cut off as soon as it passes.
    public var maxBodyBytes: Int
    /// Longest time the whole list may take, from its first request to its last page.
    public var deadline: Duration

    /// Creates a value from its parts.
    public init(maxPages: Int, maxPageBytes: Int, maxBodyBytes: Int, deadline: Duration) {
        self.maxPages = maxPages
        self.maxPageBytes = maxPageBytes
        self.maxBodyBytes = maxBodyBytes
        self.deadline = deadline
    }

    /// 1,000 pages, 64 MiB a page, 256 MiB a list, 5 minutes.
    public static let `default` = ListLimits(maxPages: 1000, maxPageBytes: 64 << 20, maxBodyBytes: 256 << 20,
                                             deadline: .seconds(300))
}
