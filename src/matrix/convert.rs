//! Matrix events → core inputs. Only this module and its siblings know
//! matrix-sdk and ruma types; the core sees plain strings.

use matrix_sdk::ruma::events::room::message::{MessageType, Relation};
use matrix_sdk::ruma::events::{
    AnySyncMessageLikeEvent, AnySyncTimelineEvent, SyncMessageLikeEvent,
};
use matrix_sdk::ruma::serde::Raw;

use crate::core::{IncomingMessage, MessageKind};

/// A timeline event reduced to what boucle may act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Converted {
    Message {
        message: IncomingMessage,
        origin_millis: u64,
    },
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
    let Ok(event) = raw.deserialize() else {
        return Converted::Other;
    };
    let AnySyncTimelineEvent::MessageLike(event) = event else {
        return Converted::Other;
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
            Converted::Message {
                message: IncomingMessage {
                    event_id: original.event_id.to_string(),
                    room_id: room_id.to_owned(),
                    sender: original.sender.to_string(),
                    body,
                    kind,
                    is_edit,
                    sender_power_level: 0,
                    is_direct: facts.is_direct,
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
        assert!(matches!(edit, Converted::Message { message, .. } if message.is_edit));
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
        assert_eq!(convert(&reaction, "!r:s", facts()), Converted::Other);
        assert_eq!(
            convert(&raw(json!({"garbage": true})), "!r:s", facts()),
            Converted::Other
        );
    }
}
