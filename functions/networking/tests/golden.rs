//! Golden cases: `tests/golden/<case>/input.yaml` → `output.yaml` + `stderr.txt`, exactly.

use std::path::Path;

use lummo_testing::{check_golden, validate_outputs};
use networking::Networking;

#[test]
fn golden_cases_render_exactly_and_validate() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let outputs = check_golden(&Networking::default(), &Path::new(dir).join("tests/golden"));
    validate_outputs(dir, &outputs);
}
