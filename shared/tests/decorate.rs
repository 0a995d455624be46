//! Decorating, proven with two small functions before any real function relies on it:
//! `maker` generates a Deployment per `TestApp`; `tagger` decorates the Deployment of the app
//! a `TestTag` names with a label and an environment variable.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{Container, EnvVar, PodSpec, PodTemplateSpec};
use lummo_krm::engine::{run_pipeline, run_step};
use lummo_krm::input::{Group, InputKind};
use lummo_krm::{About, Decorator, Function, Generated, Input, Report, ResourceId, ResourceList, process};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AppSpec {
    image: String,
    /// A field the Deployment type does not know, to prove that edits never drop fields.
    #[serde(default)]
    extra: bool,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct TagSpec {
    app: String,
    tag: String,
}

struct Maker;
struct Tagger;

/// The test functions' kinds are in a group of their own: Lummo's group has only Lummo's.
const TEST_GROUP: &str = "test.lummo.example/v1";
static TEST: Group = Group { api_version: TEST_GROUP, earlier_api_versions: &[], kinds: &["TestApp", "TestTag", "Other"] };

static MAKER: About = About {
    name: "maker",
    version: "0",
    help: "",
    group: &TEST,
    kinds: &[InputKind::new("TestApp").in_group(TEST_GROUP)],
    generates: &["ConfigMap"],
    needs: &[],
};
static TAGGER: About = About {
    name: "tagger",
    version: "0",
    help: "",
    group: &TEST,
    kinds: &[InputKind::new("TestTag").in_group(TEST_GROUP)],
    generates: &[],
    needs: &["maker"],
};

impl Function for Maker {
    fn about(&self) -> &'static About {
        &MAKER
    }

    fn generate(&self, inputs: &[Input], _: &ResourceList, report: &mut Report) -> Vec<Generated> {
        let mut generated = Vec::new();
        for (index, input) in inputs.iter().enumerate() {
            let Some(spec) = input.decode_spec::<AppSpec>(report) else { continue };
            let container = Container { name: "main".into(), image: Some(spec.image), ..Container::default() };
            let pod = PodSpec { containers: vec![container], ..PodSpec::default() };
            let deployment = Deployment {
                metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                    name: Some(input.name().into()),
                    ..Default::default()
                },
                spec: Some(DeploymentSpec {
                    template: PodTemplateSpec { spec: Some(pod), ..PodTemplateSpec::default() },
                    ..DeploymentSpec::default()
                }),
                status: None,
            };
            let mut object = serde_json::to_value(&deployment).unwrap();
            if spec.extra {
                object["spec"]["unknownToTheType"] = serde_json::json!(1);
            }
            generated.push(Generated { input: index, object });
        }
        generated
    }
}

impl Function for Tagger {
    fn about(&self) -> &'static About {
        &TAGGER
    }

    fn generate(&self, _: &[Input], _: &ResourceList, _: &mut Report) -> Vec<Generated> {
        Vec::new()
    }

    fn decorate(&self, inputs: &[Input], resources: &mut Decorator, report: &mut Report) {
        for input in inputs {
            let Some(spec) = input.decode_spec::<TagSpec>(report) else { continue };
            let id = ResourceId::of::<Deployment>(input.namespace(), &spec.app);
            let edited = resources.edit::<Deployment>(&id, |deployment| {
                deployment.metadata.labels.get_or_insert_with(BTreeMap::new).insert("tag".into(), spec.tag.clone());
                let pod = deployment.spec.as_mut().and_then(|s| s.template.spec.as_mut());
                for container in pod.into_iter().flat_map(|p| p.containers.iter_mut()) {
                    let env = container.env.get_or_insert_with(Vec::new);
                    env.retain(|e| e.name != "TAG");
                    env.push(EnvVar { name: "TAG".into(), value: Some(spec.tag.clone()), value_from: None });
                }
            });
            if let Err(message) = edited {
                input.error(report, "spec.app", message);
            }
        }
    }
}

const INPUTS: &str = "apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: test.lummo.example/v1
  kind: TestTag
  metadata:
    name: tag-web
  spec: {app: web, tag: blue}
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: untouched
  data: {mode: '0755'}
