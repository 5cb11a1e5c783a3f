import Logging

/// `kube-ipvs-bench daemon` and `daemon-rest`: the daemon's own figures at N services x M endpoints
/// (issue 4 item 11), on the real kernel (root, ip_vs, dummy links, ipset, iptables: the qemu guest,
/// `Tests/Guest/run-guest-bench.sh daemon`) or, with `--fake`, on the in-memory fakes.
///
/// - `daemon`: an ``IPVSProxier`` on the real netlink/libipset/rtnetlink/iptables-restore backends, as
///   `kube-ipvs` builds it: full sync from an empty kernel vs `ipvsadm -R` of the same IPVS table (same
///   run), then `--changes` single-EndpointSlice changes, each handed to the proxier and timed until
///   the kernel operations return (p50/p99).
/// - `daemon-rest`: a whole ``ProxyDaemon`` (a fresh process) after its first sync: CPU over
///   `--seconds` with nothing changing, and peak RSS.
///
/// Each figure is printed with its target and `met` / `MISSED`; `--strict` turns a miss into exit 1.
enum DaemonBenchmark {
    struct Options {
        var services = 10_000
        var endpoints = 10
        var changes = 200
        var seconds = 10
        var fake = false
        var compareIpvsadm = true
        var strict = false
    }

    /// The epoch of the proxier's clock (`SyncRequest.now`).
    static let epoch = ContinuousClock.now

    static func run(_ args: [String], rest: Bool) async throws {
        let options = try parse(args)
        _ = epoch
        var logger = Logger(label: "kube-ipvs-bench")
        logger.logLevel = .warning
        let cluster = BenchCluster(services: options.services, endpoints: options.endpoints)
        let kernel = try await BenchKernel.make(fake: options.fake)
        let verdicts: BenchVerdicts
        if rest {
            verdicts = try await RestBench(cluster: cluster, seconds: options.seconds, bench: kernel, logger: logger).run()
        } else {
            var bench = try DaemonBench(cluster: cluster, changes: options.changes,
                                    compareIpvsadm: options.compareIpvsadm && !options.fake, bench: kernel, logger: logger)
            await bench.run()
            verdicts = bench.verdicts
        }
        print("BENCH-DONE \(verdicts.failures == 0 ? "ok" : "failed"), targets missed: \(verdicts.missed)")
        if verdicts.failures > 0 { throw Failure("daemon: \(verdicts.failures) check(s) failed (BENCH-FAIL lines)") }
        if options.strict && verdicts.missed > 0 { throw Failure("daemon: \(verdicts.missed) target(s) missed") }
    }

    static func parse(_ args: [String]) throws -> Options {
        var options = Options()
        var rest = args[...]
        func number(_ flag: String) throws -> Int {
            guard let text = rest.popFirst() else { throw Failure("daemon: \(flag) needs a value") }
            guard let n = Int(text), n > 0 else { throw Failure("daemon: \(flag) \(text) is not a positive number") }
            return n
        }
        while let arg = rest.popFirst() {
            switch arg {
            case "--services": options.services = try number(arg)
            case "--endpoints": options.endpoints = try number(arg)
            case "--changes": options.changes = try number(arg)
            case "--seconds": options.seconds = try number(arg)
            case "--fake": options.fake = true
            case "--no-ipvsadm": options.compareIpvsadm = false
            case "--strict": options.strict = true
            default: throw Failure("daemon: unknown argument \(arg)")
            }
        }
        return options
    }

    /// A usage or set-up failure, a failed check, or (with `--strict`) a missed target.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// Failed checks (the run did not do what it measured) and missed targets, printed as they happen.
struct BenchVerdicts {
    private(set) var failures = 0
    private(set) var missed = 0

    /// `BENCH-FAIL why` unless `condition`.
    mutating func check(_ condition: Bool, _ why: @autoclosure () -> String) {
        guard !condition else { return }
        failures += 1
        print("BENCH-FAIL \(why())")
    }

    /// `met` or `MISSED` for a target.
    mutating func target(_ met: Bool) -> String {
        if !met { missed += 1 }
        return met ? "met" : "MISSED"
    }
}
