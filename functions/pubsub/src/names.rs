//! The Kubernetes name of a Pub/Sub resource.
//!
//! Pub/Sub names may have upper case and `_ ~ + %`, and 255 characters; a Kubernetes object name
//! (a DNS subdomain) may not, and has at most 253. The Pub/Sub name stays the GCP name
//! (`spec.resourceID`), and `metadata.name`, which other objects refer to, is derived from it,
//! the same way every time.

/// A Kubernetes object name (DNS subdomain) has at most this many characters.
pub const MAX_NAME: usize = 253;
/// Hex digits of the hash that keeps a cut name unique.
const HASH_DIGITS: usize = 8;
/// A last dot-separated part this short (`.dlx`, with its dot) stays at the end of a cut name.
const KEPT_LAST_PART: usize = 16;

/// Lower case; every character Kubernetes refuses becomes `-`; each dot-separated part loses
/// the `-` at its ends (a part must start and end with a letter or digit), and empty parts go
/// (`a..b` and `a.-b` become `a.b`). A valid Pub/Sub name starts with a letter, so the result
/// is never empty. Different Pub/Sub names can meet in one Kubernetes name (`Orders`, `orders`):
/// the function reports that as an error. Past 253 characters the name is cut and a hash of
/// the Pub/Sub name added (see [`fit`]), before a short last part, so that a dead-letter topic's
/// name still ends in `.dlx`.
pub fn kubernetes_name(pubsub_name: &str) -> String {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.';
    let mapped: String = pubsub_name.chars().map(|c| c.to_ascii_lowercase()).map(|c| if allowed(c) { c } else { '-' }).collect();
    let parts: Vec<&str> = mapped.split('.').map(|part| part.trim_matches('-')).filter(|part| !part.is_empty()).collect();
    let derived = parts.join(".");
    let last_part = derived.rfind('.').filter(|dot| derived.len() - dot <= KEPT_LAST_PART).unwrap_or(derived.len());
    let (head, tail) = derived.split_at(last_part);
    fit(head, tail, pubsub_name)
}

/// The name of an object about the object `name` (an IAMPolicyMember granting on it):
/// `name` and `suffix`, cut the same way when too long, so that the suffix stays readable.
pub fn with_suffix(name: &str, suffix: &str) -> String {
    fit(name, suffix, name)
}

/// `base` + `suffix` when it fits in a Kubernetes name. Otherwise `base` is cut, loses the `-`
/// and `.` it then ends with (a part ends with a letter or digit), and gets `-`, a hash of
/// `whole` (what the name stands for, so two long names stay apart) and `suffix`. `base` is
/// ASCII (a derived name) and starts with a letter, so the cut is never empty.
fn fit(base: &str, suffix: &str, whole: &str) -> String {
    if base.len() + suffix.len() <= MAX_NAME {
        return format!("{base}{suffix}");
    }
    let room = MAX_NAME - suffix.len() - HASH_DIGITS - 1;
    let cut = base[..room].trim_end_matches(['-', '.']);
    let hash = lummo_krm::names::stable_hash(whole.as_bytes());
    // 64 bits folded to 32: eight digits, which the uniqueness check backs up.
    format!("{cut}-{:08x}{suffix}", (hash >> 32) ^ (hash & 0xffff_ffff))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pubsub_names_become_kubernetes_names() {
        assert_eq!(kubernetes_name("dev-tokko.team-management-sync.dlx"), "dev-tokko.team-management-sync.dlx");
        assert_eq!(kubernetes_name("dev-topicA"), "dev-topica");
        assert_eq!(kubernetes_name("Orders_v2~eu+1%x"), "orders-v2-eu-1-x");
        assert_eq!(kubernetes_name("a..b"), "a.b");
        assert_eq!(kubernetes_name("a.-b_.c"), "a.b.c");
        assert_eq!(kubernetes_name("events_"), "events");
        assert_eq!(kubernetes_name("a.~."), "a");
    }

    /// Long Pub/Sub names (up to 255 characters) fit, stay apart, and are the same every time.
    #[test]
    fn long_names_are_cut_and_hashed() {
        let at_limit = "a".repeat(253);
        assert_eq!(kubernetes_name(&at_limit), at_limit, "253 characters fit as they are");
        let long = format!("{}.dlx", "T".repeat(251));
        let name = kubernetes_name(&long);
        assert_eq!(name.len(), MAX_NAME);
        assert!(name.starts_with(&"t".repeat(240)) && name[240..].starts_with('-') && name.ends_with(".dlx"), "{name}");
        assert_eq!(name, kubernetes_name(&long), "stable");
        assert_ne!(name, kubernetes_name(&format!("{}.dlx", "t".repeat(251))), "a hash of the Pub/Sub name");
        // A cut that ends in `.` or `-` loses them.
        let dotted = format!("{}.-{}", "a".repeat(243), "b".repeat(20));
        assert!(kubernetes_name(&dotted).starts_with(&format!("{}-", "a".repeat(243))), "{}", kubernetes_name(&dotted));
    }

    #[test]
    fn suffixed_names_fit_and_keep_the_suffix() {
        assert_eq!(with_suffix("dev-suba", "-pubsub-subscriber"), "dev-suba-pubsub-subscriber");
        let name = with_suffix(&"s".repeat(253), "-pubsub-subscriber");
        assert!(name.len() == MAX_NAME && name.ends_with("-pubsub-subscriber"), "{name}");
        assert_ne!(name, with_suffix(&format!("{}t", "s".repeat(252)), "-pubsub-subscriber"));
    }

    #[test]
    fn every_result_is_an_object_name() {
        let long = |part: &str| format!("{}{part}", "x".repeat(250));
        let names = ["Ab_.~+%.Z", "x-._-y", "Topic.DLX", "a%%%.b", &long(".-_y"), &long("_~+%"), &long("a.b.c")];
        for name in names {
            let derived = kubernetes_name(name);
            assert_eq!(lummo_krm::names::check_object_name(&derived), Ok(()), "{name:?}");
            assert_eq!(lummo_krm::names::check_object_name(&with_suffix(&derived, "-pubsub-publisher")), Ok(()), "{name:?}");
        }
    }

    #[test]
    fn different_pubsub_names_can_meet() {
        assert_eq!(kubernetes_name("dev-Orders"), kubernetes_name("dev-orders"));
        assert_eq!(kubernetes_name("orders_v2"), kubernetes_name("orders-v2"));
    }
}
