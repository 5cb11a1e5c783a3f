import Foundation
import KubeIPVSSources
import Testing
@testable import KubeIPVSDaemon

/// kube-ipvs's /metrics families against a real kube-proxy v1.28.7 IPVS-mode scrape
/// (Fixtures/kube-proxy-v1.28.7-ipvs-metrics.txt): same names, types and label names, except the
/// differences listed with their reason in Fixtures/metrics-differences.txt (docs/metrics.md).
struct MetricsGoldenTests {
    struct Family: Equatable, CustomStringConvertible {
        var type: String
        var labels: Set<String>
        var description: String { "\(type){\(labels.sorted().joined(separator: ","))}" }
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Families of a Prometheus text exposition: TYPE, and the label names of its samples (without `le`).
    static func families(_ text: String) -> [String: Family] {
        var out: [String: Family] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                out[String(parts[2]), default: Family(type: "", labels: [])].type = String(parts[3])
                continue
            }
            guard !line.hasPrefix("#"), let nameEnd = line.firstIndex(where: { $0 == "{" || $0 == " " }) else { continue }
            var name = String(line[..<nameEnd])
            if out[name] == nil {
                for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) && out[String(name.dropLast(suffix.count))] != nil {
                    name = String(name.dropLast(suffix.count))
                }
            }
            guard line[nameEnd] == "{", let close = line.lastIndex(of: "}") else { continue }
            let names = line[line.index(after: nameEnd)..<close].split(separator: ",").compactMap {
                $0.split(separator: "=").first.map(String.init)
            }.filter { $0 != "le" }
            out[name, default: Family(type: "", labels: [])].labels.formUnion(names)
        }
        return out
    }

    /// `kind name-or-prefix* reason` lines of the differences fixture.
    static func allowed() throws -> [(kind: String, pattern: String)] {
        let text = try String(contentsOf: fixtures.appendingPathComponent("metrics-differences.txt"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map {
            let parts = $0.split(separator: " ", maxSplits: 2)
            return (String(parts[0]), String(parts[1]))
        }
    }

    static func matches(_ pattern: String, _ name: String) -> Bool {
        pattern.hasSuffix("*") ? name.hasPrefix(pattern.dropLast()) : name == pattern
    }

    /// What an IPVS-mode daemon serves after API requests (rest client label sets exist once a request was made).
    static func kubeIPVS() -> String {
        let metrics = DaemonMetrics()
        metrics.setMode(.ipvs, fallback: false)
        for (method, code, bytes) in [("GET", "200", 0), ("POST", "201", 206)] {
            metrics.restClient.observe(APIRequestRecord(method: method, host: "127.0.0.1:6443", code: code,
                                                        duration: .milliseconds(30), requestBytes: bytes, responseBytes: 450))
        }
        return metrics.render()
    }

    @Test("every family of the kube-proxy scrape is served with its type and labels, or listed as a difference")
    func familiesMatchTheScrape() throws {
        let upstream = Self.families(try String(contentsOf: Self.fixtures.appendingPathComponent(
            "kube-proxy-v1.28.7-ipvs-metrics.txt"), encoding: .utf8))
        let ours = Self.families(Self.kubeIPVS())
        var differences: [(kind: String, name: String)] = []
        for (name, family) in upstream {
            guard let mine = ours[name] else { differences.append(("missing", name)); continue }
            if mine != family { differences.append(("differs", name)) }
        }
        for name in ours.keys where upstream[name] == nil { differences.append(("extra", name)) }
        let allowed = try Self.allowed()
        var used = Set<Int>()
        for d in differences.sorted(by: { $0.name < $1.name }) {
            let index = allowed.firstIndex { $0.kind == d.kind && Self.matches($0.pattern, d.name) }
            #expect(index != nil, "\(d.kind) \(d.name) is not listed: ours \(ours[d.name]?.description ?? "-"), kube-proxy \(upstream[d.name]?.description ?? "-")")
            if let index { used.insert(index) }
        }
        for (i, entry) in allowed.enumerated() where !used.contains(i) {
            Issue.record("stale difference entry: \(entry.kind) \(entry.pattern)")
        }
        // The families dashboards read are all there, with kube-proxy's labels.
        for name in ["process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds", "process_max_fds",
                     "process_start_time_seconds", "rest_client_requests_total", "rest_client_request_duration_seconds",
                     "kubernetes_build_info", "kubeproxy_sync_proxy_rules_no_local_endpoints_total",
                     "kubeproxy_network_programming_duration_seconds"] {
            #expect(ours[name] == upstream[name], "\(name)")
        }
    }

    @Test("buckets of the histograms are kube-proxy's and client-go's")
    func buckets() throws {
        let scrape = try String(contentsOf: Self.fixtures.appendingPathComponent("kube-proxy-v1.28.7-ipvs-metrics.txt"),
                                encoding: .utf8)
        let ours = Self.kubeIPVS()
        func les(_ text: String, _ prefix: String) -> [Double] {
            text.split(separator: "\n").filter { $0.hasPrefix(prefix) }.compactMap { line -> Double? in
                guard let r = line.range(of: "le=\"") else { return nil }
                let value = line[r.upperBound...].prefix { $0 != "\"" }
                return value == "+Inf" ? .infinity : Double(value)
            }
        }
        for prefix in ["kubeproxy_network_programming_duration_seconds_bucket",
                       "kubeproxy_sync_proxy_rules_duration_seconds_bucket",
                       "rest_client_request_duration_seconds_bucket{host=\"127.0.0.1:6443\",verb=\"GET\"",
                       "rest_client_request_size_bytes_bucket{host=\"127.0.0.1:6443\",verb=\"GET\"",
                       "rest_client_response_size_bytes_bucket{host=\"127.0.0.1:6443\",verb=\"GET\""] {
            #expect(les(ours, prefix) == les(scrape, prefix), "\(prefix)")
            #expect(!les(ours, prefix).isEmpty, "\(prefix)")
        }
    }

    @Test("process metrics are read from /proc: CPU, memory, descriptors, start time")
    func processMetrics() throws {
        let text = DaemonMetrics().render()
        func value(_ name: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
        }
        let fds = try #require(value("process_open_fds"))
        #expect(fds >= 3 && fds < 10_000)
        #expect(try #require(value("process_max_fds")) >= fds)
        #expect(try #require(value("process_resident_memory_bytes")) > 1_000_000)
        #expect(try #require(value("process_virtual_memory_bytes")) >= value("process_resident_memory_bytes")!)
        let start = try #require(value("process_start_time_seconds"))
        #expect(abs(start - Date().timeIntervalSince1970) < 24 * 3600)
        #expect(try #require(value("process_cpu_seconds_total")) > 0)
        #expect(ProcessMetrics.statFields("42 (a (b) c) S 1 2 3")?.first == "S")
        #expect(ProcessMetrics.limit("Max open files            1024                 4096                 files\n",
                                     "Max open files") == 1024)
        #expect(ProcessMetrics.limit("Max address space         unlimited            unlimited            bytes\n",
                                     "Max address space") == 18_446_744_073_709_551_615)
    }

    @Test("rest client metrics: requests by code, method and host; latency and sizes by verb and host")
    func restClient() {
        let metrics = DaemonMetrics()
        let r = APIRequestRecord(method: "GET", host: "10.96.0.1:443", code: "200", duration: .milliseconds(20),
                                 requestBytes: 0, responseBytes: nil)
        metrics.restClient.observe(r)
        metrics.restClient.observe(r)
        metrics.restClient.observe(APIRequestRecord(method: "GET", host: "10.96.0.1:443", code: "<error>",
                                                    duration: .seconds(5), requestBytes: 0, responseBytes: nil))
        let text = metrics.render()
        #expect(text.contains(#"rest_client_requests_total{code="200",host="10.96.0.1:443",method="GET"} 2"#))
        #expect(text.contains(#"rest_client_requests_total{code="<error>",host="10.96.0.1:443",method="GET"} 1"#))
        #expect(text.contains(#"rest_client_request_duration_seconds_bucket{host="10.96.0.1:443",verb="GET",le="0.025"} 2"#))
        #expect(text.contains(#"rest_client_request_duration_seconds_count{host="10.96.0.1:443",verb="GET"} 3"#))
        #expect(!text.contains("rest_client_response_size_bytes_count"), "no Content-Length, no observation")
        #expect(APIRequestRecord.host(of: "https://10.96.0.1/api/v1/services") == "10.96.0.1:443")
        #expect(APIRequestRecord.host(of: "http://[fd00::1]:6443/api") == "[fd00::1]:6443")
    }
}
