//! The functional core: `handle(input, &state, now) -> Outcome`.
//!
//! It decides what the bot does and says, and nothing else: no network, no
//! database, no clock, no async. The adapter turns Matrix events into
//! [`Input`]s; the engine applies the [`Outcome`] atomically (ledger, state
//! changes, outbox, timers) before anything is sent.
//!
//! **Architecture Invariant:** nothing in `core` depends on tokio, matrix-sdk,
//! sled or the system clock; `now` is always a parameter.

pub mod commands;
pub mod render;
pub mod text;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::i18n::{Arg, Language, Translator};
use commands::{Audience, COMMANDS, Command, CommandDef, CommandId, HelpTopic, Parsed, Place};
use render::{OutgoingMessage, Rendered};

/// A working group as the configuration declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeSettings {
    pub slug: String,
    pub name: String,
    /// The room id once the adapter has resolved the configured alias.
    pub room_id: Option<String>,
}

/// What the core needs to know about the assembly, from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bot_user_id: String,
    pub prefix: String,
    pub language: Language,
    pub time_zone: Tz,
    pub hub_room_id: Option<String>,
    pub deputy_room_id: Option<String>,
    pub admins: Vec<String>,
    pub themes: Vec<ThemeSettings>,
}

impl Settings {
    /// A hub, deputy or theme room named in the configuration.
    pub fn is_configured_room(&self, room_id: &str) -> bool {
        self.hub_room_id.as_deref() == Some(room_id)
            || self.deputy_room_id.as_deref() == Some(room_id)
            || self
                .themes
                .iter()
                .any(|theme| theme.room_id.as_deref() == Some(room_id))
    }

    pub fn is_admin(&self, user_id: &str) -> bool {
        self.admins.iter().any(|admin| admin == user_id)
    }
}

/// Everything `handle` reads.
#[derive(Debug)]
pub struct State {
    pub settings: Settings,
    pub translator: Translator,
}

impl State {
    pub fn new(settings: Settings) -> Result<Self, crate::i18n::TranslationError> {
        let translator = Translator::new(settings.language)?;
        Ok(State {
            settings,
            translator,
        })
    }

    fn place_of(&self, room_id: &str, is_direct: bool) -> Place {
        let settings = &self.settings;
        if settings.hub_room_id.as_deref() == Some(room_id) {
            Place::Hub
        } else if settings.deputy_room_id.as_deref() == Some(room_id) {
            Place::Deputy
        } else if settings
            .themes
            .iter()
            .any(|theme| theme.room_id.as_deref() == Some(room_id))
        {
            Place::Theme
        } else if is_direct {
            Place::Direct
        } else {
            Place::Other
        }
    }
}

/// How a message was sent, as far as the core cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Text,
    Notice,
    Emote,
    Other,
}

/// A room message, already decrypted and converted by the adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingMessage {
    pub event_id: String,
    pub room_id: String,
    pub sender: String,
    pub body: String,
    pub kind: MessageKind,
    /// An edit (`m.replace`) of an earlier message.
    pub is_edit: bool,
    /// The sender's power level in this room (room creators count as 100+).
    pub sender_power_level: i64,
    /// A room with only the bot and one person.
    pub is_direct: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Message(IncomingMessage),
}

/// What handling an input decided.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Messages to persist in the outbox, then send.
    pub messages: Vec<OutgoingMessage>,
    /// The command that was handled, for metrics and logs (never its text).
    pub command: Option<CommandId>,
}

impl Outcome {
    fn ignore() -> Self {
        Outcome::default()
    }
}

/// The person's standing, for deciding which commands they may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Role {
    is_admin: bool,
    is_coordinator: bool,
}

impl Role {
    fn may_use(self, audience: Audience) -> bool {
        match audience {
            Audience::Everyone => true,
            Audience::Coordinators => self.is_coordinator || self.is_admin,
            Audience::Admins => self.is_admin,
        }
    }
}

/// Power level from which a member coordinates a theme (moderator).
pub const COORDINATOR_POWER_LEVEL: i64 = 50;

pub fn handle(input: &Input, state: &State, _now: DateTime<Utc>) -> Outcome {
    match input {
        Input::Message(message) => handle_message(message, state),
    }
}

