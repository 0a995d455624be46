//! `networking`: `LummoNetworking` → Traefik IngressRoutes and a cert-manager Certificate.
//!
//! Reads top-down: the input types, then validation, then the outputs. The function's README
//! (printed by `--help`) is its user documentation.

pub mod settings;

use k8s_openapi::api::core::v1::Service;
use lummo_kinds::ObjectMeta;
use lummo_kinds::cert_manager::{Certificate, CertificateSpec, IssuerRef};
use lummo_kinds::traefik::{
    IngressRoute, IngressRouteSpec, Middleware, MiddlewareRef, MiddlewareSpec, RedirectScheme, Route, ServiceRef, Tls,
};
use lummo_krm::input::InputKind;
use lummo_krm::names::{check_dns_label, check_dns_subdomain};
use lummo_krm::{About, Function, Generated, Input, Item, Report, ResourceId, ResourceList, labels};
use schemars::JsonSchema;
use serde::Deserialize;

pub use settings::Settings;

/// The resources of the run by identity.
type Resources<'a> = std::collections::HashMap<ResourceId, &'a Item>;

// ---------------------------------------------------------------------------------------------
// Input

/// `LummoNetworking.spec`: how the world reaches one app.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NetworkingSpec {
    /// The app whose Service receives the traffic; the Service is named after it.
    #[schemars(length(min = 1))]
    pub app: String,
    /// The larger system the app belongs to (label `app.kubernetes.io/part-of`).
    #[serde(rename = "part-of", default)]
    pub part_of: Option<String>,
    /// Also route gRPC, on `<app>.<internal gRPC domain>`, to the Service's `grpc` port over h2c.
    #[serde(default)]
    pub grpc: bool,
    /// Public domains. Every route answers on all of them; the certificate covers them all.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Traefik rules such as ``Path(`/hello`)``, always served over https.
    #[serde(default)]
    pub routes: Vec<RouteSpec>,
    /// Another cert-manager issuer than the platform's default.
    #[serde(default)]
    pub issuer: Option<IssuerSpec>,
}

#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// A Traefik rule expression; the domains' `Host` matchers are added to it.
    #[serde(rename = "match")]
    #[schemars(length(min = 1))]
    pub rule: String,
    /// Admit only VPN addresses (through the platform's IP allow-list middleware).
    #[serde(default)]
    pub vpn: bool,
}

#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IssuerSpec {
    #[schemars(length(min = 1))]
    pub name: String,
    #[serde(default)]
    pub kind: IssuerKind,
}

#[derive(Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum IssuerKind {
    #[default]
    ClusterIssuer,
    Issuer,
}

// ---------------------------------------------------------------------------------------------
// The function

#[derive(Default)]
pub struct Networking {
    pub settings: Settings,
}

pub const ABOUT: About = About {
    name: "networking",
    version: env!("CARGO_PKG_VERSION"),
    help: include_str!("../README.md"),
    kinds: &[InputKind::new("LummoNetworking")],
};

impl Function for Networking {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    /// The earlier implementation read `data:` with `hosts`; the seed README wrote `spec:` with
    /// `domains`. Both shapes work; the old one is rewritten with a warning.
    fn migrate(&self, input: &mut Input, report: &mut Report) {
        let mut renamed = Vec::new();
        if input.node.get("spec").is_none()
            && let Some(data) = input.node.remove("data")
        {
            input.node.set("spec", data);
            renamed.push(("data", "spec"));
        }
        if let Some(spec) = input.node.get_mut("spec").filter(|s| s.get("domains").is_none())
            && let Some(hosts) = spec.remove("hosts")
        {
            spec.set("domains", hosts);
            renamed.push(("spec.hosts", "spec.domains"));
        }
        for (old, new) in renamed {
            input.warning(report, old, format!("is the earlier name of {new:?}: rename it"));
        }
    }

