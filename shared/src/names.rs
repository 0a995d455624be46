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

/// RFC 1035 label (`IsDNS1035Label`): a Service's name, which becomes a DNS label that must
/// start with a letter.
pub fn check_dns1035_label(name: &str) -> Result<(), String> {
    check_dns_label(name)?;
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(format!("{name:?} is not a valid name: it must start with a lowercase letter"));
    }
    Ok(())
}

/// A label or annotation key (`IsQualifiedName`): a name of at most 63 letters, digits, '-',
/// '_' and '.' that starts and ends with a letter or digit, after an optional DNS subdomain
/// prefix and '/'.
pub fn check_qualified_name(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix
        && (prefix.is_empty() || check_object_name(prefix).is_err())
    {
        return Err(format!("{key:?} is not a valid key: the part before '/' must be a lowercase DNS subdomain"));
    }
    let valid_chars = name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    let valid_ends =
        name.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric()) && name.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric());
    if name.len() > 63 || !valid_chars || !valid_ends {
        return Err(format!(
            "{key:?} is not a valid key: a name of at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, with an optional DNS subdomain and '/' before it"
        ));
    }
    Ok(())
}

/// A ConfigMap's or Secret's data key (`IsConfigMapKey`): letters, digits, '-', '_' and '.',
/// at most 253, not '.' and not starting with '..' (it becomes a file name when mounted).
pub fn check_config_map_key(key: &str) -> Result<(), String> {
    let valid_chars = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if key.len() > 253 || !valid_chars || key == "." || key.starts_with("..") {
        return Err(format!("{key:?} is not a valid key: up to 253 letters, digits, '-', '_' and '.', not '.' and not starting with '..'"));
    }
    Ok(())
}

