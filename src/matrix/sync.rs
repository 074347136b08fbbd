//! The sync supervisor and the event processor.
//!
//! The supervisor loops over `sync_once` with the saved token (the SDK's
//! `sync()` sleeps a second between close syncs) and never gives up on a
//! transient error. Each response goes to the processor over a channel, so a
//! slow command never blocks syncing. The processor handles the events in
//! order and only then saves the token, without a disk sync of its own (it
//! reaches the disk with the next durable write, or within half a second): a
//! crash at any point replays from a fully handled response, and the ledger
//! drops what was done.
//!
//! When a room's timeline is limited (the bot was away), the processor pages
//! back with `/messages` to the catch-up cutoff, so commands sent while the
//! bot was stopped are answered.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use matrix_sdk::RoomMemberships;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::deserialized_responses::TimelineEvent;
use matrix_sdk::room::MessagesOptions;
use matrix_sdk::ruma::api::error::ErrorKind;
use matrix_sdk::ruma::events::room::join_rules::JoinRule;
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId, UserId};
use matrix_sdk::sync::SyncResponse;
use tokio::sync::mpsc;

use super::convert::{Converted, RoomFacts, convert, room_power};
use super::state_cache::Member;
use super::{Adapter, session};
use crate::core::{IncomingMessage, Input, RoomPower, commands};
use crate::engine::Processed;
use crate::store::records::{SYNC_CURSOR_KEY, SyncCursor, encode};
use crate::store::{Batch, Tree};

