//! The outbox sender: delivers what the engine committed, in order per room,
//! until the homeserver has it.
//!
//! The transaction id of each message derives from its outbox key, so a
//! message sent just before a crash and sent again after restart is
//! recognised by the homeserver and stored once. Rate limits are honoured
//! (`Retry-After`) for the whole account at once (see [`Pace`]), errors
//! that may pass back off, and nothing is dropped: what the homeserver
//! refuses for good (too large, forbidden, not in the room, gone) is set
//! aside as a dead letter, counted and told to the admins, and the lane
//! goes on (see [`Failure`]).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use matrix_sdk::attachment::AttachmentConfig;
use matrix_sdk::config::RequestConfig;
use matrix_sdk::ruma::api::error::{ErrorKind, RetryAfter};
use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::{OwnedTransactionId, RoomId, UserId};
use tokio::sync::Notify;

use super::{Adapter, space};
use crate::core::Input;
use crate::core::delivery::Refusal;
use crate::engine::Failpoint;
use crate::store::domain::open_outbox_entry;
use crate::store::records::{
    OutboxEntry, OutboxItem, outbox_room, outbox_room_prefix, outbox_sequence,
};
use crate::store::{Batch, Store, Tree};

const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// The account's pace while the homeserver limits it. Synapse's
/// `rc_message` counts per account, not per room: after a 429, every lane
/// waits for the time asked, then the lanes send one at a time until the
/// limit is over, instead of all retrying at the same moment and being
/// refused together (issue 8's bench saw 406 refusals for 31 messages
/// before this).
#[derive(Default)]
pub struct Pace {
    limited_until: Mutex<Option<tokio::time::Instant>>,
    turn: tokio::sync::Mutex<()>,
}

impl Pace {
    fn limited_until(&self) -> Option<tokio::time::Instant> {
        *self.limited_until.lock().expect("pace lock")
    }

    /// Waits for this lane's turn while the account is limited; the turn
    /// is held until the send is done.
    async fn turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        self.limited_until()?;
        let turn = self.turn.lock().await;
        if let Some(until) = self.limited_until() {
            tokio::time::sleep_until(until).await;
        }
        Some(turn)
    }

    fn refused(&self, wait: Duration) {
        let until = tokio::time::Instant::now() + wait;
        let mut limited = self.limited_until.lock().expect("pace lock");
        *limited = Some(limited.map_or(until, |current| current.max(until)));
    }

    /// A send went through: once the wait asked is over, the lanes go
    /// freely again.
    fn went_through(&self) {
        let mut limited = self.limited_until.lock().expect("pace lock");
        if limited.is_some_and(|until| tokio::time::Instant::now() >= until) {
            *limited = None;
        }
    }
}

/// Sends are retried by the outbox, which knows the account's pace, not by
/// the SDK, whose retries of each request are blind to the others.
fn no_sdk_retry() -> RequestConfig {
    RequestConfig::new().disable_retry()
}

/// Runs forever: scans the outbox at start and whenever the engine commits.
/// A lane that panics (a bug) takes the sender down with it, so that the
/// process ends and is restarted rather than leave that lane stuck.
pub async fn run_sender(adapter: Arc<Adapter>, wakeup: Arc<Notify>, failpoint: Option<Failpoint>) {
    let busy_rooms: Arc<Mutex<HashSet<String>>> = Arc::default();
    let store = adapter.engine.store().clone();
    let mut lanes = tokio::task::JoinSet::new();
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
                        lanes.spawn(drain_room(
                            adapter.clone(),
                            room,
                            busy_rooms.clone(),
                            failpoint,
                        ));
                    }
                }
            }
            Err(error) => {
                tracing::error!(error = %crate::logging::error(&error), "cannot read the outbox")
            }
        }
        // No polling: every commit wakes us, and a wake-up sent while we
        // were scanning is kept by `Notify` for the next wait.
        loop {
            tokio::select! {
                () = wakeup.notified() => break,
                Some(ended) = lanes.join_next() => {
                    if let Err(error) = ended
                        && error.is_panic()
                    {
                        std::panic::resume_unwind(error.into_panic());
                    }
                }
            }
        }
    }
}

