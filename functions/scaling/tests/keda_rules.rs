//! KEDA's rules on what scaling writes, on KEDA's own test values: first the models of
//! `keda/mod.rs` against KEDA's verdicts, then renders of real inputs (app names of KEDA's
//! lengths, envs and platforms) against the models, both ways. Every render is validated.

mod keda;

use lummo_krm::names::check_dns_label;
use lummo_krm::{Item, Outcome, ResourceList};
use lummo_testing::{scratch, validate_dir};
use scaling::Scaling;

/// KEDA's webhook tests: the length of a ScaledObject's name, the HPA name it sets, and whether
/// KEDA admits it. kedacore/keda, apis/keda/v1alpha1/scaledobject_webhook_test.go, commit
/// 68a5b5028f35b22d50597c69819ab32c4e92f21a (v2.20.2).
const KEDA_NAME_CASES: [(usize, Option<&str>, bool); 5] =
    [(64, Some("short-hpa"), false), (63, Some("short-hpa"), true), (55, None, false), (54, None, true), (60, None, false)];

/// KEDA's gcp-pubsub scaler tests: a `subscriptionName` (or `topicName`), and the name and
/// project KEDA reads from it (none: the project of its identity). kedacore/keda,
/// pkg/scalers/gcp_pubsub_scaler_test.go, commit 68a5b5028f35b22d50597c69819ab32c4e92f21a.
const KEDA_SUBSCRIPTION_CASES: [(&str, &str, Option<&str>); 5] = [
    ("projects/myproject/subscriptions/mysubscription", "mysubscription", Some("myproject")),
    ("projects/myproject/mysubscription", "projects/myproject/mysubscription", None),
    ("projects/myproject/topics/mytopic", "mytopic", Some("myproject")),
    ("projects/myproject/mytopic", "projects/myproject/mytopic", None),
    ("myEnvSubscription", "myEnvSubscription", None),
];

#[test]
fn the_models_give_keda_verdicts() {
    for (length, hpa_name, admitted) in KEDA_NAME_CASES {
        assert_eq!(keda::admits(&"a".repeat(length), hpa_name), admitted, "{length} characters, HPA name {hpa_name:?}");
    }
    for (text, name, project) in KEDA_SUBSCRIPTION_CASES {
        assert_eq!(keda::reads_subscription(text), (name, project), "{text}");
    }
}

/// Through `spec.app`: KEDA admits every render, which names the HPA only when KEDA's own name
/// would not fit (below that, the output is what it always was), and KEDA would refuse exactly
/// those renders without the name.
#[test]
fn keda_admits_every_app_name_and_the_hpa_is_named_only_when_needed() {
    // (characters of spec.app, whether KEDA admits it under KEDA's own HPA name): the lengths of
    // KEDA's cases that an app can have (an app is a DNS label, at most 63), and two shorter.
    let cases = [(3, true), (20, true), (54, true), (55, false), (60, false), (63, false)];
    let mut renders = Vec::new();
    for (length, admitted_as_is) in cases {
        let app = app_of_length("orders-", length);
        let outcome = render(&app, Some("prod"), None);
        let hpa_name = keda::hpa_name(&scaled_object(&outcome));
        assert_eq!(keda::admits(&app, None), admitted_as_is, "{length} characters");
        assert_eq!(hpa_name.is_some(), !admitted_as_is, "{length} characters: {hpa_name:?}");
        assert!(keda::admits(&app, hpa_name.as_deref()), "KEDA refuses the HPA name {hpa_name:?} of a {length}-character app");
        if let Some(hpa_name) = &hpa_name {
            check_dns_label(hpa_name).unwrap();
        }
        renders.push(outcome);
    }
    validate("hpa-names", &renders);
}

/// Two apps alike in the 45 characters that fit beside KEDA's prefix still get two HPAs.
#[test]
fn long_apps_alike_at_the_start_get_distinct_hpas() {
    let (one, two) = (app_of_length("catalogue-thumbnails-", 63), format!("{}-2", app_of_length("catalogue-thumbnails-", 61)));
    let (one, two) = (render(&one, None, None), render(&two, None, None));
    let names = [keda::hpa_name(&scaled_object(&one)).unwrap(), keda::hpa_name(&scaled_object(&two)).unwrap()];
    assert_ne!(names[0], names[1]);
    assert!(names.iter().all(|name| name.len() == 63), "{names:?}");
    validate("hpa-names-alike", &[one, two]);
}

