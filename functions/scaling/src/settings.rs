//! The scaling function's settings: the platform's (`spec.scaling` of a LummoPlatform, defaults
//! in `lummo-platform`), and the naming of what it generates, which is fixed.

use lummo_krm::names;
use lummo_krm::platform::Platform;
use lummo_krm::results::Report;

/// How the Pub/Sub scaler authenticates to GCP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PubsubAuth {
    /// GKE workload identity of KEDA's operator: the function emits a TriggerAuthentication
    /// (`podIdentity.provider: gcp`) per app.
    WorkloadIdentity,
    /// A TriggerAuthentication that already exists in the namespace (the earlier
    /// implementation's `keda-trigger-auth-gcp-credentials`, holding a key file).
    Existing(String),
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

impl Settings {
    pub fn new(platform: &lummo_platform::Scaling) -> Settings {
        Settings {
            pubsub_auth: match &platform.pubsub_trigger_authentication {
                Some(name) => PubsubAuth::Existing(name.clone()),
                None => PubsubAuth::WorkloadIdentity,
            },
            trigger_auth_suffix: "-gcp",
            scale_down_stabilization_seconds: platform.scale_down_stabilization_seconds,
            min_replicas: platform.min_replicas,
        }
    }

    /// The settings of a LummoPlatform (its ranges are checked with its shape).
    pub fn from_platform(platform: &Platform, report: &mut Report) -> Settings {
        let section = &platform.spec.scaling;
        if let Some(name) = &section.pubsub_trigger_authentication {
            platform.check(report, "spec.scaling.pubsubTriggerAuthentication", names::check_object_name(name));
        }
        Settings::new(section)
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::new(&lummo_platform::Scaling::default())
    }
}

/// The longest scale-down window the Kubernetes autoscaler accepts (one hour).
pub const MAX_STABILIZATION_SECONDS: i32 = 3600;
