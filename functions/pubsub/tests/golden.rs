//! Golden cases: `tests/golden/<case>/input.yaml` → `output.yaml` + `stderr.txt`, exactly.

use std::path::Path;

use lummo_kinds::config_connector::{IAMPolicyMember, PubSubSubscription, PubSubTopic};
use lummo_testing::{assert_reads_back, check_golden, generated_items, validate_outputs};
use pubsub::{Pubsub, Settings};

fn cases() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

#[test]
fn golden_cases_render_exactly_and_validate() {
    let outputs = check_golden(&Pubsub::default(), &cases());
    validate_outputs(env!("CARGO_MANIFEST_DIR"), &outputs);
    let mut kinds = std::collections::BTreeSet::new();
    for item in generated_items(&outputs, "pubsub").iter() {
        match item.kind() {
            "PubSubTopic" => assert_reads_back::<PubSubTopic>(item),
            "PubSubSubscription" => assert_reads_back::<PubSubSubscription>(item),
            "IAMPolicyMember" => assert_reads_back::<IAMPolicyMember>(item),
            other => panic!("no type for {other}"),
        }
        kinds.insert(item.kind().to_string());
    }
    assert_eq!(kinds.len(), 3, "every kind is covered: {kinds:?}");
}

/// Running pubsub again on its own output changes nothing.
#[test]
fn a_second_run_changes_nothing() {
    for case in ["readme-example", "project-number-known", "overrides"] {
        let input = std::fs::read(cases().join(case).join("input.yaml")).unwrap();
        let output = lummo_krm::process(&Pubsub::default(), input, None).stdout.into_bytes();
        let again = lummo_krm::process(&Pubsub::default(), output.clone(), None);
        assert_eq!(again.exit_code, 0, "{case}: {}", again.stderr);
        assert_eq!(again.stdout, String::from_utf8(output).unwrap(), "{case}");
    }
}

/// A project number from the settings (by project id) gives the IAM members without
/// `spec.projectNumber`, and only to inputs in that project.
#[test]
fn project_numbers_from_the_settings() {
    let pubsub =
        Pubsub { settings: Settings { project_numbers: [("beecash-staging".to_string(), 123_456_789_012)].into(), ..Settings::default() } };
    let input = std::fs::read(cases().join("readme-example/input.yaml")).unwrap();
    let outcome = lummo_krm::process(&pubsub, input, None);
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    assert_eq!(outcome.stderr, "", "no warning about the project number");
    let members = outcome.stdout.matches("member: serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com").count();
    assert_eq!(members, 4, "publisher on two dead-letter topics, subscriber on two subscriptions:\n{}", outcome.stdout);

    let input = std::fs::read(cases().join("prod-env/input.yaml")).unwrap();
    let outcome = lummo_krm::process(&pubsub, input, None);
    assert!(!outcome.stdout.contains("kind: IAMPolicyMember"), "another project's number is never used:\n{}", outcome.stdout);
}
