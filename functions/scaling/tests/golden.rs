//! Golden cases: `tests/golden/<case>/input.yaml` (what workloads hands on) → `output.yaml` +
//! `stderr.txt`, exactly. The inputs were made by running workloads on the case's
//! LummoDeployments, as a pipeline does.

mod keda;

use std::path::Path;

use lummo_kinds::keda::{ScaledObject, TriggerAuthentication};
use lummo_krm::Item;
use lummo_testing::{assert_reads_back, check_golden, generated_items, validate_outputs};
use scaling::Scaling;

fn cases() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

#[test]
fn golden_cases_render_exactly_and_validate() {
    let outputs = check_golden(&Scaling::default(), &cases());
    validate_outputs(&outputs);
    for item in generated_items(&outputs, "scaling").iter() {
        match item.kind() {
            "ScaledObject" => {
                assert_reads_back::<ScaledObject>(item);
                assert_keda_takes(item);
            }
            "TriggerAuthentication" => assert_reads_back::<TriggerAuthentication>(item),
            other => panic!("no type for {other}"),
        }
    }
}

/// KEDA admits the ScaledObject, and reads each subscription as the name the input gave, not
/// as a piece of a path.
fn assert_keda_takes(item: &Item) {
    assert!(keda::admits(item.name(), keda::hpa_name(item).as_deref()), "KEDA refuses {}", item.id());
    for name in keda::subscription_names(item) {
        let (subscription, _) = keda::reads_subscription(&name);
        assert!(!subscription.contains('/'), "KEDA reads {name:?} as the subscription {subscription:?}");
    }
}

/// Running scaling again on its own output changes nothing.
#[test]
fn a_second_run_changes_nothing() {
    let input = std::fs::read(cases().join("rollout-every-trigger/input.yaml")).unwrap();
    let output = lummo_krm::process(&Scaling::default(), input, None).stdout.into_bytes();
    let again = lummo_krm::process(&Scaling::default(), output.clone(), None);
    assert_eq!(again.exit_code, 0, "{}", again.stderr);
    assert_eq!(again.stdout.as_bytes(), output.as_slice());
}

/// With the earlier version's credentials object, the triggers refer to it and no
/// TriggerAuthentication is generated.
#[test]
fn existing_credentials_replace_workload_identity() {
    let scaling = Scaling {
        settings: scaling::Settings {
            pubsub_auth: scaling::PubsubAuth::Existing("keda-trigger-auth-gcp-credentials".into()),
            ..Default::default()
        },
    };
    let input = std::fs::read(cases().join("rollout-every-trigger/input.yaml")).unwrap();
    let outcome = lummo_krm::process(&scaling, input, None);
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    assert_eq!(outcome.stdout.matches("name: keda-trigger-auth-gcp-credentials").count(), 3, "{}", outcome.stdout);
    assert!(!outcome.stdout.contains("kind: TriggerAuthentication"));
}
