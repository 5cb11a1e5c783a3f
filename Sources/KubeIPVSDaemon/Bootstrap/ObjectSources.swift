import KubeIPVSCore
import KubeIPVSSources
import Logging

/// Picks the object source: `--manifests` (the embedded default), else the API server from
/// `--kubeconfig` / `--master` / the in-cluster service account.
enum ObjectSources {
    static func make(options: DaemonOptions, nodeName: String, health: HealthState? = nil,
                     metrics: DaemonMetrics? = nil, logger: Logger,
                     observer: APIRequestObserver? = nil) throws -> any ObjectSource {
        if let path = options.manifests { return ManifestDirectorySource(path: path, health: health, logger: logger) }
        let configuration = try ClientConfiguration.resolve(kubeconfigPath: options.kubeconfig, master: options.master)
        return APIServerSource(client: try APIClient(configuration: configuration, logger: logger, observer: observer),
                               nodeName: nodeName, health: health, metrics: metrics, watchList: options.watchList,
                               logger: logger)
    }
}
