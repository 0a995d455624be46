//! The Lummo API group as inputs are written: every kind of it, earlier names included, and
//! the apiVersions inputs written for the earlier Go implementation carry, accepted with a
//! warning. Every function names this group in its `About`, so a misspelt Lummo kind is an
//! error whichever function meets it (the catalog's tests check that every function's kinds
//! are here).

use lummo_krm::input::{API_VERSION, Group};

pub static LUMMO: Group = Group {
    api_version: API_VERSION,
    earlier_api_versions: &["lummoKRM/v1", "LummoKRM/v1", "LummoKRM", "krm/v1", "v1"],
    kinds: &[
        "LummoDeployment",
        "LummoRollout",
        "LummoJob",
        "LummoCronJob",
        "LummoCron",
        "LummoContainer",
        "LummoNetworking",
        "pgbouncer",
        "LummoTopic",
        "LummoSubscription",
        "PubsubTopic",
        "PubsubSubscription",
        "LummoPlatform",
    ],
};
