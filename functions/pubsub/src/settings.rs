//! The pubsub function's settings: the platform's (`spec.pubsub` of a LummoPlatform, defaults
//! in `lummo-platform`), the defaults of what a subscription leaves out (the earlier
//! implementation's constants), and Pub/Sub's own limits.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use lummo_krm::platform::Platform;
use lummo_krm::results::Report;
use lummo_platform::PerEnv;

use lummo_krm::protobuf_duration::{Duration, Written};

/// When an idle subscription is deleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ttl {
    /// After this long without subscribers.
    After(Written),
    /// Never (Config Connector's `expirationPolicy: {ttl: ""}`).
    Never,
}

/// What a subscription gets for each setting its input leaves out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionDefaults {
    pub ack_deadline_seconds: i32,
    pub max_delivery_attempts: i32,
    pub ttl: Ttl,
    pub message_retention: Written,
    pub minimum_backoff: Written,
    pub maximum_backoff: Written,
}

/// The subscription every topic's dead-letter topic gets, so that dead letters are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadLetterSubscription {
    pub ack_deadline_seconds: i32,
    pub message_retention: Written,
    pub ttl: Ttl,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// GCP project of each `env`, and of any other under `default` (if there is one).
    pub projects: PerEnv<String>,
    /// Project numbers by project id, for the Pub/Sub service agent's grants. Keyed by project,
    /// not by env, so an input that overrides `project` never gets another project's number.
    pub project_numbers: BTreeMap<String, u64>,
    /// Appended to a topic's name for its dead-letter topic and that topic's subscription.
    pub dead_letter_suffix: &'static str,
    pub subscription_defaults: SubscriptionDefaults,
    pub dead_letter_subscription: DeadLetterSubscription,
    /// What dead-lettering needs of Pub/Sub's service agent: publishing to the dead-letter
    /// topic, acknowledging on the source subscription.
    pub publisher: Grant,
    pub subscriber: Grant,
}

/// A role granted to Pub/Sub's service agent through an IAMPolicyMember, named after the object
/// it is granted on and `member_suffix`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    pub role: &'static str,
    pub member_suffix: &'static str,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::new(&lummo_platform::Pubsub::default())
    }
}

impl Settings {
    pub fn new(platform: &lummo_platform::Pubsub) -> Settings {
        Settings {
            projects: platform.projects.clone(),
            project_numbers: platform.project_numbers.clone(),
            dead_letter_suffix: ".dlx",
            subscription_defaults: SubscriptionDefaults {
                ack_deadline_seconds: 10,
                max_delivery_attempts: 5,
                ttl: Ttl::After(Written::seconds(2_678_400)),
                message_retention: Written::seconds(604_800),
                minimum_backoff: Written::seconds(300),
                maximum_backoff: Written::seconds(600),
            },
            // Pub/Sub's default retention, 7 days (the earlier implementation's, which was the
            // most a subscription kept then).
            dead_letter_subscription: DeadLetterSubscription {
                ack_deadline_seconds: 10,
                message_retention: Written::seconds(604_800),
                ttl: Ttl::Never,
            },
            publisher: Grant { role: "roles/pubsub.publisher", member_suffix: "-pubsub-publisher" },
            subscriber: Grant { role: "roles/pubsub.subscriber", member_suffix: "-pubsub-subscriber" },
        }
    }

    /// The settings of a LummoPlatform, each value checked where it is written.
    pub fn from_platform(platform: &Platform, report: &mut Report) -> Settings {
        let section = &platform.spec.pubsub;
        lummo_inputs::pubsub::check_platform_projects(platform, report);
        for project in section.project_numbers.keys() {
            platform.check(report, &format!("spec.pubsub.projectNumbers.{project}"), crate::check_project_id(project));
        }
        Settings::new(section)
    }

    /// The GCP project of an input's `env`, if the platform has one for it.
    pub fn project_of(&self, env: Option<&str>) -> Option<&str> {
        self.projects.of(env).map(String::as_str)
    }

    pub fn project_number_of(&self, project: &str) -> Option<u64> {
        self.project_numbers.get(project).copied()
    }
}

/// The annotation through which Config Connector learns the GCP project of an object.
pub const PROJECT_ANNOTATION: &str = "cnrm.cloud.google.com/project-id";

/// The Pub/Sub service agent of a project, which publishes dead letters and acknowledges them
/// on the source subscription.
pub fn service_agent(project_number: u64) -> String {
    format!("serviceAccount:service-{project_number}@gcp-sa-pubsub.iam.gserviceaccount.com")
}

/// `projects/<project>/topics/<topic>`: a topic by its GCP path (Config Connector's `external`).
pub fn topic_path(project: &str, topic: &str) -> String {
    format!("projects/{project}/topics/{topic}")
}

// Pub/Sub's limits, from the field comments of google/pubsub/v1/pubsub.proto in
// googleapis/googleapis (the table tests name the commit): the ack deadline and delivery
// attempts (0 for the server's default of each), the backoffs, the retention of a subscription
// and of a topic (10 minutes to 31 days for both; 7 days was a subscription's limit once), and
// the shortest ttl of a subscription.

/// An integer setting: its range, and what Pub/Sub makes of 0, the proto's default, which the
/// API reads as "not set".
pub struct Count {
    pub range: RangeInclusive<i32>,
    pub api_default: i32,
    /// Ends the error message (`" seconds"`).
    pub unit: &'static str,
}

pub const ACK_DEADLINE_SECONDS: Count = Count { range: 10..=600, api_default: 10, unit: " seconds" };
pub const MAX_DELIVERY_ATTEMPTS: Count = Count { range: 5..=100, api_default: 5, unit: "" };
pub const BACKOFF: RangeInclusive<Duration> = Duration::seconds(0)..=Duration::seconds(600);
pub const SUBSCRIPTION_RETENTION: RangeInclusive<Duration> = Duration::seconds(600)..=Duration::seconds(2_678_400);
pub const TOPIC_RETENTION: RangeInclusive<Duration> = Duration::seconds(600)..=Duration::seconds(2_678_400);
pub const MIN_TTL: Duration = Duration::seconds(86_400);
