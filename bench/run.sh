#!/usr/bin/env bash
# The load bench (issue 8): not part of `cargo test`.
#
#     bash bench/run.sh
#
# Builds boucle and the driver (examples/bench.rs) in release mode, then runs
# the scenarios against the test harness's Synapse on 127.0.0.1 and writes
# the table to docs/performance.md (section "Latest run").
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin boucle --example bench --example pingbot
mkdir -p docs
target/release/examples/bench --boucle target/release/boucle --out docs/performance-latest.md  # copy its table into docs/performance.md
echo "written to docs/performance-latest.md"
