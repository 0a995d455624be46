//! A routed app's NetworkPolicy admits the ingress controller. Workloads makes the policy (from
//! the app's `network` block, or the platform's default); networking is the one that knows the
//! app is routed, and on which ports, so it adds the rule, as a decoration of that policy. An
//! app without a policy is left alone: nothing restricts it.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use lummo_inputs::ports;
use lummo_kinds::IntOrString;
use lummo_krm::{Decorator, Input, ResourceId};

use crate::NetworkingSpec;

/// Adds the rule to the policy of the app `spec` routes to, if the render has one.
pub fn admit_ingress(decorator: &mut Decorator, input: &Input, spec: &NetworkingSpec, ingress_namespace: &str) -> Result<(), String> {
    let id = ResourceId::of::<NetworkPolicy>(input.namespace(), &spec.app);
    if decorator.resources().get(&id).is_none() {
        return Ok(());
    }
    let mut served = Vec::new();
    if !spec.routes.is_empty() {
        served.push(ports::HTTP);
    }
    if spec.grpc {
        served.push(ports::GRPC);
    }
    if served.is_empty() {
        return Ok(());
    }
    let namespace = LabelSelector {
        match_labels: Some(BTreeMap::from([("kubernetes.io/metadata.name".to_string(), ingress_namespace.to_string())])),
        ..LabelSelector::default()
    };
    let rule = NetworkPolicyIngressRule {
        from: Some(vec![NetworkPolicyPeer { namespace_selector: Some(namespace), ..NetworkPolicyPeer::default() }]),
        ports: Some(
            served
                .into_iter()
                .map(|name| NetworkPolicyPort {
                    port: Some(IntOrString::String(name.into())),
                    protocol: Some("TCP".into()),
                    ..NetworkPolicyPort::default()
                })
                .collect(),
        ),
    };
    decorator.edit::<NetworkPolicy>(&id, |policy| {
        let rules = policy.spec.get_or_insert_default().ingress.get_or_insert_default();
        // Decorating twice equals decorating once.
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    })
}
