import Hummingbird
import Logging
import ServiceLifecycle

/// Keeps one HTTP listener per wanted healthCheckNodePort, on every address of both families as kube-proxy's, starting and stopping them as services
/// come and go (checked every `interval`).
public struct HealthCheckListeners: Service {
    let ports: HealthCheckNodePorts
    let interval: Duration
    let logger: Logger

    public init(ports: HealthCheckNodePorts, interval: Duration = .seconds(1), logger: Logger) {
        self.ports = ports
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        var running: [UInt16: Task<Void, Never>] = [:]
        defer { for t in running.values { t.cancel() } }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let wanted = ports.ports
            for (port, task) in running where !wanted.contains(port) {
                task.cancel()
                running[port] = nil
                logger.info("health check node port closed", metadata: ["port": "\(port)"])
            }
            for port in wanted where running[port] == nil {
                let app = ports.application(port: port, host: BindAddress.anyHost)
                let log = logger
                running[port] = Task {
                    do { try await app.run() } catch {
                        log.error("health check node port failed", metadata: ["port": "\(port)", "error": "\(error)"])
                    }
                }
                logger.info("health check node port open", metadata: ["port": "\(port)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
