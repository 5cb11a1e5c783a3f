import KubeIPVSCore

extension IptablesModeOptions {
    /// `base` (kube-proxy's defaults) with ``IptablesModeOptions/randomFully`` set to what the
    /// installed tools support: `MASQUERADE --random-fully` needs iptables >= 1.6.2 for every
    /// family the proxy programs (kube-proxy reads `iptables --version` the same way). A tool that
    /// is missing or does not answer counts as unsupported. For the daemon's start-up.
    public static func detect(backend: IptablesBackend, families: [IPFamily] = IPFamily.allFamilies,
                              runner: any CommandRunning = ProcessRunner(),
                              base: IptablesModeOptions = IptablesModeOptions()) async -> IptablesModeOptions {
        var options = base
        var supported = !families.isEmpty
        for family in families where supported {
            supported = await IptablesRestore(backend: backend, family: family, runner: runner, timeout: .seconds(5))
                .supportsRandomFully()
        }
        options.randomFully = supported
        return options
    }
}
