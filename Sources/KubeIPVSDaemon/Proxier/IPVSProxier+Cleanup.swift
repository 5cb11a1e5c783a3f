import KubeIPVSCore
import KubeIPVSKernel

extension IPVSProxier {
    /// Removes everything the IPVS mode owns: our virtual servers (never foreign or excluded ones),
    /// the kube-ipvs0 link with its addresses, and the KUBE-* ipsets. The iptables chains that
    /// reference the sets must be removed first by the caller (`IptablesCleanup`).
    public func cleanup() async throws {
        var failures: [String] = []
        let links = (try? await kernel.links.links()) ?? []
        if links.contains(where: { $0.name == config.dummyInterface }) {
            appliedAddresses = Set((try? await kernel.links.addresses(on: config.dummyInterface)) ?? [])
        }
        // A fresh process (`--cleanup`) has synced nothing: NodePort virtual servers are ours by node
        // address and a port in our node-port sets, so read both first.
        if node == nil, let local = try? await kernel.links.localAddresses() {
            node = NodeContext(name: "", localAddresses: local)
        }
        await observeNodePortSets()
        let table = (try? await kernel.ipvs.table()) ?? []
        let owner = ownership(scope: Set(table.map(\.virtualServer.key)))
        for vs in table where owner.owns(vs.virtualServer.key) {
            do { try await kernel.ipvs.deleteVirtualServer(vs.virtualServer.key) } catch {
                failures.append("\(error)")
            }
        }
        if links.contains(where: { $0.name == config.dummyInterface }) {
            do { try await kernel.links.deleteLink(named: config.dummyInterface) } catch { failures.append("\(error)") }
        }
        let ours = Set(desired.ipsets().keys)
        for name in (try? await kernel.ipsets.setNames()) ?? [] where ours.contains(name) {
            do { try await kernel.ipsets.destroy(set: name) } catch { failures.append("destroy \(name): \(error)") }
        }
        applied = [:]
        appliedRealServers = 0
        appliedSets = [:]
        appliedAddresses = []
        appliedRules = [:]
        needsFullSync = true
        if !failures.isEmpty { throw CleanupError(failures: failures) }
    }
}

/// Some of the cleanup did not succeed; each failure names what and why.
public struct CleanupError: Error, CustomStringConvertible {
    public var failures: [String]
    public var description: String { "cleanup incomplete: " + failures.joined(separator: "; ") }
}