const LONG_POLL: Duration = Duration::from_secs(30);
/// Retrying a sync costs one request: a homeserver back from maintenance is
/// noticed within this long.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Syncs forever, handing each response to the processor.
pub async fn supervise(
    adapter: Arc<Adapter>,
    mut token: Option<String>,
    responses: mpsc::Sender<SyncResponse>,
) {
    let mut first = true;
    let mut backoff = Duration::from_millis(500);
    loop {
        // The first sync after a start must not long-poll, or commands waiting
        // since the restart would be answered 30 s late.
        let mut settings =
            SyncSettings::default().timeout(if first { Duration::ZERO } else { LONG_POLL });
        if let Some(token) = &token {
            settings = settings.token(token.clone());
        }
        match adapter.client.sync_once(settings).await {
            Ok(response) => {
                first = false;
                if backoff > Duration::from_millis(500) {
                    tracing::info!("the homeserver answers again");
                    adapter.homeserver_back.notify_waiters();
                }
                backoff = Duration::from_millis(500);
                adapter
                    .engine
                    .metrics()
                    .sync_succeeded(Utc::now().timestamp_millis());
                token = Some(response.next_batch.clone());
                if responses.send(response).await.is_err() {
                    return; // processor gone: shutting down
                }
            }
            Err(error) => {
                adapter.engine.metrics().sync_errors.inc();
                if matches!(
                    error.client_api_error_kind(),
                    Some(ErrorKind::UnknownToken(_))
                ) {
                    tracing::warn!(
                        "the homeserver no longer knows our token: logging in again on the same device"
                    );
                    if let Err(error) = session::log_in_again(
                        &adapter.client,
                        &adapter.data_dir,
                        &adapter.user_id,
                        &adapter.password,
                        &adapter.passphrase,
                    )
                    .await
                    {
                        tracing::error!(error = %crate::logging::error(&error), "login failed, will retry");
                    }
                } else {
                    tracing::warn!(error = %crate::logging::error(&error), retry_in = ?backoff, "sync failed, will retry");
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Handles responses in order and saves the token after each.
pub async fn process(
    adapter: Arc<Adapter>,
    mut responses: mpsc::Receiver<SyncResponse>,
    resumed: bool,
) {
    let mut catch_up_allowed = resumed;
    // Once an event could not be recorded, the saved position stays where
    // everything before it was handled, for the rest of this run: a later
    // response must not carry the position past the lost event.
    let mut position_frozen = false;
    // Every joined room is looked at once, then those a response touches.
    let mut scan_all = true;
    while let Some(response) = responses.recv().await {
        let mut all_recorded = true;
        adapter.state_cache().forget_changed(&response);
        let rooms: Vec<matrix_sdk::Room> = if scan_all {
            adapter.client.joined_rooms()
        } else {
            response
                .rooms
                .joined
                .keys()
                .filter_map(|room_id| adapter.client.get_room(room_id))
                .collect()
        };
        scan_all = !note_encrypted_rooms(&adapter, &rooms);
        for room_id in response.rooms.invited.keys() {
            adapter.consider_invite(room_id).await;
        }
        for (room_id, update) in &response.rooms.joined {
            let timeline = &update.timeline;
            let mut events: Vec<&TimelineEvent> = Vec::new();
            let paged;
            if timeline.limited && catch_up_allowed {
                paged = page_back(&adapter, room_id, timeline.prev_batch.as_deref()).await;
                events.extend(paged.iter());
            }
            events.extend(timeline.events.iter());
            for event in events {
                all_recorded &= handle_event(&adapter, room_id, event).await;
            }
        }
        catch_up_allowed = true;
        if !all_recorded && !position_frozen {
            position_frozen = true;
            tracing::error!(
                "an event could not be recorded: the sync position is kept so that a restart reads it again"
            );
        }
        if position_frozen {
            // After a restart these events are read again, and the ledger
            // skips those that were handled.
            continue;
        }
        let mut batch = Batch::default();
        batch.put(
            Tree::Meta,
            SYNC_CURSOR_KEY.to_vec(),
            encode(&SyncCursor {
                next_batch: response.next_batch.clone(),
            }),
        );
        // Buffered: a crash that loses the newest position reads those
        // events again, and the ledger skips what was handled. A response
        // of ordinary messages then costs no disk sync.
        if let Err(error) = adapter.engine.store().apply_buffered(batch) {
            tracing::error!(error = %crate::logging::error(&error), "cannot save the sync position");
        }
    }
}

/// Tells the core which of `rooms` are encrypted and it did not know yet,
/// before their events are handled (see `core::encryption`). False if that
/// could not be recorded: then every room is looked at again next time.
fn note_encrypted_rooms(adapter: &Adapter, rooms: &[matrix_sdk::Room]) -> bool {
    let new: Vec<String> = adapter.engine.read(|state| {
        rooms
            .iter()
            .filter(|room| room.encryption_state().is_encrypted())
            .map(|room| room.room_id().to_string())
            .filter(|room_id| !crate::core::encryption::is_encrypted(state, room_id))
            .collect()
    });
    if new.is_empty() {
        return true;
    }
    match adapter
        .engine
        .process(&Input::RoomsEncrypted { rooms: new }, Utc::now())
    {
        Ok(_) => true,
        Err(error) => {
            tracing::error!(error = %crate::logging::error(&error), "cannot record which rooms are encrypted, will look again");
            false
        }
    }
}

/// Events older than this are never handled: before the bot's first start,
/// or beyond the catch-up window.
fn cutoff(adapter: &Adapter, now: DateTime<Utc>) -> DateTime<Utc> {
    adapter.first_start.max(now - adapter.catch_up)
}

/// Pages back from `from` to the cutoff; returns the events oldest first.
async fn page_back(
    adapter: &Adapter,
    room_id: &OwnedRoomId,
    from: Option<&str>,
) -> Vec<TimelineEvent> {
    let Some(room) = adapter.client.get_room(room_id) else {
        return Vec::new();
    };
    let cutoff_millis = cutoff(adapter, Utc::now()).timestamp_millis();
    let mut collected = Vec::new();
    let mut token = from.map(str::to_owned);
    // Bounded, in case of a very busy room: 50 pages of 100 events.
    for _ in 0..50 {
        let mut options = MessagesOptions::backward().from(token.as_deref());
        options.limit = 100u32.into();
        let page = match room.messages(options).await {
            Ok(page) => page,
            Err(error) => {
                tracing::warn!(error = %crate::logging::error(&error), room = %crate::logging::room(room_id), "catch-up paging failed; some old commands may go unanswered");
                break;
            }
        };
        let mut reached_cutoff = page.chunk.is_empty();
        for event in page.chunk {
            let millis = event
                .timestamp()
                .map(|ts| i64::from(ts.0))
                .unwrap_or(i64::MAX);
            if millis < cutoff_millis {
                reached_cutoff = true;
                break;
            }
            collected.push(event);
        }
        tracing::debug!(room = %crate::logging::room(room_id), events = collected.len(), "paged back");
        match page.end {
            Some(end) if !reached_cutoff => token = Some(end),
            _ => break,
        }
    }
    collected.reverse();
    tracing::info!(room = %crate::logging::room(room_id), events = collected.len(), "caught up on a gap");
    collected
}

/// Handles one event; false only if the store failed to record it.
async fn handle_event(adapter: &Adapter, room_id: &OwnedRoomId, event: &TimelineEvent) -> bool {
    let Some(room) = adapter.client.get_room(room_id) else {
        tracing::debug!(room = %crate::logging::room(room_id), event = %crate::logging::event(event.event_id().map(|id| id.to_string()).unwrap_or_default()), "event in an unknown room skipped");
        return true;
    };
    let started = std::time::Instant::now();
    // Whether it is a direct chat is read from the room's members, below,
    // for messages only.
    let facts = RoomFacts { is_direct: false };
    let now = Utc::now();
    let too_old = |origin_millis: u64| {
        let origin_millis = i64::try_from(origin_millis).unwrap_or(i64::MAX);
        // History from before the bot started, or too old to answer.
        origin_millis < cutoff(adapter, now).timestamp_millis()
    };
    let input = match convert(event.raw(), room_id.as_str(), facts) {
        Converted::Message {
            mut message,
            origin_millis,
        } => {
            if message.sender == adapter.user_id.as_str() {
                return true;
            }
            if too_old(origin_millis) {
                tracing::debug!(room = %crate::logging::room(room_id), event = %crate::logging::event(&message.event_id), "too old: skipped");
                return true;
            }
            message.is_direct = match UserId::parse(&message.sender) {
                Ok(sender) => is_direct_with(adapter, &room, &sender).await,
                Err(_) => false,
            };
            // Decrypted by the bot's device, so not readable on the way.
            message.sent_encrypted = event.encryption_info().is_some();
            let (prefix, deputy_room) = adapter.engine.read(|state| {
                (
                    state.settings.prefix.clone(),
                    state.settings.deputy_room_id.clone(),
                )
            });
            if commands::may_be_command(&message.body, &prefix) {
                crate::engine::Failpoint::trigger(
                    adapter.engine.failpoint(),
                    crate::engine::Failpoint::BeforeHandling,
                );
            }
            // A reply in the deputy room may answer a report's card.
            let may_answer_a_card =
                message.in_reply_to.is_some() && deputy_room.as_deref() == Some(room_id.as_str());
            // A direct chat may be answering the guided report flow, and
            // a person in a command's dialogue answers it in the room.
            let in_dialogue = || {
                adapter
                    .engine
                    .read(|state| crate::core::dialogues::waiting(state, &message).is_some())
            };
            if !commands::may_be_command(&message.body, &prefix)
                && !may_answer_a_card
                && !message.is_direct
                && !in_dialogue()
            {
                return true; // an ordinary message: nothing to look up, nothing to do
            }
            enrich(adapter, &room, &mut message).await;
            tracing::trace!(enrich_us = started.elapsed().as_micros(), "enriched");
            Input::Message(message)
        }
        Converted::Joined {
            joined,
            origin_millis,
        } => {
            if too_old(origin_millis) {
                return true;
            }
            Input::Joined(joined)
        }
        Converted::PollResponse(response) => {
            if too_old(u64::try_from(response.at.timestamp_millis()).unwrap_or(0)) {
                return true;
            }
            Input::PollResponse(response)
        }
        Converted::Reaction {
            event_id,
            sender,
            relates_to,
            key,
            origin_millis,
        } => {
            if too_old(u64::try_from(origin_millis).unwrap_or(0))
                || sender == adapter.user_id.as_str()
            {
                return true;
            }
            Input::Reaction {
                event_id,
                room_id: room_id.to_string(),
                sender,
                relates_to,
                key,
                at: chrono::DateTime::from_timestamp_millis(origin_millis).unwrap_or(now),
            }
        }
        Converted::Redaction { event_id, redacts } => Input::Redaction {
            event_id,
            room_id: room_id.to_string(),
            redacts,
        },
        Converted::Undecryptable { event_id } => {
            tracing::warn!(room = %crate::logging::room(room_id), event = %crate::logging::event(&event_id), "message could not be decrypted");
            return true;
        }
        Converted::Other => return true,
    };
    let key = input.ledger_key().unwrap_or_default();
    match adapter.engine.process(&input, now) {
        Ok(Processed::Committed { messages, actions }) => {
            tracing::debug!(
                room = %crate::logging::room(room_id),
                event = %crate::logging::event(&key),
                messages,
                actions,
                took_us = started.elapsed().as_micros(),
                "decided"
            );
        }
        Ok(Processed::AlreadyHandled) => {
            tracing::debug!(room = %crate::logging::room(room_id), event = %crate::logging::event(&key), "already handled");
        }
        Ok(Processed::Ignored) => {}
        Err(error) => {
            tracing::error!(error = %crate::logging::error(&error), room = %crate::logging::room(room_id), event = %crate::logging::event(&key), "cannot record an event");
            return false;
        }
    }
    true
}

/// Adds what the event does not carry: the room's power levels, the
/// sender's display name, whether they are in the deputy team's room. They
/// come from [`super::state_cache`] when known; otherwise the SDK's store is read,
/// the lookups at once (each waits on SQLite), and the answers kept.
async fn enrich(adapter: &Adapter, room: &matrix_sdk::Room, message: &mut IncomingMessage) {
    let deputy = adapter
        .engine
        .read(|state| state.settings.deputy_room_id.clone())
        .and_then(|id| OwnedRoomId::try_from(id).ok())
        .and_then(|id| adapter.client.get_room(&id));
    let sender = UserId::parse(&message.sender).ok();
    let (power, member, deputy_member) = tokio::join!(
        power_of(adapter, room),
        async {
            match &sender {
                Some(sender) => member_of(adapter, room, sender).await,
                None => None,
            }
        },
        async {
            match (&deputy, &sender) {
                (Some(deputy), Some(sender)) => member_of(adapter, deputy, sender).await,
                _ => None,
            }
        },
    );
    if let Some(power) = power {
        message.power = power;
    }
    // The sender's level in the assembly's other rooms, for what belongs
    // there; a room whose power levels cannot be read is left out, and
    // checks against it fail closed.
    let rooms: Vec<String> = adapter.engine.read(|state| {
        state
            .settings
            .hub_room_id
            .iter()
            .chain(state.settings.deputy_room_id.iter())
            .cloned()
            .chain(state.themes().into_iter().filter_map(|theme| theme.room_id))
            .filter(|room_id| room_id != room.room_id().as_str())
            .collect()
    });
    let deputy_room = deputy.as_ref().map(|room| room.room_id().to_owned());
    for room_id in rooms {
        let other = OwnedRoomId::try_from(room_id.as_str())
            .ok()
            .and_then(|id| adapter.client.get_room(&id));
        let Some(other) = other else {
            continue;
        };
        if let Some(power) = power_of(adapter, &other).await {
            message
                .power_elsewhere
                .insert(room_id, power.level(&message.sender));
        }
        // Outside the assembly's rooms (a direct chat, a room someone else
        // made), whether the sender belongs to the assembly: a joined
        // member of the hub or of a theme room (not the team's room).
        if (message.is_direct || !adapter.is_assembly_room(room.room_id()))
            && !message.sender_in_assembly
            && deputy_room.as_deref() != Some(other.room_id())
            && let Some(sender) = &sender
        {
            message.sender_in_assembly = member_of(adapter, &other, sender)
                .await
                .is_some_and(|member| member.joined);
        }
    }
    if let Some(member) = member {
        message.sender_display_name = member.display_name;
    }
    if let Some(member) = deputy_member {
        message.sender_is_deputy_team = member.joined;
    }
}

/// Whether `room` is a direct chat between the bot and `person`: not one
/// of the assembly's rooms nor a Space, nobody else in it, joined or
/// invited, and nobody else able to join it. Read from the room's member
/// list (kept until its state changes), never from a room summary, which
/// may be missing: a room of three, created with the "direct" flag, is no
/// direct chat.
pub(super) async fn is_direct_with(
    adapter: &Adapter,
    room: &matrix_sdk::Room,
    person: &UserId,
) -> bool {
    if adapter.is_assembly_room(room.room_id())
        || room.is_space()
        || room.state() != matrix_sdk::RoomState::Joined
        || !closed_to_others(join_rule_of(adapter, room).await)
    {
        return false;
    }
    let known = adapter.state_cache().people(room.room_id());
    let people = match known {
        Some(people) => people,
        None => {
            let Ok(members) = room
                .members(RoomMemberships::JOIN | RoomMemberships::INVITE)
                .await
            else {
                return false; // unknown: not private
            };
            let people: Vec<OwnedUserId> = members
                .iter()
                .map(|member| member.user_id().to_owned())
                .collect();
            adapter
                .state_cache()
                .remember_people(room.room_id(), people.clone());
            people
        }
    };
    people.iter().any(|member| member == person)
        && people
            .iter()
            .all(|member| member == person || *member == adapter.user_id)
}

/// Whether a room with this join rule lets nobody in without an invite
/// from a member. Anyone can open a room with the bot and a person, invite
/// both and leave: if it stayed public (or open to another room's members),
/// they could come back once the bot writes a ballot there, and read the
/// vote. Unknown counts as open.
fn closed_to_others(rule: Option<JoinRule>) -> bool {
    matches!(
        rule,
        Some(JoinRule::Invite | JoinRule::Private | JoinRule::Knock)
    )
}

/// A room's join rule: as synced, or asked of the homeserver when not
/// synced yet (a direct chat `create_dm` has just made).
async fn join_rule_of(adapter: &Adapter, room: &matrix_sdk::Room) -> Option<JoinRule> {
    if let Some(rule) = room.join_rule() {
        return Some(rule);
    }
    use matrix_sdk::ruma::api::client::state::get_state_event_for_key::v3::Request;
    use matrix_sdk::ruma::events::StateEventType;
    let request = Request::new(
        room.room_id().to_owned(),
        StateEventType::RoomJoinRules,
        String::new(),
    );
    let response = adapter.client.send(request).await.ok()?;
    let content: serde_json::Value = serde_json::from_str(response.event_or_content.get()).ok()?;
    serde_json::from_value::<matrix_sdk::ruma::events::room::join_rules::RoomJoinRulesEventContent>(
        content,
    )
    .ok()
    .map(|content| content.join_rule)
}

/// A room's power levels: known, or read and kept.
async fn power_of(adapter: &Adapter, room: &matrix_sdk::Room) -> Option<RoomPower> {
    if let Some(power) = adapter.state_cache().power(room.room_id()) {
        return Some(power);
    }
    let power = room_power(&room.power_levels().await.ok()?);
    adapter
        .state_cache()
        .remember_power(room.room_id(), power.clone());
    Some(power)
}

/// A person's membership of a room: known, or read and kept (not being a
/// member is kept too). A failed read is not kept.
async fn member_of(
    adapter: &Adapter,
    room: &matrix_sdk::Room,
    user_id: &OwnedUserId,
) -> Option<Member> {
    if let Some(known) = adapter.state_cache().member(room.room_id(), user_id) {
        return known;
    }
    let member = room
        .get_member_no_sync(user_id)
        .await
        .ok()?
        .map(|member| Member {
            display_name: member.display_name().map(str::to_owned),
            joined: *member.membership() == MembershipState::Join,
        });
    adapter
        .state_cache()
        .remember_member(room.room_id(), user_id, member.clone());
    member
}