    fn generate(&self, inputs: &[Input], resources: &ResourceList, report: &mut Report) -> Vec<Generated> {
        let mut generated = Vec::new();
        let resources = resources.index();
        for (index, input) in inputs.iter().enumerate() {
            let Some(spec) = input.decode_spec::<NetworkingSpec>(report) else { continue };
            let checkpoint = report.checkpoint();
            self.validate(input, &spec, &resources, report);
            if !report.errors_since(checkpoint) {
                generated.extend(self.build(index, input, &spec));
            }
        }
        generated
    }
}

// ---------------------------------------------------------------------------------------------
// Validation (what the schema cannot say)

/// Checks that a rule's parentheses and quotes balance, so that wrapping it in `(...)` keeps
/// its meaning.
pub fn check_rule(rule: &str) -> Result<(), String> {
    if rule.trim().is_empty() {
        return Err("must not be empty".into());
    }
    let mut depth = 0usize;
    let mut quote = None;
    for c in rule.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '`' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') if depth == 0 => return Err(format!("unbalanced parentheses: a ')' closes nothing in {rule:?}")),
            (None, ')') => depth -= 1,
            _ => {}
        }
    }
    if let Some(q) = quote {
        return Err(format!("unterminated {q} quote in {rule:?}"));
    }
    if depth > 0 {
        return Err(format!("unbalanced parentheses: {depth} '(' not closed in {rule:?}"));
    }
    Ok(())
}

impl Networking {
    fn validate(&self, input: &Input, spec: &NetworkingSpec, resources: &Resources, report: &mut Report) {
        if let Err(message) = check_dns_label(&spec.app) {
            input.error(report, "spec.app", message);
        }
        for (i, domain) in spec.domains.iter().enumerate() {
            let path = format!("spec.domains[{i}]");
            if domain.starts_with("*.") {
                input.error(report, &path, format!("{domain:?}: wildcard domains are not supported: list each domain"));
            } else if let Err(message) = check_dns_subdomain(domain) {
                input.error(report, &path, message);
            } else if let Some(first) = spec.domains[..i].iter().position(|d| d == domain) {
                input.error(report, &path, format!("{domain:?} is listed twice (also spec.domains[{first}])"));
            }
        }
        if !spec.routes.is_empty() && spec.domains.is_empty() {
            input.error(report, "spec.domains", "must list at least one domain for the routes to answer on");
        }
        for (i, route) in spec.routes.iter().enumerate() {
            let path = format!("spec.routes[{i}].match");
            if let Err(message) = check_rule(&route.rule) {
                input.error(report, &path, message);
            } else if let Some(first) = spec.routes[..i].iter().position(|r| r.rule.trim() == route.rule.trim()) {
                input.error(report, &path, format!("duplicate route: spec.routes[{first}] has the same match"));
            } else if route.rule.contains("Host(") || route.rule.contains("HostRegexp(") {
                input.warning(report, &path, "matches on the host itself: the domains' Host matchers are added to every route already");
            }
        }
        if spec.routes.is_empty() && !spec.grpc {
            input.warning(report, "spec", "has neither routes nor grpc: nothing is routed to the app");
        }
        self.check_service_ports(input, spec, resources, report);
    }

    /// When the app's Service is among the resources (for example generated by `workloads`
    /// earlier in the pipeline), the ports the routes name must exist on it.
    fn check_service_ports(&self, input: &Input, spec: &NetworkingSpec, resources: &Resources, report: &mut Report) {
        let Some(service) = resources.get(&ResourceId::of::<Service>(input.namespace(), &spec.app)) else { return };
        let service: Service = match service.decode() {
            Ok(service) => service,
            Err(message) => return input.error(report, "spec.app", message),
        };
        let ports: Vec<&str> = service.spec.iter().flat_map(|s| s.ports.iter().flatten()).filter_map(|p| p.name.as_deref()).collect();
        let needed = [(!spec.routes.is_empty(), self.settings.http_port, "spec.routes"), (spec.grpc, self.settings.grpc_port, "spec.grpc")];
        for (_, port, path) in needed.into_iter().filter(|(needed, port, _)| *needed && !ports.contains(port)) {
            input.error(report, path, format!("Service {:?} has no port named {port:?} (its ports: [{}])", spec.app, ports.join(", ")));
        }
    }

    // -----------------------------------------------------------------------------------------
    // Outputs

