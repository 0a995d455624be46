//! Typed output kinds for the platform's CRDs. Core Kubernetes kinds come from `k8s-openapi`;
//! the kinds here follow the CRDs in the repository's `../shared/crds` (see its SOURCES.md), and
//! the tests of every function validate what they serialise to against those CRDs.

pub mod argo;
pub mod cert_manager;
pub mod external_secrets;
pub mod traefik;

pub use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
pub use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Declares a top-level resource type: `apiVersion` and `kind` first, then `metadata` and `spec`,
/// in the order kubectl users expect to read them.
#[macro_export]
macro_rules! resource {
    ($(#[$doc:meta])* $name:ident, $api_version:expr, $spec:ty) => {
        $(#[$doc])*
        #[derive(serde::Serialize, Clone, Debug, PartialEq)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            pub api_version: &'static str,
            pub kind: &'static str,
            pub metadata: $crate::ObjectMeta,
            pub spec: $spec,
        }

        impl $name {
            pub const API_VERSION: &'static str = $api_version;
            pub const KIND: &'static str = stringify!($name);

            pub fn new(metadata: $crate::ObjectMeta, spec: $spec) -> $name {
                $name { api_version: Self::API_VERSION, kind: Self::KIND, metadata, spec }
            }
        }
    };
}
