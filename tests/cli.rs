//! The `boucle` command line as an operator meets it: `--version`, and
//! `check` on a good and a bad configuration.

use std::process::Command;

fn boucle(arguments: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_boucle"))
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
