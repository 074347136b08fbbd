//! The one rule for what leaves a room: nothing said in an encrypted room is
//! written where it would be read in clear.
//!
//! Every path that carries people's words (or what they set: a meeting's
//! place, a poll's question) from one room into another asks
//! [`may_carry`]: the card of a report and its edits, the team's answers,
//! announcements, the digest, the general assembly's announcement and
//! reminders, the agenda and its calendar file, `!remontees`. What it
//! refuses is left out and said so, never sent.
//!
//! Which rooms are encrypted comes from the adapter ([`Input::RoomsEncrypted`],
//! kept as [`Change::RoomEncrypted`]): a room seen encrypted stays so,
//! since the homeserver never lets encryption be turned off. A room not
//! seen yet counts as clear, so the rule fails closed for a target.
//!
//! Direct messages ([`super::Action::DirectMessage`]) are not judged here:
//! the outbox writes them only into an encrypted direct chat, opening one
//! when the person's is not (`matrix::outbox`), so they may carry anything.

use super::assembly::Change;
use super::{Outcome, State};

/// Whether what was said in `sources` may be written into `target`: yes
/// when the target is encrypted or no source is. An empty source (a record
/// whose room is gone) counts as clear.
pub fn may_carry<'a>(
    state: &State,
    sources: impl IntoIterator<Item = &'a str>,
    target: &str,
) -> bool {
    is_encrypted(state, target)
        || sources
            .into_iter()
            .all(|source| !is_encrypted(state, source))
}

pub fn is_encrypted(state: &State, room_id: &str) -> bool {
    state.assembly.encrypted_rooms.contains(room_id)
}

/// The adapter saw these rooms encrypted: remember the new ones.
pub fn noted(state: &State, rooms: &[String]) -> Outcome {
    let mut outcome = Outcome::default();
    for room in rooms {
        if !is_encrypted(state, room)
            && !outcome
                .changes
                .iter()
                .any(|change| matches!(change, Change::RoomEncrypted(seen) if seen == room))
        {
            outcome.changes.push(Change::RoomEncrypted(room.clone()));
        }
    }
    outcome
}
