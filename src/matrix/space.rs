//! The assembly's Space and the rooms of new themes.
//!
//! The Space is kept by reconciliation, not by replaying decisions: the core
//! says which rooms belong (the hub and every active theme room), and this
//! task makes the Space's `m.space.child` events (and each room's
//! `m.space.parent`) match, at start and whenever a theme changes. Doing it
//! twice is harmless, so a crash needs no bookkeeping.
//!
//! Rooms are created with an alias derived from the theme, so a creation
//! retried after a crash finds the room it made instead of making another.
//! Aliases are open to every account of the homeserver: a room found under
//! one is adopted only if the bot created it; otherwise the bot takes the
//! next variant of the alias and the admins are told.

use std::sync::Arc;
use std::time::Duration;

use matrix_sdk::Room;
use matrix_sdk::ruma::api::client::room::create_room::v3::{
    Request as CreateRoomRequest, RoomPreset,
};
use matrix_sdk::ruma::api::client::state::get_state_event_for_key::v3::Request as GetStateRequest;
use matrix_sdk::ruma::events::StateEventType;
use matrix_sdk::ruma::serde::Raw;
use matrix_sdk::ruma::{OwnedRoomId, RoomAliasId, RoomId, UserId};
use serde_json::{Value, json};

use super::{Adapter, AdapterError, join_configured};
use crate::store::records::{SPACE_KEY, SpaceRecord, decode, encode};
use crate::store::{Batch, Tree};

/// Finds or creates the Space, then keeps its children right, forever.
pub async fn keep_space(adapter: Arc<Adapter>, configured: Option<String>) {
    let mut backoff = Duration::from_secs(1);
    let space = loop {
        match find_or_create_space(&adapter, configured.as_deref()).await {
            Ok(space) => break space,
            Err(error) => {
                tracing::warn!(error = %crate::logging::error(&error), retry_in = ?backoff, "cannot set up the assembly's Space yet");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(300));
            }
        }
    };
    tracing::info!(space = %space, "the assembly's Space is ready");
    let _ = adapter.space.set(space.clone());
    let changed = adapter.engine.themes_changed();
    loop {
        if let Err(error) = reconcile(&adapter, &space).await {
            tracing::warn!(error = %crate::logging::error(&error), "cannot update the Space; will try again");
            tokio::select! {
                () = changed.notified() => {}
                () = tokio::time::sleep(Duration::from_secs(60)) => {}
            }
            continue;
        }
        changed.notified().await;
    }
}

fn alias(
    adapter: &Adapter,
    localpart: &str,
) -> Result<matrix_sdk::ruma::OwnedRoomAliasId, AdapterError> {
    let alias = format!("#{localpart}:{}", adapter.user_id.server_name());
    RoomAliasId::parse(&alias).map_err(|error| AdapterError::Config(format!("{alias}: {error}")))
}

/// What an alias the bot would create a room under points to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Alias {
    /// Nothing yet: the bot may create the room under it.
    Free,
    /// A room the bot created (an earlier attempt, before a crash).
    Ours(OwnedRoomId),
    /// Someone else's room: never adopted, whoever made it.
    Taken,
}

/// Looks `alias` up. Aliases are open to every account of the homeserver,
/// so a room found there is adopted only if the bot created it: it is a
/// member (a creator is) and the room's `m.room.create` event is its own,
/// as the homeserver says (the SDK may not have synced the room yet after
/// a crash).
async fn look_up(adapter: &Adapter, alias: &RoomAliasId) -> Alias {
    use matrix_sdk::ruma::api::client::state::get_state_events::v3::Request;
    let Ok(found) = adapter.client.resolve_room_alias(alias).await else {
        return Alias::Free;
    };
    let room_id = found.room_id;
    let Ok(state) = adapter.client.send(Request::new(room_id.clone())).await else {
        return Alias::Taken; // not a member: not ours
    };
    let ours = state.room_state.iter().any(|event| {
        event.get_field::<String>("type").ok().flatten().as_deref() == Some("m.room.create")
            && event
                .get_field::<String>("sender")
                .ok()
                .flatten()
                .as_deref()
                == Some(adapter.user_id.as_str())
    });
    if ours {
        Alias::Ours(room_id)
    } else {
        Alias::Taken
    }
}

