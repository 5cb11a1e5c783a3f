public enum KubeIPVSCoreVersion { public static let version = "0.1.0-dev" }
