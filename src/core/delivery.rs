//! What the bot says when the homeserver refuses something for good, and
//! when someone else holds an alias the bot needs.
//!
//! A message too large, an action the bot has no right to, a room it was
//! removed from or that is gone: waiting will not change the answer. The
//! adapter sets the entry aside (a dead letter) so that its room's lane goes
//! on, and hands the refusal here; the admins hear of it in a direct chat,
//! once a day per room and reason at most (the input's ledger key), so
//! that a room the bot was banned from does not flood them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::render::Rendered;
use super::{Action, Outcome, State};
use crate::i18n::Arg;

/// Why the homeserver will never accept an outbox entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Larger than the homeserver's event or upload size.
    TooLarge,
    /// The bot has no right to do it (power levels, a ban, a private room).
    Forbidden,
    /// The bot is no longer in the room (kicked, banned, or it left).
    NotInRoom,
    /// The room or the person does not exist.
    NotFound,
    /// The homeserver refused it as malformed.
    Invalid,
}

impl Refusal {
    pub fn name(self) -> &'static str {
        match self {
            Refusal::TooLarge => "too-large",
            Refusal::Forbidden => "forbidden",
            Refusal::NotInRoom => "not-in-room",
            Refusal::NotFound => "not-found",
            Refusal::Invalid => "invalid",
        }
    }
}

/// Where the refused entry was going.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lane {
    Room(String),
    /// A direct chat with this person (never stored with the refusal).
    Direct(String),
    /// A room being created.
    Creation,
}

/// The ledger key of a refusal's report: one per lane, reason and day.
pub(super) fn ledger_key(lane: &Lane, reason: Refusal, day: NaiveDate) -> String {
    let lane = match lane {
        Lane::Room(room_id) => room_id.as_str(),
        // Not the person's id: the ledger names nobody.
        Lane::Direct(_) => "direct",
        Lane::Creation => "creation",
    };
    format!("undeliverable:{lane}:{}:{day}", reason.name())
}

/// Tells the admins, each in a direct chat, what was set aside and why.
pub fn undeliverable(state: &State, lane: &Lane, reason: Refusal) -> Outcome {
    let tr = |id: &str, args: &[(&str, Arg)]| state.translator.render(id, args);
    let place: Rendered = match lane {
        Lane::Room(room_id) => {
            let name = state
                .theme_of_room(room_id)
                .map(|theme| theme.name)
                .or_else(|| {
                    (state.settings.hub_room_id.as_deref() == Some(room_id.as_str()))
                        .then(|| state.translator.plain("room-hub", &[]))
                })
                .or_else(|| {
                    (state.settings.deputy_room_id.as_deref() == Some(room_id.as_str()))
                        .then(|| state.translator.plain("room-deputy", &[]))
                })
                .unwrap_or_else(|| room_id.clone());
            tr(
                "undeliverable-room",
                &[(
                    "room",
                    Arg::room(&name, room_id, state.settings.server_name()),
                )],
            )
        }
        Lane::Direct(_) => tr("undeliverable-direct", &[]),
        Lane::Creation => tr("undeliverable-creation", &[]),
    };
    let mut text = place;
    text.line(tr(&format!("undeliverable-{}", reason.name()), &[]));
    text.line(tr("undeliverable-after", &[]));
    let actions = state
        .settings
        .admins
        .iter()
        // A refused message to an admin is not reported to that admin: it
        // would go the same way.
        .filter(|admin| *lane != Lane::Direct((*admin).clone()))
        // An admin must act on it: it notifies them.
        .map(|admin| Action::ring(admin, text.clone()))
        .collect();
    Outcome {
        actions,
        ..Outcome::default()
    }
}

/// Tells the admins that the homeserver makes the bot wait before opening
/// direct chats (reminders, answers, private data queue behind it), and how
/// to lift the limit for the bot's account.
pub fn direct_chats_waiting(state: &State) -> Outcome {
    let text = state.translator.render("direct-chats-waiting", &[]);
    ring_admins(state, &text)
}

/// `text` to every admin, by a direct message that notifies them: what
/// they must act on.
fn ring_admins(state: &State, text: &Rendered) -> Outcome {
    Outcome {
        actions: state
            .settings
            .admins
            .iter()
            .map(|admin| Action::ring(admin, text.clone()))
            .collect(),
        ..Outcome::default()
    }
}

/// Tells the admins that `alias`, which the bot wanted for a room it
/// creates, is someone else's room, and that it used `instead`.
pub fn squatted(state: &State, alias: &str, instead: &str) -> Outcome {
    let text = state.translator.render(
        "alias-squatted",
        &[("alias", alias.into()), ("instead", instead.into())],
    );
    ring_admins(state, &text)
}
