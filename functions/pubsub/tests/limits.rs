//! Pub/Sub's limits as upstream defines them, through the real input fields: every value the
//! API accepts renders, written through (and every such output passes strict validation);
//! every value it refuses is an error at the field's path. Values and verdicts only.
//!
//! Sources:
//! - googleapis/googleapis, google/pubsub/v1/pubsub.proto, commit
//!   f8291d2b89f0017ab078a4c7378069bae5686f6f: the field comments of `Topic`, `Subscription`,
//!   `RetryPolicy`, `DeadLetterPolicy` and `ExpirationPolicy` (ranges, and 0 for a default).
//! - protocolbuffers/protobuf, conformance/binary_json_conformance_suite.cc, commit
//!   4ae5f9cf3eed025c3b61ad24dd1ed99fe1a2bcc1: the JSON Duration cases (valid and invalid texts);
//!   src/google/protobuf/duration.proto, commit 4e211a899b91684a7d756bd6af64c605404641fd: the
//!   JSON mapping's examples and the nanosecond resolution (so at most nine fractional digits).
//! - GoogleCloudPlatform/k8s-config-connector, the PubSubSubscription CRD (v1.155.1, commit
//!   033afecec0b66d43ca04d9bfc20b43e4453c2a09, as copied to the shared CRDs): durations with up
//!   to nine fractional digits and an `s`.

use std::path::PathBuf;

use lummo_krm::{Outcome, ResourceList};
use pubsub::Pubsub;
use serde_json::Value;

const OK: bool = true;
const REFUSED: bool = false;

/// Renders one LummoTopic (topic `topic`, with `topic_fields`) and one LummoSubscription
/// (`subscription` on `reads`, that topic or its dead-letter topic, with `config`), both
/// without a prefix.
fn render(topic: &str, topic_fields: &str, reads: &str, subscription: &str, config: &str) -> Outcome {
    let item = |kind: &str, spec: String| {
        format!(
            "- apiVersion: krm.lummo.com/v1\n  kind: {kind}\n  metadata: {{name: limits}}\n  spec:\n    projectNumber: 123456789012\n{spec}"
        )
    };
    let topics = format!("    topics:\n    - {{name: '{topic}'{topic_fields}}}\n");
    let subscriptions = format!("    subscriptions:\n    - {{topic: '{reads}', subscription: '{subscription}', config: {{{config}}}}}\n");
    let text = format!(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n{}{}",
        item("LummoTopic", topics),
        item("LummoSubscription", subscriptions)
    );
    lummo_krm::process(&Pubsub::default(), text.into_bytes(), None)
}

/// The `spec` of the generated `kind` whose `resourceID` is `pubsub_name`.
fn spec_of(outcome: &Outcome, kind: &str, pubsub_name: &str) -> Value {
    let list = ResourceList::read(outcome.stdout.clone().into_bytes()).expect("a ResourceList");
    let specs = list.items.iter().filter(|item| item.kind() == kind).map(|item| item.node().to_json()["spec"].clone());
    specs.into_iter().find(|spec| spec["resourceID"] == pubsub_name).unwrap_or_else(|| panic!("no {kind} {pubsub_name}"))
}

/// Checks one verdict: accepted renders with `expected` at `output` (a JSON pointer into the
/// subscription's spec, or the topic's for `spec.topics`), refused is an error at `field`.
fn check(outcome: Outcome, accepted: bool, field: &str, output: &str, expected: Value, rendered: &mut Vec<Outcome>) {
    let at = format!(": {field}: ");
    if !accepted {
        assert_eq!(outcome.exit_code, 1, "{field} {expected} must be refused");
        assert!(outcome.stderr.lines().any(|l| l.starts_with("error: ") && l.contains(&at)), "no error at {field}:\n{}", outcome.stderr);
        return;
    }
    assert_eq!(outcome.exit_code, 0, "{field} {expected} must render:\n{}", outcome.stderr);
    let (kind, name) = if field.starts_with("spec.topics") { ("PubSubTopic", "t-limits") } else { ("PubSubSubscription", "s-limits") };
    assert_eq!(spec_of(&outcome, kind, name).pointer(output), Some(&expected), "{field}");
    rendered.push(outcome);
}

