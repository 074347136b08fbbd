#!/usr/bin/env bash
# The load bench (issue 8): not part of `cargo test`.
#
#     bash bench/run.sh
#
# Builds boucle, the driver (examples/bench/) and the bare SDK bot
# (examples/pingbot.rs) in release mode, installs the peer bot
# (matrix-reminder-bot from PyPI) in its own virtualenv under target/, then
# runs the scenarios against the test harness's Synapse on 127.0.0.1 and
# writes the table to docs/performance-latest.md (copy it into
# docs/performance.md with what was learned).
set -euo pipefail
cd "$(dirname "$0")/.."
peer=target/bench-peer
if [ ! -x "$peer/bin/matrix-reminder-bot" ]; then
    python3 -m venv "$peer"
    # python-olm: the peer's client turns encryption on and needs it.
    "$peer/bin/pip" install --quiet "matrix-reminder-bot==0.4.0" python-olm
fi
cargo build --release --locked --bin boucle --example bench --example pingbot
mkdir -p docs
target/release/examples/bench \
    --boucle target/release/boucle \
    --peer "$peer/bin/matrix-reminder-bot" \
    --out docs/performance-latest.md "$@"
echo "written to docs/performance-latest.md"
