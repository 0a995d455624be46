//! What every fuzz target checks, whatever the bytes: no panic, no hang (libFuzzer's timeout),
//! and for a run that succeeds, output that reads back and that a second run leaves as it is.

use lummo_krm::function::Function;
use lummo_krm::process::ConfigFile;
use lummo_krm::{ResourceList, process};

/// One function on `data`, as a ResourceList on stdin and as a standalone config file.
pub fn function(function: &dyn Function, data: &[u8]) {
    let outcome = process(function, data.to_vec(), None);
    if outcome.exit_code == 0 {
        ResourceList::read(outcome.stdout.clone().into_bytes()).expect("a successful run's output reads back");
        let again = process(function, outcome.stdout.clone().into_bytes(), None);
        assert_eq!(again.exit_code, 0, "a second run failed: {}", again.stderr);
        assert_eq!(again.stdout, outcome.stdout, "a second run changed the output");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let config = ConfigFile { path: "config.yaml".into(), text: text.to_string() };
        let _ = process(function, Vec::new(), Some(config));
    }
}
