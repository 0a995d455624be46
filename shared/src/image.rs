//! Container image references, as the container runtime reads them: their tag, and whether one is
//! valid.

/// `registry/app:1.2.3` → `1.2.3`; an image without a tag (or by digest only) is `latest`. The
/// version Datadog and the canary analysis know the pods by.
pub fn tag(image: &str) -> String {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split_once(':').map_or("latest", |(_, tag)| tag).to_string()
}

/// An image reference as the kubelet parses it (distribution/reference's `ParseNormalizedNamed`):
/// `[registry[:port]/]repository[:tag][@digest]`. The repository is lowercase (only the tag and
/// the registry's host may have upper case), at most 255 characters counted as the registry
/// sees it (without the registry; a one-part name as `library/<name>`); a digest is `sha256:`
/// and 64 lowercase hex digits (or sha384, sha512); 64 hex digits alone are an image ID, not a
/// name.
pub fn check_image(image: &str) -> Result<(), String> {
    if image.trim() != image {
        return Err(format!("{image:?} has spaces around it: remove them"));
    }
    if image.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{image:?} is not an image reference: it contains a space"));
    }
    if image.len() == 64 && image.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(format!("{image:?} reads as an image ID (64 hexadecimal digits), not a name: name the image"));
    }
    let (name_and_tag, digest) = match image.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (image, None),
    };
    if let Some(digest) = digest {
        let hex = match digest.split_once(':') {
            Some(("sha256", hex)) => (hex.len() == 64).then_some(hex),
            Some(("sha384", hex)) => (hex.len() == 96).then_some(hex),
            Some(("sha512", hex)) => (hex.len() == 128).then_some(hex),
            _ => None,
        };
        if !hex.is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))) {
            return Err(format!("{image:?} has an invalid digest {digest:?}: write it as sha256: and 64 lowercase hex digits"));
        }
    }
    let after_slash = name_and_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name_and_tag[after_slash..].rfind(':') {
        Some(i) => (&name_and_tag[..after_slash + i], Some(&name_and_tag[after_slash + i + 1..])),
        None => (name_and_tag, None),
    };
    if let Some(tag) = tag {
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let ok = tag.len() <= 128 && tag.bytes().next().is_some_and(word) && tag.bytes().all(|b| word(b) || b == b'.' || b == b'-');
        if !ok {
            return Err(format!(
                "{image:?} has an invalid tag {tag:?}: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'"
            ));
        }
    }
    // The first part names a registry when it looks like a host (as `docker pull` decides).
    let (registry, repository) = match name.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" || first.bytes().any(|b| b.is_ascii_uppercase()) => {
            (Some(first), rest)
        }
        _ => (None, name),
    };
    if let Some(registry) = registry
        && !is_registry(registry)
    {
        return Err(format!("{image:?} has an invalid registry {registry:?}: write it like registry.example.com or localhost:5000"));
    }
    // The registry counts the path without itself; a one-part name is `library/<name>` there.
    let path_length = repository.len() + if name.contains('/') { 0 } else { "library/".len() };
    if path_length > 255 {
        return Err(format!("{image:?} is not an image reference: its repository path has {path_length} characters, at most 255"));
    }
    if repository.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(format!("{image:?}: the repository {repository:?} must be lowercase (only the tag may have upper case)"));
    }
    if repository.is_empty() || !repository.split('/').all(is_path_component) {
        return Err(format!(
            "{image:?} is not an image reference: the repository {repository:?} takes lowercase letters and digits, \
             with single '.', '_', '__' or dashes between them, in parts separated by '/'"
        ));
    }
    Ok(())
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`: lowercase words with single separators between them.
fn is_path_component(part: &str) -> bool {
    let word = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    part.starts_with(word)
        && part.ends_with(word)
        && part.split(word).filter(|s| !s.is_empty()).all(|sep| matches!(sep, "." | "_" | "__") || sep.bytes().all(|b| b == b'-'))
}

/// `host[:port]`: dot-separated labels of letters, digits and '-' (or `[IPv6]`), and a port.
fn is_registry(registry: &str) -> bool {
    let (host, port) = match registry.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') && (host.starts_with('[') == host.ends_with(']')) => (host, Some(port)),
        _ => (registry, None),
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(ipv6) => !ipv6.is_empty() && ipv6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':'),
        None => host.split('.').all(|label| {
            !label.is_empty()
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        }),
    };
    port_ok && host_ok
}

/// Why an image is not pinned to a version, if it is not: no tag, or `latest` (a digest pins
/// it either way).
pub fn unpinned_image(image: &str) -> Option<&'static str> {
    if image.contains('@') {
        return None;
    }
    match tag(image).as_str() {
        "latest" if image.ends_with(":latest") => Some("is tagged latest"),
        "latest" => Some("has no tag"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(super::tag("registry.example.com:5000/team/app:1.2.3"), "1.2.3");
        assert_eq!(super::tag("registry.example.com:5000/team/app"), "latest");
        assert_eq!(super::tag("app@sha256:abc"), "latest");
        assert_eq!(super::tag("app:2.0@sha256:abc"), "2.0");
    }

    /// distribution/reference's `TestValidateReferenceName` and `TestValidateRemoteName`
    /// (normalize_test.go at 0965666), which run `ParseNormalizedNamed`, the kubelet's parser.
    #[test]
    fn images_as_the_kubelet_parses_them() {
        let valid = [
            "docker/docker",
            "library/debian",
            "debian",
            "localhost/library/debian",
            "localhost/debian",
            "LOCALDOMAIN/library/debian",
            "LOCALDOMAIN/debian",
            "docker.io/docker/docker",
            "docker.io/library/debian",
            "docker.io/debian",
            "index.docker.io/docker/docker",
            "index.docker.io/library/debian",
            "index.docker.io/debian",
            "127.0.0.1:5000/docker/docker",
            "127.0.0.1:5000/library/debian",
            "127.0.0.1:5000/debian",
            "192.168.0.1",
            "192.168.0.1:80",
            "192.168.0.1:8/debian",
            "192.168.0.2:25000/debian",
            "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
            "[fc00::1]:5000/docker",
            "[fc00::1]:5000/docker/docker",
            "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
            "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
            "Docker/docker",
            "DOCKER/docker",
            "docker-rules/docker",
            "docker---rules/docker",
            "doc/docker",
            "d/docker",
            "jess/t",
            "dock__er/docker",
        ];
        for image in valid {
            assert_eq!(check_image(image), Ok(()), "{image}");
        }
        let long = "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_".repeat(4) + "/docker";
        let invalid = [
            "https://github.com/docker/docker",
            "docker/Docker",
            "-docker",
            "-docker/docker",
            "-docker.io/docker/docker",
            "docker///docker",
            "docker.io/docker/Docker",
            "docker.io/docker///docker",
            "[fc00::1]",
            "[fc00::1]:5000",
            "fc00::1:5000/debian",
            "[fe80::1%eth0]:5000/debian",
            "[2001:db8:3:4::192.0.2.33]:5000/debian",
            "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
            "docker-/docker",
            "-docker-/docker",
            "____/____",
            "_docker/_docker",
            "dock..er/docker",
            "dock_.er/docker",
            "dock-.er/docker",
            "docker/",
            &long,
        ];
        for image in invalid {
            assert!(check_image(image).is_err(), "{image}");
        }
    }

    #[test]
    fn images() {
        for ok in [
            "python:3.12",
            "registry.example.com:5000/team/app:1.2.3",
            "registry.example.com/foobar:1.4.2-RC_1",
            "localhost/app",
            "Registry.Example.com/app:1",
            "a/b__c/d-e--f.g:latest",
            "[::1]:5000/app:1",
            &format!("app@sha256:{}", "a".repeat(64)),
            &format!("app:1.0@sha256:{}", "0123456789abcdef".repeat(4)),
        ] {
            assert_eq!(check_image(ok), Ok(()), "{ok}");
        }
        let error = |image: &str| check_image(image).unwrap_err();
        assert_eq!(error(" app:1"), "\" app:1\" has spaces around it: remove them");
        assert_eq!(error("my app:1"), "\"my app:1\" is not an image reference: it contains a space");
        assert_eq!(
            error("registry.example.com/MyApp:1"),
            "\"registry.example.com/MyApp:1\": the repository \"MyApp\" must be lowercase (only the tag may have upper case)"
        );
        assert_eq!(error("MyApp"), "\"MyApp\": the repository \"MyApp\" must be lowercase (only the tag may have upper case)");
        assert!(error("app@sha256:abc").contains("invalid digest"));
        assert!(error(&format!("app@sha256:{}", "A".repeat(64))).contains("invalid digest"));
        assert!(error("app:.1").contains("invalid tag") && error("app:").contains("invalid tag"));
        assert!(error("app:1:2").contains("takes lowercase letters"));
        for bad in ["-app", "app-", "a..b", "a/", "/a", "a//b", "a___b"] {
            assert!(error(bad).contains("takes lowercase letters"), "{bad}");
        }
        assert!(error("bad_host.com/app").contains("invalid registry"));
        assert_eq!(unpinned_image("app"), Some("has no tag"));
        // The 255 limit counts the path without the registry.
        assert_eq!(check_image(&format!("registry.example.com/{}", "a".repeat(255))), Ok(()));
        assert!(error(&format!("registry.example.com/{}", "a".repeat(256))).contains("at most 255"));
        assert!(error(&"a".repeat(250)).contains("has 258 characters"), "library/ counts");
        assert_eq!(unpinned_image("registry.example.com:5000/app"), Some("has no tag"));
        assert_eq!(unpinned_image("app:latest"), Some("is tagged latest"));
        assert_eq!(unpinned_image("app:1"), None);
        assert_eq!(unpinned_image(&format!("app@sha256:{}", "a".repeat(64))), None);
    }
}
