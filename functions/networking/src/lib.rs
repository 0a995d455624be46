//! `networking`: `LummoNetworking` → Traefik IngressRoutes and a cert-manager Certificate.
//!
//! Reads top-down: the input types, then validation, then the outputs. The function's README
//! (printed by `--help`) is its user documentation.

mod canary;
mod network_policy;
pub mod settings;

use k8s_openapi::api::core::v1::Service;
use lummo_kinds::ObjectMeta;
use lummo_kinds::cert_manager::{Certificate, CertificateSpec, IssuerRef};
use lummo_kinds::traefik::{
    IngressRoute, IngressRouteSpec, IpAllowList, Middleware, MiddlewareRef, MiddlewareSpec, RedirectScheme, Route, ServiceRef, Tls,
};
use lummo_krm::input::InputKind;
use lummo_krm::names::{check_dns_label, check_dns_subdomain, check_label_value, check_object_name};
use lummo_krm::platform::Platform;
use lummo_krm::traefik_rule as rule;
use lummo_krm::{About, Decorator, Function, Generated, Input, Item, Report, ResourceId, ResourceList};
use lummo_policy::labels;
use schemars::JsonSchema;
use serde::Deserialize;

pub use settings::Settings;

/// The resources of the run by identity.
pub(crate) type Resources<'a> = std::collections::HashMap<ResourceId, &'a Item>;

// ---------------------------------------------------------------------------------------------
// Input

/// `LummoNetworking.spec`: how the world reaches one app.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NetworkingSpec {
    /// The app whose Service receives the traffic; the Service is named after it, and it is the
    /// value of the labels `app` and `app.kubernetes.io/name`.
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
    group: &lummo_policy::group::LUMMO,
    kinds: &[InputKind::new("LummoNetworking").with_spec::<NetworkingSpec>()],
    generates: &["IngressRoute", "Middleware", "Certificate", "Service", "TraefikService"],
    // It checks the ports of workloads' Services and routes its canary Rollouts.
    needs: &["workloads"],
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

    fn with_platform(&self, platform: &Platform, report: &mut Report) -> Option<Box<dyn Function>> {
        Some(Box::new(Networking { settings: Settings::from_platform(platform, report) }))
    }

    /// A Rollout's canary goes through the weighted TraefikService networking generated for it.
    fn decorate(&self, inputs: &[Input], resources: &mut Decorator, report: &mut Report) {
        // Every problem was reported by `generate`; the plans are made again, quietly.
        let routings: Vec<(&Input, canary::Routing)> = {
            let index = resources.resources().index();
            let plan = |input: &Input| {
                let quiet = &mut Report::default();
                let spec = input.decode_spec::<NetworkingSpec>(quiet)?;
                canary::plan(&self.settings, input, &spec, &index, quiet)
            };
            inputs.iter().filter_map(|input| Some((input, plan(input)?))).collect()
        };
        for (input, routing) in routings {
            if let Err(message) = canary::decorate(resources, &routing) {
                input.error(report, "spec.app", message);
            }
        }
        for input in inputs {
            let Some(spec) = input.decode_spec::<NetworkingSpec>(&mut Report::default()) else { continue };
            if let Err(message) = network_policy::admit_ingress(resources, input, &spec, &self.settings.ingress_namespace) {
                input.error(report, "spec.app", message);
            }
        }
    }

    fn generate(&self, inputs: &[Input], resources: &ResourceList, report: &mut Report) -> Vec<Generated> {
        let mut generated = Vec::new();
        let resources = resources.index();
        for (index, input) in inputs.iter().enumerate() {
            let Some(spec) = input.decode_spec::<NetworkingSpec>(report) else { continue };
            let checkpoint = report.checkpoint();
            self.validate(input, &spec, &resources, report);
            let routing = canary::plan(&self.settings, input, &spec, &resources, report);
            if !report.errors_since(checkpoint) {
                generated.extend(self.build(index, input, &spec, routing.as_ref()));
            }
        }
        generated
    }
}

// ---------------------------------------------------------------------------------------------
// Validation (what the schema cannot say)

/// Parses a route's rule as Traefik v3 does (see [`rule`]), so that wrapping it in `(...)` and
/// adding the domains' `Host` matchers gives a rule Traefik loads.
pub fn check_rule(text: &str) -> Result<rule::Rule, String> {
    if text.trim().is_empty() {
        return Err("must not be empty".into());
    }
    rule::parse(text).map_err(|e| format!("rule {text:?}: {e}"))
}

