import Glibc
import KubeIPVSCore
import KubeIPVSNetlink

// kube-ipvs-guest-check: the real-kernel tier, run inside the qemu guest by Tests/Guest/*.sh.
//   kernel  [--filter TEXT] [--chunk N] [--ack-each]      contract suite, probe, sysctl, ipvsadm cross-checks
//   traffic --vip A --pods A,B --port P                   counters from real connections vs ipvsadm -Ln
//   bench   [--services N] [--reals M] [--chunk N] [--ack-each]   batch apply + dump vs ipvsadm -R / -Ln
//   links                                                 link/address contract with the dummy type (fresh netns)
//   ipsets                                                ipset contract through libipset (fresh netns each)
// Every check prints PASS/FAIL; the last line is "GUEST-CHECK <tier>: N passed, M failed"; exit 1 on failure.

let args = Array(CommandLine.arguments.dropFirst())

func value(_ flag: String) -> String? {
    guard let i = args.firstIndex(of: flag), i + 1 < args.count else { return nil }
    return args[i + 1]
}

var options = NetlinkIPVS.Options()
if let chunk = value("--chunk").flatMap(Int.init) { options.maxRequestsPerDatagram = chunk }
options.acknowledgeEach = args.contains("--ack-each")

let report = Report()
let tier = args.first ?? ""
switch tier {
case "kernel":
    await runKernelChecks(filter: value("--filter"), options: options, report: report)
case "traffic":
    guard let vip = value("--vip").flatMap(IPAddress.init), let pods = value("--pods")?.split(separator: ",").compactMap({ IPAddress(String($0)) }),
          let port = value("--port").flatMap(UInt16.init) else {
        print("usage: kube-ipvs-guest-check traffic --vip ADDRESS --pods A,B --port PORT"); exit(2)
    }
    await runTrafficCheck(vip: vip, pods: pods, port: port, report: report)
case "bench":
    await runBench(services: value("--services").flatMap(Int.init) ?? 10_000, reals: value("--reals").flatMap(Int.init) ?? 10,
                   options: options, report: report)
case "links":
    await runLinkChecks(report: report)
case "ipsets":
    await runIPSetChecks(report: report)
default:
    print("usage: kube-ipvs-guest-check kernel|traffic|bench|links|ipsets [options]"); exit(2)
}
exit(report.finish(tier))
