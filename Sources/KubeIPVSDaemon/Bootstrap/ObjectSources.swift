import KubeIPVSCore
import Logging

/// Picks the object source: `--manifests` (the embedded default), else the API server.
enum ObjectSources {
    static func make(options: DaemonOptions, nodeName: String, logger: Logger) throws -> any ObjectSource {
        if let path = options.manifests { return ManifestDirectorySource(path: path, logger: logger) }
        throw OptionsError(setting: "--kubeconfig/--master",
                           reason: "the API server source is not available in this build; use --manifests DIR")
    }
}
