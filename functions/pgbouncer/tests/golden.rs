//! Golden cases: `tests/golden/<case>/input.yaml` → `output.yaml` + `stderr.txt`, exactly.
//! Cases with apps were made by running workloads on their LummoDeployments first, as a
//! pipeline does.

use std::path::{Path, PathBuf};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Service};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use lummo_kinds::external_secrets::ExternalSecret;
use lummo_kinds::prometheus::PodMonitor;
use lummo_testing::{assert_reads_back, check_golden, generated_items, validate_outputs};
use pgbouncer::Pgbouncer;

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

#[test]
fn golden_cases_render_exactly_and_validate() {
    let outputs = check_golden(&Pgbouncer::default(), &cases());
    validate_outputs(&outputs);
    let mut kinds = std::collections::BTreeSet::new();
    for item in generated_items(&outputs, "pgbouncer").iter() {
        match item.kind() {
            "ConfigMap" => assert_reads_back::<ConfigMap>(item),
            "Service" => assert_reads_back::<Service>(item),
            "Deployment" => assert_reads_back::<Deployment>(item),
            "PodDisruptionBudget" => assert_reads_back::<PodDisruptionBudget>(item),
            "PodMonitor" => assert_reads_back::<PodMonitor>(item),
            "ExternalSecret" => assert_reads_back::<ExternalSecret>(item),
            other => panic!("no type for {other}"),
        }
        kinds.insert(item.kind().to_string());
    }
    assert_eq!(kinds.len(), 6, "every kind is covered: {kinds:?}");
}

/// Running pgbouncer again on its own output changes nothing; removing the input removes
/// everything it generated and nothing else.
#[test]
fn a_second_run_changes_nothing_and_removing_the_input_removes_its_outputs() {
    let input = std::fs::read_to_string(cases().join("flat-vault-datadog-namespace/input.yaml")).unwrap();
    let output = lummo_krm::process(&Pgbouncer::default(), input.clone().into_bytes(), None).stdout;
    let again = lummo_krm::process(&Pgbouncer::default(), output.clone().into_bytes(), None);
    assert_eq!(again.exit_code, 0, "{}", again.stderr);
    assert_eq!(again.stdout, output);

    let input_head = "apiVersion: krm.lummo.com/v1\n  kind: pgbouncer";
    assert!(output.contains(input_head), "{output}");
    let without_input = output.replacen(input_head, "apiVersion: example.com/v1\n  kind: NotAnInputAnyMore", 1);
    let removed = lummo_krm::process(&Pgbouncer::default(), without_input.into_bytes(), None);
    assert_eq!(removed.exit_code, 0, "{}", removed.stderr);
    assert!(!removed.stdout.contains("generated-by: pgbouncer"), "{}", removed.stdout);
    assert!(removed.stdout.contains("kind: NotAnInputAnyMore"));
}

/// With scraping forced to a PodMonitor, a Datadog pooler gets one too, and no annotations.
#[test]
fn the_platform_scraping_choice_applies_to_the_exporter() {
    let settings = pgbouncer::Settings { scraping: lummo_inputs::monitoring::Scraping::PodMonitor, ..Default::default() };
    let input = std::fs::read(cases().join("flat-vault-datadog-namespace/input.yaml")).unwrap();
    let outcome = lummo_krm::process(&Pgbouncer { settings }, input, None);
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    assert!(outcome.stdout.contains("kind: PodMonitor"));
    assert!(!outcome.stdout.contains("ad.datadoghq.com"));
}