/// What one input generates, named after its `metadata.name`: `build` names its outputs with
/// these, and `validate` checks them all.
struct Names {
    https: String,
    http: String,
    redirect: String,
    vpn: String,
    grpc: String,
    certificate: String,
    tls_secret: String,
}

impl Names {
    fn of(name: &str) -> Names {
        Names {
            https: format!("{name}-https"),
            http: format!("{name}-http"),
            redirect: format!("{name}-redirect-https"),
            vpn: format!("{name}-vpn-only"),
            grpc: format!("{name}-grpc"),
            certificate: name.to_string(),
            tls_secret: format!("{name}-tls"),
        }
    }

    /// The objects `spec` makes or names, by kind and name: the TLS Secret is the Certificate's
    /// and the https route's.
    fn generated(&self, spec: &NetworkingSpec) -> Vec<(&'static str, &str)> {
        let mut generated = Vec::new();
        if !spec.routes.is_empty() {
            generated.extend([("IngressRoute", &self.https), ("IngressRoute", &self.http), ("Middleware", &self.redirect)]);
        }
        if spec.grpc {
            generated.push(("IngressRoute", &self.grpc));
        }
        if !spec.domains.is_empty() {
            generated.push(("Certificate", &self.certificate));
        }
        if !spec.domains.is_empty() || !spec.routes.is_empty() {
            generated.push(("Secret", &self.tls_secret));
        }
        generated.into_iter().map(|(kind, name)| (kind, name.as_str())).collect()
    }
}

/// Every name generated from `metadata.name` names an object, so it follows Kubernetes' rule for
/// object names (`IsDNS1123Subdomain`): at most 253 characters, dot-separated parts of
/// lowercase letters, digits and '-' that start and end with a letter or digit. Unlike a domain's
/// (`check_dns_subdomain`), a part may be longer than 63 characters, so a 63-character
/// `metadata.name` still makes a valid `<name>-redirect-https`. None of these names is a label
/// value or a Service name, which would allow 63 in all. The longest name that does not fit is
/// the error, with the length `metadata.name` may have.
fn check_generated_names(name: &str, generated: &[(&str, &str)]) -> Result<(), String> {
    let is_object_name = |name: &str| check_object_name(name).is_ok();
    let invalid = generated.iter().filter(|(_, generated)| !is_object_name(generated)).max_by_key(|(_, generated)| generated.len());
    match invalid {
        None => Ok(()),
        Some((kind, generated)) if generated.len() > 253 => {
            let (length, most) = (generated.len(), 253 - (generated.len() - name.len()));
            Err(format!(
                "too long: the generated {kind} name {generated:?} would have {length} characters, at most 253, so metadata.name can have at most {most}"
            ))
        }
        Some((kind, generated)) => Err(format!("the generated {kind} name {generated:?} is not a valid object name")),
    }
}

/// A domain of the routes and of the Certificate. cert-manager hands every name to the issuer
/// as it is, and an ACME server (Let's Encrypt) refuses a name of one label, which fails the
/// order, so the Certificate of every domain is never issued.
fn check_domain(domain: &str) -> Result<(), String> {
    if domain.starts_with("*.") {
        return Err(format!("{domain:?}: wildcard domains are not supported: list each domain"));
    }
    check_dns_subdomain(domain)?;
    match domain.contains('.') {
        true => Ok(()),
        false => Err(format!(
            "{domain:?} is a single label, which ACME issuers such as Let's Encrypt refuse, so the Certificate of the domains would never be issued: use a full name such as app.example.com"
        )),
    }
}

/// A Service's name is a DNS-1035 label: a DNS label that starts with a letter.
pub(crate) fn check_service_name(name: &str) -> Result<(), String> {
    check_dns_label(name)?;
    match name.starts_with(|c: char| c.is_ascii_lowercase()) {
        true => Ok(()),
        false => Err(format!("{name:?} must start with a letter: it is the name of the app's Service")),
    }
}

