//! The labels every generated resource carries, defined once.

use std::collections::BTreeMap;

/// Selector label. Workloads deployed by the earlier implementation select their pods by
/// `app: <app>`, and selectors are immutable, so it stays the selector.
pub const APP: &str = "app";
pub const NAME: &str = "app.kubernetes.io/name";
pub const PART_OF: &str = "app.kubernetes.io/part-of";
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
/// The value of `app.kubernetes.io/managed-by` on everything the functions generate.
pub const MANAGED_BY_VALUE: &str = "lummo-krm-functions";

/// Labels for a resource of `app`, which belongs to the larger system `part_of` when given.
pub fn common(app: &str, part_of: Option<&str>) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::from([
        (APP.to_string(), app.to_string()),
        (NAME.to_string(), app.to_string()),
        (MANAGED_BY.to_string(), MANAGED_BY_VALUE.to_string()),
    ]);
    if let Some(part_of) = part_of {
        labels.insert(PART_OF.to_string(), part_of.to_string());
    }
    labels
}

/// Labels for a resource that several apps of `part_of` may share (a Secret from Vault): no
/// `app`, so every app that needs it generates the very same object.
pub fn shared(part_of: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(PART_OF.to_string(), part_of.to_string()), (MANAGED_BY.to_string(), MANAGED_BY_VALUE.to_string())])
}

/// The selector of `app`'s pods.
pub fn selector(app: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(APP.to_string(), app.to_string())])
}