/// The room the bot made under `localpart` (or a variant of it), or the
/// first free variant to make it under. Variants (`-2`, `-3`…) are tried
/// when someone else holds the alias; the alias taken is then told to the
/// admins (once, through the engine).
async fn our_alias(
    adapter: &Adapter,
    localpart: &str,
) -> Result<(String, Option<OwnedRoomId>), AdapterError> {
    let mut taken = None;
    for attempt in 1..=9 {
        let candidate = if attempt == 1 {
            localpart.to_owned()
        } else {
            format!("{localpart}-{attempt}")
        };
        let address = alias(adapter, &candidate)?;
        match look_up(adapter, &address).await {
            Alias::Taken => {
                tracing::warn!(alias = %address, "an alias the bot needs is someone else's room: not adopted");
                taken.get_or_insert(address.to_string());
            }
            found => {
                if let Some(taken) = taken {
                    let input = crate::core::Input::Squatted {
                        alias: taken,
                        instead: address.to_string(),
                    };
                    if let Err(error) = adapter.engine.process(&input, chrono::Utc::now()) {
                        tracing::error!(error = %crate::logging::error(&error), "cannot tell the admins about a squatted alias");
                    }
                }
                return Ok(match found {
                    Alias::Ours(room_id) => {
                        join_ours(adapter, &room_id).await;
                        (candidate, Some(room_id))
                    }
                    _ => (candidate, None),
                });
            }
        }
    }
    Err(AdapterError::Config(format!(
        "every alias from #{localpart} to #{localpart}-9 is someone else's room"
    )))
}

/// Joins a room the bot created, if it is not in it any more.
async fn join_ours(adapter: &Adapter, room_id: &RoomId) {
    let joined = adapter
        .client
        .get_room(room_id)
        .is_some_and(|room| room.state() == matrix_sdk::RoomState::Joined);
    if !joined && let Err(error) = adapter.client.join_room_by_id(room_id).await {
        tracing::warn!(error = %crate::logging::error(&error), room = %room_id, "cannot join a room of ours");
    }
}

fn raw<T>(value: Value) -> Result<Raw<T>, AdapterError> {
    Raw::new(&value)
        .map(Raw::cast_unchecked)
        .map_err(|error| AdapterError::Config(error.to_string()))
}

async fn find_or_create_space(
    adapter: &Adapter,
    configured: Option<&str>,
) -> Result<OwnedRoomId, AdapterError> {
    if let Some(address) = configured {
        return join_configured(&adapter.client, Some(address))
            .await
            .ok_or_else(|| AdapterError::Config(format!("the Space {address} cannot be found")));
    }
    let store = adapter.engine.store();
    if let Some(bytes) = store.get(Tree::Meta, SPACE_KEY)? {
        let record: SpaceRecord = decode(&bytes)?;
        return OwnedRoomId::try_from(record.room_id)
            .map_err(|error| AdapterError::Config(error.to_string()));
    }
    let (localpart, found) =
        our_alias(adapter, &format!("{}-espace", adapter.user_id.localpart())).await?;
    let room_id = match found {
        Some(room_id) => room_id,
        None => {
            let (name, topic, hub, admins) = adapter.engine.read(|state| {
                (
                    state.translator.plain("space-name", &[]),
                    state.translator.plain("space-topic", &[]),
                    state.settings.hub_room_id.clone(),
                    state.settings.admins.clone(),
                )
            });
            let mut request = CreateRoomRequest::new();
            request.name = Some(name);
            request.topic = Some(topic);
            request.room_alias_name = Some(localpart);
            request.preset = Some(RoomPreset::PrivateChat);
            request.creation_content = Some(raw(json!({ "type": "m.space" }))?);
            // Anyone in the hub may join the Space, and through it the rooms.
            if let Some(hub) = hub {
                request.initial_state = vec![raw(json!({
                    "type": "m.room.join_rules",
                    "state_key": "",
                    "content": {
                        "join_rule": "restricted",
                        "allow": [{ "type": "m.room_membership", "room_id": hub }],
                    },
                }))?];
            }
            request.invite = admins
                .iter()
                .filter_map(|admin| admin.as_str().try_into().ok())
                .collect();
            let users = power_users(adapter, &admins).await?;
            request.power_level_content_override =
                Some(raw(json!({ "users": users, "events_default": 50 }))?);
            adapter
                .client
                .create_room(request)
                .await?
                .room_id()
                .to_owned()
        }
    };
    let mut batch = Batch::default();
    batch.put(
        Tree::Meta,
        SPACE_KEY.to_vec(),
        encode(&SpaceRecord {
            room_id: room_id.to_string(),
        }),
    );
    store.apply(batch)?;
    Ok(room_id)
}

