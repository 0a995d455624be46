//! `pubsub`: `LummoTopic` and `LummoSubscription` → Config Connector `PubSubTopic`s (each with
//! a dead-letter topic and a subscription that keeps its dead letters), `PubSubSubscription`s
//! with retry and dead-letter policies, and the `IAMPolicyMember`s that let Pub/Sub dead-letter.
//!
//! Reads top-down: the input types; the function (earlier shapes migrated, each input checked
//! into a plan, the plans checked against each other, the outputs built); the checks of one
//! input; the checks across inputs; the outputs. The README (printed by `--help`) is the user
//! documentation.

pub use lummo_krm::protobuf_duration as duration;
pub mod grants;
pub mod names;
pub mod settings;

use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;

use k8s_openapi::{Metadata, Resource};
use lummo_inputs::pubsub::check_name;
use lummo_inputs::workload::{CRON_JOB, CRON_JOB_EARLIER_NAMES, DEPLOYMENT, DEPLOYMENT_EARLIER_NAMES, JOB};
use lummo_kinds::ObjectMeta;
use lummo_kinds::config_connector::{
    DeadLetterPolicy, ExpirationPolicy, IAMPolicyMember, IAMPolicyMemberSpec, IAMResourceRef, PubSubSubscription, PubSubSubscriptionSpec,
    PubSubTopic, PubSubTopicSpec, ResourceRef, RetryPolicy,
};
use lummo_krm::input::InputKind;
use lummo_krm::platform::Platform;
use lummo_krm::yaml::{Node, Value};
use lummo_krm::{About, Function, Generated, Input, Report, ResourceList};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use duration::{Duration, Written};
use names::kubernetes_name;
use settings::{
    ACK_DEADLINE_SECONDS, BACKOFF, Count, Grant, MAX_DELIVERY_ATTEMPTS, MIN_TTL, PROJECT_ANNOTATION, SUBSCRIPTION_RETENTION,
    TOPIC_RETENTION, service_agent, topic_path,
};
pub use settings::{Settings, Ttl};

// ---------------------------------------------------------------------------------------------
// Input

pub const TOPIC: &str = "LummoTopic";
pub const SUBSCRIPTION: &str = "LummoSubscription";
/// What a `ttl` says for a subscription that never expires.
pub const NEVER: &str = "never";

/// `LummoTopic.spec`: topics, each with its dead-letter topic.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TopicSpec {
    /// Put before every name (`dev-`), so that one base serves every environment.
    #[serde(default)]
    pub prefix: String,
    /// The environment, which chooses the GCP project (`prod`: production).
    pub env: Option<String>,
    /// The GCP project id, instead of the environment's.
    pub project: Option<String>,
    /// The GCP project number, for the Pub/Sub service agent's grants.
    #[schemars(range(min = 1))]
    pub project_number: Option<u64>,
    #[schemars(length(min = 1))]
    pub topics: Vec<TopicEntry>,
}

/// A topic: its name, or its name and settings.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum TopicEntry {
    Name(String),
    Config(TopicConfig),
}

#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TopicConfig {
    pub name: String,
    /// How long the topic keeps messages, even acknowledged ones (`600s`, `600.5s`); none by
    /// default.
    pub message_retention_duration: Option<String>,
}

/// `LummoSubscription.spec`: subscriptions, with settings shared by all of them in `config`.
#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SubscriptionSpec {
    /// Put before every subscription and topic name.
    #[serde(default)]
    pub prefix: String,
    pub env: Option<String>,
    pub project: Option<String>,
    #[schemars(range(min = 1))]
    pub project_number: Option<u64>,
    /// Settings of every subscription, unless its own `config` says otherwise.
    #[serde(default)]
    pub config: SubscriptionConfig,
    #[schemars(length(min = 1))]
    pub subscriptions: Vec<SubscriptionEntry>,
}

#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SubscriptionEntry {
    /// The topic (prefixed like the subscription).
    pub topic: String,
    /// The subscription's name.
    pub subscription: String,
    /// The topic is not a Config Connector object here: refer to it by its GCP path.
    #[serde(default)]
    pub external: bool,
    /// Settings of this subscription, key by key over the spec's `config`.
    #[serde(default)]
    pub config: SubscriptionConfig,
}

#[derive(Deserialize, JsonSchema, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SubscriptionConfig {
    pub ack_deadline_seconds: Option<i64>,
    pub max_delivery_attempts: Option<i64>,
    /// Idle time after which the subscription is deleted (`2678400s`), or `never`.
    pub ttl: Option<String>,
    pub message_retention_duration: Option<String>,
    pub minimum_backoff: Option<String>,
    pub maximum_backoff: Option<String>,
    pub filter: Option<String>,
    pub enable_message_ordering: Option<bool>,
}

