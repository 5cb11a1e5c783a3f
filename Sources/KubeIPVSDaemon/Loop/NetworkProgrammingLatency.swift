import Foundation
import KubeIPVSCore

/// kube-proxy's network programming latency (docs/metrics.md): each EndpointSlice change carries the
/// `endpoints.kubernetes.io/last-change-trigger-time` of the change it reflects; once a sync has
/// programmed the service, the time since then is observed. As kube-proxy's endpointslicecache: times
/// before the tracker started are ignored (a restart would report the age of the cluster), a deleted
/// slice drops its service's pending times (its annotation dates from its last update, not the deletion).
struct NetworkProgrammingLatency {
    let trackerStart: Date
    private(set) var pending: [ServiceName: [Date]] = [:]

    init(trackerStart: Date) { self.trackerStart = trackerStart }

    /// A slice was added or updated.
    mutating func updated(_ slice: KubeEndpointSlice) {
        guard let service = Self.service(of: slice),
              let text = slice.metadata.lastChangeTriggerTime, let time = Self.parse(text), time > trackerStart
        else { return }
        pending[service, default: []].append(time)
    }

    /// A slice was deleted.
    mutating func deleted(_ slice: KubeEndpointSlice) {
        guard let service = Self.service(of: slice) else { return }
        pending[service] = nil
    }

    /// The trigger times of `services` (all when nil), removed from the pending ones.
    mutating func take(_ services: Set<ServiceName>?) -> [Date] {
        guard let services else {
            defer { pending = [:] }
            return pending.values.flatMap { $0 }
        }
        return services.flatMap { pending.removeValue(forKey: $0) ?? [] }
    }

    static func service(of slice: KubeEndpointSlice) -> ServiceName? {
        guard let name = slice.serviceName else { return nil }
        return ServiceName(namespace: slice.metadata.namespace.isEmpty ? "default" : slice.metadata.namespace, name: name)
    }

    /// Go's RFC 3339 (`time.RFC3339Nano` output, as the controller writes it): `2026-12-07T16:30:00.5Z`,
    /// offsets `±hh:mm`, up to nine fraction digits. Anything else is nil.
    static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b.count <= 35 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for i in from..<from + count {
                guard i < b.count, b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let year = number(0, 4), b[4] == 45, let month = number(5, 2), b[7] == 45, let day = number(8, 2),
              b[10] == 84 || b[10] == 116, let hour = number(11, 2), b[13] == 58, let minute = number(14, 2),
              b[16] == 58, let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19, fraction = 0.0
        if b[i] == 46 {
            var scale = 0.1
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57, i - start < 9 { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
            guard i > start else { return nil }
        }
        var offset = 0
        if i < b.count, b[i] == 90 || b[i] == 122, i + 1 == b.count {
        } else if i + 6 == b.count, b[i] == 43 || b[i] == 45, let h = number(i + 1, 2), b[i + 3] == 58,
                  let m = number(i + 4, 2), h < 24, m < 60 {
            offset = (h * 3600 + m * 60) * (b[i] == 45 ? -1 : 1)
        } else {
            return nil
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900); parts.tm_mon = Int32(month - 1); parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour); parts.tm_min = Int32(minute); parts.tm_sec = Int32(second)
        let epoch = timegm(&parts)
        return Date(timeIntervalSince1970: Double(epoch - offset) + fraction)
    }
}
