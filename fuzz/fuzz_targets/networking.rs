//! The networking function on any bytes (see lummo_fuzz::function).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lummo_fuzz::function(&networking::Networking::default(), data));
