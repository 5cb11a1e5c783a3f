import KubeIPVSCore

extension IptablesProxier {
    /// The services among `candidates` whose rules alone make `accepts` fail, found by bisection:
    /// a half is split further only when its rules fail, so k offenders among n services cost about
    /// 2·k·log2(n) probes. Empty when even no services fail (the fault is not any service's) or a
    /// probe cannot run.
    nonisolated(nonsending) static func offenders(_ candidates: [ServiceName],
                          accepts: ([ServiceName]) async throws -> Bool) async -> [ServiceName] {
        guard (try? await accepts([])) == true, (try? await accepts(candidates)) == false else { return [] }
        var found: [ServiceName] = []
        var pending = [candidates[...]]
        while let group = pending.popLast() {
            if group.count == 1 {
                found.append(group.first!)
                continue
            }
            let middle = group.startIndex + group.count / 2
            for half in [group[..<middle], group[middle...]] where (try? await accepts(Array(half))) == false {
                pending.append(half)
            }
        }
        return found.sorted()
    }

    /// `desired` limited to `services`, rendered in full for `family` as restore input.
    func probeText(_ services: [ServiceName], family: IPFamily) -> String {
        let keep = Set(services)
        var subset = ProxySnapshot()
        for (name, port) in desired.servicePorts where keep.contains(name.service) { subset.servicePorts[name] = port }
        for (name, list) in desired.endpoints where keep.contains(name.service) { subset.endpoints[name] = list }
        return renderer.render(subset, node: node, family: family).restoreText()
    }

    /// After a failed restore of `tool`'s family: the services whose rules the tool refuses, each
    /// rejected (logged once) and left out of every later sync until its objects change.
    func quarantineOffenders(tool: IptablesRestore, error: any Error) async -> [ServiceName] {
        let services = Set(desired.servicePorts.keys.map(\.service)).union(desired.endpoints.keys.map(\.service))
        let found = await Self.offenders(services.sorted()) { subset in
            try await tool.accepts(probeText(subset, family: tool.family))
        }
        for service in found where quarantined[service] == nil {
            let reason = "its rules make \(tool.backend.command(.restore, family: tool.family)) fail; "
                + "left out until the Service or its EndpointSlices change"
            quarantined[service] = Rejection(kind: .service, object: service.description, reason: reason)
            logger.error("service quarantined: iptables-restore refuses its rules",
                         metadata: ["service": "\(printable(service.description))", "error": "\(error)"])
        }
        removeQuarantined()
        return found
    }

    /// Takes the quarantined services out of `desired`.
    func removeQuarantined() {
        guard !quarantined.isEmpty else { return }
        desired.servicePorts = desired.servicePorts.filter { quarantined[$0.key.service] == nil }
        desired.endpoints = desired.endpoints.filter { quarantined[$0.key.service] == nil }
        portIndex = nil
    }

    /// Services whose objects changed get another chance.
    func releaseQuarantine(_ changed: Set<ServiceName>?) {
        guard let changed, !quarantined.isEmpty else { return }
        for service in changed { quarantined[service] = nil }
    }
}
