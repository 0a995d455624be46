//! A server's or job's NetworkPolicy, from its `network` block (or for every workload when the
//! platform says `networkPolicy.defaultDeny`): ingress from the apps it lists and from the
//! monitoring agents when they scrape it (networking adds the ingress controller when it routes
//! to the app, as a decoration: it is the one that knows); egress to the cluster DNS, the apps it
//! lists, the monitoring agents when it sends Datadog traces, and the internet only when it
//! asks (pgbouncer adds its pooler, as a decoration too). No block (and no platform default)
//! changes nothing.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use lummo_inputs::network::NetworkSpec;
use lummo_kinds::{IntOrString, ObjectMeta};
use lummo_krm::{Input, Report};
use lummo_policy::labels;
use serde_json::Value as Json;

use crate::settings::Settings;
use crate::spec::Shared;

/// What the other inputs of the run say about the apps.
pub struct Context {
    /// Apps networking routes requests to (their canaries' weights are shares of requests).
    pub routed: BTreeSet<String>,
    /// Every app a server or job of the run declares.
    pub apps: BTreeSet<String>,
}

/// The workload's NetworkPolicy, if it gets one.
/// `ports`: the named ports its pods serve.
pub fn policy(
    settings: &Settings,
    input: &Input,
    workload: &Shared,
    ports: &[(String, i32)],
    context: &Context,
    report: &mut Report,
) -> Option<Json> {
    let platform = &settings.network_policy;
    let declared = match workload.network {
        Some(network) => network.clone(),
        None if platform.default_deny => NetworkSpec::default(),
        None => return None,
    };
    for (field, apps) in [("from", &declared.from), ("to", &declared.to)] {
        for (i, app) in apps.iter().enumerate().filter(|(_, app)| !context.apps.contains(*app)) {
            input.warning(
                report,
                &format!("spec.network.{field}[{i}]"),
                format!("no server or job of the run is app {app:?}: it may live elsewhere, but nothing here checks it"),
            );
        }
    }
    let spec = NetworkPolicySpec {
        pod_selector: Some(selector(workload.app)),
        policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
        ingress: Some(ingress(settings, workload, ports, &declared)),
        egress: Some(egress(settings, workload, &declared)),
    };
    let metadata = ObjectMeta {
        name: Some(workload.app.to_string()),
        namespace: Some(input.namespace().to_string()).filter(|ns| !ns.is_empty()),
        labels: Some(labels::common(workload.app, Some(workload.part_of))),
        ..ObjectMeta::default()
    };
    Some(serde_json::to_value(NetworkPolicy { metadata, spec: Some(spec) }).expect("serialisable"))
}

fn ingress(settings: &Settings, workload: &Shared, ports: &[(String, i32)], declared: &NetworkSpec) -> Vec<NetworkPolicyIngressRule> {
    let platform = &settings.network_policy;
    let served: Vec<NetworkPolicyPort> = ports.iter().map(|(name, _)| port(IntOrString::String(name.clone()), "TCP")).collect();
    let ports = (!served.is_empty()).then_some(served);
    let mut rules = Vec::new();
    if !declared.from.is_empty() {
        rules.push(NetworkPolicyIngressRule { from: Some(declared.from.iter().map(|app| pods(app)).collect()), ports });
    }
    // Scrapers may read a sidecar's port: any port.
    if workload.monitoring.is_some_and(|m| m.prometheus.is_some()) {
        rules.push(NetworkPolicyIngressRule {
            from: Some(platform.monitoring_namespaces.iter().map(|ns| namespace(ns)).collect()),
            ports: None,
        });
    }
    rules
}

fn egress(settings: &Settings, workload: &Shared, declared: &NetworkSpec) -> Vec<NetworkPolicyEgressRule> {
    let platform = &settings.network_policy;
    let dns = NetworkPolicyPeer {
        namespace_selector: Some(selector_of("kubernetes.io/metadata.name", &platform.dns_namespace)),
        pod_selector: Some(LabelSelector { match_labels: Some(platform.dns_pod_labels.clone()), ..LabelSelector::default() }),
        ..NetworkPolicyPeer::default()
    };
    let dns_ports = vec![port(IntOrString::Int(53), "UDP"), port(IntOrString::Int(53), "TCP")];
    let mut rules = vec![NetworkPolicyEgressRule { to: Some(vec![dns]), ports: Some(dns_ports) }];
    let apps: Vec<NetworkPolicyPeer> = declared.to.iter().map(|app| pods(app)).collect();
    if !apps.is_empty() {
        rules.push(NetworkPolicyEgressRule { to: Some(apps), ports: None });
    }
    // Traces go to the Datadog agent.
    if workload.monitoring.is_some_and(|m| m.datadog == Some(true)) {
        rules.push(NetworkPolicyEgressRule {
            to: Some(platform.monitoring_namespaces.iter().map(|ns| namespace(ns)).collect()),
            ports: None,
        });
    }
    if declared.internet {
        let block = IPBlock { cidr: "0.0.0.0/0".into(), except: Some(platform.private_ranges.clone()) };
        rules.push(NetworkPolicyEgressRule {
            to: Some(vec![NetworkPolicyPeer { ip_block: Some(block), ..NetworkPolicyPeer::default() }]),
            ports: None,
        });
    }
    rules
}

fn selector(app: &str) -> LabelSelector {
    LabelSelector { match_labels: Some(labels::selector(app)), ..LabelSelector::default() }
}

fn selector_of(key: &str, value: &str) -> LabelSelector {
    LabelSelector { match_labels: Some(BTreeMap::from([(key.to_string(), value.to_string())])), ..LabelSelector::default() }
}

/// The pods of an app in the same namespace.
fn pods(app: &str) -> NetworkPolicyPeer {
    NetworkPolicyPeer { pod_selector: Some(selector(app)), ..NetworkPolicyPeer::default() }
}

/// Every pod of a namespace, by the label Kubernetes sets on each namespace.
fn namespace(name: &str) -> NetworkPolicyPeer {
    NetworkPolicyPeer { namespace_selector: Some(selector_of("kubernetes.io/metadata.name", name)), ..NetworkPolicyPeer::default() }
}

fn port(port: IntOrString, protocol: &str) -> NetworkPolicyPort {
    NetworkPolicyPort { port: Some(port), protocol: Some(protocol.to_string()), ..NetworkPolicyPort::default() }
}

/// The apps of the run's servers and jobs (`inputs`).
pub fn context(inputs: &[Input], routed: BTreeSet<String>) -> Context {
    let workloads = inputs.iter().filter(|input| matches!(input.kind, crate::DEPLOYMENT | crate::JOB | crate::CRON_JOB));
    let apps = workloads.filter_map(|input| input.node.at(&["spec", "app"]).and_then(|a| a.as_str()).map(str::to_string)).collect();
    Context { routed, apps }
}
