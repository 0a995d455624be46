//! The `LummoPlatform` of a run: found once by the engine among the items and function configs,
//! validated like an input, and handed to each function, which takes its settings from it
//! ([`crate::Function::with_platform`]). Its types and defaults live in `lummo-platform`.

use lummo_platform::PlatformSpec;

use crate::input::{API_VERSION, Input};
use crate::resource_list::Item;
use crate::results::{KrmResult, Report, Severity};

pub use lummo_platform::{FILE_NAME, KIND};

/// A validated `LummoPlatform` and where it came from, for messages about its fields.
pub struct Platform {
    pub spec: PlatformSpec,
    source: Input,
}

impl Platform {
    /// A result about a field of the platform (`spec.networking.issuer.name`).
    pub fn result(&self, severity: Severity, path: &str, message: impl Into<String>) -> KrmResult {
        self.source.result(severity, path, message)
    }

    /// Reports `checked`'s error, if any, at `path`.
    pub fn check(&self, report: &mut Report, path: &str, checked: Result<(), String>) {
        if let Err(message) = checked {
            report.push(self.result(Severity::Error, path, message));
        }
    }

    pub fn name(&self) -> &str {
        self.source.name()
    }

    /// The file it was read from.
    pub fn file(&self) -> Option<&crate::results::FileRef> {
        self.source.file.as_ref()
    }

    /// The identity of the item it was read from, when it is one of the run's items.
    pub fn item(&self) -> Option<&crate::ResourceId> {
        self.source.item.as_ref()
    }
}

/// Whether an item is a platform resource (of any apiVersion of the group, so that a wrong one
/// is reported rather than passed through).
pub fn is_platform(item: &Item) -> bool {
    item.kind() == KIND && item.api_version().starts_with("krm.lummo.com/")
}

/// The run's platform: `None` when there is none, or when it has errors (then in `report`).
/// kpt passes a `configPath` resource both as an item and as the function config; that is one
/// platform, not two.
pub fn find(items: &[Item], configs: &[Item], report: &mut Report) -> Option<Platform> {
    let candidates = items.iter().map(|item| (true, item)).chain(configs.iter().map(|config| (false, config)));
    let mut found: Option<Input> = None;
    for (is_item, item) in candidates.filter(|(_, item)| is_platform(item)) {
        let input = Input { kind: KIND, node: item.node().clone(), item: is_item.then(|| item.id()), file: item.file() };
        if item.api_version() != API_VERSION {
            input.error(
                report,
                "apiVersion",
                format!("unsupported apiVersion {:?} for kind {KIND}: use {API_VERSION:?}", item.api_version()),
            );
            continue;
        }
        match &found {
            None => found = Some(input),
            Some(first) if !is_item && (input.file.is_none() || input.file == first.file) => {}
            Some(first) => {
                let place = |input: &Input| input.file.as_ref().map_or_else(|| "the function config".to_string(), |f| f.path.clone());
                let message = format!(
                    "a second {KIND} ({}; the first, {}, is in {}): a package has one platform; merge them, or patch one per environment with an overlay",
                    input.id(),
                    first.id(),
                    place(first)
                );
                input.error(report, "", message);
            }
        }
    }
    let checkpoint = report.checkpoint();
    let source = found?;
    let spec = source.decode_spec::<PlatformSpec>(report);
    if report.errors_since(checkpoint) {
        return None;
    }
    spec.map(|spec| Platform { spec, source })
}
