//! Every function in the canonical order on one in-memory list, as `lummo render` runs them.
#![no_main]

use lummo_krm::{Function, Report, ResourceList, engine};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(mut list) = ResourceList::read(data.to_vec()) else { return };
    let functions: [&dyn Function; 6] = [
        &workloads::Workloads::default(),
        &scaling::Scaling::default(),
        &monitoring::Monitoring::default(),
        &networking::Networking::default(),
        &pgbouncer::Pgbouncer::default(),
        &pubsub::Pubsub::default(),
    ];
    let mut report = Report::default();
    engine::run_pipeline(&functions, &mut list, &mut report);
    let _ = list.write(&report.results);
});
