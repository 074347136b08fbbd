//! The fuzz targets' bodies (`boucle::core::fuzzing`) run on every seed in
//! `fuzz/seeds/`, once for each value of the selector byte, as the fuzzer
//! would: no seed may panic. Reading the files happens here, not in the
//! core, which stays pure.

use boucle::core::fuzzing::{commands, dates, life};

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    std::fs::read_dir(&directory)
        .expect("seed directory")
        .map(|entry| std::fs::read(entry.expect("a seed").path()).expect("a seed's bytes"))
        .collect()
}

#[test]
fn the_commands_target_holds_on_its_seeds() {
    let seeds = seeds("commands");
    assert!(seeds.len() >= 10, "only {} seeds", seeds.len());
    for data in &seeds {
        for selector in 0..=u8::MAX {
            let mut input = vec![selector];
            input.extend_from_slice(data);
            commands(&input);
        }
    }
}

#[test]
fn the_dates_target_holds_on_its_seeds() {
    let seeds = seeds("dates");
    assert!(seeds.len() >= 10, "only {} seeds", seeds.len());
    for data in &seeds {
        dates(data);
    }
}

#[test]
fn the_life_target_holds_on_its_seeds() {
    let seeds = seeds("life");
    assert!(seeds.len() >= 5, "only {} seeds", seeds.len());
    for data in &seeds {
        life(data);
    }
}
