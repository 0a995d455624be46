//! GKE workload identity: a server or job with `identity: {gcp: NAME}` runs as a Kubernetes
//! ServiceAccount named after its app, annotated with the GCP service account NAME, which Config
//! Connector creates (`IAMServiceAccount`) in the env's project; an `IAMPolicyMember` lets the
//! ServiceAccount act as it (`roles/iam.workloadIdentityUser`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ServiceAccount;
use lummo_inputs::identity::{check_service_account_id, service_account_email};
use lummo_kinds::ObjectMeta;
use lummo_kinds::config_connector::{IAMPolicyMember, IAMPolicyMemberSpec, IAMResourceRef, IAMServiceAccount, IAMServiceAccountSpec};
use lummo_krm::{Generated, Input, Report};
use lummo_policy::labels;

use crate::settings::Settings;
use crate::spec::Shared;

/// Config Connector's annotation for the project an object lives in.
const PROJECT_ANNOTATION: &str = "cnrm.cloud.google.com/project-id";

/// One workload's identity, checked.
pub struct Plan {
    input: usize,
    app: String,
    part_of: String,
    namespace: String,
    gcp: String,
    project: String,
    /// The annotations of a hook Job (`runs`), which its ServiceAccount takes too.
    hook: Option<BTreeMap<String, String>>,
}

/// The identity of input `index`, when it has one and it is valid. `hook`: a hook Job's
/// annotations (an ArgoCD hook runs before the sync applies anything else, so the
/// ServiceAccount it runs as must be a hook of the same phase, created just before it).
pub fn plan(
    settings: &Settings,
    index: usize,
    input: &Input,
    declared: &Shared,
    hook: Option<BTreeMap<String, String>>,
    report: &mut Report,
) -> Option<Plan> {
    let Some(identity) = declared.identity else {
        if declared.pubsub.is_some() {
            input.error(report, "spec.pubsub", "grants go to the workload's GCP service account: add identity: {gcp: <service account>}");
        }
        return None;
    };
    let checkpoint = report.checkpoint();
    if declared.service_account.is_some() {
        input.error(report, "spec.serviceAccount", "identity makes the pods' ServiceAccount (named after the app): remove serviceAccount");
    }
    if let Err(message) = check_service_account_id(&identity.gcp) {
        input.error(report, "spec.identity.gcp", message);
    }
    // The binding names the ServiceAccount by namespace: it cannot be left to kustomize or ArgoCD.
    if input.namespace().is_empty() {
        input.error(report, "metadata.namespace", "identity binds the ServiceAccount of one namespace: set metadata.namespace");
    }
    let project = settings.projects.of(declared.env).cloned();
    if project.is_none() {
        input.error(report, "spec.env", "the platform names no GCP project for this env (pubsub.projects) and no default");
    }
    (!report.errors_since(checkpoint)).then(|| Plan {
        input: index,
        app: declared.app.to_string(),
        part_of: declared.part_of.to_string(),
        namespace: input.namespace().to_string(),
        gcp: identity.gcp.clone(),
        project: project.unwrap_or_default(),
        hook: hook.map(|mut hook| {
            hook.insert(settings.hook.sync_wave.to_string(), "-1".to_string());
            hook
        }),
    })
}

/// A ServiceAccount and its binding per workload, and one IAMServiceAccount per GCP service
/// account (several workloads may share one), each generated from the first input naming it.
pub fn outputs(settings: &Settings, plans: &[Plan]) -> Vec<Generated> {
    let mut outputs = Vec::new();
    let mut accounts: BTreeMap<(&str, &str), &Plan> = BTreeMap::new();
    for plan in plans {
        accounts.entry((plan.namespace.as_str(), plan.gcp.as_str())).or_insert(plan);
        let email = service_account_email(&plan.gcp, &plan.project);
        let mut account = metadata(plan, &plan.app, true);
        let mut annotations = plan.hook.clone().unwrap_or_default();
        annotations.insert(settings.workload_identity_annotation.to_string(), email);
        account.annotations = Some(annotations);
        let service_account = ServiceAccount { metadata: account, ..ServiceAccount::default() };
        outputs.push(Generated::new(plan.input, &service_account));
        let binding = IAMPolicyMemberSpec {
            member: format!("serviceAccount:{}.svc.id.goog[{}/{}]", plan.project, plan.namespace, plan.app),
            role: settings.workload_identity_role.to_string(),
            resource_ref: IAMResourceRef {
                api_version: Some(IAMServiceAccount::API_VERSION.to_string()),
                kind: IAMServiceAccount::KIND.to_string(),
                name: Some(plan.gcp.clone()),
                ..IAMResourceRef::default()
            },
        };
        let name = format!("{}-workload-identity", plan.app);
        outputs.push(Generated::new(plan.input, &IAMPolicyMember::new(metadata(plan, &name, false), binding)));
    }
    for plan in accounts.into_values() {
        let spec = IAMServiceAccountSpec { display_name: Some(plan.gcp.clone()) };
        outputs.push(Generated::new(plan.input, &IAMServiceAccount::new(metadata(plan, &plan.gcp, false), spec)));
    }
    outputs
}

/// Config Connector objects carry the project and no labels (it copies labels to GCP, whose
/// label keys take no `/`); the ServiceAccount carries the app's labels.
fn metadata(plan: &Plan, name: &str, kubernetes: bool) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(plan.namespace.clone()),
        labels: kubernetes.then(|| labels::common(&plan.app, Some(&plan.part_of))),
        annotations: (!kubernetes).then(|| BTreeMap::from([(PROJECT_ANNOTATION.to_string(), plan.project.clone())])),
        ..ObjectMeta::default()
    }
}