// ---------------------------------------------------------------------------------------------
// The function

#[derive(Default)]
pub struct Pubsub {
    pub settings: Settings,
}

pub const ABOUT: About = About {
    name: "pubsub",
    version: env!("CARGO_PKG_VERSION"),
    help: include_str!("../README.md"),
    group: &lummo_policy::group::LUMMO,
    kinds: &[
        InputKind::with_legacy_names(TOPIC, &["PubsubTopic"]).with_spec::<TopicSpec>(),
        InputKind::with_legacy_names(SUBSCRIPTION, &["PubsubSubscription"]).with_spec::<SubscriptionSpec>(),
        // For the Pub/Sub grants of workloads with an identity (grants.rs); workloads owns them.
        InputKind::read_only(DEPLOYMENT, DEPLOYMENT_EARLIER_NAMES),
        InputKind::read_only(JOB, &[]),
        InputKind::read_only(CRON_JOB, CRON_JOB_EARLIER_NAMES),
    ],
    generates: &["PubSubTopic", "PubSubSubscription", "IAMPolicyMember"],
    needs: &[],
};

/// The workload kinds whose identities get Pub/Sub grants (grants.rs).
pub const WORKLOAD_KINDS: [&str; 3] = [DEPLOYMENT, JOB, CRON_JOB];

/// The topics and subscriptions of the run, by namespace and Pub/Sub name: those its inputs
/// declare, and the Config Connector objects already among the resources (a kustomize
/// transformer that ran before, or hand-written ones).
fn declared(inputs: &[Input], plans: &[Plan], resources: &ResourceList) -> grants::Declared {
    let namespace = |plan: &Plan| inputs[plan.input].namespace().to_string();
    let mut topics: HashSet<(String, String)> =
        plans.iter().flat_map(|plan| plan.topics.iter().map(move |t| (namespace(plan), t.name.clone()))).collect();
    let mut subscriptions: HashSet<(String, String)> =
        plans.iter().flat_map(|plan| plan.subscriptions.iter().map(move |s| (namespace(plan), s.name.clone()))).collect();
    for item in &resources.items {
        let pubsub_name = || item.str_at(&["spec", "resourceID"]).unwrap_or(item.name()).to_string();
        if item.id().is::<PubSubTopic>() {
            topics.insert((item.namespace().to_string(), pubsub_name()));
        } else if item.id().is::<PubSubSubscription>() {
            subscriptions.insert((item.namespace().to_string(), pubsub_name()));
        }
    }
    grants::Declared { topics: topics.into_iter().collect(), subscriptions: subscriptions.into_iter().collect() }
}

impl Function for Pubsub {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn migrate(&self, input: &mut Input, report: &mut Report) {
        for (path, message) in migrate(&mut input.node) {
            input.warning(report, &path, message);
        }
    }

    fn with_platform(&self, platform: &Platform, report: &mut Report) -> Option<Box<dyn Function>> {
        Some(Box::new(Pubsub { settings: Settings::from_platform(platform, report) }))
    }

    fn generate(&self, inputs: &[Input], resources: &ResourceList, report: &mut Report) -> Vec<Generated> {
        let plans: Vec<Plan> = inputs.iter().enumerate().filter_map(|(index, input)| self.plan(index, input, report)).collect();
        check_topics_declared(inputs, &plans, &self.settings, report);
        let outputs: Vec<Output> = plans.iter().flat_map(|plan| self.build(&inputs[plan.input], plan)).collect();
        check_unique(inputs, &outputs, report);
        let declared = declared(inputs, &plans, resources);
        let grants = grants::generate(&self.settings, inputs, &declared, report);
        outputs.into_iter().map(|output| output.generated).chain(grants).collect()
    }
}

/// The earlier branch wrote a topic's settings under `config` (`{name, config:
/// {messageRetentionDuration}}`) and a subscription as `{name, topicRef, config}`. Rewrites
/// those into today's shape, returning a warning (field path, message) for each change.
pub fn migrate(node: &mut Node) -> Vec<(String, String)> {
    let mut warnings = Vec::new();
    let Some(spec) = node.get_mut("spec") else { return warnings };
    for (i, topic) in list_mut(spec, "topics") {
        if !matches!(topic.get("config").map(|c| &c.value), Some(Value::Map(_) | Value::Null)) {
            continue;
        }
        if let Some(Node { value: Value::Map(settings), .. }) = topic.remove("config") {
            for setting in settings.into_iter().filter(|s| topic.get(&s.key).is_none()).collect::<Vec<_>>() {
                topic.set(&setting.key, setting.value);
            }
        }
        warnings.push((format!("spec.topics[{i}].config"), "is the earlier form: write its fields beside name".into()));
    }
    for (i, subscription) in list_mut(spec, "subscriptions") {
        for (old, new) in [("name", "subscription"), ("topicRef", "topic")] {
            if subscription.get(new).is_none()
                && let Some(value) = subscription.remove(old)
            {
                subscription.set(new, value);
                warnings.push((format!("spec.subscriptions[{i}].{old}"), format!("is the earlier name of {new:?}: rename it")));
            }
        }
    }
    warnings
}

