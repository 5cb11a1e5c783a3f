import ArgumentParser
import Foundation
import KubeIPVSTestAPIServer
import Logging

/// `kube-ipvs-test-apiserver`: the in-memory test API server as a process, for shell scripts and the guest.
@main
struct TestAPIServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kube-ipvs-test-apiserver",
        abstract: "An in-memory kube-apiserver (services, endpointslices, nodes) with list/watch and fault injection.",
        discussion: "Prints 'listening on URL' once bound. Control endpoints: POST /_test/apply, /_test/compact, "
            + "/_test/drop-watches, /_test/end-watches, /_test/expire-watches, /_test/refuse-connections?count=N, "
            + "/_test/fail-requests?count=N&code=C; GET /_test/state, /_test/requests.")

    @Option(name: .long, help: "Seed objects from a file or directory (.json lists/objects, .jsonl watch captures, .yaml manifests). Repeatable.")
    var seed: [String] = []

    @Option(name: .long, help: "Address to listen on, HOST:PORT (port 0: any free port).")
    var listen = "127.0.0.1:0"

    @Option(name: .long, help: "Seconds between BOOKMARK events on watches that allow them.")
    var bookmarkInterval: Double = 60

    @Option(name: .long, help: "Changes kept for watches; older resourceVersions get 410 Gone.")
    var history = 1000

    @Option(name: .long, help: "Require this bearer token.")
    var token: String?

    @Option(name: .long, help: "Serve HTTPS with this PEM certificate chain (needs --tls-key).")
    var tlsCert: String?

    @Option(name: .long, help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(name: .long, help: "Require client certificates signed by this PEM CA (mutual TLS).")
    var clientCA: String?

    @Flag(name: .long, help: "Log every request.")
    var verbose = false

    func validate() throws {
        guard listen.split(separator: ":").count >= 2, Int(listen.split(separator: ":").last!) != nil else {
            throw ValidationError("--listen must be HOST:PORT")
        }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
    }

    func run() async throws {
        var logger = Logger(label: "kube-ipvs-test-apiserver")
        logger.logLevel = verbose ? .debug : .warning
        let store = APIStore(historyLimit: history)
        for path in seed { try store.seed(path: path) }
        if !seed.isEmpty {
            say("seeded: " + ServedResource.all.map { "\(store.objects($0).count) \($0.plural)" }.joined(separator: ", "))
        }
        let port = Int(listen.split(separator: ":").last!)!
        var host = listen.split(separator: ":").dropLast().joined(separator: ":")
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let tls = tlsCert.map { TestAPIServer.TLSFiles(certificateChainPath: $0, privateKeyPath: tlsKey!, clientCAPath: clientCA) }
        let server = TestAPIServer(
            configuration: .init(host: host, port: port, bookmarkInterval: .milliseconds(Int(bookmarkInterval * 1000)),
                                 tls: tls, bearerToken: token),
            store: store, logger: logger)
        try await server.bind()
        say("listening on \(server.baseURL ?? "?") resourceVersion=\(store.resourceVersion)")
        try await server.run()
    }
}

/// Writes a line to stdout unbuffered, so a script reading a pipe sees it at once.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