/// The event a message answers (`m.in_reply_to`): a reply to someone's
/// command, the messages whose time the reply histogram measures.
fn answered_event(item: &OutboxItem) -> Option<&str> {
    match item {
        OutboxItem::Message { content, .. } | OutboxItem::Direct { content, .. } => {
            content["m.relates_to"]["m.in_reply_to"]["event_id"].as_str()
        }
        _ => None,
    }
}

/// Carries out one lane's entries in order; exits when the lane is empty.
async fn drain_room(
    adapter: Arc<Adapter>,
    room_id: String,
    busy_rooms: Arc<Mutex<HashSet<String>>>,
    failpoint: Option<Failpoint>,
) {
    let store = adapter.engine.store().clone();
    let prefix = outbox_room_prefix(&room_id);
    let mut backoff = Duration::from_millis(500);
    // The entry last tried, so that only a first attempt counts in the
    // reply-time histogram, and the event last answered, so that only a
    // command's first reply counts (what follows it in the lane waits for
    // it by design).
    let mut last_tried: Option<Vec<u8>> = None;
    let mut last_answered: Option<String> = None;
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
                    tracing::error!(error = %crate::logging::error(&error), "cannot read the outbox");
                    None
                }
            }
        };
        let Some((key, value)) = next else {
            tokio::time::sleep(backoff).await;
            continue;
        };
        let entry: OutboxEntry = match open_outbox_entry(adapter.engine.seal(), &value) {
            Ok(entry) => entry,
            Err(error) => {
                // Unreadable by this version: keep it (never delete data) but
                // do not block the room behind it forever.
                tracing::error!(error = %crate::logging::error(&error), room = %crate::logging::room(&room_id), "undeliverable outbox entry skipped");
                quarantine(&store, &key, value);
                continue;
            }
        };
        let sequence = outbox_sequence(&key).unwrap_or_default();
        if last_tried.as_deref() != Some(key.as_slice()) {
            last_tried = Some(key.clone());
            let answered = answered_event(&entry.item);
            if answered.is_some()
                && answered != last_answered.as_deref()
                && let Ok(elapsed) = (Utc::now() - entry.created_at).to_std()
            {
                adapter
                    .engine
                    .metrics()
                    .reply_seconds
                    .observe(elapsed.as_secs_f64());
            }
            if answered.is_some() {
                last_answered = answered.map(str::to_owned);
            }
        }
        Failpoint::panic_once(failpoint, Failpoint::PanicInOutbox);
        let turn = adapter.pace.turn().await;
        let sending = std::time::Instant::now();
        let result = carry_out(&adapter, &entry, sequence).await;
        drop(turn);
        match result {
            Ok(()) => {
                adapter.pace.went_through();
                tracing::trace!(send_us = sending.elapsed().as_micros(), "carried out");
                Failpoint::trigger(failpoint, Failpoint::AfterSend);
                let mut batch = Batch::default();
                batch.delete(Tree::Outbox, key);
                if let Err(error) = store.apply(batch) {
                    tracing::error!(error = %crate::logging::error(&error), "cannot remove a sent message from the outbox");
                }
                backoff = Duration::from_millis(500);
            }
            Err(Failure::Refused(reason)) => {
                // Waiting will not change the answer: set it aside, go on.
                if let Err(error) = adapter.engine.set_aside(&key, &entry, reason, Utc::now()) {
                    tracing::error!(error = %crate::logging::error(&error), "cannot set a refused entry aside, will retry");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                } else {
                    backoff = Duration::from_millis(500);
                }
            }
            Err(Failure::Wait(wait)) => {
                // Rate limited: no lane sends again before the server said.
                adapter.engine.metrics().rate_limit_waits.inc();
                adapter.pace.refused(wait);
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
            Err(Failure::Retry) => {
                // Backs off, but goes again as soon as a sync succeeds after
                // failures (the homeserver is back).
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    () = adapter.homeserver_back.notified() => {}
                }
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
        tracing::error!(error = %crate::logging::error(&error), "cannot quarantine an outbox entry");
    }
}

