//! The scaling function's settings: the platform's (`spec.scaling` of a LummoPlatform, and the
//! GCP projects of `spec.pubsub`, which the subscriptions its triggers read belong to; defaults
//! in `lummo-platform`), and the naming of what it generates, which is fixed.

use lummo_krm::names;
use lummo_krm::platform::Platform;
use lummo_krm::results::Report;
use lummo_platform::PerEnv;

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
    /// The GCP project of each `env` (and of any other under `default`): the same mapping the
    /// pubsub function creates topics and subscriptions in, so the scaler reads the
    /// subscription where it is.
    pub projects: PerEnv<String>,
}

impl Settings {
    pub fn new(platform: &lummo_platform::Scaling, pubsub: &lummo_platform::Pubsub) -> Settings {
        Settings {
            pubsub_auth: match &platform.pubsub_trigger_authentication {
                Some(name) => PubsubAuth::Existing(name.clone()),
                None => PubsubAuth::WorkloadIdentity,
            },
            trigger_auth_suffix: "-gcp",
            scale_down_stabilization_seconds: platform.scale_down_stabilization_seconds,
            min_replicas: platform.min_replicas,
            projects: pubsub.projects.clone(),
        }
    }

    /// The settings of a LummoPlatform (its ranges are checked with its shape). The projects are
    /// checked by the pubsub function, where GCP's rule for project ids is.
    pub fn from_platform(platform: &Platform, report: &mut Report) -> Settings {
        let section = &platform.spec.scaling;
        if let Some(name) = &section.pubsub_trigger_authentication {
            platform.check(report, "spec.scaling.pubsubTriggerAuthentication", names::check_object_name(name));
        }
        lummo_inputs::pubsub::check_platform_projects(platform, report);
        Settings::new(section, &platform.spec.pubsub)
    }

    /// The GCP project of an input's `env`, if the platform has one for it.
    pub fn project_of(&self, env: Option<&str>) -> Option<&str> {
        self.projects.of(env).map(String::as_str)
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::new(&lummo_platform::Scaling::default(), &lummo_platform::Pubsub::default())
    }
}

/// The longest scale-down window the Kubernetes autoscaler accepts (one hour).
pub const MAX_STABILIZATION_SECONDS: i32 = 3600;
