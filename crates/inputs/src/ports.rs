//! Port names with a meaning across functions: `workloads` names a container's ports and the
//! Service's after them; `networking` routes to them by name.

/// The port that serves HTTP: routes, readiness probes by default.
pub const HTTP: &str = "http";
/// The port that serves gRPC, spoken as HTTP/2 without TLS inside the cluster.
pub const GRPC: &str = "grpc";
/// The Service `appProtocol` of a [`GRPC`] port, which tells proxies to speak h2c to it.
pub const GRPC_APP_PROTOCOL: &str = "kubernetes.io/h2c";
