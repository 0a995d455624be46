//! Pub/Sub's naming rule, which `scaling` (subscriptions its triggers read) and `pubsub` (the
//! topics and subscriptions it declares) both check.

/// Checks a topic or subscription name (`what` is `"topic"` or `"subscription"`) against
/// Pub/Sub's rule: 3 to 255 letters, digits and `- _ . ~ + %`, starting with a letter, not with
/// `goog`.
pub fn check_name(what: &str, name: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-_.~+%".contains(c);
    let not_a_name = |reason: &str| Err(format!("{name:?} is not a Pub/Sub {what} name: {reason}"));
    if !(3..=255).contains(&name.len()) {
        return not_a_name("it must have 3 to 255 characters");
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return not_a_name("it must start with a letter");
    }
    if name.starts_with("goog") {
        return not_a_name("names starting with \"goog\" are reserved");
    }
    if let Some(bad) = name.chars().find(|&c| !allowed(c)) {
        return not_a_name(&format!("{bad:?} is not allowed (letters, digits, - _ . ~ + %)"));
    }
    Ok(())
}

/// GCP's rule for project ids: 6 to 30 lower-case letters, digits and '-', starting with a
/// letter and not ending with '-'. Pubsub writes projects into objects, scaling into triggers.
pub fn check_project_id(id: &str) -> Result<(), String> {
    check_gcp_id(id, "project id")
}

/// The rule GCP project ids and service account ids share (`[a-z]([-a-z0-9]*[a-z0-9])`, 6 to
/// 30 characters); `what` names the id in the message.
pub fn check_gcp_id(id: &str, what: &str) -> Result<(), String> {
    let valid_chars = id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let valid_ends = id.starts_with(|c: char| c.is_ascii_lowercase()) && !id.ends_with('-');
    if !(6..=30).contains(&id.len()) || !valid_chars || !valid_ends {
        return Err(format!(
            "{id:?} is not a GCP {what}: use 6 to 30 lower-case letters, digits and '-', starting with a letter and not ending with '-'"
        ));
    }
    Ok(())
}

/// The platform's GCP project of each environment (`spec.pubsub.projects`), each checked:
/// pubsub writes them into its objects, scaling into its triggers, and either may run alone.
pub fn check_platform_projects(platform: &lummo_krm::platform::Platform, report: &mut lummo_krm::Report) {
    for (env, project) in &platform.spec.pubsub.projects.0 {
        platform.check(report, &format!("spec.pubsub.projects.{env}"), check_project_id(project));
    }
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn pubsub_names() {
        assert!(check_name("topic", "dev-Orders_v2.events~1+%").is_ok());
        assert_eq!(check_name("topic", "ab").unwrap_err(), "\"ab\" is not a Pub/Sub topic name: it must have 3 to 255 characters");
        assert!(check_name("topic", &"a".repeat(255)).is_ok() && check_name("topic", &"a".repeat(256)).is_err());
        assert!(check_name("subscription", "1st").unwrap_err().ends_with("subscription name: it must start with a letter"));
        assert!(check_name("topic", "google-things").unwrap_err().contains("reserved"));
        assert!(check_name("topic", "a/b/c").unwrap_err().ends_with("'/' is not allowed (letters, digits, - _ . ~ + %)"));
    }
}