/// The `users` of the power levels of a room the bot creates: the admins at
/// 100, and the bot itself unless the server's room version makes creators
/// all-powerful without being listed (version 12, where listing them is
/// refused).
async fn power_users(
    adapter: &Adapter,
    admins: &[String],
) -> Result<serde_json::Map<String, Value>, AdapterError> {
    use matrix_sdk::ruma::api::client::discovery::get_capabilities::v3::Request;
    let capabilities = adapter.client.send(Request::new()).await?.capabilities;
    let creators_privileged = capabilities
        .room_versions
        .default
        .rules()
        .is_some_and(|rules| rules.authorization.explicitly_privilege_room_creators);
    let mut users = serde_json::Map::new();
    if !creators_privileged {
        users.insert(adapter.user_id.to_string(), json!(100));
    }
    for admin in admins {
        if *admin != adapter.user_id.as_str() {
            users.insert(admin.clone(), json!(100));
        }
    }
    Ok(users)
}

/// The content of a state event as the server has it now, if any.
async fn current_state(
    adapter: &Adapter,
    room_id: &RoomId,
    event_type: &str,
    state_key: &str,
) -> Option<Value> {
    let request = GetStateRequest::new(
        room_id.to_owned(),
        StateEventType::from(event_type),
        state_key.to_owned(),
    );
    let response = adapter.client.send(request).await.ok()?;
    serde_json::from_str(response.event_or_content.get()).ok()
}

fn has_via(content: Option<&Value>) -> bool {
    content
        .and_then(|content| content.get("via"))
        .and_then(Value::as_array)
        .is_some_and(|via| !via.is_empty())
}

/// Whether the bot's power in `room` lets it send this state event, read
/// from the SDK's store (no request). Not known yet: worth a try.
async fn may_send_state(room: &Room, user_id: &UserId, event_type: &str) -> bool {
    room.power_levels().await.map_or(true, |levels| {
        levels.user_can_send_state(user_id, StateEventType::from(event_type))
    })
}

async fn put_state(
    room: &Room,
    event_type: &str,
    state_key: &str,
    content: Value,
) -> Result<(), AdapterError> {
    room.send_state_event_raw(
        event_type,
        state_key,
        raw::<matrix_sdk::ruma::events::AnyStateEventContent>(content)?,
    )
    .await?;
    Ok(())
}

