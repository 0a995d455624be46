//! KRM `results`: what a function tells kpt, kustomize and people about its run.
//!
//! kpt decides failure by exit code alone, so the runner exits 1 whenever any result here has
//! severity error; the same results go to stderr as one line each for people and CI logs.

use serde::Serialize;

#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct FieldRef {
    pub path: String,
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct FileRef {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
}

/// One entry of a ResourceList's `results`, as the kpt function spec defines it.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct KrmResult {
    pub message: String,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_ref: Option<ResourceRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<FieldRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<FileRef>,
}

impl KrmResult {
    pub fn new(severity: Severity, message: impl Into<String>) -> KrmResult {
        KrmResult { message: message.into(), severity, resource_ref: None, field: None, file: None }
    }

    /// `error: networking.yaml: LummoNetworking/test: spec.app: required field is missing`
    pub fn human_line(&self) -> String {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let mut line = format!("{severity}: ");
        if let Some(file) = &self.file {
            line.push_str(&file.path);
            line.push_str(": ");
        }
        if let Some(r) = &self.resource_ref {
            line.push_str(&r.kind);
            line.push('/');
            if !r.namespace.is_empty() {
                line.push_str(&r.namespace);
                line.push('/');
            }
            line.push_str(&r.name);
            line.push_str(": ");
        }
        if let Some(field) = &self.field {
            line.push_str(&field.path);
            line.push_str(": ");
        }
        line.push_str(&self.message);
        line
    }
}

/// Results gathered during one run.
#[derive(Default, Debug)]
pub struct Report {
    pub results: Vec<KrmResult>,
}

/// A point in a [`Report`] to ask later whether errors came after it.
#[derive(Clone, Copy, Debug)]
pub struct Checkpoint {
    errors: usize,
}

impl Report {
    pub fn push(&mut self, result: KrmResult) {
        self.results.push(result);
    }

    pub fn error(&mut self, message: impl Into<String>) {
        self.push(KrmResult::new(Severity::Error, message));
    }

    pub fn has_errors(&self) -> bool {
        self.results.iter().any(|r| r.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.results.iter().filter(|r| r.severity == Severity::Error).count()
    }

    /// Marks this point, for [`Report::errors_since`]: "did checking this part find anything?"
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint { errors: self.error_count() }
    }

    pub fn errors_since(&self, checkpoint: Checkpoint) -> bool {
        self.error_count() > checkpoint.errors
    }
}