/// Through `spec.env` and the platform's `spec.pubsub.projects`: KEDA reads the subscription the
/// input names, in the env's project when the platform has one; otherwise the name stays bare
/// (KEDA's own project), with a warning at `spec.env`.
#[test]
fn keda_reads_each_subscription_in_the_project_of_the_env() {
    // KEDA's test values: the subscription `mysubscription`, the project `myproject`.
    let platform = "{prod: shop-prod, sandbox: myproject}";
    // (spec.env, the platform's projects (none: the defaults), the project KEDA reads)
    let cases = [
        (Some("prod"), None, Some("tokko-production")),
        (Some("staging"), None, Some("beecash-staging")),
        (None, None, Some("beecash-staging")),
        (Some("sandbox"), Some(platform), Some("myproject")),
        (Some("prod"), Some(platform), Some("shop-prod")),
        (Some("dev"), Some(platform), None),
        (None, Some(platform), None),
    ];
    let mut renders = Vec::new();
    for (env, projects, project) in cases {
        let outcome = render("orders-worker", env, projects);
        let names = keda::subscription_names(&scaled_object(&outcome));
        assert_eq!(names.len(), 1, "{env:?}: {names:?}");
        assert_eq!(keda::reads_subscription(&names[0]), ("mysubscription", project), "{env:?} with {projects:?}");
        assert_eq!(outcome.stderr.contains("spec.env: the platform has no GCP project"), project.is_none(), "{}", outcome.stderr);
        renders.push(outcome);
    }
    validate("subscription-projects", &renders);
}

/// An app name of `length` characters: `prefix` (cut to fit) and `x`s.
fn app_of_length(prefix: &str, length: usize) -> String {
    let start = &prefix[..prefix.len().min(length - 1)];
    format!("{start}{}", "x".repeat(length - start.len()))
}

/// scaling on a LummoDeployment `app` in `env`, scaled on KEDA's `mysubscription`, and the
/// Deployment workloads made of it; with a LummoPlatform of these `projects` if given.
fn render(app: &str, env: Option<&str>, projects: Option<&str>) -> Outcome {
    let env = env.map_or_else(String::new, |env| format!("\n    env: {env}"));
    let platform = projects.map_or_else(String::new, |projects| {
        format!(
            "
- apiVersion: krm.lummo.com/v1
  kind: LummoPlatform
  metadata: {{name: platform, annotations: {{config.kubernetes.io/local-config: 'true'}}}}
  spec: {{pubsub: {{projects: {projects}}}}}"
        )
    });
    let input = format!(
        "apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:{platform}
- apiVersion: krm.lummo.com/v1
  kind: LummoDeployment
  metadata: {{name: table, namespace: shop}}
  spec:
    app: {app}{env}
    containers: {{image: registry.example.com/orders:1.0.0}}
    scaling:
      maxreplica: 4
      pubsubTopic: [{{name: mysubscription, size: 100}}]
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: {app}
    namespace: shop
    annotations: {{krm.lummo.com/generated-by: workloads, krm.lummo.com/generated-from: LummoDeployment/shop/table}}
  spec:
    selector: {{matchLabels: {{app: {app}}}}}
    template:
      metadata: {{labels: {{app: {app}}}}}
      spec: {{containers: [{{name: app, image: registry.example.com/orders:1.0.0}}]}}
"
    );
    let outcome = lummo_krm::process(&Scaling::default(), input.into_bytes(), None);
    assert_eq!(outcome.exit_code, 0, "{app}: {}", outcome.stderr);
    outcome
}

/// The one ScaledObject of a render.
fn scaled_object(outcome: &Outcome) -> Item {
    let list = ResourceList::read(outcome.stdout.clone().into_bytes()).unwrap();
    let mut scaled_objects = list.items.into_iter().filter(|item| item.kind() == "ScaledObject");
    let scaled_object = scaled_objects.next().expect("a ScaledObject");
    assert!(scaled_objects.next().is_none(), "one ScaledObject");
    scaled_object
}

/// Validates every object of the renders (inputs, marked local config, are skipped).
fn validate(name: &str, renders: &[Outcome]) {
    let dir = scratch(name);
    for (i, outcome) in renders.iter().enumerate() {
        for (j, item) in ResourceList::read(outcome.stdout.clone().into_bytes()).unwrap().items.iter().enumerate() {
            std::fs::write(dir.join(format!("{i:03}-{j:03}.yaml")), lummo_krm::yaml::to_yaml(&item.node().to_json()).unwrap()).unwrap();
        }
    }
    validate_dir(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}
