//! Every function `lummo` runs, in the canonical pipeline order: workloads first (the others
//! read or decorate what it generates), then scaling, monitoring, networking, pgbouncer, pubsub.
//! Adding a function is one line here (and its crate in Cargo.toml).

use lummo_krm::Function;

pub fn functions() -> Vec<Box<dyn Function>> {
    vec![
        // Generates the workloads everything after it reads.
        Box::new(workloads::Workloads::default()),
        // Scales them: a ScaledObject per workload with a scaling block.
        Box::new(scaling::Scaling::default()),
        // Decorates them: Datadog tags and variables, Prometheus scraping.
        Box::new(monitoring::Monitoring::default()),
        // Routes to their Services.
        Box::new(networking::Networking::default()),
        // Pools their database connections.
        Box::new(pgbouncer::Pgbouncer::default()),
        // Declares the Pub/Sub topics and subscriptions they use.
        Box::new(pubsub::Pubsub::default()),
    ]
}

/// The function called `name`.
pub fn find(name: &str) -> Option<Box<dyn Function>> {
    functions().into_iter().find(|f| f.about().name == name)
}

pub fn names() -> Vec<&'static str> {
    functions().iter().map(|f| f.about().name).collect()
}

/// Every function that reads `kind` (or an earlier name of it), in pipeline order: what a
/// kustomize plugin for that kind runs (a LummoDeployment: workloads, scaling, monitoring).
pub fn for_kind(kind: &str) -> Vec<Box<dyn Function>> {
    let reads = |f: &dyn Function| f.about().kinds.iter().any(|k| k.kind == kind || k.legacy_names.contains(&kind));
    functions().into_iter().filter(|f| reads(f.as_ref())).collect()
}

/// The kinds functions own (not those they only read), earlier names included: the kinds a
/// kustomize plugin is installed for.
pub fn owned_kinds() -> Vec<&'static str> {
    let functions = functions();
    let owned = functions.iter().flat_map(|f| f.about().kinds.iter().filter(|k| !k.read_only));
    owned.flat_map(|k| std::iter::once(k.kind).chain(k.legacy_names.iter().copied())).collect()
}

#[cfg(test)]
mod tests {
    /// Every function knows the whole set of Lummo kinds (to refuse a misspelt one): the set must
    /// hold every kind a registered function reads, earlier names included.
    #[test]
    fn every_registered_kind_is_a_known_lummo_kind() {
        for function in super::functions() {
            for kind in function.about().kinds {
                for name in std::iter::once(&kind.kind).chain(kind.legacy_names) {
                    assert!(lummo_krm::input::LUMMO_KINDS.contains(name), "{name} of {} is not in LUMMO_KINDS", function.about().name);
                }
            }
        }
    }
}
