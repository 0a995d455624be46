//! Every function of the catalog, in its order, on one in-memory list, as `lummo render` runs them.
#![no_main]

use lummo_krm::{Function, Report, ResourceList, engine};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(mut list) = ResourceList::read(data.to_vec()) else { return };
    let functions = lummo_catalog::functions();
    let functions: Vec<&dyn Function> = functions.iter().map(|f| f.as_ref()).collect();
    let mut report = Report::default();
    engine::run_pipeline(&functions, &mut list, &mut report);
    let _ = list.write(&report.results);
});