/// The entries of the list under `key`, with their indexes (none when it is no list).
fn list_mut<'a>(node: &'a mut Node, key: &str) -> impl Iterator<Item = (usize, &'a mut Node)> {
    let entries: &mut [Node] = match node.get_mut(key) {
        Some(Node { value: Value::Seq(entries), .. }) => entries,
        _ => &mut [],
    };
    entries.iter_mut().enumerate()
}

// ---------------------------------------------------------------------------------------------
// Checks of one input

/// One checked input, ready to build.
struct Plan {
    input: usize,
    project: String,
    /// Unknown: no IAM members (and a warning).
    project_number: Option<u64>,
    topics: Vec<TopicPlan>,
    subscriptions: Vec<SubscriptionPlan>,
}

struct TopicPlan {
    path: String,
    /// The Pub/Sub name, prefix included.
    name: String,
    retention: Option<Written>,
}

struct SubscriptionPlan {
    path: String,
    name: String,
    topic: String,
    external: bool,
    /// None for a subscription to a dead-letter topic, which has no dead-letter topic of its own.
    dead_letter_topic: Option<String>,
    settings: Resolved,
}

/// A subscription's settings: its own, else the spec's, else the defaults.
struct Resolved {
    ack_deadline_seconds: i32,
    max_delivery_attempts: i32,
    ttl: Ttl,
    message_retention: Written,
    minimum_backoff: Written,
    maximum_backoff: Written,
    filter: Option<String>,
    enable_message_ordering: bool,
}

impl Pubsub {
    fn plan(&self, index: usize, input: &Input, report: &mut Report) -> Option<Plan> {
        let checkpoint = report.checkpoint();
        let plan = match input.kind {
            TOPIC => self.plan_topics(index, input, &input.decode_spec::<TopicSpec>(report)?, report),
            SUBSCRIPTION => self.plan_subscriptions(index, input, &input.decode_spec::<SubscriptionSpec>(report)?, report),
            _ => return None,
        };
        if report.errors_since(checkpoint) {
            return None;
        }
        warn_without_project_number(input, &plan, &self.settings, report);
        Some(plan)
    }

    fn plan_topics(&self, index: usize, input: &Input, spec: &TopicSpec, report: &mut Report) -> Plan {
        let mut check = Checker { input, report, seen: HashSet::new() };
        let (project, project_number) = self.project(&mut check, spec.env.as_deref(), spec.project.as_deref(), spec.project_number);
        let mut topics = Vec::new();
        for (i, entry) in spec.topics.iter().enumerate() {
            let path = format!("spec.topics[{i}]");
            let (name, name_path, retention) = match entry {
                TopicEntry::Name(name) => (name, path.clone(), None),
                TopicEntry::Config(config) => (&config.name, format!("{path}.name"), config.message_retention_duration.as_deref()),
            };
            let name = format!("{}{name}", spec.prefix);
            if check.name(&name_path, "topic", &name) {
                check.name(&name_path, "dead-letter topic", &format!("{name}{}", self.settings.dead_letter_suffix));
            }
            let retention_path = format!("{path}.messageRetentionDuration");
            let retention = retention.and_then(|text| check.duration(&retention_path, text, TOPIC_RETENTION));
            topics.push(TopicPlan { path, name, retention });
        }
        Plan { input: index, project, project_number, topics, subscriptions: Vec::new() }
    }

    fn plan_subscriptions(&self, index: usize, input: &Input, spec: &SubscriptionSpec, report: &mut Report) -> Plan {
        let mut check = Checker { input, report, seen: HashSet::new() };
        let (project, project_number) = self.project(&mut check, spec.env.as_deref(), spec.project.as_deref(), spec.project_number);
        let mut subscriptions = Vec::new();
        for (i, entry) in spec.subscriptions.iter().enumerate() {
            let path = format!("spec.subscriptions[{i}]");
            let (name, topic) = (format!("{}{}", spec.prefix, entry.subscription), format!("{}{}", spec.prefix, entry.topic));
            check.name(&format!("{path}.subscription"), "subscription", &name);
            let suffix = self.settings.dead_letter_suffix;
            let dead_letter_topic = (!topic.ends_with(suffix)).then(|| format!("{topic}{suffix}"));
            // The dead-letter topic is a Pub/Sub name too: past 251 characters `.dlx` does not fit.
            if check.name(&format!("{path}.topic"), "topic", &topic)
                && let Some(dead_letter_topic) = &dead_letter_topic
            {
                check.name(&format!("{path}.topic"), "dead-letter topic", dead_letter_topic);
            }
            let settings = self.resolve(&mut check, &spec.config, &entry.config, &path);
            subscriptions.push(SubscriptionPlan { path, name, topic, external: entry.external, dead_letter_topic, settings });
        }
        Plan { input: index, project, project_number, topics: Vec::new(), subscriptions }
    }