/// Makes the Space list exactly the hub and the active theme rooms (among
/// the assembly's rooms; children added by people are left alone).
async fn reconcile(adapter: &Adapter, space_id: &OwnedRoomId) -> Result<(), AdapterError> {
    let Some(space) = adapter.client.get_room(space_id) else {
        return Err(AdapterError::Config(
            "not in the Space's room yet".to_owned(),
        ));
    };
    let (children, dormant) = adapter
        .engine
        .read(|state| (state.space_children(), state.dormant_rooms()));
    let via = json!([adapter.user_id.server_name().as_str()]);
    for child in &children {
        let current = current_state(adapter, space_id, "m.space.child", child).await;
        if !has_via(current.as_ref()) {
            put_state(&space, "m.space.child", child, json!({ "via": via })).await?;
            tracing::info!(room = %child, "room added to the Space");
        }
        let Ok(child_id) = RoomId::parse(child) else {
            continue;
        };
        // Needs power in that room; without it the Space still lists it, and
        // asking (two requests per room at every start) would be refused.
        if let Some(room) = adapter.client.get_room(&child_id)
            && may_send_state(&room, &adapter.user_id, "m.space.parent").await
        {
            let parent =
                current_state(adapter, &child_id, "m.space.parent", space_id.as_str()).await;
            if !has_via(parent.as_ref())
                && let Err(error) = put_state(
                    &room,
                    "m.space.parent",
                    space_id.as_str(),
                    json!({ "via": via, "canonical": true }),
                )
                .await
            {
                tracing::debug!(error = %crate::logging::error(&error), room = %child, "cannot mark the Space as this room's parent");
            }
        }
    }
    for room in &dormant {
        let current = current_state(adapter, space_id, "m.space.child", room).await;
        if has_via(current.as_ref()) {
            put_state(&space, "m.space.child", room, json!({})).await?;
            tracing::info!(room = %room, "room removed from the Space");
        }
    }
    Ok(())
}

/// Creates the room of a new theme, or finds it if an earlier attempt made
/// it: joinable by members of the Space, encrypted, with the admins invited
/// and powerful.
pub async fn create_theme_room(
    adapter: &Adapter,
    slug: &str,
    name: &str,
    topic: &str,
) -> Result<OwnedRoomId, AdapterError> {
    let (localpart, found) =
        our_alias(adapter, &format!("{}-{slug}", adapter.user_id.localpart())).await?;
    if let Some(room_id) = found {
        return Ok(room_id);
    }
    let room_alias = alias(adapter, &localpart)?;
    let admins = adapter.engine.read(|state| state.settings.admins.clone());
    let mut request = CreateRoomRequest::new();
    request.name = Some(name.to_owned());
    request.topic = Some(topic.to_owned());
    request.room_alias_name = Some(localpart);
    request.preset = Some(RoomPreset::PrivateChat);
    let mut initial_state = vec![raw(json!({
        "type": "m.room.encryption",
        "state_key": "",
        "content": { "algorithm": "m.megolm.v1.aes-sha2" },
    }))?];
    if let Some(space) = adapter.space.get() {
        initial_state.push(raw(json!({
            "type": "m.room.join_rules",
            "state_key": "",
            "content": {
                "join_rule": "restricted",
                "allow": [{ "type": "m.room_membership", "room_id": space }],
            },
        }))?);
        initial_state.push(raw(json!({
            "type": "m.space.parent",
            "state_key": space,
            "content": { "via": [adapter.user_id.server_name().as_str()], "canonical": true },
        }))?);
    }
    request.initial_state = initial_state;
    request.invite = admins
        .iter()
        .filter_map(|admin| admin.as_str().try_into().ok())
        .collect();
    let users = power_users(adapter, &admins).await?;
    request.power_level_content_override = Some(raw(json!({ "users": users }))?);
    match adapter.client.create_room(request).await {
        Ok(room) => Ok(room.room_id().to_owned()),
        Err(error) => {
            // The alias may have been taken meanwhile, by our own earlier
            // attempt (adopted) or by someone (the retry picks another).
            match look_up(adapter, &room_alias).await {
                Alias::Ours(room_id) => Ok(room_id),
                Alias::Free | Alias::Taken => Err(error.into()),
            }
        }
    }
}