/// The transaction id for outbox sequence `sequence`: stable across restarts.
pub fn transaction_id(sequence: u64) -> OwnedTransactionId {
    format!("boucle.{sequence}").into()
}

/// Why an entry was not carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// Rate limited: wait this long (every lane), then try again.
    Wait(Duration),
    /// Anything that may pass (network, server error): back off, try again.
    Retry,
    /// Refused for good: retrying cannot help.
    Refused(Refusal),
}

/// What a homeserver's error means for the entry.
fn failure(error: &matrix_sdk::Error) -> Failure {
    if let Some(ErrorKind::LimitExceeded(data)) = error.client_api_error_kind() {
        return Failure::Wait(match data.retry_after {
            Some(RetryAfter::Delay(delay)) => delay,
            Some(RetryAfter::DateTime(when)) => when
                .duration_since(std::time::SystemTime::now())
                .unwrap_or_default(),
            None => Duration::from_secs(1),
        });
    }
    let status = error
        .as_client_api_error()
        .map(|error| error.status_code.as_u16());
    refusal(error.client_api_error_kind(), status).map_or(Failure::Retry, Failure::Refused)
}

/// The refusals that are final: too large (413 `M_TOO_LARGE`), forbidden,
/// not found, malformed. Server errors, timeouts and rate limits are not.
fn refusal(kind: Option<&ErrorKind>, status: Option<u16>) -> Option<Refusal> {
    match (kind, status) {
        (Some(ErrorKind::TooLarge), _) | (_, Some(413)) => Some(Refusal::TooLarge),
        (Some(ErrorKind::Forbidden), _) => Some(Refusal::Forbidden),
        (Some(ErrorKind::NotFound), _) => Some(Refusal::NotFound),
        (
            Some(
                ErrorKind::BadJson
                | ErrorKind::NotJson
                | ErrorKind::InvalidParam
                | ErrorKind::MissingParam
                | ErrorKind::BadState
                | ErrorKind::InvalidRoomState,
            ),
            _,
        ) => Some(Refusal::Invalid),
        _ => None,
    }
}

/// Whether the bot can still write in `room`: not if it was kicked or
/// banned, or left (then it stops sending there, at once).
fn refused_room(room: &matrix_sdk::Room) -> Option<Refusal> {
    matches!(
        room.state(),
        matrix_sdk::RoomState::Left | matrix_sdk::RoomState::Banned
    )
    .then_some(Refusal::NotInRoom)
}

