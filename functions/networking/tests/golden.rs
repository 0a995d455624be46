//! Golden cases: `tests/golden/<case>/input.yaml` → `output.yaml` + `stderr.txt`, exactly.

use std::path::Path;

use lummo_kinds::cert_manager::Certificate;
use lummo_kinds::traefik::{IngressRoute, Middleware};
use lummo_testing::{assert_reads_back, check_golden, generated_items, validate_outputs};
use networking::Networking;

#[test]
fn golden_cases_render_exactly_and_validate() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let outputs = check_golden(&Networking::default(), &Path::new(dir).join("tests/golden"));
    validate_outputs(&outputs);
}

/// Every kind networking writes reads back whole as its type.
#[test]
fn every_output_reads_back_as_its_type() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let outputs = check_golden(&Networking::default(), &Path::new(dir).join("tests/golden"));
    let mut kinds = std::collections::BTreeSet::new();
    for item in generated_items(&outputs, "networking").iter() {
        match item.kind() {
            "IngressRoute" => assert_reads_back::<IngressRoute>(item),
            "Middleware" => assert_reads_back::<Middleware>(item),
            "Certificate" => assert_reads_back::<Certificate>(item),
            "Service" => assert_reads_back::<k8s_openapi::api::core::v1::Service>(item),
            "TraefikService" => assert_reads_back::<lummo_kinds::traefik::TraefikService>(item),
            other => panic!("no type for {other}"),
        }
        kinds.insert(item.kind().to_string());
    }
    assert_eq!(kinds.len(), 5, "every kind is covered: {kinds:?}");
    // The Rollouts and NetworkPolicies networking decorated read back whole too.
    for output in &outputs {
        let list = lummo_krm::ResourceList::read(std::fs::read(output).unwrap()).unwrap();
        for item in list.items.iter().filter(|item| item.annotation(lummo_krm::ownership::DECORATED_BY) == Some("networking")) {
            match item.kind() {
                "Rollout" => assert_reads_back::<lummo_kinds::argo::Rollout>(item),
                "NetworkPolicy" => assert_reads_back::<k8s_openapi::api::networking::v1::NetworkPolicy>(item),
                other => panic!("networking decorated a {other}"),
            }
        }
    }
}
