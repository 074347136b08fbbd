//! The outbox sender: delivers what the engine committed, in order per room,
//! until the homeserver has it.
//!
//! The transaction id of each message derives from its outbox key, so a
//! message sent just before a crash and sent again after restart is
//! recognised by the homeserver and stored once. Rate limits are honoured
//! (`Retry-After`), other errors back off, and nothing is dropped.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use matrix_sdk::Client;
use matrix_sdk::ruma::api::error::{ErrorKind, RetryAfter};
use matrix_sdk::ruma::{OwnedTransactionId, RoomId};
use tokio::sync::Notify;

use crate::engine::Failpoint;
use crate::store::records::{
    OutboxEntry, decode, outbox_room, outbox_room_prefix, outbox_sequence,
};
use crate::store::{Batch, Store, Tree};

const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Runs forever: scans the outbox at start and whenever the engine commits.
pub async fn run_sender(
    client: Client,
    store: Arc<dyn Store>,
    wakeup: Arc<Notify>,
    failpoint: Option<Failpoint>,
) {
    let busy_rooms: Arc<Mutex<HashSet<String>>> = Arc::default();
    loop {
        match store.scan_prefix(Tree::Outbox, b"") {
            Ok(entries) => {
                let rooms: HashSet<String> = entries
                    .iter()
                    .filter_map(|(key, _)| outbox_room(key).map(str::to_owned))
                    .collect();
                for room in rooms {
                    if busy_rooms
                        .lock()
                        .expect("busy rooms lock")
                        .insert(room.clone())
                    {
                        tokio::spawn(drain_room(
                            client.clone(),
                            store.clone(),
                            room,
                            busy_rooms.clone(),
                            failpoint,
                        ));
                    }
                }
            }
            Err(error) => tracing::error!(%error, "cannot read the outbox"),
        }
        // No polling: every commit wakes us, and a wake-up sent while we
        // were scanning is kept by `Notify` for the next wait.
        wakeup.notified().await;
    }
}

/// Sends one room's messages in order; exits when the room's outbox is empty.
async fn drain_room(
    client: Client,
    store: Arc<dyn Store>,
    room_id: String,
    busy_rooms: Arc<Mutex<HashSet<String>>>,
    failpoint: Option<Failpoint>,
) {
    let prefix = outbox_room_prefix(&room_id);
    let mut backoff = Duration::from_millis(500);
    loop {
        let next = {
            // Checking for emptiness and leaving the busy set happen under
            // the lock, so a message committed meanwhile is never stranded.
            let mut busy = busy_rooms.lock().expect("busy rooms lock");
            match store.scan_prefix(Tree::Outbox, &prefix) {
                Ok(entries) => match entries.into_iter().next() {
                    Some(entry) => Some(entry),
                    None => {
                        busy.remove(&room_id);
                        return;
                    }
                },
                Err(error) => {
                    tracing::error!(%error, "cannot read the outbox");
                    None
                }
            }
        };
        let Some((key, value)) = next else {
            tokio::time::sleep(backoff).await;
            continue;
        };
        let entry: OutboxEntry = match decode(&value) {
            Ok(entry) => entry,
            Err(error) => {
                // Unreadable by this version: keep it (never delete data) but
                // do not block the room behind it forever.
                tracing::error!(%error, room = %room_id, "undeliverable outbox entry skipped");
                quarantine(&store, &key, value);
                continue;
            }
        };
        let sequence = outbox_sequence(&key).unwrap_or_default();
        match send(&client, &entry, sequence).await {
            Ok(()) => {
                Failpoint::trigger(failpoint, Failpoint::AfterSend);
                let mut batch = Batch::default();
                batch.delete(Tree::Outbox, key);
                if let Err(error) = store.apply(batch) {
                    tracing::error!(%error, "cannot remove a sent message from the outbox");
                }
                backoff = Duration::from_millis(500);
            }
            Err(wait) => {
                let wait = wait.unwrap_or(backoff);
                tokio::time::sleep(wait).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Moves an entry this version cannot decode out of the way, keeping it.
fn quarantine(store: &Arc<dyn Store>, key: &[u8], value: Vec<u8>) {
    let mut quarantined = b"quarantine/".to_vec();
    quarantined.extend_from_slice(key);
    let mut batch = Batch::default();
    batch
        .delete(Tree::Outbox, key.to_vec())
        .put(Tree::Meta, quarantined, value);
    if let Err(error) = store.apply(batch) {
        tracing::error!(%error, "cannot quarantine an outbox entry");
    }
}

/// The transaction id for outbox sequence `sequence`: stable across restarts.
pub fn transaction_id(sequence: u64) -> OwnedTransactionId {
    format!("boucle.{sequence}").into()
}

/// Sends one message. `Err(Some(wait))` when the server asked to wait,
/// `Err(None)` for any other failure (the caller backs off).
async fn send(client: &Client, entry: &OutboxEntry, sequence: u64) -> Result<(), Option<Duration>> {
    let Ok(room_id) = RoomId::parse(&entry.room_id) else {
        tracing::error!(room = %entry.room_id, "outbox entry for an invalid room id");
        return Err(Some(MAX_BACKOFF));
    };
    let Some(room) = client.get_room(&room_id) else {
        tracing::warn!(room = %room_id, "not in this room (yet): message kept for later");
        return Err(None);
    };
    let transaction = transaction_id(sequence);
    match room
        .send_raw(&entry.event_type, entry.content.clone())
        .with_transaction_id(&transaction)
        .await
    {
        Ok(response) => {
            tracing::debug!(room = %room_id, event = %response.response.event_id, "delivered");
            Ok(())
        }
        Err(error) => {
            if let Some(ErrorKind::LimitExceeded(data)) = error.client_api_error_kind() {
                let wait = match data.retry_after {
                    Some(RetryAfter::Delay(delay)) => delay,
                    Some(RetryAfter::DateTime(when)) => when
                        .duration_since(std::time::SystemTime::now())
                        .unwrap_or_default(),
                    None => Duration::from_secs(1),
                };
                tracing::info!(room = %room_id, ?wait, "rate limited: waiting as asked");
                return Err(Some(wait));
            }
            tracing::warn!(room = %room_id, %error, "send failed, will retry");
            Err(None)
        }
    }
}
