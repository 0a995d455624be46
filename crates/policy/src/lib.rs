//! The platform's policy that several functions apply the same way, kept out of the SDK
//! (`lummo-krm`, which knows KRM, the engine and Kubernetes' rules, not this platform's
//! choices): the labels every generated resource carries, and secrets from Vault through the
//! External Secrets Operator.

pub mod labels;
pub mod vault;
