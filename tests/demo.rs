//! The README's first command: `boucle run` without a configuration starts a
//! local Synapse with the demo rooms, and a person can talk to the bot there.
#![recursion_limit = "256"]

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_boucle"))
        .arg("run")
        .current_dir(workdir.path())
        .env("BOUCLE_SYNAPSE_VENV", &venv)
        .env("BOUCLE_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _demo = Demo(child);

    // The banner says where to log in.
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let deadline = Instant::now() + TIMEOUT * 2;
    let mut banner = Vec::new();
    let url = loop {
        let line = receiver
            .recv_timeout(deadline - Instant::now())
            .expect("the demo printed no banner");
        banner.push(line.clone());
        if let Some(url) = line.trim().strip_prefix("serveur : ") {
            break url.to_owned();
        }
    };
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
}
