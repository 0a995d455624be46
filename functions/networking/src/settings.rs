//! Platform conventions of the networking function, in one place. The earlier implementation
//! hard-coded these; they are defaults here, and inputs override what they are allowed to.

/// A Traefik Middleware that lives in another namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedMiddleware {
    pub name: &'static str,
    pub namespace: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Entry point for public https traffic.
    pub https_entry_point: &'static str,
    /// Entry point for plain http, which only redirects to https.
    pub http_entry_point: &'static str,
    /// Entry point for internal gRPC traffic (cleartext h2c inside the cluster network).
    pub grpc_entry_point: &'static str,
    /// gRPC routes answer on `<app>.<internal_grpc_domain>`.
    pub internal_grpc_domain: &'static str,
    /// The platform's IP allow-list middleware that admits VPN addresses only.
    pub vpn_middleware: SharedMiddleware,
    /// Issuer of certificates unless an input names another.
    pub issuer_kind: &'static str,
    pub issuer_name: &'static str,
    /// Names of the Service ports routes go to (the convention workloads names ports by).
    pub http_port: &'static str,
    pub grpc_port: &'static str,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            https_entry_point: "websecure",
            http_entry_point: "web",
            grpc_entry_point: "web",
            internal_grpc_domain: "internal.bukukas.k8s",
            vpn_middleware: SharedMiddleware { name: "vpn-only", namespace: "traefik" },
            issuer_kind: "ClusterIssuer",
            issuer_name: "letsencrypt",
            http_port: lummo_inputs::ports::HTTP,
            grpc_port: lummo_inputs::ports::GRPC,
        }
    }
}
