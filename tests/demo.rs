//! The README's first command: `boucle run` without a configuration starts a
//! local Synapse with the demo rooms, and a person can talk to the bot there.
#![recursion_limit = "256"]

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use matrix_sdk::ruma::RoomAliasId;
use support::{Person, TIMEOUT, wait_for_replies};

/// Kills the demo (and with it its Synapse) however the test ends.
struct Demo(std::process::Child);

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_runs_a_local_synapse_with_the_rooms_and_answers() {
    let workdir = tempfile::tempdir().unwrap();
    let venv = std::env::var_os("BOUCLE_SYNAPSE_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".boucle/synapse-venv")
        });
    let (demo, url, banner, screen) = start_demo(workdir.path(), &venv);
    let person = Person::log_in(&url, "@demo:localhost", "demo-boucle").await;

    // Every room exists under its alias; the bot answers in the hub, well
    // after start-up (a Synapse tied to a short-lived thread died by then).
    for alias in [
        "#assemblee-populaire:localhost",
        "#equipe-deputee:localhost",
        "#ap-sante:localhost",
        "#ap-environnement:localhost",
    ] {
        let alias = RoomAliasId::parse(alias).unwrap();
        person
            .client
            .resolve_room_alias(&alias)
            .await
            .unwrap_or_else(|error| panic!("{alias}: {error}"));
    }
    let hub_alias = RoomAliasId::parse("#assemblee-populaire:localhost").unwrap();
    let hub_id = person
        .client
        .resolve_room_alias(&hub_alias)
        .await
        .unwrap()
        .room_id;
    let bot: matrix_sdk::ruma::OwnedUserId = "@boucle:localhost".try_into().unwrap();
    let hub = loop {
        if let Some(room) = person.client.get_room(&hub_id) {
            break room;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    person.wait_for_join(&hub, &bot).await;
    tokio::time::sleep(Duration::from_secs(15)).await;
    let command = person.send(&hub, "!aide").await;
    let replies = wait_for_replies(&hub, &bot, std::slice::from_ref(&command)).await;
    assert_eq!(replies[0].len(), 1);
    assert!(
        replies[0][0]["body"]
            .as_str()
            .unwrap()
            .contains("Commandes disponibles"),
        "{banner:?}"
    );

    // A calm screen: the banner names the hub and a first command, and
    // nothing came after it (the log went to its file, without the SDK's
    // known noise).
    let text = banner.join("\n");
    assert!(text.contains("#assemblee-populaire:localhost"), "{text}");
    assert!(text.contains("!reunion jeudi 18h30"), "{text}");
    assert!(text.contains(".boucle/demo/boucle.log"), "{text}");
    // The public agenda runs too, every demo group on it.
    let site = text
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:") && *word != url.as_str())
        .unwrap_or_else(|| panic!("no site in {text}"))
        .to_owned();
    let home = reqwest::get(&site).await.unwrap().text().await.unwrap();
    assert!(home.contains("Rejoindre le groupe Santé"), "{home}");
    let after: Vec<String> = screen.lock().unwrap().clone();
    assert!(after.is_empty(), "printed after the banner: {after:?}");
    let log = std::fs::read_to_string(workdir.path().join(".boucle/demo/boucle.log")).unwrap();
    assert!(log.contains("boucle is running"), "{log}");
    assert!(!log.contains("Could not compute power levels"), "{log}");
    assert!(!log.contains("might have been deleted"), "{log}");
    assert!(!log.contains('\u{1b}'), "no colours in a file");

    // Started again, the demo keeps its address: the person's client still
    // reaches it.
    drop(demo);
    let (_demo, again, _, _) = start_demo(workdir.path(), &venv);
    assert_eq!(again, url);
    let command = person.send(&hub, "!aide").await;
    let replies = wait_for_replies(&hub, &bot, std::slice::from_ref(&command)).await;
    assert_eq!(replies[0].len(), 1);
}

/// Starts `boucle run` in `workdir`; returns it, the homeserver address
/// from its banner, the banner, and whatever it prints after the banner (on
/// either stream) from then on.
fn start_demo(
    workdir: &std::path::Path,
    venv: &std::path::Path,
) -> (Demo, String, Vec<String>, Arc<Mutex<Vec<String>>>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_boucle"))
        .arg("run")
        .current_dir(workdir)
        .env("BOUCLE_SYNAPSE_VENV", venv)
        .env_remove("BOUCLE_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let demo = Demo(child);
    let (sender, receiver) = std::sync::mpsc::channel();
    let errors = sender.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = errors.send(format!("stderr: {line}"));
        }
    });
    let deadline = Instant::now() + TIMEOUT * 2;
    let mut banner = Vec::new();
    let mut url = None;
    // The banner ends with the line saying how to stop.
    loop {
        let line = receiver
            .recv_timeout(deadline - Instant::now())
            .unwrap_or_else(|_| panic!("the demo printed no banner: {banner:?}"));
        if let Some(found) = line.trim().strip_prefix("serveur : ") {
            url = Some(found.to_owned());
        }
        let last = line.contains("Ctrl-C");
        banner.push(line);
        if last {
            break;
        }
    }
    let screen = Arc::new(Mutex::new(Vec::new()));
    let seen = screen.clone();
    std::thread::spawn(move || {
        for line in receiver.iter() {
            if !line.trim().is_empty() {
                seen.lock().unwrap().push(line);
            }
        }
    });
    (demo, url.expect("an address in the banner"), banner, screen)
}
