/// The API server's cost when every node's proxy starts at once, from one node's measured lists: a
/// calculation with its assumptions printed beside it (docs/api-client.md), not a simulation.
struct ListCostModel {
    let nodes: Int
    let services: Int
    let endpoints: Int
    /// Response bytes of one node's three lists (measured, JSON).
    let listBytes: Int
    /// Requests of one node's quorum start (measured: pages of 500 plus the Node).
    let quorumRequests: Int
    /// Assumed rate at which one etcd member returns range data, MB/s.
    var etcdMBps = 100.0
    /// Assumed etcd members that serve reads.
    var etcdMembers = 3
    /// Assumed rate at which one kube-apiserver encodes and sends list data, MB/s.
    var apiserverMBps = 500.0
    /// Assumed kube-apiservers.
    var apiservers = 3

    func print() {
        let gigabytes = Double(nodes) * Double(listBytes) / 1e9
        let etcdSeconds = gigabytes * 1000 / (etcdMBps * Double(etcdMembers))
        let sendSeconds = gigabytes * 1000 / (apiserverMBps * Double(apiservers))
        Swift.print("""
            BENCH api-list cost model: \(nodes) nodes' proxies restarting at once, \(services) Services x \(endpoints) endpoints
              assumptions: each node lists Services, EndpointSlices and its Node once (\(listBytes / 1024) KiB as JSON, \
            measured above); etcd holds about as many bytes (protobuf is smaller; JSON is the upper bound); a quorum \
            read of a page makes etcd read every object of the range (selectors filter in kube-apiserver); etcd returns \
            \(Int(etcdMBps)) MB/s per member x \(etcdMembers) members; kube-apiserver encodes and sends \
            \(Int(apiserverMBps)) MB/s x \(apiservers) instances; watches, auth and APF queueing are left out
              quorum reads (before): \(nodes * quorumRequests) list requests, all reaching etcd; \
            \(fixed(gigabytes)) GB read from etcd and decoded by kube-apiserver: ~\(fixed(etcdSeconds)) s of all etcd \
            members' read time, during which writes (leases, status) queue behind it; plus ~\(fixed(sendSeconds)) s to send
              watch-cache reads (now): \(nodes * 3) list requests, none reaching etcd (0 GB read); the same \
            \(fixed(gigabytes)) GB sent from kube-apiserver memory: ~\(fixed(sendSeconds)) s; relists after 410 \
            likewise (NotOlderThan, \(nodes * 3) requests, 0 from etcd)
              watch-list (opt-in): \(nodes * 3) watch requests, none reaching etcd; the state streamed object by object \
            (about the same bytes), so kube-apiserver never holds a whole list response in memory
            """)
    }

    private func fixed(_ value: Double) -> String { BenchFigures.fixed(value, 1) }
}
