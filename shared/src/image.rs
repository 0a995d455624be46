//! Container image references, as the container runtime reads them.

/// `registry/app:1.2.3` → `1.2.3`; an image without a tag (or by digest only) is `latest`. The
/// version Datadog and the canary analysis know the pods by.
pub fn tag(image: &str) -> String {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split_once(':').map_or("latest", |(_, tag)| tag).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn tags() {
        assert_eq!(super::tag("registry.example.com:5000/team/app:1.2.3"), "1.2.3");
        assert_eq!(super::tag("registry.example.com:5000/team/app"), "latest");
        assert_eq!(super::tag("app@sha256:abc"), "latest");
        assert_eq!(super::tag("app:2.0@sha256:abc"), "2.0");
    }
}