    fn build(&self, index: usize, input: &Input, spec: &NetworkingSpec) -> Vec<Generated> {
        let s = &self.settings;
        let name = input.name();
        let metadata = |suffix: &str| ObjectMeta {
            name: Some(format!("{name}{suffix}")),
            namespace: Some(input.namespace().to_string()).filter(|ns| !ns.is_empty()),
            labels: Some(labels::common(&spec.app, spec.part_of.as_deref())),
            ..ObjectMeta::default()
        };
        let tls_secret = format!("{name}-tls");
        let hosts = spec.domains.iter().map(|d| format!("Host(`{d}`)")).collect::<Vec<_>>().join(" || ");
        let mut generated = Vec::new();

        if !spec.routes.is_empty() {
            let vpn = MiddlewareRef { name: s.vpn_middleware.name.into(), namespace: Some(s.vpn_middleware.namespace.into()) };
            let routes = spec
                .routes
                .iter()
                .map(|route| {
                    let middlewares = if route.vpn { vec![vpn.clone()] } else { Vec::new() };
                    let rule = format!("({hosts}) && ({})", route.rule.trim());
                    Route::rule(rule, middlewares, vec![ServiceRef::service_port(&spec.app, s.http_port)])
                })
                .collect();
            let https = IngressRouteSpec {
                entry_points: vec![s.https_entry_point.into()],
                routes,
                tls: Some(Tls { secret_name: tls_secret.clone() }),
            };
            generated.push(Generated::new(index, &IngressRoute::new(metadata("-https"), https)));

            // Plain http on the same hosts only redirects: routes are always https.
            let redirect_name = format!("{name}-redirect-https");
            let redirect = MiddlewareRef { name: redirect_name, namespace: None };
            let http = IngressRouteSpec {
                entry_points: vec![s.http_entry_point.into()],
                routes: vec![Route::rule(hosts.clone(), vec![redirect], vec![ServiceRef::noop()])],
                tls: None,
            };
            generated.push(Generated::new(index, &IngressRoute::new(metadata("-http"), http)));
            let scheme = MiddlewareSpec { redirect_scheme: Some(RedirectScheme { scheme: "https".into(), permanent: true }) };
            generated.push(Generated::new(index, &Middleware::new(metadata("-redirect-https"), scheme)));
        }

        if spec.grpc {
            let service =
                ServiceRef { scheme: Some("h2c".into()), pass_host_header: Some(true), ..ServiceRef::service_port(&spec.app, s.grpc_port) };
            let rule = format!("Host(`{}.{}`)", spec.app, s.internal_grpc_domain);
            let grpc = IngressRouteSpec {
                entry_points: vec![s.grpc_entry_point.into()],
                routes: vec![Route::rule(rule, Vec::new(), vec![service])],
                tls: None,
            };
            generated.push(Generated::new(index, &IngressRoute::new(metadata("-grpc"), grpc)));
        }

        if !spec.domains.is_empty() {
            let issuer_ref = match &spec.issuer {
                Some(issuer) => {
                    IssuerRef { group: "cert-manager.io".into(), kind: format!("{:?}", issuer.kind), name: issuer.name.clone() }
                }
                None => IssuerRef { group: "cert-manager.io".into(), kind: s.issuer_kind.into(), name: s.issuer_name.into() },
            };
            let certificate = CertificateSpec { secret_name: tls_secret, dns_names: spec.domains.clone(), issuer_ref };
            generated.push(Generated::new(index, &Certificate::new(metadata(""), certificate)));
        }
        generated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_must_balance() {
        assert!(check_rule("Path(`/a`) || (PathPrefix(`/b(`))").is_ok());
        assert_eq!(check_rule("  ").unwrap_err(), "must not be empty");
        assert!(check_rule("Path(`/a`").unwrap_err().starts_with("unbalanced parentheses: 1 '(' not closed"));
        assert!(check_rule("Path(`/a`))").unwrap_err().starts_with("unbalanced parentheses: a ')' closes nothing"));
        assert!(check_rule("Path(`/a)").unwrap_err().starts_with("unterminated ` quote"));
    }
}
