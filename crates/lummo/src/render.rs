//! Rendering packages: read, run the pipeline in memory, and hand back the manifests to apply,
//! the files to change, and every result. Packages render independently, on every core.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use lummo_krm::engine::run_pipeline_with_configs;
use lummo_krm::resource_list::annotations;
use lummo_krm::results::{KrmResult, Report};
use lummo_krm::{Function, Item, files, names};

use crate::package::Package;
use crate::parallel;
use crate::{kptfile, platform};

/// One package after its render.
pub struct Rendered {
    pub root: PathBuf,
    /// `None` when it could not be read.
    pub package: Option<Package>,
    pub results: Vec<KrmResult>,
}

impl Rendered {
    pub fn has_errors(&self) -> bool {
        self.package.is_none() || self.results.iter().any(|r| r.severity == lummo_krm::Severity::Error)
    }

    /// Results with file paths as the user knows them (below the folder they named).
    pub fn results_for_people(&self) -> Vec<KrmResult> {
        crate::package::results_below(&self.root, self.results.clone())
    }
}

/// Renders one package with `functions`, in their order, with the platform `platform` finds.
pub fn render(root: &Path, functions: &[&dyn Function], platform: &platform::Source) -> Rendered {
    let _span = tracing::debug_span!("package", root = %root.display()).entered();
    let mut package = match tracing::debug_span!("read").in_scope(|| Package::read(root)) {
        Ok(package) => package,
        Err(results) => return Rendered { root: root.to_path_buf(), package: None, results },
    };
    let configs = match platform.outside_of(root, &package.list.items) {
        Ok(platform) => Vec::from_iter(platform),
        Err(results) => return Rendered { root: root.to_path_buf(), package: None, results },
    };
    let names: Vec<&str> = functions.iter().map(|f| f.about().name).collect();
    let mut results = std::mem::take(&mut package.warnings);
    results.extend(kptfile::foreign_functions(&package.list, &names));
    let mut report = Report { results };
    run_pipeline_with_configs(functions, &mut package.list, &configs, &mut report);
    Rendered { root: root.to_path_buf(), package: Some(package), results: report.results }
}

/// Renders every package, as many at once as there are cores; results keep the given order.
pub fn render_all(roots: &[PathBuf], functions: &[&dyn Function], platform: &platform::Source) -> Vec<Rendered> {
    parallel::map(roots, |root| render(root, functions, platform))
}

/// Annotations kpt and kustomize keep their bookkeeping in; none of them belongs in a cluster.
fn is_bookkeeping(key: &str) -> bool {
    key == annotations::PATH || key == annotations::INDEX || key == "config.k8s.io/id" || key.starts_with("internal.config.kubernetes.io/")
}

fn is_local_config(item: &Item) -> bool {
    item.annotation(annotations::LOCAL_CONFIG) == Some("true") || (item.kind() == "Kptfile" && item.api_version().starts_with("kpt.dev/"))
}

/// The resources to apply: no inputs or other local config, no bookkeeping annotations, in
/// the order of their files. Only items that carry bookkeeping are copied.
pub fn manifests(package: &Package) -> Vec<Cow<'_, Item>> {
    let mut items: Vec<Cow<Item>> = package.list.items.iter().filter(|item| !is_local_config(item)).map(Cow::Borrowed).collect();
    for item in &mut items {
        let annotations = item.node().at(&["metadata", "annotations"]).and_then(|a| a.entries()).unwrap_or_default();
        let keys: Vec<String> = annotations.iter().map(|e| &e.key).filter(|key| is_bookkeeping(key)).cloned().collect();
        if !keys.is_empty() {
            without_annotations(item.to_mut(), &keys);
        }
    }
    items.sort_by_cached_key(|item| item.file().map(|f| (f.path, f.index.unwrap_or(0))));
    items
}

fn without_annotations(item: &mut Item, keys: &[String]) {
    let metadata = item.node_mut().map_at("metadata");
    let annotations = metadata.map_at("annotations");
    for key in keys {
        annotations.remove(key);
    }
    if annotations.entries().is_some_and(<[_]>::is_empty) {
        metadata.remove("annotations");
    }
}

/// `<kind>_<name>.yaml`, in a folder per namespace: one file per resource for `-o`. The parts
/// come from the resource, so each must be what Kubernetes allows it to be; none can hold a
/// `/`, and the name is cut to fit a file name.
pub fn file_name(item: &Item) -> Result<String, String> {
    let bad = |field: &str, why: String| Err(format!("{}: {field}: {why}: no file can be named after it", item.id()));
    let kind = item.kind();
    if let Err(why) =
        names::check_dns_label(&kind.to_lowercase()).and_then(|()| match kind.starts_with(|c: char| c.is_ascii_alphabetic()) {
            true => Ok(()),
            false => Err(format!("{kind:?} does not start with a letter")),
        })
    {
        return bad("kind", why);
    }
    if let Err(why) = names::check_path_segment_name(item.name()) {
        return bad("metadata.name", why);
    }
    if item.name().chars().any(char::is_control) {
        return bad("metadata.name", format!("{:?} holds a control character", item.name()));
    }
    let file = files::resource_file_name(&kind.to_lowercase(), item.name());
    match item.namespace() {
        "" => Ok(file),
        namespace => match names::check_dns_label(namespace) {
            Ok(()) => Ok(format!("{namespace}/{file}")),
            Err(why) => bad("metadata.namespace", why),
        },
    }
}
