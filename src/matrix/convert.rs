//! Matrix events → core inputs. Only this module and its siblings know
//! matrix-sdk and ruma types; the core sees plain strings.

use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::events::room::message::{MessageType, Relation};
use matrix_sdk::ruma::events::room::power_levels::{RoomPowerLevels, UserPowerLevel};
use matrix_sdk::ruma::events::{
    AnySyncMessageLikeEvent, AnySyncStateEvent, AnySyncTimelineEvent, SyncMessageLikeEvent,
    SyncStateEvent, TimelineEventType,
};
use matrix_sdk::ruma::serde::Raw;

use crate::core::polls::PollResponse;
use crate::core::{IncomingMessage, Joined, MessageKind, RoomPower};

/// A timeline event reduced to what boucle may act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Converted {
    Message {
        message: IncomingMessage,
        origin_millis: u64,
    },
    /// A vote clicked in a client (stable or unstable poll response).
    PollResponse(PollResponse),
    /// A redaction of `redacts`.
    Redaction { event_id: String, redacts: String },
    /// A reaction (`m.annotation`) with `key` on `relates_to`.
    Reaction {
        event_id: String,
        sender: String,
        relates_to: String,
        key: String,
        origin_millis: i64,
    },
    /// Someone joined (not a display name change of someone already in).
    Joined { joined: Joined, origin_millis: u64 },
    /// Still encrypted: the bot had no key for it.
    Undecryptable { event_id: String },
    /// Anything else (state events, reactions, redacted messages...).
    Other,
}

/// Facts about the room and sender the event itself does not carry.
#[derive(Debug, Clone, Copy)]
pub struct RoomFacts {
    pub is_direct: bool,
}

/// Converts a (decrypted when possible) timeline event. The sender's power
/// level is filled in by the caller, which has the room's state.
pub fn convert(raw: &Raw<AnySyncTimelineEvent>, room_id: &str, facts: RoomFacts) -> Converted {
    if let Some(converted) = convert_by_json(raw, room_id) {
        return converted;
    }
    let Ok(event) = raw.deserialize() else {
        return Converted::Other;
    };
    let event = match event {
        AnySyncTimelineEvent::MessageLike(event) => event,
        AnySyncTimelineEvent::State(AnySyncStateEvent::RoomMember(SyncStateEvent::Original(
            member,
        ))) => {
            let was_in = member
                .unsigned
                .prev_content
                .as_ref()
                .is_some_and(|previous| previous.membership == MembershipState::Join);
            if member.content.membership != MembershipState::Join || was_in {
                return Converted::Other;
            }
            return Converted::Joined {
                joined: Joined {
                    event_id: member.event_id.to_string(),
                    room_id: room_id.to_owned(),
                    user_id: member.state_key.to_string(),
                    display_name: member.content.displayname.clone(),
                },
                origin_millis: member.origin_server_ts.0.into(),
            };
        }
        AnySyncTimelineEvent::State(_) => return Converted::Other,
    };
    match event {
        AnySyncMessageLikeEvent::RoomMessage(SyncMessageLikeEvent::Original(original)) => {
            let (kind, body) = match &original.content.msgtype {
                MessageType::Text(text) => (MessageKind::Text, text.body.clone()),
                MessageType::Notice(notice) => (MessageKind::Notice, notice.body.clone()),
                MessageType::Emote(emote) => (MessageKind::Emote, emote.body.clone()),
                other => (MessageKind::Other, other.body().to_owned()),
            };
            let is_edit = matches!(original.content.relates_to, Some(Relation::Replacement(_)));
            // An edit carries its new text in `m.new_content`.
            let (body, replaces) = match &original.content.relates_to {
                Some(Relation::Replacement(replacement)) => (
                    replacement.new_content.msgtype.body().to_owned(),
                    Some(replacement.event_id.to_string()),
                ),
                _ => (body, None),
            };
            let in_reply_to = match &original.content.relates_to {
                Some(Relation::Reply(reply)) => Some(reply.in_reply_to.event_id.to_string()),
                _ => None,
            };
            Converted::Message {
                message: IncomingMessage {
                    kind,
                    is_edit,
                    in_reply_to,
                    replaces,
                    is_direct: facts.is_direct,
                    ..IncomingMessage::text(
                        original.event_id.as_str(),
                        room_id,
                        original.sender.as_str(),
                        body,
                    )
                },
                origin_millis: original.origin_server_ts.0.into(),
            }
        }
        AnySyncMessageLikeEvent::RoomEncrypted(SyncMessageLikeEvent::Original(original)) => {
            Converted::Undecryptable {
                event_id: original.event_id.to_string(),
            }
        }
        _ => Converted::Other,
    }
}

