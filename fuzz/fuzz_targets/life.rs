//! The whole core, driven by bytes: see `boucle::core::fuzzing::life`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| boucle::core::fuzzing::life(data));