    /// The GCP project (`project`, else the environment's) and its number when known.
    fn project(&self, check: &mut Checker, env: Option<&str>, project: Option<&str>, number: Option<u64>) -> (String, Option<u64>) {
        if let Some(project) = project
            && let Err(message) = check_project_id(project)
        {
            check.error("spec.project", message);
        }
        let project = match project.or_else(|| self.settings.project_of(env)) {
            Some(project) => project.to_string(),
            None => {
                let env = env.map_or_else(|| "no env".to_string(), |env| format!("env {env:?}"));
                check.error("spec.project", format!("the platform has no GCP project for {env} (spec.pubsub.projects of the LummoPlatform has neither it nor default): name one here"));
                String::new()
            }
        };
        let number = number.or_else(|| self.settings.project_number_of(&project));
        (project, number)
    }

    /// One subscription's settings, each from its own `config`, else the spec's, else the
    /// defaults; each checked at the field it was written in.
    fn resolve(&self, check: &mut Checker, shared: &SubscriptionConfig, own: &SubscriptionConfig, path: &str) -> Resolved {
        let defaults = &self.settings.subscription_defaults;
        let own_path = format!("{path}.config");
        macro_rules! pick {
            ($field:ident, $key:literal) => {
                pick(&own.$field, &shared.$field, &own_path, $key)
            };
        }
        let (ttl, retention) = (pick!(ttl, "ttl"), pick!(message_retention_duration, "messageRetentionDuration"));
        let (minimum, maximum) = (pick!(minimum_backoff, "minimumBackoff"), pick!(maximum_backoff, "maximumBackoff"));
        let ack = pick!(ack_deadline_seconds, "ackDeadlineSeconds").and_then(|(v, p)| check.count(&p, *v, &ACK_DEADLINE_SECONDS));
        let attempts = pick!(max_delivery_attempts, "maxDeliveryAttempts").and_then(|(v, p)| check.count(&p, *v, &MAX_DELIVERY_ATTEMPTS));
        let duration = |check: &mut Checker, setting: &Option<(&String, String)>, range, default: &Written| {
            setting.as_ref().and_then(|(v, p)| check.duration(p, v, range)).unwrap_or_else(|| default.clone())
        };
        let resolved = Resolved {
            ack_deadline_seconds: ack.unwrap_or(defaults.ack_deadline_seconds),
            max_delivery_attempts: attempts.unwrap_or(defaults.max_delivery_attempts),
            ttl: ttl.as_ref().and_then(|(v, p)| check.ttl(p, v)).unwrap_or_else(|| defaults.ttl.clone()),
            message_retention: duration(check, &retention, SUBSCRIPTION_RETENTION, &defaults.message_retention),
            minimum_backoff: duration(check, &minimum, BACKOFF, &defaults.minimum_backoff),
            maximum_backoff: duration(check, &maximum, BACKOFF, &defaults.maximum_backoff),
            // An empty filter is no filter (and lets one subscription drop the spec's).
            filter: pick!(filter, "filter").map(|(v, _)| v.clone()).filter(|f| !f.is_empty()),
            enable_message_ordering: pick!(enable_message_ordering, "enableMessageOrdering").is_some_and(|(v, _)| *v),
        };
        let path_of = |setting: &Option<(&String, String)>| setting.as_ref().map(|(_, p)| p.clone());
        let written =
            WrittenAt { ttl: path_of(&ttl), retention: path_of(&retention), minimum: path_of(&minimum), maximum: path_of(&maximum) };
        check.consistent(&resolved, &written);
        resolved
    }
}

/// A setting from a subscription's own `config` or else the spec's, with its field path.
fn pick<'a, T>(own: &'a Option<T>, shared: &'a Option<T>, own_path: &str, key: &str) -> Option<(&'a T, String)> {
    let own = own.as_ref().map(|value| (value, format!("{own_path}.{key}")));
    own.or_else(|| shared.as_ref().map(|value| (value, format!("spec.config.{key}"))))
}

