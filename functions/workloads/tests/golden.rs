//! Golden cases: `tests/golden/<case>/input.yaml` → `output.yaml` + `stderr.txt`, exactly.

use std::path::Path;

use lummo_testing::{check_golden, validate_outputs};
use workloads::Workloads;

#[test]
fn golden_cases_render_exactly_and_validate() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let outputs = check_golden(&Workloads::default(), &Path::new(dir).join("tests/golden"));
    validate_outputs(dir, &outputs);
}

/// Jobs are immutable: the same input keeps its Job's name, a changed spec gets a new one.
#[test]
fn job_names_follow_their_content() {
    let job = |args: &str| {
        let input = format!(
            "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: krm.lummo.com/v1\n  kind: LummoJob\n  metadata: {{name: j}}\n  spec: {{part-of: p, app: j, containers: {{image: 'a:1', args: [{args}], resources: {{cpu: 1, memory: 1Gi}}}}}}\n"
        );
        let outcome = lummo_krm::process(&Workloads::default(), input.into_bytes(), None);
        assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
        let line = outcome
            .stdout
            .lines()
            .skip_while(|l| !l.contains("kind: Job"))
            .find(|l| l.trim_start().starts_with("name: j-"))
            .map(str::to_string);
        line.expect("a Job named j-<hash>")
    };
    assert_eq!(job("a"), job("a"));
    assert_ne!(job("a"), job("b"));
}