/// An environment variable's name as Kubernetes 1.33 takes it by default
/// (`IsRelaxedEnvVarName`, the RelaxedEnvironmentVariableValidation gate): printable ASCII
/// except '='.
pub fn check_env_var_name(name: &str) -> Result<(), String> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_graphic() || c == ' ') || name.contains('=') {
        return Err(format!("{name:?} is not a valid environment variable name: printable ASCII characters except '='"));
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

    /// apimachinery's own tables (pkg/util/validation/validation_test.go at eed236ce):
    /// TestIsDNS1123Label, TestIsDNS1123Subdomain, TestIsDNS1035Label, TestIsQualifiedName,
    /// TestIsValidLabelValue, TestIsConfigMapKey and TestIsRelaxedEnvVarName, both directions.
    #[test]
    fn apimachinery_tables() {
        let label_bad: Vec<String> = [
            "", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2", ".", "a.",
            ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([("a".repeat(64))])
        .collect();
        let starts_with_digit = ["0", "01", "012", "1a", "1-a", "1--a--b--2"];
        let label_good: Vec<String> =
            ["a", "ab", "abc", "a1", "a-1", "a--1--2--b"].iter().map(|s| s.to_string()).chain([("a".repeat(63))]).collect();
        for good in label_good.iter().map(String::as_str).chain(starts_with_digit) {
            assert!(check_dns_label(good).is_ok() && check_object_name(good).is_ok(), "{good:?}");
        }
        for good in &label_good {
            assert!(check_dns1035_label(good).is_ok(), "{good:?}");
        }
        for bad in label_bad.iter().map(String::as_str).chain(starts_with_digit) {
            assert!(check_dns1035_label(bad).is_err(), "{bad:?}");
        }
        for bad in &label_bad {
            assert!(check_dns_label(bad).is_err(), "{bad:?}");
        }
        let subdomain_good = [
            "a.a",
            "ab.a",
            "abc.a",
            "a1.a",
            "a-1.a",
            "a--1--2--b.a",
            "a.1",
            "ab.1",
            "abc.1",
            "a1.1",
            "a-1.1",
            "a--1--2--b.1",
            "0.a",
            "01.a",
            "012.a",
            "1a.a",
            "1-a.a",
            "1--a--b--2",
            "0.1",
            "01.1",
            "012.1",
            "1a.1",
            "1-a.1",
            "1--a--b--2.1",
            "a.b.c.d.e",
            "aa.bb.cc.dd.ee",
            "1.2.3.4.5",
            "11.22.33.44.55",
        ];
        for good in subdomain_good.iter().copied().chain([&*"a".repeat(253)]) {
            assert!(check_object_name(good).is_ok(), "{good:?}");
        }
        let subdomain_bad = [
            "",
            "A",
            "ABC",
            "aBc",
            "A1",
            "A-1",
            "1-A",
            "-",
            "a-",
            "-a",
            "1-",
            "-1",
            "_",
            "a_",
            "_a",
            "a_b",
            "1_",
            "_1",
            "1_2",
            ".",
            "a.",
            ".a",
            "a..b",
            "1.",
            ".1",
            "1..2",
            " ",
            "a ",
            " a",
            "a b",
            "1 ",
            " 1",
            "1 2",
            "A.a",
            "aB.a",
            "ab.A",
            "A1.a",
            "a1.A",
            "A.1",
            "aB.1",
            "A1.1",
            "1A.1",
            "0.A",
            "01.A",
            "012.A",
            "1A.a",
            "1a.A",
            "A.B.C.D.E",
            "AA.BB.CC.DD.EE",
            "a.B.c.d.e",
            "aa.bB.cc.dd.ee",
            "a@b",
            "a,b",
            "a_b",
            "a;b",
            "a:b",
            "a%b",
            "a?b",
            "a$b",
        ];
        for bad in subdomain_bad.iter().copied().chain([&*"a".repeat(254)]) {
            assert!(check_object_name(bad).is_err(), "{bad:?}");
        }
        let key_good = [
            "simple",
            "now-with-dashes",
            "1-starts-with-num",
            "1234",
            "simple/simple",
            "now-with-dashes/simple",
            "now-with-dashes/now-with-dashes",
            "now.with.dots/simple",
            "now-with.dashes-and.dots/simple",
            "1-num.2-num/3-num",
            "1234/5678",
            "1.2.3.4/5678",
            "Uppercase_Is_OK_123",
            "example.com/Uppercase_Is_OK_123",
            "requests.storage-foo",
        ];
        let long_key = format!("{}/{}", "a".repeat(253), "b".repeat(63));
        for good in key_good.iter().copied().chain([&*"a".repeat(63), &*long_key]) {
            assert!(check_qualified_name(good).is_ok(), "{good:?}");
        }
        let key_bad = [
            "nospecialchars%^=@",
            "cantendwithadash-",
            "-cantstartwithadash-",
            "only/one/slash",
            "Example.com/abc",
            "example_com/abc",
            "example.com/",
            "/simple",
        ];
        let too_long_prefix = format!("{}/abc", "a".repeat(254));
        for bad in key_bad.iter().copied().chain([&*"a".repeat(64), &*too_long_prefix]) {
            assert!(check_qualified_name(bad).is_err(), "{bad:?}");
        }
        for good in ["simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", &"a".repeat(63), ""] {
            assert!(check_label_value(good).is_ok(), "{good:?}");
        }
        let value_bad = [
            "nospecialchars%^=@",
            "Tama-nui-te-rā.is.Māori.sun",
            "\\backslashes\\are\\bad",
            "-starts-with-dash",
            "ends-with-dash-",
            ".starts.with.dot",
            "ends.with.dot.",
        ];
        for bad in value_bad.iter().copied().chain([&*"a".repeat(64)]) {
            assert!(check_label_value(bad).is_err(), "{bad:?}");
        }
        for good in ["a", "good", "good-good", "still.good", "this.is.also.good", ".so.is.this", "THIS_IS_GOOD", "so_is_this_17"] {
            assert!(check_config_map_key(good).is_ok(), "{good:?}");
        }
        for bad in [".", "..", "..bad", "b*d", "bad!&bad"] {
            assert!(check_config_map_key(bad).is_err(), "{bad:?}");
        }
        let env_good = [
            "-", ":", "_", "+a", ">a", "<a", "a.", "a..", "*a", "%a", "?a", "a:a", "a_a", "aAz", "~a", "|a", "a0a", "a9", "/a", "a ", "#a",
            "0a", "0 a", "'a", "(a", "@a",
        ];
        for good in env_good {
            assert!(check_env_var_name(good).is_ok(), "{good:?}");
        }
        for bad in ["", "=", "a=", "1=a", "a=b", "#%=&&", "\u{1}abc", "\u{82}abc", "Ç ç", "Ä ä", "Ñ ñ", "Ø ø"] {
            assert!(check_env_var_name(bad).is_err(), "{bad:?}");
        }
    }
}