/// Does one entry. `Ok` when done; otherwise why not (see [`Failure`]).
async fn carry_out(adapter: &Adapter, entry: &OutboxEntry, sequence: u64) -> Result<(), Failure> {
    if let OutboxItem::CreateThemeRoom { slug, name, topic } = &entry.item {
        return create_theme_room(adapter, slug, name, topic).await;
    }
    if let OutboxItem::Direct { user_id, content } = &entry.item {
        return send_direct(adapter, user_id, content, sequence).await;
    }
    if let OutboxItem::DirectFile {
        user_id,
        file_name,
        content_type,
        content,
    } = &entry.item
    {
        let file = (file_name.as_str(), content_type.as_str(), content.as_str());
        return send_direct_file(adapter, user_id, file, sequence).await;
    }
    if let OutboxItem::FreezeElectorate { number } = &entry.item {
        return freeze_electorate(adapter, &entry.room_id, *number).await;
    }
    if let OutboxItem::FinishPoll {
        number,
        start_event_id,
    } = &entry.item
    {
        return finish_poll(adapter, &entry.room_id, *number, start_event_id).await;
    }
    let client = &adapter.client;
    let Ok(room_id) = RoomId::parse(&entry.room_id) else {
        return Err(Failure::Refused(Refusal::Invalid));
    };
    let Some(room) = client.get_room(&room_id) else {
        tracing::warn!(room = %crate::logging::room(&room_id), "not in this room (yet): kept for later");
        return Err(Failure::Retry);
    };
    if let Some(refusal) = refused_room(&room) {
        return Err(Failure::Refused(refusal));
    }
    let transaction = transaction_id(sequence);
    let result = match &entry.item {
        OutboxItem::Message {
            event_type,
            content,
            report,
        } => match room
            .send_raw(event_type, content.clone())
            .with_transaction_id(&transaction)
            .with_request_config(no_sdk_retry())
            .await
        {
            Ok(response) => {
                let event_id = response.response.event_id;
                tracing::debug!(room = %crate::logging::room(&room_id), event = %crate::logging::event(&event_id), "delivered");
                if let Some(tag) = report {
                    // Sent again after a crash, the same transaction id gets
                    // the same event id back, so the report is the same too.
                    let input = Input::Sent {
                        tag: tag.clone(),
                        event_id: event_id.to_string(),
                    };
                    if let Err(error) = adapter.engine.process(&input, Utc::now()) {
                        tracing::error!(error = %crate::logging::error(&error), "cannot record a sent event, will retry");
                        return Err(Failure::Retry);
                    }
                }
                Ok(())
            }
            Err(error) => Err(error),
        },
        OutboxItem::Invite { user_id } => {
            let Ok(user_id) = UserId::parse(user_id) else {
                return Err(Failure::Refused(Refusal::Invalid));
            };
            let already_in = room
                .get_member_no_sync(&user_id)
                .await
                .ok()
                .flatten()
                .is_some_and(|member| {
                    *member.membership()
                        == matrix_sdk::ruma::events::room::member::MembershipState::Join
                });
            if already_in {
                return Ok(());
            }
            // Banned, or no right to invite: a refusal, set aside; the
            // person can still be invited by hand.
            room.invite_user_by_id(&user_id).await
        }
        OutboxItem::File {
            file_name,
            content_type,
            content,
        } => send_file(&room, file_name, content_type, content, sequence).await,
        OutboxItem::Redact { event_id } => {
            let Ok(event_id) = matrix_sdk::ruma::EventId::parse(event_id) else {
                return Err(Failure::Refused(Refusal::Invalid));
            };
            // No reason: it would sit in the redaction event, in clear.
            room.redact(&event_id, None, Some(transaction.clone()))
                .await
                .map(|_| ())
                .map_err(matrix_sdk::Error::from)
        }
        OutboxItem::CreateThemeRoom { .. }
        | OutboxItem::FinishPoll { .. }
        | OutboxItem::FreezeElectorate { .. }
        | OutboxItem::Direct { .. }
        | OutboxItem::DirectFile { .. } => {
            unreachable!("handled above")
        }
    };
    result.map_err(|error| {
        let failure = failure(&error);
        match failure {
            Failure::Wait(wait) => {
                tracing::info!(room = %crate::logging::room(&room_id), ?wait, "rate limited: waiting as asked");
            }
            Failure::Retry => tracing::warn!(room = %crate::logging::room(&room_id), error = %crate::logging::error(&error), "sending failed, will retry"),
            Failure::Refused(_) => tracing::warn!(room = %crate::logging::room(&room_id), error = %crate::logging::error(&error), "refused for good"),
        }
        failure
    })
}

/// Creates (or finds, after a crash) a theme's room, then tells the engine,
/// whose answer (welcome, invites) goes through the outbox like any other.
async fn create_theme_room(
    adapter: &Adapter,
    slug: &str,
    name: &str,
    topic: &str,
) -> Result<(), Failure> {
    let room_id = match space::create_theme_room(adapter, slug, name, topic).await {
        Ok(room_id) => room_id,
        Err(error) => {
            tracing::warn!(error = %crate::logging::error(&error), slug, "cannot create a theme's room yet, will retry");
            return Err(Failure::Retry);
        }
    };
    let input = Input::RoomReady {
        slug: slug.to_owned(),
        room_id: room_id.to_string(),
    };
    match adapter.engine.process(&input, Utc::now()) {
        Ok(processed) => {
            tracing::info!(slug, room = %room_id, ?processed, "theme room ready");
            Ok(())
        }
        Err(error) => {
            tracing::error!(error = %crate::logging::error(&error), slug, "cannot record a theme's new room, will retry");
            Err(Failure::Retry)
        }
    }
}