/// Without the project number there is no service agent to grant the roles dead-lettering
/// needs: said once per input that needs them.
fn warn_without_project_number(input: &Input, plan: &Plan, settings: &Settings, report: &mut Report) {
    let grants = if !plan.topics.is_empty() {
        format!("{} on the dead-letter topics", settings.publisher.role)
    } else if plan.subscriptions.iter().any(|s| s.dead_letter_topic.is_some()) {
        format!("{} on the subscriptions", settings.subscriber.role)
    } else {
        return;
    };
    if plan.project_number.is_none() {
        let project = &plan.project;
        let message = format!(
            "not set, and not in the settings for project {project:?}: Pub/Sub's service agent gets no {grants}, which dead-lettering needs"
        );
        input.warning(report, "spec.projectNumber", message);
    }
}

/// Where the settings that must agree were written (none: the default).
struct WrittenAt {
    ttl: Option<String>,
    retention: Option<String>,
    minimum: Option<String>,
    maximum: Option<String>,
}

pub use lummo_inputs::pubsub::check_project_id;

/// Reports the problems of one input, each once: a value of the spec's `config` is checked
/// again with every subscription that inherits it.
struct Checker<'a> {
    input: &'a Input,
    report: &'a mut Report,
    seen: HashSet<(String, String)>,
}

impl Checker<'_> {
    fn error(&mut self, path: &str, message: String) {
        if self.seen.insert((path.to_string(), message.clone())) {
            self.input.error(self.report, path, message);
        }
    }

    /// Whether `name` is a Pub/Sub name.
    fn name(&mut self, path: &str, what: &str, name: &str) -> bool {
        check_name(what, name).map_err(|message| self.error(path, message)).is_ok()
    }

    /// A whole number in the range, or 0, which the API reads as "not set" and replaces with
    /// its default (10 seconds, 5 attempts). 0 is written as that default: it means the same to
    /// Pub/Sub, stays in the range the CRD documents (5 to 100 attempts), and states the value
    /// the subscription has, not a 0 that Config Connector could see as a difference.
    fn count(&mut self, path: &str, value: i64, count: &Count) -> Option<i32> {
        match i32::try_from(value) {
            Ok(0) => return Some(count.api_default),
            Ok(v) if count.range.contains(&v) => return Some(v),
            _ => {}
        }
        let (low, high, default) = (count.range.start(), count.range.end(), count.api_default);
        self.error(path, format!("must be between {low} and {high}{}, or 0 for Pub/Sub's default ({default}), got {value}", count.unit));
        None
    }

    /// A duration in `range`, exactly; kept as written.
    fn duration(&mut self, path: &str, text: &str, range: RangeInclusive<Duration>) -> Option<Written> {
        match Duration::parse(text) {
            Ok(value) if range.contains(&value) => return Some(Written { text: text.to_string(), value }),
            Ok(_) => {
                let (low, high) = (duration::describe(*range.start()), duration::describe(*range.end()));
                self.error(path, format!("must be between {low} and {high}, got {text}"));
            }
            Err(not) => self.error(path, not_a_duration_message(DURATION, text, not)),
        }
        None
    }

    /// `never`, or a duration of at least a day.
    fn ttl(&mut self, path: &str, text: &str) -> Option<Ttl> {
        match Duration::parse(text) {
            _ if text == NEVER => return Some(Ttl::Never),
            Ok(value) if value >= MIN_TTL => return Some(Ttl::After(Written { text: text.to_string(), value })),
            Ok(_) => self.error(path, format!("must be at least {}, or never, got {text}", duration::describe(MIN_TTL))),
            Err(not) => self.error(path, not_a_duration_message(TTL, text, not)),
        }
        None
    }

    /// Settings that Pub/Sub checks against each other, reported at the one the input wrote.
    fn consistent(&mut self, settings: &Resolved, written: &WrittenAt) {
        let (minimum, maximum) = (&settings.minimum_backoff, &settings.maximum_backoff);
        if minimum.value > maximum.value {
            let (minimum, maximum) = (&minimum.text, &maximum.text);
            match (&written.minimum, &written.maximum) {
                (Some(path), _) => self.error(path, format!("must not be above maximumBackoff ({maximum}), got {minimum}")),
                (None, Some(path)) => self.error(path, format!("must not be below minimumBackoff ({minimum}, the default), got {maximum}")),
                (None, None) => {}
            }
        }
        let retention = &settings.message_retention;
        if let Ttl::After(ttl) = &settings.ttl
            && ttl.value < retention.value
        {
            let (ttl, retention) = (&ttl.text, &retention.text);
            match (&written.ttl, &written.retention) {
                (Some(path), _) => self.error(path, format!("must not be below messageRetentionDuration ({retention}), got {ttl}")),
                (None, Some(path)) => self.error(path, format!("must not be above the ttl ({ttl}, the default), got {retention}")),
                (None, None) => {}
            }
        }
    }
}

