//! An app's NetworkPolicy lets it reach its pooler. Workloads makes the policy (from the app's
//! `network` block, or the platform's default); pgbouncer is the one that knows the app connects
//! through this pooler, so it adds the rule, as a decoration of that policy. An app without a
//! policy is left alone: nothing restricts it.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyPeer};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use lummo_krm::{Decorator, Input, ResourceId};
use lummo_policy::labels;

/// Adds egress to the pooler `pooler` (its pods' `app` label) to the policy of `app`, if the
/// render has one.
pub fn admit_egress(decorator: &mut Decorator, input: &Input, app: &str, pooler: &str) -> Result<(), String> {
    let id = ResourceId::of::<NetworkPolicy>(input.namespace(), app);
    if decorator.resources().get(&id).is_none() {
        return Ok(());
    }
    let pods = LabelSelector { match_labels: Some(BTreeMap::from_iter(labels::selector(pooler))), ..LabelSelector::default() };
    let rule = NetworkPolicyEgressRule {
        to: Some(vec![NetworkPolicyPeer { pod_selector: Some(pods), ..NetworkPolicyPeer::default() }]),
        ports: None,
    };
    decorator.edit::<NetworkPolicy>(&id, |policy| {
        let rules = policy.spec.get_or_insert_default().egress.get_or_insert_default();
        // Decorating twice equals decorating once.
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    })
}
