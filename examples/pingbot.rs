//! A bare matrix-sdk bot, the bench's floor (issue 8): it answers every
//! message that starts with `!` with a notice in reply, from a hand-rolled
//! `sync_once` loop, with the same SDK, features and SQLite store as boucle
//! and nothing else: no ledger, no outbox, no state. What boucle adds to
//! its reply latency is the difference between the two.
//!
//!     pingbot <homeserver> <user id> <password> <store directory>

use matrix_sdk::Client;
use matrix_sdk::config::SyncSettings;
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [homeserver, user_id, password, store] = arguments.as_slice() else {
        anyhow::bail!("usage: pingbot <homeserver> <user id> <password> <store directory>");
    };
    let client = Client::builder()
        .homeserver_url(homeserver)
        .sqlite_store(store, None)
        .build()
        .await?;
    client
        .matrix_auth()
        .login_username(user_id, password)
        .send()
        .await?;
    let mut token: Option<String> = None;
    loop {
        let mut settings = SyncSettings::default().timeout(Duration::from_secs(30));
        if let Some(token) = &token {
            settings = settings.token(token.clone());
        }
        let response = match client.sync_once(settings).await {
            Ok(response) => response,
            Err(error) => {
                eprintln!("sync failed: {error}");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        // The first sync only sets the starting point: no old messages.
        let first = token.is_none();
        token = Some(response.next_batch.clone());
        if first {
            continue;
        }
        for (room_id, update) in &response.rooms.joined {
            let Some(room) = client.get_room(room_id) else {
                continue;
            };
            for event in &update.timeline.events {
                let Ok(event) = event.raw().deserialize_as::<Value>() else {
                    continue;
                };
                let body = event["content"]["body"].as_str().unwrap_or_default();
                if event["type"] != "m.room.message"
                    || event["sender"] == user_id.as_str()
                    || !body.starts_with('!')
                {
                    continue;
                }
                let content = json!({
                    "msgtype": "m.notice",
                    "body": "pong",
                    "m.mentions": {},
                    "m.relates_to": {"m.in_reply_to": {"event_id": event["event_id"]}},
                });
                if let Err(error) = room.send_raw("m.room.message", content).await {
                    eprintln!("send failed: {error}");
                }
            }
        }
    }
}
