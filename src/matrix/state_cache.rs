//! What `enrich` reads from the SDK's store for each command, kept between
//! commands: a room's power levels, whether a person is a member of a room
//! (with their display name there), and who is in a room outside the
//! assembly's (so that a direct chat is known by its real members).
//!
//! Reading them from the SDK's SQLite store was most of the bot's own time
//! per command (issue 8's trace timings: 1.6 ms at the median, 5.6 ms at the
//! 99th percentile). They change only through state events, which reach the
//! bot in sync responses, so a room's entries are dropped as soon as a
//! response brings any state event for it (or says the bot left it), before
//! that response's events are handled. A command is therefore never judged
//! on power levels older than the response it came in.

use std::collections::HashMap;

use matrix_sdk::deserialized_responses::TimelineEvent;
use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId, RoomId};
use matrix_sdk::sync::{JoinedRoomUpdate, State, SyncResponse};

use crate::core::RoomPower;

/// A person's standing in a room, as far as `enrich` needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub display_name: Option<String>,
    pub joined: bool,
}

/// Entries beyond this many people-in-rooms are dropped all at once: the
/// cache stays small in a large assembly and fills again with who is active.
const MAX_MEMBERS: usize = 20_000;

#[derive(Default)]
pub struct StateCache {
    power: HashMap<OwnedRoomId, RoomPower>,
    /// `None`: not a member (known, so not read again).
    members: HashMap<(OwnedRoomId, OwnedUserId), Option<Member>>,
    /// Everyone joined or invited, for rooms outside the assembly's (to
    /// tell a direct chat from a small group).
    people: HashMap<OwnedRoomId, Vec<OwnedUserId>>,
}

impl StateCache {
    pub fn power(&self, room_id: &RoomId) -> Option<RoomPower> {
        self.power.get(room_id).cloned()
    }

    pub fn remember_power(&mut self, room_id: &RoomId, power: RoomPower) {
        self.power.insert(room_id.to_owned(), power);
    }

    /// `Some(None)`: known not to be a member; `None`: not known.
    pub fn member(&self, room_id: &RoomId, user_id: &OwnedUserId) -> Option<Option<Member>> {
        self.members
            .get(&(room_id.to_owned(), user_id.clone()))
            .cloned()
    }

    pub fn remember_member(
        &mut self,
        room_id: &RoomId,
        user_id: &OwnedUserId,
        member: Option<Member>,
    ) {
        if self.members.len() >= MAX_MEMBERS {
            self.members.clear();
        }
        self.members
            .insert((room_id.to_owned(), user_id.clone()), member);
    }

    /// Everyone joined or invited in `room_id`, if known.
    pub fn people(&self, room_id: &RoomId) -> Option<Vec<OwnedUserId>> {
        self.people.get(room_id).cloned()
    }

    pub fn remember_people(&mut self, room_id: &RoomId, people: Vec<OwnedUserId>) {
        if self.people.len() >= MAX_MEMBERS {
            self.people.clear();
        }
        self.people.insert(room_id.to_owned(), people);
    }

    /// Forgets everything about `room_id`.
    pub fn forget_room(&mut self, room_id: &RoomId) {
        self.power.remove(room_id);
        self.members.retain(|(room, _), _| room != room_id);
        self.people.remove(room_id);
    }

    /// Forgets the rooms whose state `response` changes: call before
    /// handling its events.
    pub fn forget_changed(&mut self, response: &SyncResponse) {
        for (room_id, update) in &response.rooms.joined {
            if changes_state(update) {
                self.forget_room(room_id);
            }
        }
        for room_id in response.rooms.left.keys() {
            self.forget_room(room_id);
        }
    }
}

/// Whether a joined room's update carries any state event, in its state
/// section or in its timeline.
fn changes_state(update: &JoinedRoomUpdate) -> bool {
    let state = match &update.state {
        State::Before(events) | State::After(events) => events,
    };
    !state.is_empty() || update.timeline.events.iter().any(is_state_event)
}

