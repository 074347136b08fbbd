//! Anything typed after any command, in any room: no panic, every reply safe.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| boucle::core::fuzzing::commands(data));
