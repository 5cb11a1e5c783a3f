import Foundation
import KubeIPVSCore

/// Planner benchmark: normalises and plans synthetic clusters of 1k, 10k and 50k services (10
/// endpoints each, see `SyntheticCluster`) and prints wall time, CPU time and peak RSS per phase.
///
/// Each size runs in a fresh child process (this executable again, with `--child N`), so its peak
/// RSS is its own. Times are the best of `--repeat` runs (the median is printed too): the machine is
/// shared, and the best run is the one least disturbed by other load.
///
/// Arguments: `--sizes 1000,10000,50000`, `--endpoints 10`, `--repeat 5`, `--in-process` (measure
/// every size in this process, resetting the peak with /proc/self/clear_refs), `--strict` (exit with
/// an error when a target is missed).
enum PlanBenchmark {
    struct Options {
        var sizes = [1000, 10_000, 50_000]
        var endpoints = 10
        var repeats = 5
        var child: Int?
        var inProcess = false
        var strict = false
    }

    /// The targets on this machine.
    static let targets: [(services: Int, seconds: Double)] = [(10_000, 0.150), (50_000, 1.0)]
    static let rssTargetKiB = 200 * 1024

    static func run(_ args: [String]) async throws {
        let options = try parse(args)
        if let size = options.child {
            let measurement = try measure(services: size, options: options, isolation: "child process")
            print(try measurement.line())
            return
        }
        print("kube-ipvs-bench plan: \(BenchProcess.machine())")
        var results: [PlanMeasurement] = []
        let prefix = options.inProcess ? nil : BenchProcess.invocationPrefix(for: args)
        for size in options.sizes {
            let measurement: PlanMeasurement
            if let prefix {
                measurement = try runChild(prefix: prefix, size: size, options: options)
            } else {
                BenchProcess.resetPeakRSS()
                measurement = try measure(services: size, options: options, isolation: "in process (clear_refs)")
            }
            print(measurement.report, terminator: "")
            results.append(measurement)
        }
        let missed = verdicts(results)
        if options.strict && missed > 0 { throw Failure("plan: \(missed) target(s) missed") }
    }

    static func parse(_ args: [String]) throws -> Options {
        var options = Options()
        var rest = args[...]
        func value(_ flag: String) throws -> String {
            guard let v = rest.popFirst() else { throw Failure("plan: \(flag) needs a value") }
            return v
        }
        func number(_ text: String, _ flag: String) throws -> Int {
            guard let n = Int(text), n > 0 else { throw Failure("plan: \(flag) \(text) is not a positive number") }
            return n
        }
        while let arg = rest.popFirst() {
            switch arg {
            case "--sizes":
                options.sizes = try value(arg).split(separator: ",").map { try number(String($0), arg) }
            case "--endpoints": options.endpoints = try number(try value(arg), arg)
            case "--repeat": options.repeats = try number(try value(arg), arg)
            case "--child": options.child = try number(try value(arg), arg)
            case "--in-process": options.inProcess = true
            case "--strict": options.strict = true
            default: throw Failure("plan: unknown argument \(arg)")
            }
        }
        return options
    }

    static func runChild(prefix: [String], size: Int, options: Options) throws -> PlanMeasurement {
        let args = prefix + ["--child", "\(size)", "--endpoints", "\(options.endpoints)",
                             "--repeat", "\(options.repeats)"]
        let (status, output) = try BenchProcess.runSelf(args)
        guard status == 0, let measurement = PlanMeasurement(output: output) else {
            throw Failure("plan: child for \(size) services exited \(status): \(output)")
        }
        return measurement
    }

