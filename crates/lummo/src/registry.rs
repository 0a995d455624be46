//! The functions `lummo` runs: the catalog's (`lummo-catalog`), in its pipeline order.

pub use lummo_catalog::{find, for_kind, functions, names};

/// The kinds functions own, earlier names included: the kinds a kustomize plugin is installed
/// for, and the names of links that run every function reading the kind.
pub fn owned_kinds() -> Vec<&'static str> {
    lummo_catalog::owned_kind_names()
}