/// What a duration must look like, for error messages.
const DURATION: &str = "a duration in seconds such as \"600s\" or \"600.5s\" (at most 9 fractional digits)";
const TTL: &str = "never or a duration in seconds such as \"2678400s\" (at most 9 fractional digits)";

/// `must be <expected>, got "10m": write 600s`.
fn not_a_duration_message(expected: &str, text: &str, not: duration::NotADuration) -> String {
    let hint = not.hint.map(|duration| format!(": write {duration}")).unwrap_or_default();
    format!("must be {expected}, got {text:?}{hint}")
}

// ---------------------------------------------------------------------------------------------
// Checks across inputs

/// The topics the LummoTopics of the run declare, with their dead-letter topics: by namespace
/// and Pub/Sub name, the input and the project.
type Declared<'a> = HashMap<(&'a str, String), (&'a Input, &'a str)>;

/// Every subscription's topic should be declared by a LummoTopic of the run (in the same
/// namespace, so that `topicRef.name` finds it), unless it is marked external.
fn check_topics_declared(inputs: &[Input], plans: &[Plan], settings: &Settings, report: &mut Report) {
    let mut declared: Declared = HashMap::new();
    for plan in plans {
        let input = &inputs[plan.input];
        for topic in &plan.topics {
            for name in [topic.name.clone(), format!("{}{}", topic.name, settings.dead_letter_suffix)] {
                declared.entry((input.namespace(), name)).or_insert((input, &plan.project));
            }
        }
    }
    for plan in plans {
        for subscription in &plan.subscriptions {
            check_topic(&inputs[plan.input], plan, subscription, &declared, settings, report);
        }
    }
}

/// What may be wrong with where one subscription's topic lives (warnings only).
fn check_topic(input: &Input, plan: &Plan, subscription: &SubscriptionPlan, declared: &Declared, settings: &Settings, report: &mut Report) {
    let (topic, path) = (&subscription.topic, &subscription.path);
    match (declared.get(&(input.namespace(), topic.clone())), subscription.external) {
        (None, false) => {
            let message = format!(
                "topic {topic:?} is not declared by a LummoTopic here: its PubSubTopic {:?} must exist in the namespace; \
                 set external: true for a topic outside Config Connector",
                kubernetes_name(topic)
            );
            input.warning(report, &format!("{path}.topic"), message);
        }
        (Some((by, _)), true) => {
            let message = format!("topic {topic:?} is declared by {} here: leave out external to refer to its PubSubTopic", by.id());
            input.warning(report, &format!("{path}.external"), message);
        }
        // The topic's input grants its own project's service agent, not this one's.
        (Some((by, project)), false) if *project != plan.project && subscription.dead_letter_topic.is_some() => {
            let (here, dead_letter_topic) = (&plan.project, subscription.dead_letter_topic.as_deref().unwrap_or_default());
            let message = format!(
                "topic {topic:?} is in project {project:?} ({}), this subscription in {here:?}: grant the Pub/Sub service agent \
                 of {here:?} {} on {dead_letter_topic:?} yourself",
                by.id(),
                settings.publisher.role
            );
            input.warning(report, &format!("{path}.topic"), message);
        }
        _ => {}
    }
}

/// No two outputs may be one object: the same Pub/Sub resource declared twice, or two Pub/Sub
/// names that become one Kubernetes name. Each pair of fields is reported once. (Every name
/// fits: `names` cuts long ones.)
fn check_unique(inputs: &[Input], outputs: &[Output], report: &mut Report) {
    let mut first: HashMap<(&str, &str, &str), &Output> = HashMap::new();
    let mut reported = HashSet::new();
    for output in outputs {
        let input = &inputs[output.generated.input];
        let Some(other) = first.get(&(output.kind, input.namespace(), output.name.as_str())) else {
            first.insert((output.kind, input.namespace(), &output.name), output);
            continue;
        };
        if reported.insert((output.generated.input, &output.path, other.generated.input, &other.path)) {
            let elsewhere = if other.generated.input == output.generated.input {
                other.path.clone()
            } else {
                format!("{} {}", inputs[other.generated.input].id(), other.path)
            };
            input.error(report, &output.path, clash(output, other, &elsewhere));
        }
    }
}