/// Every rendered output passes strict validation.
fn validate(test: &str, rendered: &[Outcome]) {
    let dir = std::env::temp_dir().join(format!("pubsub-limits-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let paths: Vec<PathBuf> = (0..rendered.len()).map(|i| dir.join(format!("{i}.yaml"))).collect();
    for (path, outcome) in paths.iter().zip(rendered) {
        std::fs::write(path, &outcome.stdout).unwrap();
    }
    lummo_testing::validate_outputs(&paths);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A duration setting of the subscription, with settings that keep the others' rules out of
/// the way (a ttl above the retention, a maximum backoff above the minimum).
fn duration_setting(key: &str, value: &str) -> Outcome {
    let others = match key {
        "ttl" => "messageRetentionDuration: 600s",
        "maximumBackoff" => "minimumBackoff: 0s",
        _ => "ttl: never",
    };
    render("t-limits", "", "t-limits", "s-limits", &format!("{key}: '{value}', {others}"))
}

/// Where a subscription setting lands in the PubSubSubscription.
fn output_of(key: &str) -> &'static str {
    match key {
        "messageRetentionDuration" => "/messageRetentionDuration",
        "minimumBackoff" => "/retryPolicy/minimumBackoff",
        "maximumBackoff" => "/retryPolicy/maximumBackoff",
        "ttl" => "/expirationPolicy/ttl",
        "ackDeadlineSeconds" => "/ackDeadlineSeconds",
        "maxDeliveryAttempts" => "/deadLetterPolicy/maxDeliveryAttempts",
        _ => unreachable!("{key}"),
    }
}

/// pubsub.proto: a subscription and a topic keep messages 10 minutes to 31 days (a
/// subscription's default is 7 days).
#[test]
fn message_retention() {
    let table = [("600s", OK), ("604800s", OK), ("2678400s", OK), ("599s", REFUSED), ("2678401s", REFUSED)];
    let mut rendered = Vec::new();
    for (value, accepted) in table {
        let field = "spec.subscriptions[0].config.messageRetentionDuration";
        let outcome = duration_setting("messageRetentionDuration", value);
        check(outcome, accepted, field, output_of("messageRetentionDuration"), value.into(), &mut rendered);
        let outcome = render("t-limits", &format!(", messageRetentionDuration: '{value}'"), "t-limits", "s-limits", "");
        check(outcome, accepted, "spec.topics[0].messageRetentionDuration", "/messageRetentionDuration", value.into(), &mut rendered);
    }
    validate("retention", &rendered);
}

/// protobuf's JSON Duration (the conformance suite's texts and duration.proto's examples),
/// then pubsub.proto's ranges applied to the exact value. Accepted texts are written through
/// unchanged (trailing zeros included).
#[test]
fn durations() {
    let table = [
        // Valid JSON Durations within the backoff range (0 to 600 seconds).
        ("minimumBackoff", "1.5s", OK),
        ("minimumBackoff", "1.000000000s", OK),
        ("minimumBackoff", "1.010000000s", OK),
        ("minimumBackoff", "1.000010000s", OK),
        ("minimumBackoff", "1.000000010s", OK),
        ("minimumBackoff", "3s", OK),
        ("minimumBackoff", "3.000000001s", OK),
        ("minimumBackoff", "3.000001s", OK),
        // Valid JSON Durations outside every Pub/Sub range: negative, or the largest there is.
        ("minimumBackoff", "-5s", REFUSED),
        ("minimumBackoff", "-0.5s", REFUSED),
        ("maximumBackoff", "315576000000.999999999s", REFUSED),
        // No JSON Durations: no "s", too large, finer than a nanosecond.
        ("maximumBackoff", "1", REFUSED),
        ("maximumBackoff", "315576000001.000000000s", REFUSED),
        ("minimumBackoff", "1.0000000001s", REFUSED),
        // pubsub.proto's limits, to the nanosecond.
        ("maximumBackoff", "600.000000000s", OK),
        ("maximumBackoff", "600.000000001s", REFUSED),
        ("messageRetentionDuration", "600.000000001s", OK),
        ("messageRetentionDuration", "599.999999999s", REFUSED),
        ("messageRetentionDuration", "2678399.999999999s", OK),
        ("messageRetentionDuration", "2678400.000000001s", REFUSED),
        ("ttl", "86400.000000001s", OK),
        ("ttl", "86399.999999999s", REFUSED),
    ];
    let mut rendered = Vec::new();
    for (key, value, accepted) in table {
        let field = format!("spec.subscriptions[0].config.{key}");
        check(duration_setting(key, value), accepted, &field, output_of(key), value.into(), &mut rendered);
    }
    validate("durations", &rendered);
}

/// pubsub.proto: the ack deadline is 10 to 600 seconds and delivery attempts 5 to 100; 0 is the
/// server's default (10 seconds, 5 attempts), which the function writes out.
#[test]
fn ack_deadline_and_delivery_attempts() {
    let table = [
        ("ackDeadlineSeconds", 0, Some(10)),
        ("ackDeadlineSeconds", 10, Some(10)),
        ("ackDeadlineSeconds", 600, Some(600)),
        ("ackDeadlineSeconds", 9, None),
        ("ackDeadlineSeconds", 601, None),
        ("maxDeliveryAttempts", 0, Some(5)),
        ("maxDeliveryAttempts", 5, Some(5)),
        ("maxDeliveryAttempts", 100, Some(100)),
        ("maxDeliveryAttempts", 4, None),
        ("maxDeliveryAttempts", 101, None),
    ];
    let mut rendered = Vec::new();
    for (key, value, written) in table {
        let outcome = render("t-limits", "", "t-limits", "s-limits", &format!("{key}: {value}"));
        let field = format!("spec.subscriptions[0].config.{key}");
        check(outcome, written.is_some(), &field, output_of(key), written.unwrap_or(value).into(), &mut rendered);
    }
    validate("counts", &rendered);
}

/// pubsub.proto: topic and subscription IDs have 3 to 255 letters, digits and `- _ . ~ + %`,
/// start with a letter and not with `goog`. As a topic, the function also creates its
/// dead-letter topic `<name>.dlx`, which must be a Pub/Sub name too (hence a second verdict);
/// a name ending in `.dlx` is read as the dead-letter topic of the topic declared before it.
#[test]
fn names() {
    let long = |n: usize| format!("N{}", "n".repeat(n - 1));
    let table = [
        ("abc".to_string(), OK, OK),
        ("a-_.~+%B".to_string(), OK, OK),
        (long(251), OK, OK),
        (long(252), OK, REFUSED),
        (long(255), OK, REFUSED),
        (format!("{}.dlx", long(251)), OK, OK),
        (long(256), REFUSED, REFUSED),
        ("ab".to_string(), REFUSED, REFUSED),
        ("1abc".to_string(), REFUSED, REFUSED),
        ("goog-abc".to_string(), REFUSED, REFUSED),
        ("a/bc".to_string(), REFUSED, REFUSED),
    ];
    let mut rendered = Vec::new();
    for (name, as_subscription, as_topic) in table {
        let outcome = render("t-limits", "", "t-limits", &name, "");
        check_name(outcome, as_subscription, "spec.subscriptions[0].subscription", "PubSubSubscription", &name, &mut rendered);
        let outcome = render(name.strip_suffix(".dlx").unwrap_or(&name), "", &name, "s-limits", "");
        check_name(outcome, as_topic, "spec.topics[0].name", "PubSubTopic", &name, &mut rendered);
    }
    validate("names", &rendered);
}

/// A name verdict: the GCP name as written in `resourceID`, a `metadata.name` that is a
/// Kubernetes object name, and references that name the objects generated.
fn check_name(outcome: Outcome, accepted: bool, field: &str, kind: &str, name: &str, rendered: &mut Vec<Outcome>) {
    if !accepted {
        assert_eq!(outcome.exit_code, 1, "{name:?} must be refused as {field}");
        assert!(outcome.stderr.contains(&format!(": {field}: ")), "no error at {field}:\n{}", outcome.stderr);
        return;
    }
    assert_eq!(outcome.exit_code, 0, "{name:?} must render as {field}:\n{}", outcome.stderr);
    let list = ResourceList::read(outcome.stdout.clone().into_bytes()).unwrap();
    let object = list.items.iter().map(|item| item.node().to_json()).find(|o| o["kind"] == kind && o["spec"]["resourceID"] == name);
    let object_name = object.expect("the object")["metadata"]["name"].as_str().unwrap().to_string();
    assert_eq!(lummo_krm::names::check_object_name(&object_name), Ok(()));
    assert_references_resolve(&list);
    rendered.push(outcome);
}

/// Every `topicRef`, `deadLetterTopicRef` and IAM `resourceRef` by name is an object generated.
fn assert_references_resolve(list: &ResourceList) {
    let objects: Vec<Value> = list.items.iter().map(|item| item.node().to_json()).collect();
    let exists = |kind: &str, name: &Value| objects.iter().any(|o| o["kind"] == kind && &o["metadata"]["name"] == name);
    for object in &objects {
        let spec = &object["spec"];
        for reference in [&spec["topicRef"], &spec["deadLetterPolicy"]["deadLetterTopicRef"]].into_iter().filter(|r| r.is_object()) {
            assert!(exists("PubSubTopic", &reference["name"]), "{reference} in {}", object["metadata"]["name"]);
        }
        if object["kind"] == "IAMPolicyMember" {
            let reference = &spec["resourceRef"];
            assert!(exists(reference["kind"].as_str().unwrap(), &reference["name"]), "{reference}");
        }
    }
}
