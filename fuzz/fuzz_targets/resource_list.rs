//! Reading any bytes as a ResourceList or a stream, and writing what was read.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(list) = lummo_krm::ResourceList::read(data.to_vec()) {
        let written = list.write(&[]).expect("what was read can be written");
        lummo_krm::ResourceList::read(written.into_bytes()).expect("what was written reads back");
    }
});
