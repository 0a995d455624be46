//! Every function `lummo` runs, in the canonical pipeline order: workloads first (the others
//! read or decorate what it generates), then scaling, monitoring, networking, pgbouncer, pubsub.
//! Adding a function is one line here (and its crate in Cargo.toml).

use lummo_krm::Function;

pub fn functions() -> Vec<Box<dyn Function>> {
    vec![Box::new(workloads::Workloads::default()), Box::new(networking::Networking::default())]
}

/// The function called `name`.
pub fn find(name: &str) -> Option<Box<dyn Function>> {
    functions().into_iter().find(|f| f.about().name == name)
}

pub fn names() -> Vec<&'static str> {
    functions().iter().map(|f| f.about().name).collect()
}