/// Why `output` and `other` (generated by the field `elsewhere`) cannot both be.
fn clash(output: &Output, other: &Output, elsewhere: &str) -> String {
    let (kind, name) = (output.kind, &output.name);
    match (&output.pubsub_name, &other.pubsub_name) {
        (Some(mine), Some(theirs)) if mine != theirs => {
            format!(
                "the Pub/Sub names {mine:?} and {theirs:?} ({elsewhere}) both become the Kubernetes name {name:?} of a {kind}: rename one"
            )
        }
        (Some(pubsub_name), _) if pubsub_name != name => {
            format!("{kind} {name:?} (Pub/Sub name {pubsub_name:?}) is also generated by {elsewhere}: declare it once")
        }
        _ => format!("{kind} {name:?} is also generated by {elsewhere}: declare it once"),
    }
}

// ---------------------------------------------------------------------------------------------
// Outputs

/// One object to generate, with the field it comes from (for errors across inputs).
struct Output {
    path: String,
    /// The GCP name, for topics and subscriptions.
    pubsub_name: Option<String>,
    kind: &'static str,
    name: String,
    generated: Generated,
}

impl Output {
    fn new<T: Resource + Metadata<Ty = ObjectMeta> + Serialize>(input: usize, path: &str, pubsub_name: Option<&str>, object: T) -> Output {
        Output {
            path: path.to_string(),
            pubsub_name: pubsub_name.map(str::to_string),
            kind: T::KIND,
            name: object.metadata().name.clone().unwrap_or_default(),
            generated: Generated::new(input, &object),
        }
    }
}

impl Pubsub {
    fn build(&self, input: &Input, plan: &Plan) -> Vec<Output> {
        let mut outputs = Vec::new();
        for topic in &plan.topics {
            outputs.extend(self.topic(input, plan, topic));
        }
        for subscription in &plan.subscriptions {
            outputs.extend(self.subscription(input, plan, subscription));
        }
        outputs
    }

    /// The topic, its dead-letter topic (same retention) and a subscription that keeps the dead
    /// letters; with the project number, the service agent may publish to the dead-letter topic.
    fn topic(&self, input: &Input, plan: &Plan, topic: &TopicPlan) -> Vec<Output> {
        let dead_letter = format!("{}{}", topic.name, self.settings.dead_letter_suffix);
        let retention = topic.retention.as_ref().map(|r| r.text.clone());
        let topic_object = |name: &str| {
            let spec = PubSubTopicSpec { resource_id: Some(name.to_string()), message_retention_duration: retention.clone() };
            Output::new(plan.input, &topic.path, Some(name), PubSubTopic::new(metadata(input, plan, kubernetes_name(name)), spec))
        };
        let keep = &self.settings.dead_letter_subscription;
        let dead_letters = PubSubSubscriptionSpec {
            resource_id: Some(dead_letter.clone()),
            topic_ref: ResourceRef { name: Some(kubernetes_name(&dead_letter)), ..ResourceRef::default() },
            ack_deadline_seconds: Some(keep.ack_deadline_seconds),
            message_retention_duration: Some(keep.message_retention.text.clone()),
            expiration_policy: Some(expiration(&keep.ttl)),
            ..PubSubSubscriptionSpec::default()
        };
        let dead_letters = PubSubSubscription::new(metadata(input, plan, kubernetes_name(&dead_letter)), dead_letters);
        let mut outputs = vec![
            topic_object(&topic.name),
            topic_object(&dead_letter),
            Output::new(plan.input, &topic.path, Some(&dead_letter), dead_letters),
        ];
        if let Some(number) = plan.project_number {
            let member = member::<PubSubTopic>(input, plan, number, &self.settings.publisher, &kubernetes_name(&dead_letter));
            outputs.push(Output::new(plan.input, &topic.path, None, member));
        }
        outputs
    }

    /// The subscription, with its dead-letter policy to the topic's dead-letter topic; with
    /// the project number, the service agent may acknowledge what it dead-letters.
    fn subscription(&self, input: &Input, plan: &Plan, subscription: &SubscriptionPlan) -> Vec<Output> {
        let settings = &subscription.settings;
        let topic_ref = |topic: &str| {
            if subscription.external {
                ResourceRef { external: Some(topic_path(&plan.project, topic)), ..ResourceRef::default() }
            } else {
                ResourceRef { name: Some(kubernetes_name(topic)), ..ResourceRef::default() }
            }
        };
        let dead_letter_policy = subscription.dead_letter_topic.as_deref().map(|topic| DeadLetterPolicy {
            dead_letter_topic_ref: Some(topic_ref(topic)),
            max_delivery_attempts: Some(settings.max_delivery_attempts),
        });
        let retry_policy = RetryPolicy {
            minimum_backoff: Some(settings.minimum_backoff.text.clone()),
            maximum_backoff: Some(settings.maximum_backoff.text.clone()),
        };
        let spec = PubSubSubscriptionSpec {
            resource_id: Some(subscription.name.clone()),
            topic_ref: topic_ref(&subscription.topic),
            ack_deadline_seconds: Some(settings.ack_deadline_seconds),
            message_retention_duration: Some(settings.message_retention.text.clone()),
            expiration_policy: Some(expiration(&settings.ttl)),
            retry_policy: Some(retry_policy),
            dead_letter_policy,
            filter: settings.filter.clone(),
            enable_message_ordering: settings.enable_message_ordering.then_some(true),
        };
        let name = kubernetes_name(&subscription.name);
        let object = PubSubSubscription::new(metadata(input, plan, name.clone()), spec);
        let mut outputs = vec![Output::new(plan.input, &subscription.path, Some(&subscription.name), object)];
        if let (Some(number), Some(_)) = (plan.project_number, &subscription.dead_letter_topic) {
            let member = member::<PubSubSubscription>(input, plan, number, &self.settings.subscriber, &name);
            outputs.push(Output::new(plan.input, &subscription.path, None, member));
        }
        outputs
    }
}

