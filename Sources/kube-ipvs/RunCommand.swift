import CKubeIPVSShim
import Foundation
import KubeIPVSCore
import KubeIPVSDaemon
import Logging

/// The proxy daemon, with kube-proxy's command line parsed as kube-proxy's pflag does.
enum RunCommand {
    /// `0.1.0-dev (commit 1f0911b)`: the version and the git commit the binary was built from.
    static var version: String { "\(KubeIPVSCoreVersion.version) (commit \(String(cString: kipvs_build_commit())))" }

    /// Runs with `arguments` (after the executable); returns the exit code (1 for a bad command line,
    /// as kube-proxy).
    static func main(_ arguments: [String]) async -> Int32 {
        if arguments.contains("--experimental-dump-help") { print(CommandLineHelp.toolInfoJSON()); return 0 }
        let options: DaemonOptions
        do {
            let parsed = try PFlagParser().parse(arguments)
            if parsed.values["help"] == "true" { print(CommandLineHelp.usage()); return 0 }
            if let v = parsed.values["version"], v != "false" { print(version); return 0 }
            guard parsed.positional.isEmpty else {
                throw OptionsError(setting: "kube-ipvs", reason: "does not take any arguments, got \(parsed.positional)")
            }
            options = try resolve(parsed)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\nRun 'kube-ipvs --help' for usage.\n".utf8))
            return 1
        }
        if let path = options.writeConfigTo {
            do { try options.effectiveConfiguration.rendered.yaml.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                FileHandle.standardError.write(Data("Error: --write-config-to \(path): \(error)\n".utf8))
                return 1
            }
            return 0
        }
        DaemonLogging.bootstrap(format: LogFormat(rawValue: options.loggingFormat) ?? .text, verbosity: options.verbosity)
        let logger = Logger(label: "kube-ipvs")
        for warning in options.warnings { logger.warning("\(warning)") }
        do { return try await DaemonBootstrap.run(options: options, logger: logger) } catch {
            logger.critical("kube-ipvs failed", metadata: ["error": "\(error)"])
            return 1
        }
    }

    /// The flags and the `--config` file (decoded through ``KubeProxyConfigLoader``), resolved.
    static func resolve(_ parsed: PFlagParser.Result) throws -> DaemonOptions {
        let flags = DaemonFlags(parsed)
        guard let path = parsed.values["config"], !path.isEmpty else { return try DaemonOptions.resolve(flags: flags) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OptionsError(setting: "--config", reason: "cannot read \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw OptionsError(setting: "--config", reason: "\(path) is not UTF-8")
        }
        let loaded = try KubeProxyConfigLoader.decode(text, source: "--config \(path)")
        return try DaemonOptions.resolve(flags: flags, file: loaded.file, fileWarnings: loaded.warnings)
    }
}