fn is_state_event(event: &TimelineEvent) -> bool {
    matches!(event.raw().get_field::<String>("state_key"), Ok(Some(_)))
}

#[cfg(test)]
mod tests {
    use matrix_sdk::ruma::{owned_room_id, owned_user_id, serde::Raw};
    use serde_json::json;

    use super::*;

    fn timeline_event(value: serde_json::Value) -> TimelineEvent {
        TimelineEvent::from_plaintext(Raw::from_json(
            serde_json::value::to_raw_value(&value).unwrap(),
        ))
    }

    fn message() -> TimelineEvent {
        timeline_event(json!({
            "type": "m.room.message", "event_id": "$m", "sender": "@a:s",
            "origin_server_ts": 1, "content": {"msgtype": "m.text", "body": "!aide"},
        }))
    }

    fn power_levels() -> TimelineEvent {
        timeline_event(json!({
            "type": "m.room.power_levels", "state_key": "", "event_id": "$p",
            "sender": "@a:s", "origin_server_ts": 1, "content": {"users": {"@a:s": 100}},
        }))
    }

    fn filled() -> StateCache {
        let mut facts = StateCache::default();
        let power = RoomPower {
            users_default: 0,
            ..RoomPower::default()
        };
        for room in [owned_room_id!("!a:s"), owned_room_id!("!b:s")] {
            facts.remember_power(&room, power.clone());
            facts.remember_member(&room, &owned_user_id!("@a:s"), None);
        }
        facts
    }

    fn response_with(room: OwnedRoomId, events: Vec<TimelineEvent>) -> SyncResponse {
        let mut response = SyncResponse::default();
        let mut update = JoinedRoomUpdate::default();
        update.timeline.events = events;
        response.rooms.joined.insert(room, update);
        response
    }

    #[test]
    fn a_state_event_in_the_timeline_forgets_that_room_only() {
        let mut facts = filled();
        let (a, b, user) = (
            owned_room_id!("!a:s"),
            owned_room_id!("!b:s"),
            owned_user_id!("@a:s"),
        );
        facts.forget_changed(&response_with(a.clone(), vec![message(), power_levels()]));
        assert_eq!(facts.power(&a), None);
        assert_eq!(facts.member(&a, &user), None);
        assert!(facts.power(&b).is_some());
        assert_eq!(facts.member(&b, &user), Some(None));
    }

    #[test]
    fn messages_alone_keep_what_is_known() {
        let mut facts = filled();
        let a = owned_room_id!("!a:s");
        facts.forget_changed(&response_with(a.clone(), vec![message()]));
        assert!(facts.power(&a).is_some());
    }

    #[test]
    fn a_state_section_or_leaving_forgets_the_room() {
        let (a, b) = (owned_room_id!("!a:s"), owned_room_id!("!b:s"));
        let mut facts = filled();
        let mut response = response_with(a.clone(), vec![]);
        let member: Raw<_> = Raw::from_json(
            serde_json::value::to_raw_value(&json!({
                "type": "m.room.member", "state_key": "@a:s", "event_id": "$j",
                "sender": "@a:s", "origin_server_ts": 1, "content": {"membership": "join"},
            }))
            .unwrap(),
        );
        response.rooms.joined.get_mut(&a).unwrap().state = State::Before(vec![member]);
        response.rooms.left.insert(b.clone(), Default::default());
        facts.forget_changed(&response);
        assert_eq!(facts.power(&a), None);
        assert_eq!(facts.power(&b), None);
    }

    #[test]
    fn the_member_entries_stay_bounded() {
        let mut facts = StateCache::default();
        let room = owned_room_id!("!a:s");
        for index in 0..=MAX_MEMBERS {
            let user = OwnedUserId::try_from(format!("@u{index}:s")).unwrap();
            facts.remember_member(&room, &user, None);
        }
        assert!(facts.members.len() <= MAX_MEMBERS);
        assert_eq!(
            facts.member(
                &room,
                &OwnedUserId::try_from(format!("@u{MAX_MEMBERS}:s")).unwrap()
            ),
            Some(None)
        );
    }
}
