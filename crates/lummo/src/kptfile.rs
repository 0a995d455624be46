//! What a package's Kptfile asks kpt to run, compared with what `lummo render` runs.

use lummo_krm::results::{KrmResult, Severity};
use lummo_krm::yaml::{Node, Value};
use lummo_krm::{Item, ResourceList};

/// The name a Kptfile pipeline entry runs under, when it is a Lummo function: `exec: networking`
/// (or a path ending in it), `image: lummo/networking:0.1.0` (from any registry).
fn lummo_function<'a>(entry: &'a Node, functions: &[&str]) -> Option<&'a str> {
    let exec = entry.get("exec").and_then(Node::as_str);
    let image = entry.get("image").and_then(Node::as_str);
    let name = match (exec, image) {
        (Some(exec), _) => exec.rsplit('/').next()?,
        (None, Some(image)) => {
            let without_digest = image.split('@').next()?;
            let last = without_digest.rsplit('/').next()?;
            last.split(':').next()?
        }
        _ => return None,
    };
    functions.contains(&name).then_some(name)
}

fn is_kptfile(item: &Item) -> bool {
    item.kind() == "Kptfile" && item.api_version().starts_with("kpt.dev/")
}

/// A warning for every function the package's Kptfiles list that `lummo render` does not run.
pub fn foreign_functions(list: &ResourceList, functions: &[&str]) -> Vec<KrmResult> {
    let mut warnings = Vec::new();
    for kptfile in list.items.iter().filter(|item| is_kptfile(item)) {
        for stage in ["mutators", "validators"] {
            let Some(Node { value: Value::Seq(entries), .. }) = kptfile.node().at(&["pipeline", stage]) else { continue };
            for (i, entry) in entries.iter().enumerate() {
                if lummo_function(entry, functions).is_some() {
                    continue;
                }
                let what = entry.get("image").or(entry.get("exec")).map_or_else(|| "a function".into(), Node::describe);
                let mut warning = kptfile.result(KrmResult::new(
                    Severity::Warning,
                    format!("lummo render runs only the Lummo functions, not {what}: render this package with kpt fn render"),
                ));
                warning.field = Some(lummo_krm::results::FieldRef { path: format!("pipeline.{stage}[{i}]") });
                warnings.push(warning);
            }
        }
    }
    warnings
}

/// The container images the package's Kptfiles run (`image:` steps).
pub fn image_functions(list: &ResourceList) -> Vec<String> {
    let mut images = Vec::new();
    for kptfile in list.items.iter().filter(|item| is_kptfile(item)) {
        for stage in ["mutators", "validators"] {
            let Some(Node { value: Value::Seq(entries), .. }) = kptfile.node().at(&["pipeline", stage]) else { continue };
            images.extend(entries.iter().filter_map(|e| e.get("image").and_then(Node::as_str)).map(String::from));
        }
    }
    images
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lummo_functions_by_exec_or_image() {
        let names = ["workloads", "networking"];
        let entry = |yaml: &str| lummo_krm::yaml::parse_documents(yaml).unwrap().remove(0).root;
        assert_eq!(lummo_function(&entry("exec: networking"), &names), Some("networking"));
        assert_eq!(lummo_function(&entry("exec: ./bin/workloads"), &names), Some("workloads"));
        assert_eq!(lummo_function(&entry("image: registry.example.com/lummo/networking:0.1.0"), &names), Some("networking"));
        assert_eq!(lummo_function(&entry("image: gcr.io/kpt-fn/set-labels:v0.1"), &names), None);
    }
}
