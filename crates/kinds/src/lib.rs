//! Typed output kinds for the platform's CRDs. Core Kubernetes kinds come from `k8s-openapi`;
//! the kinds here follow the CRDs kept in `crates/validate/vendor/crds` (see its SOURCES.md), and
//! the tests of every function validate what they serialise to against those CRDs.

pub mod argo;
pub mod cert_manager;
pub mod config_connector;
pub mod external_secrets;
pub mod keda;
pub mod prometheus;
pub mod traefik;

pub use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
pub use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Declares a top-level resource type: `apiVersion` and `kind` first, then `metadata` and `spec`,
/// in the order kubectl users expect to read them. The type implements `k8s_openapi::Resource`
/// and `Metadata`, as the core kinds do, so functions can find and decode it among the items
/// the same way as a Deployment.
#[macro_export]
macro_rules! resource {
    ($(#[$doc:meta])* $name:ident, $group:literal, $version:literal, $spec:ty) => {
        $(#[$doc])*
        #[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            pub api_version: String,
            pub kind: String,
            pub metadata: $crate::ObjectMeta,
            pub spec: $spec,
        }

        impl $name {
            pub const API_VERSION: &'static str = concat!($group, "/", $version);
            pub const KIND: &'static str = stringify!($name);

            pub fn new(metadata: $crate::ObjectMeta, spec: $spec) -> $name {
                $name { api_version: Self::API_VERSION.into(), kind: Self::KIND.into(), metadata, spec }
            }
        }

        impl k8s_openapi::Resource for $name {
            const API_VERSION: &'static str = concat!($group, "/", $version);
            const GROUP: &'static str = $group;
            const KIND: &'static str = stringify!($name);
            const VERSION: &'static str = $version;
            // Not used: the functions never talk to an API server.
            const URL_PATH_SEGMENT: &'static str = "";
            type Scope = k8s_openapi::NamespaceResourceScope;
        }

        impl k8s_openapi::Metadata for $name {
            type Ty = $crate::ObjectMeta;

            fn metadata(&self) -> &$crate::ObjectMeta {
                &self.metadata
            }

            fn metadata_mut(&mut self) -> &mut $crate::ObjectMeta {
                &mut self.metadata
            }
        }
    };
}