/// Grants Pub/Sub's service agent a role on the Config Connector object `T`/`name`.
fn member<T: Resource>(input: &Input, plan: &Plan, number: u64, grant: &Grant, name: &str) -> IAMPolicyMember {
    let resource_ref = IAMResourceRef {
        api_version: Some(T::API_VERSION.to_string()),
        kind: T::KIND.to_string(),
        name: Some(name.to_string()),
        ..IAMResourceRef::default()
    };
    let spec = IAMPolicyMemberSpec { member: service_agent(number), role: grant.role.to_string(), resource_ref };
    IAMPolicyMember::new(metadata(input, plan, names::with_suffix(name, grant.member_suffix)), spec)
}

/// No labels: Config Connector copies `metadata.labels` to the GCP resource, and GCP label
/// keys allow only lower-case letters, digits, `_` and `-`, so the common
/// `app.kubernetes.io/*` labels would make every apply fail. The generated-by and
/// generated-from annotations mark the objects as generated.
fn metadata(input: &Input, plan: &Plan, name: String) -> ObjectMeta {
    ObjectMeta {
        name: Some(name),
        namespace: Some(input.namespace().to_string()).filter(|ns| !ns.is_empty()),
        annotations: Some([(PROJECT_ANNOTATION.to_string(), plan.project.clone())].into()),
        ..ObjectMeta::default()
    }
}

/// `ttl: ""` is how Config Connector's CRD says "never expires": the one empty string written.
fn expiration(ttl: &Ttl) -> ExpirationPolicy {
    match ttl {
        Ttl::After(after) => ExpirationPolicy { ttl: after.text.clone() },
        Ttl::Never => ExpirationPolicy { ttl: String::new() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_ids() {
        assert!(check_project_id("beecash-staging").is_ok() && check_project_id("tokko-production").is_ok());
        for bad in ["short", "Upper-case", "ends-with-", "1starts-with-digit", "under_score", &"a".repeat(31)] {
            assert!(check_project_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_defaults_pass_the_checks() {
        let d = Settings::default().subscription_defaults;
        assert!(
            ACK_DEADLINE_SECONDS.range.contains(&d.ack_deadline_seconds) && MAX_DELIVERY_ATTEMPTS.range.contains(&d.max_delivery_attempts)
        );
        assert!(SUBSCRIPTION_RETENTION.contains(&d.message_retention.value));
        assert!(BACKOFF.contains(&d.minimum_backoff.value) && BACKOFF.contains(&d.maximum_backoff.value));
        assert!(d.minimum_backoff.value <= d.maximum_backoff.value);
        assert!(matches!(&d.ttl, Ttl::After(ttl) if ttl.value >= MIN_TTL && ttl.value >= d.message_retention.value));
        let keep = Settings::default().dead_letter_subscription;
        assert!(SUBSCRIPTION_RETENTION.contains(&keep.message_retention.value) && keep.ttl == Ttl::Never);
    }

    #[test]
    fn earlier_shapes_become_todays() {
        let text = "spec:\n  topics:\n  - name: a\n    config: {messageRetentionDuration: 864000s}\n  - b\n  subscriptions:\n  - {name: s, topicRef: a}\n";
        let mut node = lummo_krm::yaml::parse_documents(text).unwrap().remove(0).root;
        let warnings: Vec<String> = migrate(&mut node).into_iter().map(|(path, _)| path).collect();
        assert_eq!(warnings, ["spec.topics[0].config", "spec.subscriptions[0].name", "spec.subscriptions[0].topicRef"]);
        let spec = node.get("spec").unwrap().to_json();
        assert_eq!(spec["topics"][0], serde_json::json!({"name": "a", "messageRetentionDuration": "864000s"}));
        assert_eq!(spec["subscriptions"][0], serde_json::json!({"subscription": "s", "topic": "a"}));
    }
}
