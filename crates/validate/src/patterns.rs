//! A CRD's `pattern`s, compiled once each. The API server matches them with Go's RE2, which the
//! regex crate follows for the patterns CRDs use (no backreferences or lookaround in either).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use regex::Regex;

/// Whether `text` contains a match of `pattern` (unanchored, as Go's `MatchString`).
pub fn matches(pattern: &str, text: &str) -> Result<bool, String> {
    static COMPILED: OnceLock<Mutex<HashMap<String, Result<Regex, String>>>> = OnceLock::new();
    let mut compiled = COMPILED.get_or_init(Default::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let regex = compiled.entry(pattern.to_string()).or_insert_with(|| Regex::new(pattern).map_err(|e| e.to_string()));
    regex.as_ref().map(|r| r.is_match(text)).map_err(Clone::clone)
}