impl Networking {
    fn validate(&self, input: &Input, spec: &NetworkingSpec, resources: &Resources, report: &mut Report) {
        // A valid Service name is a valid label value too.
        if let Err(message) = check_service_name(&spec.app) {
            input.error(report, "spec.app", message);
        }
        if let Some(Err(message)) = spec.part_of.as_deref().map(check_label_value) {
            input.error(report, "spec.part-of", message);
        }
        if let Err(message) = check_generated_names(input.name(), &Names::of(input.name()).generated(spec)) {
            input.error(report, "metadata.name", message);
        }
        for (i, domain) in spec.domains.iter().enumerate() {
            let path = format!("spec.domains[{i}]");
            if let Err(message) = check_domain(domain) {
                input.error(report, &path, message);
            } else if let Some(first) = spec.domains[..i].iter().position(|d| d == domain) {
                input.error(report, &path, format!("{domain:?} is listed twice (also spec.domains[{first}])"));
            }
        }
        if !spec.routes.is_empty() && spec.domains.is_empty() {
            input.error(report, "spec.domains", "must list at least one domain for the routes to answer on");
        }
        // A route is a duplicate when it parses to the same rule as an earlier one, however
        // it is spelled (quotes, spaces, a matcher's case).
        let rules: Vec<Result<rule::Rule, String>> = spec.routes.iter().map(|route| check_rule(&route.rule)).collect();
        for (i, parsed) in rules.iter().enumerate() {
            let path = format!("spec.routes[{i}].match");
            match (parsed, rules[..i].iter().position(|earlier| earlier.is_ok() && earlier == parsed)) {
                (Err(message), _) => input.error(report, &path, message.as_str()),
                (Ok(_), Some(first)) => input.error(report, &path, format!("duplicate route: spec.routes[{first}] has the same match")),
                (Ok(rule), None) if rule.uses(rule::Kind::Host) || rule.uses(rule::Kind::HostRegexp) => {
                    input.warning(report, &path, "matches on the host itself: the domains' Host matchers are added to every route already");
                }
                (Ok(_), None) => {}
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

    fn build(&self, index: usize, input: &Input, spec: &NetworkingSpec, routing: Option<&canary::Routing>) -> Vec<Generated> {
        let s = &self.settings;
        let names = Names::of(input.name());
        let metadata = |name: &str| ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(input.namespace().to_string()).filter(|ns| !ns.is_empty()),
            labels: Some(labels::common(&spec.app, spec.part_of.as_deref())),
            ..ObjectMeta::default()
        };
        let hosts = spec.domains.iter().map(|d| format!("Host(`{d}`)")).collect::<Vec<_>>().join(" || ");
        let mut generated = Vec::new();

        if !spec.routes.is_empty() {
            // The platform's shared Middleware, or (with its ranges set) one of this input's own.
            let vpn = match s.vpn_source_ranges.is_empty() {
                true => MiddlewareRef { name: s.vpn_middleware.name.clone(), namespace: Some(s.vpn_middleware.namespace.clone()) },
                false => MiddlewareRef { name: names.vpn.clone(), namespace: None },
            };
            let routes = spec
                .routes
                .iter()
                .map(|route| {
                    let middlewares = if route.vpn { vec![vpn.clone()] } else { Vec::new() };
                    let rule = format!("({hosts}) && ({})", route.rule.trim());
                    let service = match routing.filter(|r| !r.grpc) {
                        Some(routing) => ServiceRef::traefik_service(&routing.weighted),
                        None => ServiceRef::service_port(&spec.app, s.http_port),
                    };
                    Route::rule(rule, middlewares, vec![service])
                })
                .collect();
            let https = IngressRouteSpec {
                entry_points: vec![s.entry_points.https.clone()],
                routes,
                tls: Some(Tls { secret_name: names.tls_secret.clone() }),
            };
            generated.push(Generated::new(index, &IngressRoute::new(metadata(&names.https), https)));

            // Plain http on the same hosts only redirects: routes are always https.
            let redirect = MiddlewareRef { name: names.redirect.clone(), namespace: None };
            let http = IngressRouteSpec {
                entry_points: vec![s.entry_points.http.clone()],
                routes: vec![Route::rule(hosts.clone(), vec![redirect], vec![ServiceRef::noop()])],
                tls: None,
            };
            generated.push(Generated::new(index, &IngressRoute::new(metadata(&names.http), http)));
            let scheme =
                MiddlewareSpec { redirect_scheme: Some(RedirectScheme { scheme: "https".into(), permanent: true }), ip_allow_list: None };
            generated.push(Generated::new(index, &Middleware::new(metadata(&names.redirect), scheme)));
            if !s.vpn_source_ranges.is_empty() && spec.routes.iter().any(|route| route.vpn) {
                let allow = MiddlewareSpec {
                    redirect_scheme: None,
                    ip_allow_list: Some(IpAllowList { source_range: s.vpn_source_ranges.clone() }),
                };
                generated.push(Generated::new(index, &Middleware::new(metadata(&names.vpn), allow)));
            }
        }

        if spec.grpc {
            let service = match routing.filter(|r| r.grpc) {
                Some(routing) => ServiceRef::traefik_service(&routing.weighted),
                None => ServiceRef {
                    scheme: Some("h2c".into()),
                    pass_host_header: Some(true),
                    ..ServiceRef::service_port(&spec.app, s.grpc_port)
                },
            };
            let rule = format!("Host(`{}.{}`)", spec.app, s.internal_grpc_domain);
            let grpc = IngressRouteSpec {
                entry_points: vec![s.entry_points.grpc.clone()],
                routes: vec![Route::rule(rule, Vec::new(), vec![service])],
                tls: None,
            };
            generated.push(Generated::new(index, &IngressRoute::new(metadata(&names.grpc), grpc)));
        }

        if let Some(routing) = routing {
            let (services, weighted) = canary::objects(routing, &metadata);
            generated.extend(services.iter().map(|service| Generated::new(index, service)));
            generated.push(Generated::new(index, &weighted));
        }

        if !spec.domains.is_empty() {
            let issuer_ref = match &spec.issuer {
                Some(issuer) => {
                    IssuerRef { group: "cert-manager.io".into(), kind: format!("{:?}", issuer.kind), name: issuer.name.clone() }
                }
                None => IssuerRef { group: "cert-manager.io".into(), kind: s.issuer.kind.as_str().into(), name: s.issuer.name.clone() },
            };
            let certificate = CertificateSpec { secret_name: names.tls_secret.clone(), dns_names: spec.domains.clone(), issuer_ref };
            generated.push(Generated::new(index, &Certificate::new(metadata(&names.certificate), certificate)));
        }
        generated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_parsed() {
        assert!(check_rule("Path(`/a`) || (PathPrefix(`/b(`))").is_ok());
        assert_eq!(check_rule("  ").unwrap_err(), "must not be empty");
        assert_eq!(
            check_rule("Path(`/a`").unwrap_err(),
            r#"rule "Path(`/a`": at character 10: expected "," or ")", got the end of the rule"#
        );
        assert_eq!(
            check_rule("Path(/hello)").unwrap_err(),
            r#"rule "Path(/hello)": at character 6: expected a quoted argument (`...` or "..."), got "/""#
        );
    }

    #[test]
    fn generated_names_fit_their_kinds() {
        let spec = |routes: usize, grpc: bool| NetworkingSpec {
            app: "a".into(),
            part_of: None,
            grpc,
            domains: vec!["a.test.com".into()],
            routes: (0..routes).map(|i| RouteSpec { rule: format!("Path(`/{i}`)"), vpn: false }).collect(),
            issuer: None,
        };
        let check = |name: &str, spec: &NetworkingSpec| check_generated_names(name, &Names::of(name).generated(spec));
        // A valid metadata.name (at most 63 characters between dots) of `length` characters.
        let name = |length: usize| -> String { (0..length).map(|i| if i % 60 == 59 { '.' } else { 'a' }).collect() };
        assert_eq!(check(&name(238), &spec(1, true)), Ok(()));
        assert_eq!(check(&"a".repeat(63), &spec(1, true)), Ok(()), "parts of object names may be longer than 63");
        let longest = name(239);
        assert_eq!(
            check(&longest, &spec(1, true)).unwrap_err(),
            format!(
                "too long: the generated Middleware name \"{longest}-redirect-https\" would have 254 characters, at most 253, so metadata.name can have at most 238"
            )
        );
        // Without routes, the TLS Secret is the longest name; with neither domains nor routes,
        // the gRPC route.
        let message = check(&name(250), &spec(0, false)).unwrap_err();
        assert!(
            message.starts_with("too long: the generated Secret name ") && message.ends_with("so metadata.name can have at most 249"),
            "{message}"
        );
        let grpc_only = NetworkingSpec { domains: Vec::new(), ..spec(0, true) };
        let message = check(&name(250), &grpc_only).unwrap_err();
        assert!(message.starts_with("too long: the generated IngressRoute name ") && message.ends_with("at most 248"), "{message}");
        assert_eq!(check(&name(248), &grpc_only), Ok(()));
        assert_eq!(check_service_name("1api").unwrap_err(), r#""1api" must start with a letter: it is the name of the app's Service"#);
        assert!(check_service_name("api-1").is_ok());
    }

    #[test]
    fn domains_have_two_labels_at_least() {
        for domain in ["localhost", "com", "a-b"] {
            assert!(check_domain(domain).unwrap_err().contains("is a single label"), "{domain}");
        }
        for domain in ["a.test.com", "example.com", "x.y", "1.example", "xn--bcher-kva.example"] {
            assert_eq!(check_domain(domain), Ok(()), "{domain}");
        }
        assert!(check_domain("*.test.com").unwrap_err().contains("wildcard"));
        assert!(check_domain("A..com").unwrap_err().contains("not a valid DNS name"));
    }
}
