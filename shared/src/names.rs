//! Kubernetes name rules, checked on inputs so that bad names fail at render time, not at apply.

/// RFC 1123 label: what a Service name or a port name built from it must be.
pub fn check_dns_label(name: &str) -> Result<(), String> {
    if name.len() > 63 {
        return Err(format!("{name:?} is longer than 63 characters"));
    }
    let valid_chars = name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let valid_ends =
        name.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric()) && name.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric());
    if name.is_empty() || !valid_chars || !valid_ends {
        return Err(format!(
            "{name:?} is not a valid name: use lowercase letters, digits and '-', starting and ending with a letter or digit"
        ));
    }
    Ok(())
}

/// RFC 1123 subdomain: what most resource names and every domain name must be.
pub fn check_dns_subdomain(name: &str) -> Result<(), String> {
    if name.len() > 253 {
        return Err(format!("{name:?} is longer than 253 characters"));
    }
    if name.is_empty() || name.split('.').any(|label| check_dns_label(label).is_err()) {
        return Err(format!("{name:?} is not a valid DNS name: use dot-separated parts of lowercase letters, digits and '-'"));
    }
    Ok(())
}

/// Kubernetes' rule for most object names (`IsDNS1123Subdomain`): at most 253 characters of
/// dot-separated parts of lowercase letters, digits and '-' that start and end with a letter or
/// digit. Unlike a domain, a part may be longer than 63 characters.
pub fn check_object_name(name: &str) -> Result<(), String> {
    if name.len() > 253 {
        return Err(format!("{name:?} is longer than 253 characters"));
    }
    let part = |p: &str| {
        let valid_chars = p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        valid_chars && !p.is_empty() && !p.starts_with('-') && !p.ends_with('-')
    };
    if !name.split('.').all(part) {
        return Err(format!(
            "{name:?} is not a valid name: use dot-separated parts of lowercase letters, digits and '-', each starting and ending with a letter or digit"
        ));
    }
    Ok(())
}

/// Kubernetes' rule for the names of every kind, even those that allow more than
/// [`check_object_name`] (RBAC's `system:node`, say): `IsValidPathSegmentName` in apimachinery's
/// `api/validation/path`: not `.` or `..`, and no `/` or `%`, since a name is one part of the
/// object's URL path. Empty names are refused too: no object is stored without one.
pub fn check_path_segment_name(name: &str) -> Result<(), String> {
    match name {
        "" => Err("an empty name".to_string()),
        "." | ".." => Err(format!("{name:?} may not be a name")),
        _ if name.contains(['/', '%']) => Err(format!("{name:?} may not contain '/' or '%'")),
        _ => Ok(()),
    }
}

/// A container port name (`IsValidPortName`, an IANA service name): at most 15 lowercase letters, digits and '-',
/// with at least one letter.
pub fn check_port_name(name: &str) -> Result<(), String> {
    let chars_ok = name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ok = !name.is_empty()
        && name.len() <= 15
        && chars_ok
        && name.bytes().any(|b| b.is_ascii_lowercase())
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--");
    if ok { Ok(()) } else { Err(format!("{name:?} is not a port name: up to 15 lowercase letters, digits and single '-', with a letter")) }
}

/// A stable 64-bit digest (FNV-1a) of some bytes, for names that must stay the same for the
/// same content (a Job's name, a file name cut to fit).
pub fn stable_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// A label value: at most 63 characters of letters, digits, `-`, `_` and `.`, starting and
/// ending with a letter or digit (or empty).
pub fn check_label_value(value: &str) -> Result<(), String> {
    if value.len() > 63 {
        return Err(format!("{value:?} is longer than 63 characters, too long for a label value"));
    }
    let valid_chars = value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    let valid_ends =
        value.bytes().next().is_none_or(|b| b.is_ascii_alphanumeric()) && value.bytes().last().is_none_or(|b| b.is_ascii_alphanumeric());
    if !valid_chars || !valid_ends {
        return Err(format!(
            "{value:?} is not a valid label value: use letters, digits, '-', '_' and '.', starting and ending with a letter or digit"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_dns_label("test-server").is_ok());
        assert!(check_dns_label("Test").is_err());
        assert!(check_dns_label("-a").is_err());
        assert!(check_dns_label(&"a".repeat(64)).is_err());
        assert!(check_dns_subdomain("a.test.com").is_ok());
        assert!(check_dns_subdomain("a..com").is_err());
        assert!(check_dns_subdomain("a_b.com").is_err());
        assert!(check_object_name(&"a".repeat(64)).is_ok() && check_object_name(&"a".repeat(254)).is_err());
        assert!(check_object_name("a..b").is_err() && check_object_name("web.v2").is_ok() && check_object_name("Web").is_err());
        // apimachinery's TestValidatePathSegmentName (api/validation/path/name_test.go).
        assert!(check_path_segment_name("system:node").is_ok() && check_path_segment_name("...").is_ok());
        for bad in ["", ".", "..", "a/b", "a%b", "../x"] {
            assert!(check_path_segment_name(bad).is_err(), "{bad}");
        }
        assert!(check_label_value("1.4.2").is_ok() && check_label_value("").is_ok() && check_label_value("v1_2-rc.1").is_ok());
        assert!(check_label_value("1.0+build").is_err() && check_label_value("-x").is_err() && check_label_value(&"a".repeat(64)).is_err());
    }
}