/// Poll responses and redactions, read from the JSON: both the stable and
/// the unstable poll forms are accepted, and redactions carry `redacts` at
/// the top (room versions up to 10) or in the content (11 and later).
fn convert_by_json(raw: &Raw<AnySyncTimelineEvent>, room_id: &str) -> Option<Converted> {
    let event: serde_json::Value = serde_json::from_str(raw.json().get()).ok()?;
    let event_type = event["type"].as_str()?;
    let event_id = event["event_id"].as_str()?.to_owned();
    match event_type {
        "m.poll.response" | "org.matrix.msc3381.poll.response" => {
            let content = &event["content"];
            let relation = &content["m.relates_to"];
            if relation["rel_type"] != "m.reference" {
                return Some(Converted::Other);
            }
            let answers = content["m.selections"]
                .as_array()
                .or_else(|| content["org.matrix.msc3381.poll.response"]["answers"].as_array())
                .map(|answers| {
                    answers
                        .iter()
                        .filter_map(|answer| answer.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let millis = event["origin_server_ts"].as_i64()?;
            Some(Converted::PollResponse(PollResponse {
                event_id,
                room_id: room_id.to_owned(),
                sender: event["sender"].as_str()?.to_owned(),
                start_event_id: relation["event_id"].as_str()?.to_owned(),
                answers,
                at: chrono::DateTime::from_timestamp_millis(millis)?,
            }))
        }
        "m.reaction" => {
            let relation = &event["content"]["m.relates_to"];
            if relation["rel_type"] != "m.annotation" {
                return Some(Converted::Other);
            }
            Some(Converted::Reaction {
                event_id,
                sender: event["sender"].as_str()?.to_owned(),
                relates_to: relation["event_id"].as_str()?.to_owned(),
                key: relation["key"].as_str()?.to_owned(),
                origin_millis: event["origin_server_ts"].as_i64()?,
            })
        }
        "m.room.redaction" => {
            let redacts = event["redacts"]
                .as_str()
                .or_else(|| event["content"]["redacts"].as_str())?
                .to_owned();
            Some(Converted::Redaction { event_id, redacts })
        }
        _ => None,
    }
}

/// The core's view of a room's power levels. Room creators who hold power
/// without being listed (room version 12) get [`i64::MAX`], as ruma's
/// `for_user` says they are infinitely powerful.
pub fn room_power(levels: &RoomPowerLevels) -> RoomPower {
    let mut users: std::collections::BTreeMap<String, i64> = levels
        .users
        .iter()
        .map(|(user, level)| (user.to_string(), i64::from(*level)))
        .collect();
    for creator in levels.rules.privileged_creators.iter().flatten() {
        if levels.for_user(creator) == UserPowerLevel::Infinite {
            users.insert(creator.to_string(), i64::MAX);
        }
    }
    RoomPower {
        users,
        users_default: levels.users_default.into(),
        invite: levels.invite.into(),
        redact: levels.redact.into(),
        redaction_event: levels
            .events
            .get(&TimelineEventType::RoomRedaction)
            .copied()
            .unwrap_or(levels.events_default)
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(value: serde_json::Value) -> Raw<AnySyncTimelineEvent> {
        Raw::new(&value).unwrap().cast_unchecked()
    }

    fn message(content: serde_json::Value) -> Raw<AnySyncTimelineEvent> {
        raw(json!({
            "type": "m.room.message",
            "event_id": "$e:s",
            "sender": "@camille:s",
            "origin_server_ts": 1_700_000_000_000u64,
            "content": content,
        }))
    }

    fn facts() -> RoomFacts {
        RoomFacts { is_direct: false }
    }

    #[test]
    fn a_text_message_becomes_an_input() {
        let converted = convert(
            &message(json!({"msgtype": "m.text", "body": "!aide"})),
            "!r:s",
            facts(),
        );
        let Converted::Message {
            message,
            origin_millis,
        } = converted
        else {
            panic!("{converted:?}")
        };
        assert_eq!(message.body, "!aide");
        assert_eq!(message.kind, MessageKind::Text);
        assert_eq!(message.sender, "@camille:s");
        assert_eq!(message.event_id, "$e:s");
        assert!(!message.is_edit);
        assert_eq!(origin_millis, 1_700_000_000_000);
    }

    #[test]
    fn notices_emotes_and_edits_are_marked() {
        let notice = convert(
            &message(json!({"msgtype": "m.notice", "body": "!aide"})),
            "!r:s",
            facts(),
        );
        assert!(
            matches!(notice, Converted::Message { message, .. } if message.kind == MessageKind::Notice)
        );
        let edit = convert(
            &message(json!({
                "msgtype": "m.text", "body": "* !aide",
                "m.new_content": {"msgtype": "m.text", "body": "!aide"},
                "m.relates_to": {"rel_type": "m.replace", "event_id": "$old:s"}
            })),
            "!r:s",
            facts(),
        );
        let Converted::Message { message, .. } = edit else {
            panic!("an edit is a message");
        };
        assert!(message.is_edit);
        assert_eq!(message.body, "!aide");
        assert_eq!(message.replaces.as_deref(), Some("$old:s"));
    }

    fn member(
        content: serde_json::Value,
        unsigned: serde_json::Value,
    ) -> Raw<AnySyncTimelineEvent> {
        raw(json!({
            "type": "m.room.member", "state_key": "@new:s", "event_id": "$m:s",
            "sender": "@new:s", "origin_server_ts": 5, "content": content, "unsigned": unsigned,
        }))
    }

    #[test]
    fn a_first_join_is_an_input_and_a_name_change_is_not() {
        let joined = convert(
            &member(
                json!({"membership": "join", "displayname": "Nouvelle"}),
                json!({}),
            ),
            "!r:s",
            facts(),
        );
        assert_eq!(
            joined,
            Converted::Joined {
                joined: Joined {
                    event_id: "$m:s".into(),
                    room_id: "!r:s".into(),
                    user_id: "@new:s".into(),
                    display_name: Some("Nouvelle".into()),
                },
                origin_millis: 5,
            }
        );
        let renamed = convert(
            &member(
                json!({"membership": "join", "displayname": "Autre"}),
                json!({"prev_content": {"membership": "join", "displayname": "Nouvelle"}}),
            ),
            "!r:s",
            facts(),
        );
        assert_eq!(renamed, Converted::Other);
        let left = convert(
            &member(json!({"membership": "leave"}), json!({})),
            "!r:s",
            facts(),
        );
        assert_eq!(left, Converted::Other);
    }

    #[test]
    fn room_creators_of_version_12_count_as_all_powerful() {
        use matrix_sdk::ruma::events::room::power_levels::{
            RoomPowerLevelsEventContent, RoomPowerLevelsSource,
        };
        use matrix_sdk::ruma::room_version_rules::AuthorizationRules;
        use matrix_sdk::ruma::{OwnedUserId, owned_user_id};
        let mut content = RoomPowerLevelsEventContent::new(&AuthorizationRules::V12);
        content.users.insert(owned_user_id!("@mod:s"), 50.into());
        content.invite = 50.into();
        let creators: Vec<OwnedUserId> = vec![owned_user_id!("@creator:s")];
        let levels = RoomPowerLevels::new(
            RoomPowerLevelsSource::Original(content),
            &AuthorizationRules::V12,
            creators,
        );
        let power = room_power(&levels);
        assert_eq!(power.level("@creator:s"), i64::MAX);
        assert!(power.may_invite("@creator:s"));
        assert!(power.may_invite("@mod:s"));
        assert!(!power.may_invite("@someone:s"));
        // Before version 12 a creator is just whoever the levels list.
        let old = RoomPowerLevels::new(
            RoomPowerLevelsSource::Original(RoomPowerLevelsEventContent::new(
                &AuthorizationRules::V10,
            )),
            &AuthorizationRules::V10,
            vec![owned_user_id!("@creator:s")],
        );
        assert_eq!(room_power(&old).level("@creator:s"), 0);
    }

    #[test]
    fn a_redaction_needs_the_level_of_the_redaction_event_too() {
        use matrix_sdk::ruma::events::room::power_levels::{
            RoomPowerLevelsEventContent, RoomPowerLevelsSource,
        };
        use matrix_sdk::ruma::owned_user_id;
        use matrix_sdk::ruma::room_version_rules::AuthorizationRules;
        let levels_with = |redaction_event: Option<i64>, events_default: i64| {
            let mut content = RoomPowerLevelsEventContent::new(&AuthorizationRules::V10);
            content.users.insert(owned_user_id!("@bot:s"), 50.into());
            content.redact = 50.into();
            content.events_default = events_default.try_into().unwrap();
            if let Some(level) = redaction_event {
                content
                    .events
                    .insert(TimelineEventType::RoomRedaction, level.try_into().unwrap());
            }
            room_power(&RoomPowerLevels::new(
                RoomPowerLevelsSource::Original(content),
                &AuthorizationRules::V10,
                vec![],
            ))
        };
        assert!(levels_with(None, 0).may_redact("@bot:s"));
        assert!(!levels_with(Some(100), 0).may_redact("@bot:s"));
        // Without its own entry, the redaction event takes events_default.
        assert!(!levels_with(None, 100).may_redact("@bot:s"));
        assert!(levels_with(Some(50), 100).may_redact("@bot:s"));
    }

    #[test]
    fn poll_responses_in_both_forms_and_redactions_in_both_places() {
        let stable = raw(json!({
            "type": "m.poll.response", "event_id": "$v1:s", "sender": "@c:s",
            "origin_server_ts": 1_700_000_000_000u64,
            "content": {"m.selections": ["2"], "m.relates_to": {"rel_type": "m.reference", "event_id": "$p:s"}}
        }));
        let unstable = raw(json!({
            "type": "org.matrix.msc3381.poll.response", "event_id": "$v2:s", "sender": "@d:s",
            "origin_server_ts": 1_700_000_000_000u64,
            "content": {"org.matrix.msc3381.poll.response": {"answers": ["1", "3"]},
                        "m.relates_to": {"rel_type": "m.reference", "event_id": "$p:s"}}
        }));
        for (event, sender, answers) in [
            (stable, "@c:s", vec!["2"]),
            (unstable, "@d:s", vec!["1", "3"]),
        ] {
            let Converted::PollResponse(response) = convert(&event, "!r:s", facts()) else {
                panic!("a poll response expected");
            };
            assert_eq!(response.sender, sender);
            assert_eq!(response.start_event_id, "$p:s");
            assert_eq!(response.answers, answers);
            assert_eq!(response.at.timestamp_millis(), 1_700_000_000_000);
        }
        let old = raw(
            json!({"type": "m.room.redaction", "event_id": "$r1:s", "sender": "@c:s",
            "origin_server_ts": 1, "redacts": "$v1:s", "content": {}}),
        );
        let new = raw(
            json!({"type": "m.room.redaction", "event_id": "$r2:s", "sender": "@c:s",
            "origin_server_ts": 1, "content": {"redacts": "$v1:s"}}),
        );
        for event in [old, new] {
            assert!(matches!(
                convert(&event, "!r:s", facts()),
                Converted::Redaction { redacts, .. } if redacts == "$v1:s"
            ));
        }
    }

    #[test]
    fn undecryptable_and_other_events_are_not_messages() {
        let encrypted = raw(json!({
            "type": "m.room.encrypted", "event_id": "$x:s", "sender": "@c:s",
            "origin_server_ts": 1, "content": {
                "algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "abc",
                "session_id": "s", "device_id": "D", "sender_key": "k"
            }
        }));
        assert_eq!(
            convert(&encrypted, "!r:s", facts()),
            Converted::Undecryptable {
                event_id: "$x:s".into()
            }
        );
        let reaction = raw(json!({
            "type": "m.reaction", "event_id": "$y:s", "sender": "@c:s", "origin_server_ts": 1,
            "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$e:s", "key": "✅"}}
        }));
        assert_eq!(
            convert(&reaction, "!r:s", facts()),
            Converted::Reaction {
                event_id: "$y:s".into(),
                sender: "@c:s".into(),
                relates_to: "$e:s".into(),
                key: "✅".into(),
                origin_millis: 1,
            }
        );
        assert_eq!(
            convert(&raw(json!({"garbage": true})), "!r:s", facts()),
            Converted::Other
        );
    }
}
