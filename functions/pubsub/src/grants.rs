//! Pub/Sub access of workloads with a GKE identity: a server or job with `identity: {gcp: NAME}`
//! gets `roles/pubsub.subscriber` on the subscriptions it consumes (`pubsub.consumes`, and those
//! its scaling reads) and `roles/pubsub.publisher` on the topics it publishes to
//! (`pubsub.publishes`), granted to its GCP service account by IAMPolicyMembers on the Config
//! Connector objects. A subscription or topic the package does not declare is referenced by its
//! full name, with a warning: it may live elsewhere, but then nothing here checks it exists.

use std::collections::{BTreeMap, BTreeSet};

use lummo_inputs::WorkloadInput;
use lummo_inputs::identity::service_account_email;
use lummo_kinds::ObjectMeta;
use lummo_kinds::config_connector::{IAMPolicyMember, IAMPolicyMemberSpec, IAMResourceRef, PubSubSubscription, PubSubTopic};
use lummo_krm::{Generated, Input, Report};

use crate::Settings;
use crate::names::{kubernetes_name, with_suffix};
use crate::settings::PROJECT_ANNOTATION;

/// What the package declares, by Pub/Sub name and namespace.
pub struct Declared {
    pub topics: BTreeSet<(String, String)>,
    pub subscriptions: BTreeSet<(String, String)>,
}

/// One role on one Pub/Sub object for one workload.
struct Access<'a> {
    path: String,
    name: &'a str,
    subscription: bool,
}

/// The IAMPolicyMembers of every workload input with an identity.
pub fn generate(settings: &Settings, inputs: &[Input], declared: &Declared, report: &mut Report) -> Vec<Generated> {
    let mut outputs = Vec::new();
    for (index, input) in inputs.iter().enumerate().filter(|(_, input)| crate::WORKLOAD_KINDS.contains(&input.kind)) {
        let Some(workload) = input.decode_part::<WorkloadInput>(report) else { continue };
        let Some(identity) = &workload.identity else { continue };
        // Workloads reports a missing project; without one there is nothing to grant.
        let Some(project) = settings.projects.of(workload.env.as_deref()) else { continue };
        let member = format!("serviceAccount:{}", service_account_email(&identity.gcp, project));
        let mut seen = BTreeSet::new();
        for access in accesses(&workload) {
            // A subscription both consumed and scaled on is granted once.
            if !seen.insert((access.name, access.subscription)) {
                continue;
            }
            let object = resource_ref(input, &access, project, declared, report);
            let (role, word) =
                if access.subscription { (settings.subscriber.role, "subscriber") } else { (settings.publisher.role, "publisher") };
            let spec = IAMPolicyMemberSpec { member: member.clone(), role: role.to_string(), resource_ref: object };
            let name = with_suffix(&kubernetes_name(access.name), &format!("-{}-{word}", identity.gcp));
            let metadata = ObjectMeta {
                name: Some(name),
                namespace: Some(input.namespace().to_string()).filter(|ns| !ns.is_empty()),
                annotations: Some(BTreeMap::from([(PROJECT_ANNOTATION.to_string(), project.clone())])),
                ..ObjectMeta::default()
            };
            outputs.push(Generated::new(index, &IAMPolicyMember::new(metadata, spec)));
        }
    }
    outputs
}

/// What the workload reads and writes, with the field path each comes from.
fn accesses(workload: &WorkloadInput) -> Vec<Access<'_>> {
    let mut all = Vec::new();
    if let Some(pubsub) = &workload.pubsub {
        all.extend(pubsub.consumes.iter().enumerate().map(|(i, name)| Access {
            path: format!("spec.pubsub.consumes[{i}]"),
            name,
            subscription: true,
        }));
        all.extend(pubsub.publishes.iter().enumerate().map(|(i, name)| Access {
            path: format!("spec.pubsub.publishes[{i}]"),
            name,
            subscription: false,
        }));
    }
    let triggers = workload.scaling.as_ref().and_then(|s| s.pubsub_topic.as_ref());
    for (path, trigger) in triggers.map(|t| t.entries("spec.scaling.pubsubTopic")).unwrap_or_default() {
        all.push(Access { path: format!("{path}.name"), name: &trigger.name, subscription: true });
    }
    all
}

/// The Config Connector object of the package, or the GCP resource by its full name.
fn resource_ref(input: &Input, access: &Access, project: &str, declared: &Declared, report: &mut Report) -> IAMResourceRef {
    let key = (input.namespace().to_string(), access.name.to_string());
    let (api_version, kind, known, collection) = if access.subscription {
        (PubSubSubscription::API_VERSION, PubSubSubscription::KIND, declared.subscriptions.contains(&key), "subscriptions")
    } else {
        (PubSubTopic::API_VERSION, PubSubTopic::KIND, declared.topics.contains(&key), "topics")
    };
    let mut reference = IAMResourceRef { api_version: Some(api_version.to_string()), kind: kind.to_string(), ..IAMResourceRef::default() };
    if known {
        reference.name = Some(kubernetes_name(access.name));
    } else {
        let what = if access.subscription { "LummoSubscription" } else { "LummoTopic" };
        input.warning(
            report,
            &access.path,
            format!(
                "no {what} of the package declares {:?}: granted on projects/{project}/{collection}/{} as it is named",
                access.name, access.name
            ),
        );
        reference.external = Some(format!("projects/{project}/{collection}/{}", access.name));
    }
    reference
}
