//! Golden cases: `tests/golden/<case>/input.yaml` (what workloads hands on) → `output.yaml` +
//! `stderr.txt`, exactly. The inputs were made by running workloads on the case's inputs, as a
//! pipeline does.

use std::path::Path;

use lummo_kinds::prometheus::PodMonitor;
use lummo_testing::{assert_reads_back, check_golden, generated_items, validate_outputs};
use monitoring::Monitoring;

fn cases() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

#[test]
fn golden_cases_render_exactly_and_validate() {
    let outputs = check_golden(&Monitoring::default(), &cases());
    validate_outputs(&outputs);
    for item in generated_items(&outputs, "monitoring").iter() {
        assert_eq!(item.kind(), "PodMonitor");
        assert_reads_back::<PodMonitor>(item);
    }
}

/// Decorating the decorated output again changes nothing: no variable, label or annotation
/// twice, not a byte moved.
#[test]
fn a_second_run_changes_nothing() {
    for case in ["rollout-datadog-and-prometheus", "deployment-prometheus-podmonitor", "jobs-datadog-only"] {
        let input = std::fs::read(cases().join(case).join("input.yaml")).unwrap();
        let once = lummo_krm::process(&Monitoring::default(), input, None);
        assert_eq!(once.exit_code, 0, "{case}: {}", once.stderr);
        let twice = lummo_krm::process(&Monitoring::default(), once.stdout.clone().into_bytes(), None);
        assert_eq!(twice.exit_code, 0, "{case}: {}", twice.stderr);
        assert_eq!(twice.stdout, once.stdout, "{case}: a second run changed the output");
    }
}

/// The scraping setting picks a PodMonitor even when Datadog is on.
#[test]
fn the_scraping_setting_picks_a_pod_monitor() {
    let monitoring = Monitoring { settings: monitoring::Settings { scraping: monitoring::Scraping::PodMonitor, ..Default::default() } };
    let input = std::fs::read(cases().join("rollout-datadog-and-prometheus/input.yaml")).unwrap();
    let outcome = lummo_krm::process(&monitoring, input, None);
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    assert!(outcome.stdout.contains("kind: PodMonitor") && outcome.stdout.contains("- port: metrics"), "{}", outcome.stdout);
    assert!(!outcome.stdout.contains("ad.datadoghq.com/"), "no autodiscovery annotation with a PodMonitor");
}
