//! The Kubernetes name of a Pub/Sub resource.
//!
//! Pub/Sub names may have upper case and `_ ~ + %`; a Kubernetes object name (a DNS subdomain)
//! may not. The Pub/Sub name stays the GCP name (`spec.resourceID`), and `metadata.name`, which
//! other objects refer to, is derived from it, the same way every time.

/// Lower case; every character Kubernetes refuses becomes `-`; each dot-separated part loses
/// the `-` at its ends (a part must start and end with a letter or digit), and empty parts go
/// (`a..b` and `a.-b` become `a.b`). A valid Pub/Sub name starts with a letter, so the result
/// is never empty. Different Pub/Sub names can meet in one Kubernetes name (`Orders`, `orders`):
/// the function reports that as an error.
pub fn kubernetes_name(pubsub_name: &str) -> String {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.';
    let mapped: String = pubsub_name.chars().map(|c| c.to_ascii_lowercase()).map(|c| if allowed(c) { c } else { '-' }).collect();
    let parts: Vec<&str> = mapped.split('.').map(|part| part.trim_matches('-')).filter(|part| !part.is_empty()).collect();
    parts.join(".")
}

#[cfg(test)]
mod tests {
    use super::kubernetes_name;

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

    #[test]
    fn every_result_is_a_dns_subdomain() {
        for name in ["Ab_.~+%.Z", "x-._-y", "Topic.DLX", "a%%%.b"] {
            let derived = kubernetes_name(name);
            let part_ok = |p: &str| {
                !p.is_empty()
                    && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !p.starts_with('-')
                    && !p.ends_with('-')
            };
            assert!(derived.split('.').all(part_ok), "{name:?} -> {derived:?}");
        }
    }

    #[test]
    fn different_pubsub_names_can_meet() {
        assert_eq!(kubernetes_name("dev-Orders"), kubernetes_name("dev-orders"));
        assert_eq!(kubernetes_name("orders_v2"), kubernetes_name("orders-v2"));
    }
}