- apiVersion: test.lummo.example/v1
  kind: TestApp
  metadata:
    name: web
  spec: {image: 'web:1'}
";

fn pipeline(input: &str) -> (String, Report) {
    let mut list = ResourceList::read(input.as_bytes().to_vec()).unwrap();
    let mut report = Report::default();
    run_pipeline(&[&Maker, &Tagger], &mut list, &mut report);
    (list.write(&[]).unwrap(), report)
}

/// What kpt does: each function in its own process, the ResourceList as bytes in between.
fn chained(input: &str) -> String {
    let made = process(&Maker, input.as_bytes().to_vec(), None);
    assert_eq!(made.exit_code, 0, "{}", made.stderr);
    let tagged = process(&Tagger, made.stdout.into_bytes(), None);
    assert_eq!(tagged.exit_code, 0, "{}", tagged.stderr);
    tagged.stdout
}

fn deployment_of(output: &str) -> Deployment {
    let list = ResourceList::read(output.as_bytes().to_vec()).unwrap();
    list.get(&ResourceId::of::<Deployment>("", "web")).expect("the Deployment").decode().unwrap()
}

#[test]
fn a_decorator_edits_what_another_function_generated() {
    let (output, report) = pipeline(INPUTS);
    assert!(!report.has_errors(), "{:?}", report.results);
    let deployment = deployment_of(&output);
    let annotations = deployment.metadata.annotations.clone().unwrap_or_default();
    assert_eq!(annotations.get("krm.lummo.com/generated-by").map(String::as_str), Some("maker"));
    assert_eq!(annotations.get("krm.lummo.com/decorated-by").map(String::as_str), Some("tagger"));
    assert_eq!(deployment.metadata.labels.unwrap_or_default().get("tag").map(String::as_str), Some("blue"));
    let env = deployment.spec.unwrap().template.spec.unwrap().containers[0].env.clone().unwrap();
    assert_eq!(env, [EnvVar { name: "TAG".into(), value: Some("blue".into()), value_from: None }]);
    assert!(output.contains("  data: {mode: '0755'}\n"), "an untouched item keeps its bytes:\n{output}");
}

#[test]
fn decorating_twice_equals_decorating_once() {
    let (once, _) = pipeline(INPUTS);
    let mut list = ResourceList::read(once.clone().into_bytes()).unwrap();
    let mut report = Report::default();
    run_step(&Tagger, &mut list, &[], &mut report);
    assert!(!report.has_errors(), "{:?}", report.results);
    assert_eq!(list.write(&[]).unwrap(), once, "a second decoration changed the output");
    // The whole pipeline again over its own output changes nothing either.
    assert_eq!(pipeline(&once).0, once);
}

#[test]
fn in_memory_pipeline_equals_the_chain_of_processes() {
    let (in_memory, _) = pipeline(INPUTS);
    assert_eq!(in_memory, chained(INPUTS));
    assert_eq!(chained(&in_memory), in_memory, "re-running the chain changed its output");
}

#[test]
fn a_decorator_never_edits_a_resource_no_function_generated() {
    let hand_written = INPUTS.replace("kind: TestApp", "kind: Other")
        + "- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web\n  spec: {template: {spec: {containers: []}}}\n";
    let (_, report) = pipeline(&hand_written);
    let messages: Vec<String> = report.results.iter().map(|r| r.human_line()).collect();
    assert_eq!(
        messages,
        [
            "error: TestTag/tag-web: spec.app: Deployment/web was not generated by a Lummo function, and only generated resources are decorated"
        ]
    );
}

#[test]
fn an_edit_that_would_drop_fields_is_refused() {
    let (_, report) = pipeline(&INPUTS.replace("spec: {image: 'web:1'}", "spec: {image: 'web:1', extra: true}"));
    let messages: Vec<String> = report.results.iter().map(|r| r.message.clone()).collect();
    assert_eq!(messages, ["Deployment/web cannot be edited as a Deployment: spec.unknownToTheType would be lost"]);
}

#[test]
fn a_missing_target_is_an_error_not_a_silent_skip() {
    let (_, report) = pipeline(&INPUTS.replace("app: web, tag", "app: nope, tag"));
    assert_eq!(report.results[0].message, "Deployment/nope is not among the resources");
}
