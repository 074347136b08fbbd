//! Any text as a date: no panic, never a date in the past.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| boucle::core::fuzzing::dates(data));
