import CNetlink
import Glibc
import KubeIPVSCore
import KubeIPVSKernel
@testable import KubeIPVSNetlink
import KubeIPVSTesting
import Testing

/// Against this host's kernel, which has generic netlink but no ip_vs (the real-kernel IPVS tier runs in the
/// guest): the family lookup fails with the kernel's own ENOENT, and everything built on it reports that.
@Suite struct HostKernelTests {
    static let ipvsLoaded = access("/proc/net/ip_vs", F_OK) == 0

    @Test(.enabled(if: !ipvsLoaded, "ip_vs is loaded on this host"))
    func missingFamilyIsNotFoundWithENOENT() async throws {
        let ipvs = try NetlinkIPVS()
        do {
            try await ipvs.open()
            Issue.record("resolving IPVS succeeded on a host without ip_vs")
        } catch {
            #expect(error.code == .notFound)
            #expect(error.errno == ENOENT)
            #expect(error.operation == "CTRL_CMD_GETFAMILY")
            #expect(error.target == "IPVS")
            #expect("\(error)".contains("ip_vs kernel module is not loaded"))
        }
    }

    @Test(.enabled(if: !ipvsLoaded, "ip_vs is loaded on this host"))
    func everyOperationOfABatchReportsTheMissingFamily() async throws {
        let key = VirtualServerKey(address: IPAddress("10.96.0.1")!, proto: .tcp, port: 80)
        let results = try await NetlinkIPVS().apply([.addVirtualServer(VirtualServer(key: key, scheduler: .roundRobin)),
                                                 .deleteVirtualServer(key)])
        #expect(results.map { $0.error?.errno } == [ENOENT, ENOENT])
        #expect(results.map { $0.error?.operation } == ["IPVS_CMD_NEW_SERVICE", "IPVS_CMD_DEL_SERVICE"])
    }

    @Test(.enabled(if: !ipvsLoaded, "ip_vs is loaded on this host"))
    func dumpsThrowTheMissingFamily() async throws {
        let ipvs = try NetlinkIPVS()
        await #expect(throws: KernelError.self) { try await ipvs.table() }
    }

    /// The netlink thread must enter the namespace before anything else: a missing one fails the init.
    @Test func aMissingNamespaceFailsTheInit() {
        #expect(throws: KernelError.self) { _ = try NetlinkIPVS(namespace: .named("kipvs-no-such-netns")) }
    }

    /// In a fresh namespace the lookup reaches that namespace's generic netlink (still no ip_vs).
    @Test(.enabled(if: !ipvsLoaded, "ip_vs is loaded on this host"), .enabled(if: KernelTier.enabled, KernelTier.reason))
    func aFreshNamespaceReachesItsOwnKernelTable() async throws {
        try KernelTier.require()
        let ipvs = try NetlinkIPVS(namespace: .fresh)
        await #expect(throws: KernelError.self) { try await ipvs.open() }
        #expect(ipvs.namespacePath.description.hasPrefix("/proc/"))
    }

    @Test(.enabled(if: !ipvsLoaded, "ip_vs is loaded on this host"))
    func probeReportsIPVSMissing() async {
        guard case .ipvsMissing(let error) = await IPVSProbe.run(scheduler: .roundRobin) else {
            Issue.record("probe did not report ipvsMissing")
            return
        }
        #expect(error.errno == ENOENT)
    }
}

/// The probe's dummy virtual server logic, on the fake.
@Suite struct IPVSProbeTests {
    @Test func availableWhenTheSchedulerLoadsAndNothingIsLeftBehind() async throws {
        let fake = FakeIPVS()
        #expect(await IPVSProbe.run(scheduler: .maglevHashing, on: fake) == .available)
        #expect(await fake.virtualServers() == [])
        #expect(await fake.log.map(\.operationName) == ["IPVS_CMD_NEW_SERVICE", "IPVS_CMD_DEL_SERVICE"])
    }

    @Test func schedulerMissingIsENOENT() async {
        let result = await IPVSProbe.run(scheduler: .twoRandomChoices, on: FakeIPVS())
        guard case .schedulerMissing(.twoRandomChoices, let error) = result else {
            Issue.record("got \(result)")
            return
        }
        #expect(error.errno == ENOENT)
    }

    @Test func aLeftoverDummyIsReplaced() async throws {
        let fake = FakeIPVS()
        try await fake.addVirtualServer(VirtualServer(key: IPVSProbe.dummyVirtualServer, scheduler: .roundRobin))
        #expect(await IPVSProbe.run(scheduler: .sourceHashing, on: fake) == .available)
        #expect(await fake.virtualServers() == [])
        #expect(IPVSProbe.dummyVirtualServer.description == "198.51.100.0:20000/TCP")
    }
}

/// The socket layer against the host kernel's generic netlink (no ip_vs needed).
@Suite struct NetlinkSocketTests {
    @Test func aRequestTheKernelNeverAnswersTimesOut() throws {
        let socket = try NetlinkSocket(receiveTimeout: .milliseconds(200), bufferBytes: 1 << 16)
        // Without NLM_F_REQUEST the kernel drops the message silently (no ACK, no error).
        let message = try NetlinkMessage(family: UInt16(GENL_ID_CTRL), command: UInt8(CTRL_CMD_GETFAMILY), flags: 0,
                                      seq: 1, operation: "CTRL_CMD_GETFAMILY")
        try socket.send(message.bytes)
        let start = ContinuousClock.now
        do {
            _ = try socket.receive()
            Issue.record("received an answer to a message the kernel ignores")
        } catch {
            #expect(error.code == .timeout)
            #expect(error.errno == nil)
        }
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(150) && waited < .seconds(2))
    }

    /// rtnetlink drops a message without NLM_F_REQUEST too: the exchange names the request, keeps the
    /// timeout code, and marks the socket broken so its owner opens a new one.
    @Test func anUnansweredExchangeNamesTheRequestAndBreaksTheSocket() throws {
        let socket = try NetlinkSocket(protocol: NETLINK_ROUTE, receiveTimeout: .milliseconds(200), bufferBytes: 1 << 16)
        let message = try NetlinkMessage(type: Int32(RTM_GETLINK), flags: 0, operation: "RTM_GETLINK")
        try message.append(ifinfomsg())
        let seq = socket.takeSequence()
        message.address(seq: seq, port: socket.portID)
        #expect(!socket.broken)
        do {
            try socket.exchange(message, seq: seq, target: "lo") { _ throws(KernelError) in }
            Issue.record("an ignored request was answered")
        } catch {
            #expect(error.code == .timeout)
            #expect(error.operation == "RTM_GETLINK")
            #expect(error.target == "lo")
            #expect(error.detail.contains("NETLINK_ROUTE"))
        }
        #expect(socket.broken)
    }

    @Test func theSocketSizesItsBuffersAndHasAPort() throws {
        let socket = try NetlinkSocket(receiveTimeout: .seconds(1), bufferBytes: 1 << 20)
        #expect(socket.portID != 0)
        #expect(socket.receiveBufferLimit >= 1 << 16)
        #expect(socket.sendBufferLimit >= 1 << 16)
    }
}
