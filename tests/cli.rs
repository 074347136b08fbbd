//! The `boucle` command line as an operator meets it: `--version`, `check`
//! on a good and a bad configuration, and `export` / `import` / `compact`.

use std::process::Command;

fn boucle(arguments: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_boucle"))
        .env("BOUCLE_PASSPHRASE", boucle::store::seal::TEST_PASSPHRASE)
        .args(arguments)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn version_names_the_release() {
    let (ok, text) = boucle(&["--version"]);
    assert!(ok);
    assert_eq!(text.trim(), format!("boucle {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn check_accepts_the_shipped_example() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml");
    let (ok, text) = boucle(&["check", "-c", example]);
    assert!(ok, "{text}");
    assert!(text.contains("OK (8 themes)"), "{text}");
}

#[test]
fn check_accepts_the_compose_stacks_configuration() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/deploy/docker/config.example.toml"
    );
    let (ok, text) = boucle(&["check", "-c", example]);
    assert!(ok, "{text}");
    // It says what its public site will show.
    assert!(
        text.contains("public site: served on 0.0.0.0:8080, reached at https://agenda.example.org"),
        "{text}"
    );
    assert!(text.contains("never shown: names"), "{text}");
}

#[test]
fn health_without_a_running_bot_fails_plainly() {
    let directory = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = edited_config(
        directory.path(),
        &[("127.0.0.1:9464", &format!("127.0.0.1:{port}"))],
    );
    let (ok, text) = boucle(&["health", "-c", &config]);
    assert!(!ok, "{text}");
    assert!(
        text.contains(&format!("asking http://127.0.0.1:{port}/healthz")),
        "{text}"
    );
}

#[test]
fn check_lists_every_problem_with_its_line_and_fails() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("config.toml");
    std::fs::write(&path, "[bot]\nlanguge = \"fr\"\nprefx = \"!\"\n").unwrap();
    let (ok, text) = boucle(&["check", "-c", path.to_str().unwrap()]);
    assert!(!ok, "a bad configuration must fail: {text}");
    assert!(text.contains("2 problem(s)"), "{text}");
    assert!(text.contains("line 2: unknown key `languge`"), "{text}");
    assert!(text.contains("did you mean `language`?"), "{text}");
    assert!(text.contains("line 3: unknown key `prefx`"), "{text}");
    assert!(text.contains("did you mean `prefix`?"), "{text}");
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let (ok, text) = boucle(&["check", "-c", "/nonexistent/boucle.toml"]);
    assert!(!ok);
    assert!(
        text.contains("cannot read /nonexistent/boucle.toml"),
        "{text}"
    );
}

/// A configuration like the shipped example, with its data in `data_dir`.
fn config_with_data_dir(directory: &std::path::Path, data_dir: &std::path::Path) -> String {
    let example = include_str!("../config.example.toml").replace(
        "data_dir = \"data\"",
        &format!("data_dir = {:?}", data_dir.display().to_string()),
    );
    let path = directory.join("config.toml");
    std::fs::write(&path, example).unwrap();
    path.display().to_string()
}

/// The example configuration with its data in `directory/data` and each
/// `(from, to)` replaced.
fn edited_config(directory: &std::path::Path, replacements: &[(&str, &str)]) -> String {
    let config = config_with_data_dir(directory, &directory.join("data"));
    let mut text = std::fs::read_to_string(&config).unwrap();
    for (from, to) in replacements {
        text = text.replace(from, to);
    }
    std::fs::write(&config, text).unwrap();
    config
}