/// Re-reads a closing poll's votes with `/relations` (so votes sent while the
/// bot was down count), then lets the engine publish the results.
async fn finish_poll(
    adapter: &Adapter,
    room_id: &str,
    number: u64,
    start_event_id: &str,
) -> Result<(), Failure> {
    use matrix_sdk::room::{IncludeRelations, RelationsOptions};
    use matrix_sdk::ruma::events::relation::RelationType;
    let (Ok(room_id), Ok(start)) = (
        RoomId::parse(room_id),
        matrix_sdk::ruma::OwnedEventId::try_from(start_event_id),
    ) else {
        return Err(Failure::Refused(Refusal::Invalid));
    };
    let Some(room) = adapter.client.get_room(&room_id) else {
        return Err(Failure::Retry);
    };
    let mut responses = Vec::new();
    let mut from: Option<String> = None;
    // Bounded: 50 pages of 100 votes.
    for _ in 0..50 {
        let options = RelationsOptions {
            from: from.clone(),
            limit: Some(100u32.into()),
            include_relations: IncludeRelations::RelationsOfType(RelationType::Reference),
            ..RelationsOptions::default()
        };
        let page = match room.relations(start.clone(), options).await {
            Ok(page) => page,
            Err(error) => {
                tracing::warn!(error = %crate::logging::error(&error), room = %crate::logging::room(&room_id), "cannot read a poll's votes, will retry");
                return Err(Failure::Retry);
            }
        };
        for event in &page.chunk {
            if let super::convert::Converted::PollResponse(response) = super::convert::convert(
                event.raw(),
                room_id.as_str(),
                super::convert::RoomFacts { is_direct: false },
            ) {
                responses.push(response);
            }
        }
        match page.next_batch_token {
            Some(token) if !page.chunk.is_empty() => from = Some(token),
            _ => break,
        }
    }
    let input = Input::PollClosing { number, responses };
    match adapter.engine.process(&input, Utc::now()) {
        Ok(_) => Ok(()),
        Err(error) => {
            tracing::error!(error = %crate::logging::error(&error), "cannot record a poll's results, will retry");
            Err(Failure::Retry)
        }
    }
}

/// Lists the joined members of a room for a secret ballot opened there.
async fn freeze_electorate(adapter: &Adapter, room_id: &str, number: u64) -> Result<(), Failure> {
    let Ok(room_id) = RoomId::parse(room_id) else {
        return Err(Failure::Refused(Refusal::Invalid));
    };
    let Some(room) = adapter.client.get_room(&room_id) else {
        return Err(Failure::Retry);
    };
    // Asks the homeserver, not the local cache, so the list is complete.
    let members = match room.members(matrix_sdk::RoomMemberships::JOIN).await {
        Ok(members) => members
            .iter()
            .map(|member| member.user_id().to_string())
            .collect(),
        Err(error) => {
            tracing::warn!(error = %crate::logging::error(&error), room = %crate::logging::room(&room_id), "cannot list the room's members, will retry");
            return Err(Failure::Retry);
        }
    };
    match adapter
        .engine
        .process(&Input::Electorate { number, members }, Utc::now())
    {
        Ok(_) => Ok(()),
        Err(error) => {
            tracing::error!(error = %crate::logging::error(&error), "cannot record a ballot's electorate, will retry");
            Err(Failure::Retry)
        }
    }
}

