import KubeIPVSCore
import KubeIPVSIptables

extension NetnsLab {
    /// iptables backends whose save tools work for both families in a fresh namespace on this
    /// machine (empty when namespaces are not usable). Probed once.
    public static let iptablesBackends: [IptablesBackend] = {
        guard isUsable, let lab = try? NetnsLab(prefix: "kipt-probe") else { return [] }
        defer { lab.destroy() }
        guard let ns = try? lab.addNamespace("probe") else { return [] }
        return IptablesBackend.allCases.filter { backend in
            IPFamily.allFamilies.allSatisfy { family in
                (try? lab.run(ns, [backend.command(.save, family: family)], timeout: .seconds(10)))?.status == 0
            }
        }
    }()
}
