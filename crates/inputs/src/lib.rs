//! Input types read by more than one function, declared once so every reader agrees on them.
//!
//! `workloads` validates a `LummoDeployment` as a whole, including its `scaling` and
//! `monitoring` blocks; `scaling` and `monitoring` read those blocks from the same input with
//! the same types. Function crates depend on this crate, never on each other. Pub/Sub's naming
//! rule is here too: `scaling` reads subscriptions that `pubsub` declares.

pub mod canary;
pub mod datadog;
pub mod identity;
pub mod monitoring;
pub mod network;
pub mod networking;
pub mod ports;
pub mod pubsub;
pub mod scaling;
pub mod values;
pub mod workload;

pub use monitoring::MonitoringSpec;
pub use scaling::ScalingSpec;
pub use values::{OneOrMany, Ordered, Scalar, Verbatim};
pub use workload::WorkloadInput;