    /// Generates the cluster, then `repeats` times: normalise, plan, render.
    static func measure(services size: Int, options: Options, isolation: String) throws -> PlanMeasurement {
        var m = PlanMeasurement()
        m.isolation = isolation
        m.rssStartKiB = BenchProcess.peakRSSKiB()
        let g0 = BenchProcess.now()
        let cluster = SyntheticCluster(services: size, endpointsPerService: options.endpoints)
        m.generateSeconds = BenchProcess.now() - g0
        m.rssObjectsKiB = BenchProcess.peakRSSKiB()
        m.services = size
        m.endpointsPerService = options.endpoints
        m.servicePorts = cluster.servicePortCount
        m.endpoints = cluster.endpointCount
        for round in 0..<options.repeats {
            let (snapshot, normaliseSample) = timed {
                ProxySnapshot.build(services: cluster.services, slices: cluster.slices, node: cluster.node)
            }
            if round == 0 { m.rssSnapshotKiB = BenchProcess.peakRSSKiB() }
            let (plan, planSample) = timed { IPVSPlanner.plan(snapshot, node: cluster.node, config: cluster.config) }
            record(normaliseSample, in: &m.normalise)
            record(planSample, in: &m.plan)
            record((normaliseSample.0 + planSample.0, normaliseSample.1 + planSample.1), in: &m.total)
            if round == 0 {
                m.rssPlanKiB = BenchProcess.peakRSSKiB()
                try describe(plan, into: &m)
            }
            let (table, tableSample) = timed { IPVSTableText.render(plan) }
            let (sets, setSample) = timed { IPSetText.render(plan.ipsets) }
            let (text, textSample) = timed { IPVSPlanText.render(plan) }
            record(tableSample, in: &m.tableText)
            record(setSample, in: &m.ipsetText)
            record(textSample, in: &m.planText)
            m.planTextBytes = text.utf8.count
            // The renders must not be optimised away: they are checked against the plan.
            guard table.utf8.count > plan.virtualServers.count, sets.utf8.count >= m.ipsetEntries else {
                throw Failure("plan: rendered text is shorter than the plan")
            }
        }
        m.rssPeakKiB = BenchProcess.peakRSSKiB()
        return m
    }

    static func describe(_ plan: IPVSPlan, into m: inout PlanMeasurement) throws {
        m.virtualServers = plan.virtualServers.count
        m.realServers = plan.virtualServers.reduce(0) { $0 + $1.realServers.count }
        m.ipsetEntries = plan.ipsets.reduce(0) { $0 + $1.entries.count }
        m.boundAddresses = plan.boundAddresses.count
        m.rejections = plan.rejections.count
        // The synthetic cluster is valid: a rejection means the benchmark measures the wrong thing.
        if let first = plan.rejections.first {
            throw Failure("plan: \(plan.rejections.count) rejections, first: \(first)")
        }
    }

    static func timed<T>(_ body: () -> T) -> (T, (Double, Double)) {
        let w0 = BenchProcess.now(), c0 = BenchProcess.cpuNow()
        let value = body()
        return (value, (BenchProcess.now() - w0, BenchProcess.cpuNow() - c0))
    }

    static func record(_ sample: (Double, Double), in phase: inout PlanMeasurement.Phase) {
        phase.wall.append(sample.0)
        phase.cpu.append(sample.1)
    }

    /// Prints each target with the measured figure; returns how many were missed. Time targets are
    /// judged on wall time and CPU time: on a machine shared with other builds (load average above
    /// the CPU count) wall time mostly measures waiting for a CPU. Peak RSS is judged at the end of
    /// planning (objects + snapshot + plan, what a daemon's full sync holds); the text renders,
    /// which only `kube-ipvs plan` does, are printed beside it.
    static func verdicts(_ results: [PlanMeasurement]) -> Int {
        print("== targets (best of repeats; normalise + plan) on \(BenchProcess.machine())")
        var missed = 0
        func verdict(_ ok: Bool) -> String {
            if !ok { missed += 1 }
            return ok ? "met" : "MISSED"
        }
        for target in targets {
            guard let m = results.first(where: { $0.services == target.services }) else { continue }
            let limit = BenchProcess.ms(target.seconds)
            print("   \(target.services) x \(m.endpointsPerService) <= \(limit): wall \(BenchProcess.ms(m.total.best)) "
                  + "\(verdict(m.total.best <= target.seconds)), cpu \(BenchProcess.ms(m.total.bestCPU)) "
                  + "\(verdict(m.total.bestCPU <= target.seconds))")
        }
        for m in results {
            print("   \(m.services) x \(m.endpointsPerService): peak RSS \(BenchProcess.mb(m.rssPlanKiB)) <= "
                  + "\(BenchProcess.mb(rssTargetKiB)): \(verdict(m.rssPlanKiB <= rssTargetKiB)) "
                  + "(with text renders \(BenchProcess.mb(m.rssPeakKiB)))")
        }
        return missed
    }
}

extension PlanBenchmark {
    /// A usage or set-up failure, or (with `--strict`) a missed target.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