/// A TCP port nobody listens on now, on loopback.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The round trip: import a full export into an empty data
/// directory, export it, import that elsewhere, export again: the files are
/// equal byte for byte, and equal to the original.
#[test]
fn export_then_import_gives_back_the_same_bytes() {
    let directory = tempfile::tempdir().unwrap();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/exports/current.json"
    );
    let first = config_with_data_dir(directory.path(), &directory.path().join("first"));
    let (ok, text) = boucle(&["import", "-c", &first, fixture]);
    assert!(ok, "{text}");
    assert!(text.contains("records imported into"), "{text}");
    let exported = directory.path().join("first.json");
    let (ok, text) = boucle(&["export", "-c", &first, "-o", exported.to_str().unwrap()]);
    assert!(ok, "{text}");

    let second_dir = tempfile::tempdir().unwrap();
    let second = config_with_data_dir(second_dir.path(), &second_dir.path().join("data"));
    let (ok, text) = boucle(&["import", "-c", &second, exported.to_str().unwrap()]);
    assert!(ok, "{text}");
    let output = Command::new(env!("CARGO_BIN_EXE_boucle"))
        .env("BOUCLE_PASSPHRASE", boucle::store::seal::TEST_PASSPHRASE)
        .args(["export", "-c", &second])
        .output()
        .unwrap();
    assert!(output.status.success());
    let again = output.stdout;
    assert_eq!(
        std::fs::read(&exported).unwrap(),
        again,
        "export → import → export"
    );
    assert_eq!(std::fs::read(fixture).unwrap(), again);

    // Compaction keeps every record.
    let (ok, text) = boucle(&["compact", "-c", &second]);
    assert!(ok, "{text}");
    let output = Command::new(env!("CARGO_BIN_EXE_boucle"))
        .env("BOUCLE_PASSPHRASE", boucle::store::seal::TEST_PASSPHRASE)
        .args(["export", "-c", &second])
        .output()
        .unwrap();
    assert_eq!(output.stdout, again, "compaction changes no record");
}

#[test]
fn import_refuses_a_data_directory_that_holds_data() {
    let directory = tempfile::tempdir().unwrap();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/exports/current.json"
    );
    let config = config_with_data_dir(directory.path(), &directory.path().join("data"));
    assert!(boucle(&["import", "-c", &config, fixture]).0);
    let (ok, text) = boucle(&["import", "-c", &config, fixture]);
    assert!(!ok);
    assert!(text.contains("already holds data"), "{text}");
    assert!(text.contains("mv "), "{text}");
}

#[test]
fn export_without_a_database_says_so() {
    let directory = tempfile::tempdir().unwrap();
    let config = config_with_data_dir(directory.path(), &directory.path().join("nothing"));
    let (ok, text) = boucle(&["export", "-c", &config]);
    assert!(!ok);
    assert!(text.contains("there is no database in"), "{text}");
    assert!(
        !directory.path().join("nothing").exists(),
        "nothing created"
    );
}

