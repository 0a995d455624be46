//! Golden cases: `tests/golden/<case>/input.yaml` → `output.yaml` + `stderr.txt`, exactly.

use std::path::Path;

use lummo_kinds::config_connector::{IAMPolicyMember, PubSubSubscription, PubSubTopic};
use lummo_testing::{assert_reads_back, check_golden, generated_items, run_case, validate_outputs};
use pubsub::{Pubsub, Settings};

fn cases() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

#[test]
fn golden_cases_render_exactly_and_validate() {
    let outputs = check_golden(&Pubsub::default(), &cases());
    validate_outputs(&outputs);
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

/// Objects refer to each other by their Kubernetes names (which long Pub/Sub names are cut to):
/// every reference by name in a render is an object of that render, except a topic the
/// function warned must exist (which comes, with its dead-letter topic, from elsewhere).
#[test]
fn references_name_the_objects_generated() {
    for case in std::fs::read_dir(cases()).unwrap().map(|entry| entry.unwrap().path()) {
        let outcome = run_case(&Pubsub::default(), &case);
        if outcome.exit_code != 0 {
            continue;
        }
        let (warnings, output) = (&outcome.stderr, case.join("output.yaml"));
        let list = lummo_krm::ResourceList::read(outcome.stdout.into_bytes()).unwrap();
        let objects: Vec<serde_json::Value> = list.items.iter().map(|item| item.node().to_json()).collect();
        let exists = |kind: &str, name: &str| objects.iter().any(|o| o["kind"] == kind && o["metadata"]["name"] == name);
        for object in &objects {
            let spec = &object["spec"];
            let topic = spec["topicRef"]["name"].as_str();
            if topic.is_some_and(|name| warnings.contains(&format!("its PubSubTopic {name:?} must exist"))) {
                continue;
            }
            let topics = [topic, spec["deadLetterPolicy"]["deadLetterTopicRef"]["name"].as_str()];
            for name in topics.into_iter().flatten() {
                assert!(exists("PubSubTopic", name), "{}: no PubSubTopic {name}", output.display());
            }
            if object["kind"] == "IAMPolicyMember" {
                let kind = spec["resourceRef"]["kind"].as_str().unwrap();
                // A grant on a resource the package does not declare names it in full, and says so.
                match spec["resourceRef"]["name"].as_str() {
                    Some(name) => assert!(exists(kind, name), "{}: no {kind} {name}", output.display()),
                    None => {
                        let external = spec["resourceRef"]["external"].as_str().unwrap();
                        assert!(
                            warnings.contains(&format!("granted on {external} as it is named")),
                            "{}: {external} without a warning",
                            output.display()
                        );
                    }
                }
            }
        }
    }
}

/// Running pubsub again on its own output changes nothing.
#[test]
fn a_second_run_changes_nothing() {
    for case in ["readme-example", "project-number-known", "overrides", "long-names", "fractional-seconds", "zero-means-default"] {
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
