//! Platform conventions of the scaling function, in one place.

/// How the Pub/Sub scaler authenticates to GCP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PubsubAuth {
    /// GKE workload identity of KEDA's operator: the function emits a TriggerAuthentication
    /// (`podIdentity.provider: gcp`) per app.
    WorkloadIdentity,
    /// A TriggerAuthentication that already exists in the namespace (the earlier
    /// implementation's `keda-trigger-auth-gcp-credentials`, holding a key file).
    Existing(&'static str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub pubsub_auth: PubsubAuth,
    /// Suffix of the per-app TriggerAuthentication's name (`<app>-gcp`).
    pub trigger_auth_suffix: &'static str,
    /// How long load must stay low before pods are removed, unless an input says otherwise.
    pub scale_down_stabilization_seconds: i32,
    /// Fewest pods unless an input says otherwise.
    pub min_replicas: u32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            pubsub_auth: PubsubAuth::WorkloadIdentity,
            trigger_auth_suffix: "-gcp",
            scale_down_stabilization_seconds: 300,
            min_replicas: 1,
        }
    }
}

/// The longest scale-down window the Kubernetes autoscaler accepts (one hour).
pub const MAX_STABILIZATION_SECONDS: i32 = 3600;
