//! The peer (scenario 3): matrix-reminder-bot from PyPI, the closest
//! maintained Matrix bot that answers a typed command by scheduling
//! something. `bench/run.sh` installs it in `target/bench-peer/`; its code
//! is neither copied nor committed here.
//!
//! It answers `!remindme <when>; <text>` with a plain notice (not a Matrix
//! reply), so the watcher ties its answer to the last `!remindme` seen in
//! that room: the peer's load is sent one at a time.

use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Starts the peer logged in as `user_id`, its files in `directory`.
pub fn start(
    program: &Path,
    directory: &Path,
    homeserver: &str,
    user_id: &str,
    password: &str,
) -> Child {
    std::fs::create_dir_all(directory.join("store")).unwrap();
    let config = directory.join("config.yaml");
    std::fs::write(
        &config,
        format!(
            "command_prefix: \"!\"\n\
             matrix:\n  user_id: \"{user_id}\"\n  user_password: \"{password}\"\n  \
             homeserver_url: \"{homeserver}\"\n  device_id: \"BENCHPEER\"\n  device_name: \"bench\"\n\
             storage:\n  database: \"sqlite://{data}/reminders.db\"\n  store_path: \"{data}/store\"\n\
             reminders:\n  timezone: \"Europe/Paris\"\n\
             allowlist:\n  enabled: false\n  regexes: []\n\
             blocklist:\n  enabled: false\n  regexes: []\n\
             logging:\n  level: WARNING\n  file_logging:\n    enabled: false\n    filepath: \"{data}/bot.log\"\n  \
             console_logging:\n    enabled: true\n",
            data = directory.display()
        ),
    )
    .unwrap();
    // Absolute: the peer runs in its own directory.
    let program = program
        .canonicalize()
        .unwrap_or_else(|_| program.to_owned());
    Command::new(program)
        .arg(&config)
        .current_dir(directory)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(directory.join("peer.log")).unwrap())
        .spawn()
        .expect("matrix-reminder-bot (bash bench/run.sh installs it)")
}