/// The encrypted direct chat with `user_id` that direct messages and files
/// go to: the one the account data names, or a small room the two share
/// outside the assembly's rooms, or a new one (encrypted: `create_dm`, which
/// also marks it as direct in `m.direct`). A clear direct chat is never
/// written to, so a direct message may carry what was said in an encrypted
/// room (see `core::encryption`).
async fn direct_room(adapter: &Adapter, user_id: &str) -> Result<matrix_sdk::Room, Failure> {
    let Ok(user) = UserId::parse(user_id) else {
        return Err(Failure::Refused(Refusal::Invalid));
    };
    // The chat the account data names, or another room where only the two
    // of them are, judged by its real members: never a Space, a group room
    // or a room of three flagged as direct.
    let named = adapter.client.get_dm_room(&user);
    for candidate in named.into_iter().chain(adapter.client.joined_rooms()) {
        if super::sync::is_direct_with(adapter, &candidate, &user).await
            && is_encrypted(&candidate).await?
        {
            return Ok(candidate);
        }
    }
    // The SDK waits out a rate limit (`M_LIMIT_EXCEEDED`, Synapse's
    // room-creation limit: one a minute after ten) inside `create_dm`, which
    // holds this person's lane only. A creation that takes that long means
    // the homeserver holds direct messages back: the admins, who can lift
    // the limit, hear of it (once a day: the input's ledger key).
    let creating = adapter.client.create_dm(&user);
    tokio::pin!(creating);
    let created = tokio::select! {
        created = &mut creating => created,
        () = tokio::time::sleep(HELD_BACK_AFTER) => {
            tell_direct_chats_wait(adapter);
            creating.await
        }
    };
    created.map_err(|error| {
        tracing::warn!(error = %crate::logging::error(&error), "cannot open a direct chat");
        failure(&error)
    })
}

/// How long opening a direct chat may take before it counts as held back.
const HELD_BACK_AFTER: Duration = Duration::from_secs(15);

fn tell_direct_chats_wait(adapter: &Adapter) {
    tracing::info!("opening a direct chat is held back by the homeserver");
    let now = Utc::now();
    let day = adapter
        .engine
        .read(|state| now.with_timezone(&state.settings.time_zone).date_naive());
    let input = Input::DirectChatsWaiting { day };
    if let Err(error) = adapter.engine.process(&input, now) {
        tracing::error!(error = %crate::logging::error(&error), "cannot tell the admins that direct chats wait");
    }
}

/// Sends `content` to `user_id` in their direct chat with the bot.
async fn send_direct(
    adapter: &Adapter,
    user_id: &str,
    content: &serde_json::Value,
    sequence: u64,
) -> Result<(), Failure> {
    let room = direct_room(adapter, user_id).await?;
    match room
        .send_raw("m.room.message", content.clone())
        .with_transaction_id(&transaction_id(sequence))
        .with_request_config(no_sdk_retry())
        .await
    {
        Ok(_) => Ok(()),
        Err(error) => {
            tracing::warn!(error = %crate::logging::error(&error), "direct message failed");
            Err(failure(&error))
        }
    }
}

/// Uploads a text file and posts it in `user_id`'s direct chat with the bot.
async fn send_direct_file(
    adapter: &Adapter,
    user_id: &str,
    file: (&str, &str, &str),
    sequence: u64,
) -> Result<(), Failure> {
    let room = direct_room(adapter, user_id).await?;
    let (file_name, content_type, content) = file;
    send_file(&room, file_name, content_type, content, sequence)
        .await
        .map_err(|error| {
            tracing::warn!(error = %crate::logging::error(&error), "direct file failed");
            failure(&error)
        })
}

/// Uploads `content` and posts it in `room` as a file, mentioning nobody.
async fn send_file(
    room: &matrix_sdk::Room,
    file_name: &str,
    content_type: &str,
    content: &str,
    sequence: u64,
) -> Result<(), matrix_sdk::Error> {
    let content_type: mime::Mime = content_type
        .parse()
        .unwrap_or(mime::APPLICATION_OCTET_STREAM);
    let config = AttachmentConfig::new()
        .txn_id(transaction_id(sequence))
        .mentions(Some(Mentions::new()));
    room.send_attachment(
        file_name,
        &content_type,
        content.to_owned().into_bytes(),
        config,
    )
    .await
    .map(|_| ())
}

