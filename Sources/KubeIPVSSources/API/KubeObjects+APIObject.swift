import KubeIPVSCore

extension KubeService: APIObject {
    public var apiMetadata: APIObjectMeta {
        APIObjectMeta(namespace: metadata.namespace, name: metadata.name, resourceVersion: metadata.resourceVersion)
    }
}

extension KubeEndpointSlice: APIObject {
    public var apiMetadata: APIObjectMeta {
        APIObjectMeta(namespace: metadata.namespace, name: metadata.name, resourceVersion: metadata.resourceVersion)
    }
}

extension KubeNode: APIObject {
    public var apiMetadata: APIObjectMeta {
        APIObjectMeta(namespace: metadata.namespace, name: metadata.name, resourceVersion: metadata.resourceVersion)
    }
}
