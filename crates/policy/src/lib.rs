//! The platform's policy that several functions apply the same way, kept out of the SDK
//! (`lummo-krm`, which knows KRM, the engine and Kubernetes' rules, not this platform's
//! choices): the labels every generated resource carries, secrets from Vault through the
//! External Secrets Operator, and the Lummo API group with its earlier names.

pub mod group;
pub mod labels;
pub mod vault;
