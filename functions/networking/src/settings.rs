//! The networking function's settings: the platform's (`spec.networking` of a LummoPlatform,
//! defaults in `lummo-platform`), checked with the rules of what they end up in, and the port
//! names it routes to, which are fixed because workloads names ports by them.

use lummo_krm::names;
use lummo_krm::platform::Platform;
use lummo_krm::results::Report;
pub use lummo_platform::{EntryPoints, Issuer, IssuerKind, MiddlewareRef};

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Traefik's namespace, which a routed app's NetworkPolicy admits.
    pub ingress_namespace: String,
    /// Route a Rollout's canary by requests through a weighted TraefikService.
    pub canary_traffic_routing: bool,
    pub entry_points: EntryPoints,
    /// gRPC routes answer on `<app>.<internal_grpc_domain>`.
    pub internal_grpc_domain: String,
    /// The platform's IP allow-list middleware that admits VPN addresses only.
    pub vpn_middleware: MiddlewareRef,
    /// The VPN's ranges, when each input gets its own allow-list instead (see the README).
    pub vpn_source_ranges: Vec<String>,
    /// Issuer of certificates unless an input names another.
    pub issuer: Issuer,
    /// Names of the Service ports routes go to (the convention workloads names ports by).
    pub http_port: &'static str,
    pub grpc_port: &'static str,
}

impl Settings {
    pub fn new(platform: &lummo_platform::Networking) -> Settings {
        Settings {
            canary_traffic_routing: platform.canary_traffic_routing,
            entry_points: platform.entry_points.clone(),
            internal_grpc_domain: platform.internal_grpc_domain.clone(),
            vpn_middleware: platform.vpn_middleware.clone(),
            vpn_source_ranges: platform.vpn_source_ranges.clone(),
            ingress_namespace: platform.ingress_namespace.clone(),
            issuer: platform.issuer.clone(),
            http_port: lummo_inputs::ports::HTTP,
            grpc_port: lummo_inputs::ports::GRPC,
        }
    }

    /// The settings of a LummoPlatform, each value checked where it is written.
    pub fn from_platform(platform: &Platform, report: &mut Report) -> Settings {
        let section = &platform.spec.networking;
        let at = |field: &str| format!("spec.networking.{field}");
        for (field, entry_point) in
            [("https", &section.entry_points.https), ("http", &section.entry_points.http), ("grpc", &section.entry_points.grpc)]
        {
            platform.check(report, &at(&format!("entryPoints.{field}")), check_entry_point(entry_point));
        }
        platform.check(report, &at("internalGrpcDomain"), names::check_dns_subdomain(&section.internal_grpc_domain));
        platform.check(report, &at("vpnMiddleware.name"), names::check_object_name(&section.vpn_middleware.name));
        platform.check(report, &at("vpnMiddleware.namespace"), names::check_dns_label(&section.vpn_middleware.namespace));
        platform.check(report, &at("issuer.name"), names::check_object_name(&section.issuer.name));
        for (i, range) in section.vpn_source_ranges.iter().enumerate() {
            let checked = match lummo_krm::traefik_rule::is_ip_or_cidr(range) {
                true => Ok(()),
                false => Err(format!("{range:?} is not an IP address or CIDR range (10.8.0.0/16, fd00::/8)")),
            };
            platform.check(report, &at(&format!("vpnSourceRanges[{i}]")), checked);
        }
        Settings::new(section)
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::new(&lummo_platform::Networking::default())
    }
}

/// Traefik names entry points in its static configuration: any name works there, but one
/// with other characters than letters, digits, `-` and `_` cannot be written in its CLI flags
/// or environment variables, so none is allowed here.
fn check_entry_point(name: &str) -> Result<(), String> {
    match !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        true => Ok(()),
        false => Err(format!("{name:?} is not an entry point name: use letters, digits, '-' and '_'")),
    }
}