/// Whether `room` is encrypted, asking the homeserver when the sync did not
/// say; a retry when it cannot be asked, rather than a new room each time.
async fn is_encrypted(room: &matrix_sdk::Room) -> Result<bool, Failure> {
    match room.encryption_state() {
        matrix_sdk::EncryptionState::Unknown => match room.latest_encryption_state().await {
            Ok(state) => Ok(state.is_encrypted()),
            Err(error) => {
                tracing::warn!(error = %crate::logging::error(&error), "cannot tell whether a direct chat is encrypted, will retry");
                Err(Failure::Retry)
            }
        },
        state => Ok(state.is_encrypted()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_final_answers_are_refusals() {
        assert_eq!(
            refusal(Some(&ErrorKind::TooLarge), Some(413)),
            Some(Refusal::TooLarge)
        );
        // A proxy's 413 carries no Matrix error code.
        assert_eq!(refusal(None, Some(413)), Some(Refusal::TooLarge));
        assert_eq!(
            refusal(Some(&ErrorKind::Forbidden), Some(403)),
            Some(Refusal::Forbidden)
        );
        assert_eq!(
            refusal(Some(&ErrorKind::NotFound), Some(404)),
            Some(Refusal::NotFound)
        );
        assert_eq!(
            refusal(Some(&ErrorKind::BadJson), Some(400)),
            Some(Refusal::Invalid)
        );
        // What may pass is retried.
        assert_eq!(refusal(Some(&ErrorKind::Unknown), Some(500)), None);
        assert_eq!(refusal(None, Some(502)), None);
        assert_eq!(refusal(None, None), None);
    }

    #[test]
    fn only_replies_to_someone_count_as_replies() {
        let reply = OutboxItem::Message {
            event_type: "m.room.message".into(),
            content: serde_json::json!({
                "body": "ok",
                "m.relates_to": {"m.in_reply_to": {"event_id": "$command"}},
            }),
            report: None,
        };
        assert_eq!(answered_event(&reply), Some("$command"));
        let reminder = OutboxItem::Message {
            event_type: "m.room.message".into(),
            content: serde_json::json!({"body": "Rappel"}),
            report: None,
        };
        assert_eq!(answered_event(&reminder), None);
        let invite = OutboxItem::Invite {
            user_id: "@lou:s".into(),
        };
        assert_eq!(answered_event(&invite), None);
    }

    #[tokio::test(start_paused = true)]
    async fn free_lanes_do_not_wait() {
        let pace = Pace::default();
        let started = tokio::time::Instant::now();
        assert!(pace.turn().await.is_none());
        assert_eq!(started.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn after_a_refusal_no_lane_goes_before_the_wait_then_one_at_a_time() {
        let pace = Arc::new(Pace::default());
        let started = tokio::time::Instant::now();
        pace.refused(Duration::from_secs(5));
        // A success that went through before the wait is over (a send that
        // had left earlier) does not lift the limit.
        pace.went_through();
        let turns = Arc::new(Mutex::new(Vec::new()));
        let mut lanes = Vec::new();
        for lane in 0..3 {
            let (pace, turns) = (pace.clone(), turns.clone());
            lanes.push(tokio::spawn(async move {
                let turn = pace.turn().await;
                assert!(turn.is_some(), "lane {lane} waits for its turn");
                let at = started.elapsed();
                // The send takes a second; the turn is held meanwhile.
                tokio::time::sleep(Duration::from_secs(1)).await;
                turns.lock().unwrap().push((at, started.elapsed()));
                if lane == 0 {
                    pace.refused(Duration::from_secs(4));
                } else {
                    pace.went_through();
                }
            }));
        }
        for lane in lanes {
            lane.await.unwrap();
        }
        let mut turns = turns.lock().unwrap().clone();
        turns.sort();
        // First after the 5 s asked; refused again for 4 s (until 10 s);
        // then the others, one after the other.
        assert_eq!(turns[0].0, Duration::from_secs(5));
        assert_eq!(turns[1].0, Duration::from_secs(10));
        assert_eq!(turns[2].0, Duration::from_secs(11));
        // The limit is over: lanes go freely again.
        assert!(pace.turn().await.is_none());
    }
}
