//! Traefik (`traefik.io/v1alpha1`, Traefik v3) routing kinds.

use serde::{Deserialize, Serialize};

use crate::IntOrString;

crate::resource!(
    /// Routes requests that match rules on entry points to Services.
    IngressRoute,
    "traefik.io",
    "v1alpha1",
    IngressRouteSpec
);

crate::resource!(
    /// A request transformation routes can refer to.
    Middleware,
    "traefik.io",
    "v1alpha1",
    MiddlewareSpec
);

crate::resource!(
    /// A service of Traefik's own: here, a weighted round robin over two Services, whose
    /// weights Argo Rollouts sets during a canary.
    TraefikService,
    "traefik.io",
    "v1alpha1",
    TraefikServiceSpec
);

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TraefikServiceSpec {
    pub weighted: Weighted,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Weighted {
    pub services: Vec<WeightedService>,
}

/// A Kubernetes Service's port in a weighted round robin. No weight is written: Argo Rollouts
/// sets them, and a weight in the manifest would be a difference ArgoCD undoes mid-rollout.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WeightedService {
    pub name: String,
    pub port: IntOrString,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass_host_header: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IngressRouteSpec {
    pub entry_points: Vec<String>,
    pub routes: Vec<Route>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<Tls>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Route {
    pub kind: String,
    #[serde(rename = "match")]
    pub rule: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub middlewares: Vec<MiddlewareRef>,
    pub services: Vec<ServiceRef>,
}

impl Route {
    pub fn rule(rule: String, middlewares: Vec<MiddlewareRef>, services: Vec<ServiceRef>) -> Route {
        Route { kind: "Rule".into(), rule, middlewares, services }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MiddlewareRef {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRef {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<IntOrString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass_host_header: Option<bool>,
}

impl ServiceRef {
    /// A Kubernetes Service's port, by name.
    pub fn service_port(name: &str, port: &str) -> ServiceRef {
        ServiceRef { name: name.into(), kind: None, port: Some(IntOrString::String(port.into())), scheme: None, pass_host_header: None }
    }

    /// A TraefikService of the namespace (a weighted one, say).
    pub fn traefik_service(name: &str) -> ServiceRef {
        ServiceRef { name: name.into(), kind: Some("TraefikService".into()), port: None, scheme: None, pass_host_header: None }
    }

    /// Traefik's built-in service that answers nothing: for routes whose middleware responds
    /// (such as a redirect).
    pub fn noop() -> ServiceRef {
        ServiceRef { name: "noop@internal".into(), kind: Some("TraefikService".into()), port: None, scheme: None, pass_host_header: None }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Tls {
    pub secret_name: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct MiddlewareSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_scheme: Option<RedirectScheme>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_allow_list: Option<IpAllowList>,
}

/// Admits requests from these ranges only.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct IpAllowList {
    pub source_range: Vec<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RedirectScheme {
    pub scheme: String,
    pub permanent: bool,
}