/// `--json-logs` writes one JSON object per line, for log collectors.
#[test]
fn json_logs_are_one_object_per_line() {
    use std::io::BufRead;
    let directory = tempfile::tempdir().unwrap();
    // A homeserver nobody answers on: the bot logs that it waits for it.
    let homeserver = format!("http://127.0.0.1:{}", free_port());
    let config = edited_config(
        directory.path(),
        &[
            ("https://matrix.example.org", &homeserver),
            ("listen = \"127.0.0.1:9464\"", ""),
        ],
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_boucle"))
        .env("BOUCLE_PASSPHRASE", boucle::store::seal::TEST_PASSPHRASE)
        .args(["run", "--json-logs", "-c", &config])
        .env("BOUCLE_PASSWORD", "secret")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let line: serde_json::Value =
        serde_json::from_str(&first).unwrap_or_else(|error| panic!("not JSON ({error}): {first}"));
    assert!(line["level"].is_string(), "{line}");
    assert!(line["fields"]["message"].is_string(), "{line}");
    assert!(
        !first.contains("secret"),
        "the password is never logged: {first}"
    );
}

/// A data directory from a boucle before the passphrase holds the Matrix
/// SDK's store unencrypted: the bot refuses to run on it and says what to
/// do; `boucle reset-device` deletes it (and the clear session), after
/// which the start goes on to the homeserver.
#[test]
fn an_unencrypted_matrix_store_is_refused_with_what_to_do() {
    use std::io::BufRead;
    let directory = tempfile::tempdir().unwrap();
    let homeserver = format!("http://127.0.0.1:{}", free_port());
    let config = edited_config(
        directory.path(),
        &[
            ("https://matrix.example.org", &homeserver),
            ("listen = \"127.0.0.1:9464\"", ""),
        ],
    );
    let data = directory.path().join("data");
    std::fs::create_dir_all(data.join("matrix-store")).unwrap();
    std::fs::write(data.join("matrix-store/matrix-sdk-state.sqlite3"), b"clear").unwrap();
    std::fs::write(data.join("matrix-session.json"), b"{}").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_boucle"))
        .env("BOUCLE_PASSPHRASE", boucle::store::seal::TEST_PASSPHRASE)
        .args(["run", "-c", &config])
        .env("BOUCLE_PASSWORD", "secret")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("without encryption"), "{text}");
    assert!(text.contains("boucle reset-device -c"), "{text}");
    assert!(
        data.join("matrix-store").exists(),
        "nothing deleted by itself"
    );

    let (ok, text) = boucle(&["reset-device", "-c", &config]);
    assert!(ok, "{text}");
    assert!(!data.join("matrix-store").exists(), "{text}");
    assert!(!data.join("matrix-session.json").exists(), "{text}");

    // Now the start gets as far as waiting for the homeserver.
    let mut child = Command::new(env!("CARGO_BIN_EXE_boucle"))
        .env("BOUCLE_PASSPHRASE", boucle::store::seal::TEST_PASSPHRASE)
        .args(["run", "-c", &config])
        .env("BOUCLE_PASSWORD", "secret")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let waiting = std::io::BufReader::new(child.stderr.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .any(|line| line.contains("homeserver not reachable yet"));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(waiting);
    assert!(data.join("matrix-store/boucle-encrypted").exists());
}

/// `boucle reset-device` with a passphrase that does not open the encrypted
/// store's session (a typo) deletes nothing, unless `--force` says the
/// passphrase is lost.
#[test]
fn a_reset_with_the_wrong_passphrase_deletes_nothing_without_force() {
    let directory = tempfile::tempdir().unwrap();
    let config = edited_config(directory.path(), &[]);
    let data = directory.path().join("data");
    std::fs::create_dir_all(data.join("matrix-store")).unwrap();
    std::fs::write(data.join("matrix-store/boucle-encrypted"), b"").unwrap();
    let other = boucle::store::seal::Seal::from_passphrase(
        "b3RoZXIgbWFjaGluZSdzIGRhdGEgZGlyZWN0b3J5IHBhc3NwaHJhc2U=",
    );
    let sealed = other.seal("session", b"{}", 2048);
    std::fs::write(
        data.join("matrix-session.sealed"),
        boucle::store::records::encode(&sealed),
    )
    .unwrap();

    let (ok, text) = boucle(&["reset-device", "-c", &config]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("does not open with the configured passphrase"),
        "{text}"
    );
    assert!(text.contains("--force"), "{text}");
    assert!(data.join("matrix-store/boucle-encrypted").exists());
    assert!(data.join("matrix-session.sealed").exists());

    let (ok, text) = boucle(&["reset-device", "--force", "-c", &config]);
    assert!(ok, "{text}");
    assert!(!data.join("matrix-store").exists(), "{text}");
    assert!(!data.join("matrix-session.sealed").exists(), "{text}");
}

/// Without a passphrase the bot does not start, and says how to make one.
#[test]
fn a_missing_passphrase_is_explained() {
    let directory = tempfile::tempdir().unwrap();
    let config = edited_config(directory.path(), &[]);
    let output = Command::new(env!("CARGO_BIN_EXE_boucle"))
        .args(["run", "-c", &config])
        .env("BOUCLE_PASSWORD", "secret")
        .env_remove("BOUCLE_PASSPHRASE")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(text.contains("BOUCLE_PASSPHRASE is not set"), "{text}");
    let short = Command::new(env!("CARGO_BIN_EXE_boucle"))
        .args(["run", "-c", &config])
        .env("BOUCLE_PASSWORD", "secret")
        .env("BOUCLE_PASSPHRASE", "short")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&short.stderr);
    assert!(!short.status.success());
    assert!(text.contains("openssl rand -base64 32"), "{text}");
    // A chosen phrase, however long, is refused: it could be guessed.
    let chosen = Command::new(env!("CARGO_BIN_EXE_boucle"))
        .args(["run", "-c", &config])
        .env("BOUCLE_PASSWORD", "secret")
        .env(
            "BOUCLE_PASSPHRASE",
            "notre assemblée populaire, la meilleure du département",
        )
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&chosen.stderr);
    assert!(!chosen.status.success());
    assert!(text.contains("not a generated passphrase"), "{text}");
}