fn handle_message(message: &IncomingMessage, state: &State) -> Outcome {
    let settings = &state.settings;
    if message.sender == settings.bot_user_id
        || message.kind != MessageKind::Text
        || message.is_edit
    {
        return Outcome::ignore();
    }
    let parsed = commands::parse(&message.body, &settings.prefix, settings.language);
    let context = Context {
        state,
        place: state.place_of(&message.room_id, message.is_direct),
        role: Role {
            is_admin: settings.is_admin(&message.sender),
            is_coordinator: message.sender_power_level >= COORDINATOR_POWER_LEVEL,
        },
    };
    let (reply, command) = match parsed {
        Parsed::NotCommand => return Outcome::ignore(),
        Parsed::Command(Command::Help { topic }) => {
            (context.help(topic.as_ref()), Some(CommandId::Help))
        }
        Parsed::Unknown { typed, suggestion } => (context.unknown(&typed, suggestion), None),
        Parsed::Invalid { id, problem: _ } => {
            (context.help_command(commands::definition(id)), Some(id))
        }
        Parsed::NotYetAvailable(id) => (context.not_yet(commands::definition(id)), Some(id)),
    };
    Outcome {
        messages: vec![OutgoingMessage::reply(
            &message.room_id,
            &message.event_id,
            reply,
        )],
        command,
    }
}

/// One message's view of the state: where it was said and by whom.
struct Context<'a> {
    state: &'a State,
    place: Place,
    role: Role,
}

impl Context<'_> {
    fn tr(&self, id: &str, args: &[(&str, Arg)]) -> Rendered {
        self.state.translator.render(id, args)
    }

    fn name(&self, definition: &CommandDef) -> String {
        format!(
            "{}{}",
            self.state.settings.prefix,
            definition.name(self.state.settings.language)
        )
    }

    fn visible(&self) -> impl Iterator<Item = &'static CommandDef> + '_ {
        COMMANDS.iter().filter(|definition| {
            definition.allowed_in(self.place) && self.role.may_use(definition.audience)
        })
    }

    fn help(&self, topic: Option<&HelpTopic>) -> Rendered {
        match topic {
            None => self.help_overview(),
            Some(HelpTopic::Command(id)) => self.help_command(commands::definition(*id)),
            Some(HelpTopic::Unknown(typed)) => {
                let mut reply = self.tr("help-unknown-topic", &[("topic", typed.as_str().into())]);
                if let Some(definition) = commands::closest(typed, self.state.settings.language) {
                    reply.line(
                        self.tr("did-you-mean", &[("command", self.name(definition).into())]),
                    );
                }
                reply
            }
        }
    }

    fn help_overview(&self) -> Rendered {
        let mut reply = self.tr("help-header", &[]).strong();
        let mut upcoming = Vec::new();
        for definition in self.visible() {
            if definition.is_available() {
                reply.line(self.tr(
                    "help-line",
                    &[
                        ("command", self.name(definition).into()),
                        (
                            "summary",
                            self.tr(&definition.summary_id(), &[]).body.into(),
                        ),
                    ],
                ));
            } else {
                upcoming.push(self.name(definition));
            }
        }
        if !upcoming.is_empty() {
            reply.line(self.tr("help-upcoming", &[("commands", upcoming.join(", ").into())]));
        }
        reply.line(self.tr("help-footer", &[]));
        reply
    }

    fn help_command(&self, definition: &CommandDef) -> Rendered {
        let language = self.state.settings.language;
        let other = match language {
            Language::Fr => definition.english,
            Language::En => definition.french,
        };
        let mut reply = self
            .tr(
                "help-command-title",
                &[
                    ("command", self.name(definition).into()),
                    (
                        "alias",
                        format!("{}{other}", self.state.settings.prefix).into(),
                    ),
                ],
            )
            .strong();
        reply.line(self.tr(&definition.summary_id(), &[]));
        reply.line(self.tr(
            "help-usage",
            &[("usage", self.tr(&definition.usage_id(), &[]).body.into())],
        ));
        reply.line(self.tr(
            "help-example",
            &[(
                "example",
                self.tr(&definition.example_id(), &[]).body.into(),
            )],
        ));
        if !definition.is_available() {
            reply.line(self.tr("help-not-yet", &[]));
        } else if !self.role.may_use(definition.audience) {
            reply.line(self.tr("help-not-for-you", &[]));
        }
        reply
    }

    fn unknown(&self, typed: &str, suggestion: Option<CommandId>) -> Rendered {
        let typed = format!("{}{typed}", self.state.settings.prefix);
        let mut reply = self.tr("unknown-command", &[("command", typed.into())]);
        match suggestion {
            Some(id) => reply.line(self.tr(
                "did-you-mean",
                &[("command", self.name(commands::definition(id)).into())],
            )),
            None => reply.line(self.tr("see-help", &[])),
        };
        reply
    }

    fn not_yet(&self, definition: &CommandDef) -> Rendered {
        self.tr(
            "command-not-yet",
            &[("command", self.name(definition).into())],
        )
    }
}

#[cfg(test)]
mod tests;
