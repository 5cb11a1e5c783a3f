import Foundation
import KubeIPVSCore
import KubeIPVSSources
import KubeIPVSTestAPIServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A hostile API server cannot make a list endless or huge: each bound throws `.limitExceeded`.
@Suite("API list bounds")
struct APIListBoundsTests {
    @Test func listWhosePagesAlwaysContinueStopsAtThePageCap() async throws {
        try await withServer { server, client in
            server.faults.setHostileList(HostileList(alwaysContinue: true))
            var options = ListOptions(pageSize: 10)
            options.limits.maxPages = 25
            let error = await #expect(throws: APIError.self) {
                _ = try await client.list(KubeService.self, .services, options: options)
            }
            #expect(error?.code == .limitExceeded)
            #expect(error?.description.contains("list has more than 25 pages; refused") == true)
            #expect(server.requestLog.resourceRequests.count == 25)
        }
    }

    @Test func listPastItsDeadlineStopsWithAnInjectedClock() async throws {
        try await withServer { server, client in
            server.faults.setHostileList(HostileList(alwaysContinue: true))
            let clock = ManualInstant()
            var options = ListOptions()
            options.limits.deadline = .seconds(300)
            let error = await #expect(throws: APIError.self) {
                _ = try await client.list(KubeService.self, .services, options: options, now: { clock.advance(.seconds(100)) })
            }
            #expect(error?.code == .limitExceeded)
            #expect(error?.description.contains("list did not finish within 300.0 seconds; refused") == true)
            #expect(server.requestLog.resourceRequests.count == 2)
        }
    }

    @Test func totalBodyBytesAreCappedAcrossPages() async throws {
        try await withServer { server, client in
            server.faults.setHostileList(HostileList(paddingBytes: 300_000, alwaysContinue: true))
            var options = ListOptions()
            options.limits.maxPageBytes = 1 << 20
            options.limits.maxBodyBytes = 1_000_000
            let error = await #expect(throws: APIError.self) {
                _ = try await client.list(KubeService.self, .services, options: options)
            }
            #expect(error?.code == .limitExceeded)
            #expect(server.requestLog.resourceRequests.count == 4)
        }
    }

    /// Issue 10's figure: a 1 GB list body is refused at the page cap; prints peak RSS.
    @Test func oneGigabyteListBodyIsRefusedLongBeforeItIsRead() async throws {
        try await withServer(clientConfiguration: { ClientConfiguration(server: $0, requestTimeout: .seconds(60)) }) {
            server, client in
            server.faults.setHostileList(HostileList(paddingBytes: 1 << 30))
            let start = ContinuousClock.now
            let error = await #expect(throws: APIError.self) {
                _ = try await client.list(KubeService.self, .services)
            }
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            print("1 GiB list body: refused after \(ContinuousClock.now - start); peak RSS \(usage.ru_maxrss / 1024) MiB; "
                + "error: \(error.map { "\($0)" } ?? "none")")
            #expect(error?.code == .limitExceeded)
            #expect(error?.description.contains("list body is larger than 67108864 bytes; refused") == true)
            #expect(usage.ru_maxrss < 600 * 1024)
        }
    }

    @Test func listItemOfAnotherKindIsRejectedNotDecoded() throws {
        let store = APIStore()
        try store.create(.services, serviceJSON("good"))
        let body = #"{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"5"},"items":["#
            + #"{"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1","metadata":{"name":"good","namespace":"demo"}},"#
            + #"{"metadata":{"name":"other","namespace":"demo"},"spec":{}}]}"#
        let page = try APIClient.decodePageForTesting(KubeService.self, Data(body.utf8))
        #expect(page.items.map(\.metadata.name) == ["other"])
        #expect(page.malformedItems.map(\.description).first?.contains("kind \"EndpointSlice\" in a ServiceList") == true)
    }
}

/// A clock that moves only when read through `advance`.
final class ManualInstant: @unchecked Sendable {
    // Read from one task at a time (the list loop).
    private var now = ContinuousClock.now
    func advance(_ by: Duration) -> ContinuousClock.Instant {
        defer { now += by }
        return now
    }
}
