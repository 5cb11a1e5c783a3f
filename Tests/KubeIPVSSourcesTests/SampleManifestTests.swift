import Foundation
import KubeIPVSCore
import Testing
@testable import KubeIPVSSources

/// Every captured API sample loads completely, with the values the API server returned.
@Suite struct SampleManifestTests {
    @Test func demoManifestsYAML() throws {
        let objects = try Samples.load("demo-manifests.yaml")
        #expect(objects.rejections.isEmpty)
        #expect(objects.serviceNames == ["demo/external-db", "demo/headless", "demo/sticky", "demo/web-nodeport",
                                         "demo/with-externalips"])
        #expect(objects.sliceNames == ["demo/headless-manual-1", "demo/sticky-manual-1", "demo/web-nodeport-manual-1",
                                       "demo/with-externalips-manual-1"])
        let web = try #require(objects.service("demo/web-nodeport"))
        #expect(web.spec.type == "NodePort")
        #expect(web.spec.clusterIP == nil)
        #expect(web.spec.ports == [KubeService.Port(name: "http", protocol: "TCP", port: 80, targetPort: .int(8080),
                                                    nodePort: 30080)])
        let sticky = try #require(objects.service("demo/sticky"))
        #expect(sticky.spec.sessionAffinity == "ClientIP")
        #expect(sticky.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == 600)
        #expect(objects.service("demo/headless")?.spec.clusterIP == "None")
        #expect(objects.service("demo/external-db")?.spec.externalName == "db.example.com")
        #expect(objects.service("demo/with-externalips")?.spec.externalIPs == ["192.0.2.10"])
        let slice = try #require(objects.slice("demo/sticky-manual-1"))
        #expect(slice.serviceName == "sticky")
        #expect(slice.addressType == "IPv4")
        #expect(slice.endpoints.map(\.conditions.ready) == [true, true, false])
        #expect(slice.endpoints.map(\.nodeName) == ["node1", "node2", "node2"])
        // hostname is not kept (no proxy uses it); the address is.
        #expect(objects.slice("demo/headless-manual-1")?.endpoints.first?.address == "10.244.1.31")
    }

    @Test func serviceListJSON() throws {
        let objects = try Samples.load("list-services-after.json")
        #expect(objects.rejections.isEmpty)
        #expect(objects.serviceNames == ["default/kubernetes", "demo/external-db", "demo/headless", "demo/sticky",
                                         "demo/web-nodeport", "demo/with-externalips"])
        let web = try #require(objects.service("demo/web-nodeport"))
        #expect(web.spec.clusterIPs == ["10.96.198.132"])
        #expect(web.metadata.resourceVersion == "214")
        #expect(web.metadata.uid == "d4d51b56-bb41-4f97-b12a-d2ccdaebdcda")
        #expect(web.metadata.labels == ["lab.example/tier": "frontend"])
        #expect(web.spec.externalTrafficPolicy == "Cluster")
        let headless = try #require(objects.service("demo/headless"))
        #expect(headless.spec.ipFamilies == ["IPv4", "IPv6"])
        #expect(objects.service("default/kubernetes")?.spec.ports.first?.targetPort == .int(6443))
    }

    @Test func endpointSliceListJSON() throws {
        let objects = try Samples.load("list-endpointslices-after.json")
        #expect(objects.rejections.isEmpty)
        #expect(objects.sliceNames == ["demo/headless-manual-1", "demo/sticky-manual-1", "demo/web-nodeport-manual-1",
                                       "demo/with-externalips-manual-1"])
        let slice = try #require(objects.slice("demo/with-externalips-manual-1"))
        #expect(slice.ports == [KubeEndpointSlice.SlicePort(name: "http", protocol: "TCP", port: 8080),
                                KubeEndpointSlice.SlicePort(name: "dns", protocol: "UDP", port: 5353)])
        // The capture was taken after sticky's third endpoint turned ready.
        #expect(objects.slice("demo/sticky-manual-1")?.endpoints.map(\.conditions.ready) == [true, true, true])
    }

    @Test func serviceWatchStreamReplaysToFinalState() throws {
        let objects = try Samples.load("watch-services.jsonl")
        #expect(objects.rejections.isEmpty)
        // tmp-svc is ADDED then DELETED; web-nodeport is MODIFIED (resourceVersion 200 -> 214).
        #expect(objects.serviceNames == ["demo/external-db", "demo/headless", "demo/sticky", "demo/web-nodeport",
                                         "demo/with-externalips"])
        #expect(objects.service("demo/web-nodeport")?.metadata.resourceVersion == "214")
        #expect(objects.service("demo/web-nodeport")?.metadata.labels["lab.example/tier"] == "frontend")
    }

    @Test func serviceWatchFromZero() throws {
        let objects = try Samples.load("watch-services-rv0.jsonl")
        #expect(objects.rejections.isEmpty)
        #expect(objects.serviceNames.count == 6)
        #expect(objects.service("default/kubernetes")?.spec.clusterIPs == ["10.96.0.1"])
    }

    @Test func sliceWatchStreams() throws {
        let modified = try Samples.load("watch-endpointslices.jsonl")
        #expect(modified.rejections.isEmpty)
        #expect(modified.sliceNames.count == 4)
        let sticky = try #require(modified.slice("demo/sticky-manual-1"))
        #expect(sticky.metadata.resourceVersion == "213")
        #expect(sticky.endpoints.map(\.conditions.ready) == [true, true, true])
        let fromZero = try Samples.load("watch-endpointslices-rv0.jsonl")
        #expect(fromZero.rejections.isEmpty)
        #expect(fromZero.sliceNames == modified.sliceNames)
        #expect(fromZero.endpointSlices.sorted { $0.metadata.name < $1.metadata.name }
                == modified.endpointSlices.sorted { $0.metadata.name < $1.metadata.name })
    }

    @Test func wholeDirectory() throws {
        let objects = try ManifestLoader.load(path: Samples.directory)
        #expect(objects.rejections.isEmpty)
        // demo yaml 5 + list 6 + watch 5 + watch-rv0 6 services; 4 slices in each of 4 files.
        #expect(objects.services.count == 22)
        #expect(objects.endpointSlices.count == 16)
        #expect(objects.nodes.isEmpty)
    }

    @Test func snapshotFromCapturedLists() throws {
        var objects = try Samples.load("list-services-after.json")
        objects.append(try Samples.load("list-endpointslices-after.json"))
        let snapshot = ProxySnapshot.build(services: objects.services, slices: objects.endpointSlices,
                                           node: NodeContext(name: "node1"))
        #expect(snapshot.rejections.isEmpty)
        // kubectl get: kubernetes 443/TCP, sticky 8080/TCP, web-nodeport 80:30080/TCP, with-externalips 80/TCP,53/UDP.
        #expect(snapshot.servicePorts.keys.map(\.description).sorted() == [
            "default/kubernetes:https", "demo/sticky:http", "demo/web-nodeport:http", "demo/with-externalips:dns",
            "demo/with-externalips:http",
        ])
        let web = ServicePortName(service: ServiceName(namespace: "demo", name: "web-nodeport"), port: "http",
                                  proto: .tcp)
        #expect(snapshot.endpoints[web]?.map(\.description) == ["10.244.1.11:8080", "10.244.1.12:8080",
                                                                "10.244.2.13:8080"])
        #expect(snapshot.endpoints[web]?.map(\.isLocal) == [true, true, false])
    }
}
