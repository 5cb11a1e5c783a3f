import Foundation

/// `kube-ipvs`: the node daemon (default, kube-proxy's command line) and its offline planner (`plan`).
@main
enum KubeIPVSCommand {
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "plan" {
            await PlanCommand.main(Array(arguments.dropFirst()))
            return
        }
        if arguments.first == "run" { arguments.removeFirst() }
        exit(await RunCommand.main(arguments))
    }
}
