import Foundation

/// What one planner benchmark run measured for one cluster size; travels from the child process to
/// the parent as one `RESULT {json}` line.
struct PlanMeasurement: Codable {
    /// Wall and CPU seconds of one phase, one sample per repetition.
    struct Phase: Codable {
        var wall: [Double] = []
        var cpu: [Double] = []

        var best: Double { wall.min() ?? 0 }
        var median: Double {
            let sorted = wall.sorted()
            return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        }
        var bestCPU: Double { cpu.min() ?? 0 }

        /// `12.3 ms (median 14.0 ms, cpu 12.1 ms)`.
        var summary: String {
            "\(BenchProcess.ms(best)) (median \(BenchProcess.ms(median)), cpu \(BenchProcess.ms(bestCPU)))"
        }
    }

    var services = 0
    var endpointsPerService = 0
    var servicePorts = 0
    var endpoints = 0
    var virtualServers = 0
    var realServers = 0
    var ipsetEntries = 0
    var boundAddresses = 0
    var rejections = 0
    var generateSeconds = 0.0
    /// `ProxySnapshot.build`.
    var normalise = Phase()
    /// `IPVSPlanner.plan`.
    var plan = Phase()
    /// `ProxySnapshot.build` + `IPVSPlanner.plan` in one repetition (what a full sync computes).
    var total = Phase()
    /// `IPVSTableText.render` (ipvsadm -Ln).
    var tableText = Phase()
    /// `IPSetText.render` (ipset save).
    var ipsetText = Phase()
    /// `IPVSPlanText.render` (the whole plan, as `kube-ipvs plan` and golden files print it).
    var planText = Phase()
    /// Bytes of the rendered plan text.
    var planTextBytes = 0
    /// Peak RSS (KiB): before generating, after generating the objects, after the first normalise,
    /// after the first plan (what a daemon's full sync peaks at), and at the end (renders included).
    var rssStartKiB = 0
    var rssObjectsKiB = 0
    var rssSnapshotKiB = 0
    var rssPlanKiB = 0
    var rssPeakKiB = 0
    /// How the peak was isolated: "child process" or "in process (clear_refs)".
    var isolation = ""

    static let prefix = "RESULT "

    func line() throws -> String {
        Self.prefix + String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }

    /// The measurement in a child's output, if it printed one.
    init?(output: String) {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix(Self.prefix) }),
              let decoded = try? JSONDecoder().decode(PlanMeasurement.self,
                                                      from: Data(line.dropFirst(Self.prefix.count).utf8))
        else { return nil }
        self = decoded
    }

    init() {}

    /// The human report for this size.
    var report: String {
        let label = "\(services) services x \(endpointsPerService) endpoints"
        var text = "== \(label): \(servicePorts) service ports, \(endpoints) endpoints\n"
        text += "   plan: \(virtualServers) virtual servers, \(realServers) real servers, \(ipsetEntries) ipset "
            + "entries, \(boundAddresses) bound addresses, \(rejections) rejections\n"
        text += "   generate objects           \(BenchProcess.ms(generateSeconds))\n"
        text += "   normalise (snapshot.build) \(normalise.summary)\n"
        text += "   plan (IPVSPlanner.plan)    \(plan.summary)\n"
        text += "   normalise + plan           \(total.summary)\n"
        text += "   render ipvsadm -Ln text    \(tableText.summary)\n"
        text += "   render ipset save text     \(ipsetText.summary)\n"
        text += "   render whole plan text     \(planText.summary), \(planTextBytes / 1024) KiB\n"
        text += "   peak RSS: start \(BenchProcess.mb(rssStartKiB)), + objects \(BenchProcess.mb(rssObjectsKiB)), "
            + "+ snapshot \(BenchProcess.mb(rssSnapshotKiB)), + plan \(BenchProcess.mb(rssPlanKiB)), "
            + "+ renders \(BenchProcess.mb(rssPeakKiB)) [\(isolation)]\n"
        return text
    }
}
