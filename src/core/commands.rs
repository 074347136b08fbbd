//! The command catalog: one definition per command, holding its French and
//! English names, who may use it, where, and its parser. `!aide` is generated
//! from this table, so help can never drift from the code.
//!
//! A command whose capability has not landed yet has `parser: None`: it is
//! listed as coming soon and answered as such, never silently ignored.
//! Help texts live in the translation files under `cmd-<french name>-*`.

use super::assembly::{Attendance, Recurrence, ReminderChoice, ReportStatus};
use super::limits;
use super::text::{Token, fold, tokenize};
use crate::i18n::Language;

/// Every command boucle knows, available or announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommandId {
    Help,
    Themes,
    Join,
    Leave,
    Members,
    Profile,
    Coordinator,
    Invite,
    Theme,
    Support,
    MyData,
    Forget,
    Poll,
    Vote,
    Close,
    Results,
    Polls,
    Ballot,
    BallotVote,
    Meeting,
    Cancel,
    Move,
    Going,
    NotGoing,
    Maybe,
    Attendees,
    Reminders,
    Agenda,
    Slots,
    Assembly,
    Report,
    Reply,
    Status,
    Reports,
    Announce,
    Speaker,
    Speakers,
    Digest,
}

/// Who may use a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Everyone,
    /// Coordinators of the theme (power level ≥ 50, or named with
    /// `!coordination`) and admins.
    Coordinators,
    /// Members of the deputy team's room, and admins.
    DeputyTeam,
    /// Admins named in the configuration.
    Admins,
}

/// The kind of room a message arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Theme,
    Hub,
    Deputy,
    Direct,
    /// A room the configuration does not name.
    Other,
}

/// A command, parsed and ready for the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help {
        topic: Option<HelpTopic>,
    },
    Themes,
    /// `theme`: as typed, resolved by the core against the theme list.
    Join {
        theme: Option<String>,
    },
    Leave {
        theme: Option<String>,
    },
    Members,
    Profile(ProfileCommand),
    /// Name (or with `remove`, un-name) a coordinator of this theme.
    Coordinator {
        user_id: String,
        remove: bool,
    },
    Invite {
        user_id: String,
    },
    Theme(ThemeCommand),
    Support {
        proposal: u64,
    },
    MyData,
    Forget {
        confirmed: bool,
    },
    Poll(PollRequest),
    /// `choices` as typed: option numbers or texts, resolved by the core.
    Vote {
        poll: u64,
        choices: String,
    },
    Close {
        poll: Option<u64>,
    },
    Results {
        poll: Option<u64>,
    },
    Polls,
    /// `!scrutin`: a secret ballot, same syntax as a poll, plus `--quorum N`.
    Ballot(PollRequest),
    /// `!voter n choix`, in a direct chat.
    BallotVote {
        ballot: u64,
        choices: String,
    },
    Meeting(MeetingRequest),
    Cancel {
        meeting: u64,
    },
    Move {
        meeting: u64,
        when: String,
    },
    Rsvp {
        meeting: Option<u64>,
        answer: Attendance,
    },
    Attendees {
        meeting: Option<u64>,
    },
    /// `None`: show the current choice.
    Reminders(Option<ReminderChoice>),
    /// `ics`: as a calendar file.
    Agenda {
        ics: bool,
    },
    /// `!creneaux <objet> | <créneau> | …`: slots as typed.
    Slots {
        subject: String,
        slots: Vec<String>,
    },
    SlotsClose {
        poll: Option<u64>,
    },
    /// `!ag`: the general assembly, a meeting announced everywhere.
    Assembly(MeetingRequest),
    /// `!remontee <texte> [--anonyme]`; the text is taken from the message
    /// as typed (the core keeps its punctuation and lines).
    Report {
        has_text: bool,
        anonymous: bool,
    },
    /// `!repondre n <texte>` (text taken as typed).
    Reply {
        report: u64,
    },
    Status {
        report: u64,
        status: ReportStatus,
    },
    /// `!remontees [ouvertes|<thème>]`.
    Reports {
        filter: Option<String>,
    },
    /// `!annonce [thèmes] <texte>` (text and targets read as typed).
    Announce,
    Speaker {
        name: String,
        subject: Option<String>,
        contact: Option<String>,
    },
    Speakers,
    Digest,
}

/// `!reunion <quand> | <lieu> | <sujet>` and its flags, checked for shape;
/// the date is read by the core, which knows now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRequest {
    pub when: String,
    pub place: Option<String>,
    pub subject: Option<String>,
    pub video: Option<String>,
    pub recurrence: Option<Recurrence>,
    /// Minutes before the start; `None`: the assembly's default.
    pub reminders: Option<Vec<u32>>,
    /// `--prive`: not on the public site.
    pub private: bool,
}

/// `!sondage`: a question and its options, checked for shape (2 to 20
/// options, a question); the deadline is read by the core, which knows now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollRequest {
    pub question: String,
    pub options: Vec<String>,
    pub multiple: Option<u32>,
    pub until: Option<String>,
    pub hidden: bool,
    /// Secret ballots only: ballots needed for the result to stand.
    pub quorum: Option<u32>,
}

/// Fewest and most options a poll may have.
pub const POLL_OPTIONS: std::ops::RangeInclusive<usize> = 2..=20;

impl Command {
    pub fn id(&self) -> CommandId {
        match self {
            Command::Help { .. } => CommandId::Help,
            Command::Themes => CommandId::Themes,
            Command::Join { .. } => CommandId::Join,
            Command::Leave { .. } => CommandId::Leave,
            Command::Members => CommandId::Members,
            Command::Profile(_) => CommandId::Profile,
            Command::Coordinator { .. } => CommandId::Coordinator,
            Command::Invite { .. } => CommandId::Invite,
            Command::Theme(_) => CommandId::Theme,
            Command::Support { .. } => CommandId::Support,
            Command::MyData => CommandId::MyData,
            Command::Forget { .. } => CommandId::Forget,
            Command::Poll(_) => CommandId::Poll,
            Command::Vote { .. } => CommandId::Vote,
            Command::Close { .. } => CommandId::Close,
            Command::Results { .. } => CommandId::Results,
            Command::Polls => CommandId::Polls,
            Command::Ballot(_) => CommandId::Ballot,
            Command::BallotVote { .. } => CommandId::BallotVote,
            Command::Meeting(_) => CommandId::Meeting,
            Command::Cancel { .. } => CommandId::Cancel,
            Command::Move { .. } => CommandId::Move,
            Command::Rsvp {
                answer: Attendance::Going,
                ..
            } => CommandId::Going,
            Command::Rsvp {
                answer: Attendance::NotGoing,
                ..
            } => CommandId::NotGoing,
            Command::Rsvp {
                answer: Attendance::Maybe,
                ..
            } => CommandId::Maybe,
            Command::Attendees { .. } => CommandId::Attendees,
            Command::Reminders(_) => CommandId::Reminders,
            Command::Agenda { .. } => CommandId::Agenda,
            Command::Slots { .. } | Command::SlotsClose { .. } => CommandId::Slots,
            Command::Assembly(_) => CommandId::Assembly,
            Command::Report { .. } => CommandId::Report,
            Command::Reply { .. } => CommandId::Reply,
            Command::Status { .. } => CommandId::Status,
            Command::Reports { .. } => CommandId::Reports,
            Command::Announce => CommandId::Announce,
            Command::Speaker { .. } => CommandId::Speaker,
            Command::Speakers => CommandId::Speakers,
            Command::Digest => CommandId::Digest,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileCommand {
    Show,
    Commune(String),
    Collective(String),
    Clear,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThemeCommand {
    Propose { name: String },
    Create { name: String },
    Archive { theme: String },
    Reactivate { theme: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpTopic {
    Command(CommandId),
    Unknown(String),
}

/// Why a command's arguments were refused; rendered as a friendly reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseProblem {
    /// Something required is missing (a name, a number, a person).
    Missing,
    /// A Matrix id was expected (`@camille:exemple.fr`).
    NotAUserId,
    /// A number was expected.
    NotANumber,
    /// The first word is not one of the command's actions.
    UnknownAction,
    /// A poll without its question.
    NoQuestion,
    /// A poll with too few or too many options.
    OptionCount { found: usize },
    /// An option flag (`--…`) that does not exist, or lacks its value.
    BadFlag(String),
    /// `!creneaux` with too few or too many slots.
    SlotCount { found: usize },
    /// The whole command longer than `max` characters.
    TooLong { max: usize },
    /// One field (a question, an option, a place) longer than `max`.
    FieldTooLong { max: usize },
    /// `--chaque` rarer than once a year.
    RepeatTooRare,
    /// `--rappels` more than a month ahead.
    ReminderTooEarly,
    /// `--rappels` with more than [`limits::REMINDERS_MAX`] reminders.
    TooManyReminders,
}

type Parser = fn(&[Token]) -> Result<Command, ParseProblem>;

pub struct CommandDef {
    pub id: CommandId,
    pub french: &'static str,
    pub english: &'static str,
    pub audience: Audience,
    /// Where the command makes sense; empty means anywhere.
    pub places: &'static [Place],
    /// `None` until the capability lands.
    pub parser: Option<Parser>,
}

impl CommandDef {
    pub fn name(&self, language: Language) -> &'static str {
        match language {
            Language::Fr => self.french,
            Language::En => self.english,
        }
    }

    pub fn is_available(&self) -> bool {
        self.parser.is_some()
    }

    pub fn allowed_in(&self, place: Place) -> bool {
        self.places.is_empty() || self.places.contains(&place)
    }

    /// Translation ids of the help texts.
    pub fn summary_id(&self) -> String {
        format!("cmd-{}-summary", self.french)
    }
    pub fn usage_id(&self) -> String {
        format!("cmd-{}-usage", self.french)
    }
    pub fn example_id(&self) -> String {
        format!("cmd-{}-example", self.french)
    }

    fn matches(&self, folded_name: &str) -> bool {
        self.french == folded_name || self.english == folded_name
    }
}

const GROUP_ROOMS: &[Place] = &[Place::Theme, Place::Hub];
const VOTING_ROOMS: &[Place] = &[Place::Theme, Place::Hub, Place::Deputy];
const SIGN_UP_ROOMS: &[Place] = &[Place::Theme, Place::Hub, Place::Direct];

const fn def(
    id: CommandId,
    french: &'static str,
    english: &'static str,
    audience: Audience,
    places: &'static [Place],
    parser: Option<Parser>,
) -> CommandDef {
    CommandDef {
        id,
        french,
        english,
        audience,
        places,
        parser,
    }
}

use Audience::{Admins, Coordinators, Everyone};
use CommandId as C;

/// The catalog, in the order `!aide` lists it.
pub static COMMANDS: &[CommandDef] = &[
    def(C::Help, "aide", "help", Everyone, &[], Some(parse_help)),
    def(
        C::Themes,
        "themes",
        "themes",
        Everyone,
        &[],
        Some(parse_themes),
    ),
    def(
        C::Join,
        "inscription",
        "join",
        Everyone,
        SIGN_UP_ROOMS,
        Some(parse_join),
    ),
    def(
        C::Leave,
        "desinscription",
        "leave",
        Everyone,
        SIGN_UP_ROOMS,
        Some(parse_leave),
    ),
    def(
        C::Members,
        "membres",
        "members",
        Everyone,
        &[Place::Theme],
        Some(parse_members),
    ),
    def(
        C::Profile,
        "profil",
        "profile",
        Everyone,
        &[],
        Some(parse_profile),
    ),
    def(
        C::Coordinator,
        "coordination",
        "coordinator",
        Coordinators,
        &[Place::Theme],
        Some(parse_coordinator),
    ),
    def(
        C::Invite,
        "inviter",
        "invite",
        Everyone,
        &[Place::Theme],
        Some(parse_invite),
    ),
    def(
        C::Theme,
        "theme",
        "theme",
        Everyone,
        &[Place::Hub],
        Some(parse_theme),
    ),
    def(
        C::Support,
        "soutenir",
        "support",
        Everyone,
        &[Place::Hub],
        Some(parse_support),
    ),
    def(
        C::MyData,
        "mesdonnees",
        "mydata",
        Everyone,
        &[],
        Some(parse_my_data),
    ),
    def(
        C::Forget,
        "oublier",
        "forget",
        Everyone,
        &[],
        Some(parse_forget),
    ),
    def(
        C::Poll,
        "sondage",
        "poll",
        Everyone,
        VOTING_ROOMS,
        Some(parse_poll),
    ),
    def(
        C::Vote,
        "vote",
        "vote",
        Everyone,
        VOTING_ROOMS,
        Some(parse_vote),
    ),
    def(
        C::Close,
        "cloturer",
        "close",
        Everyone,
        VOTING_ROOMS,
        Some(parse_close),
    ),
    def(
        C::Results,
        "resultats",
        "results",
        Everyone,
        VOTING_ROOMS,
        Some(parse_results),
    ),
    def(
        C::Polls,
        "sondages",
        "polls",
        Everyone,
        VOTING_ROOMS,
        Some(parse_polls),
    ),
    def(
        C::Ballot,
        "scrutin",
        "ballot",
        Everyone,
        GROUP_ROOMS,
        Some(parse_ballot),
    ),
    def(
        C::BallotVote,
        "voter",
        "cast",
        Everyone,
        &[Place::Direct],
        Some(parse_ballot_vote),
    ),
    def(
        C::Meeting,
        "reunion",
        "meeting",
        Everyone,
        GROUP_ROOMS,
        Some(parse_meeting),
    ),
    def(
        C::Cancel,
        "annuler",
        "cancel",
        Everyone,
        GROUP_ROOMS,
        Some(parse_cancel),
    ),
    def(
        C::Move,
        "deplacer",
        "move",
        Everyone,
        GROUP_ROOMS,
        Some(parse_move),
    ),
    def(
        C::Going,
        "participe",
        "going",
        Everyone,
        GROUP_ROOMS,
        Some(parse_going),
    ),
    def(
        C::NotGoing,
        "absent",
        "notgoing",
        Everyone,
        GROUP_ROOMS,
        Some(parse_not_going),
    ),
    def(
        C::Maybe,
        "peutetre",
        "maybe",
        Everyone,
        GROUP_ROOMS,
        Some(parse_maybe),
    ),
    def(
        C::Attendees,
        "participants",
        "attendees",
        Everyone,
        GROUP_ROOMS,
        Some(parse_attendees),
    ),
    def(
        C::Reminders,
        "rappels",
        "reminders",
        Everyone,
        &[],
        Some(parse_reminders),
    ),
    def(
        C::Agenda,
        "agenda",
        "agenda",
        Everyone,
        &[],
        Some(parse_agenda),
    ),
    def(
        C::Slots,
        "creneaux",
        "slots",
        Everyone,
        GROUP_ROOMS,
        Some(parse_slots),
    ),
    def(
        C::Assembly,
        "ag",
        "assembly",
        Admins,
        &[Place::Hub],
        Some(parse_assembly),
    ),
    def(
        C::Report,
        "remontee",
        "report",
        Everyone,
        &[Place::Theme, Place::Direct],
        Some(parse_report),
    ),
    def(
        C::Reply,
        "repondre",
        "reply",
        Everyone,
        &[Place::Deputy],
        Some(parse_reply),
    ),
    def(
        C::Status,
        "statut",
        "status",
        Everyone,
        &[Place::Deputy],
        Some(parse_status),
    ),
    def(
        C::Reports,
        "remontees",
        "reports",
        Everyone,
        &[Place::Deputy],
        Some(parse_reports),
    ),
    def(
        C::Announce,
        "annonce",
        "announce",
        Everyone,
        &[Place::Deputy],
        Some(parse_announce),
    ),
    def(
        C::Speaker,
        "intervenant",
        "speaker",
        Everyone,
        &[Place::Theme],
        Some(parse_speaker),
    ),
    def(
        C::Speakers,
        "intervenants",
        "speakers",
        Everyone,
        &[Place::Theme],
        Some(parse_speakers),
    ),
    def(
        C::Digest,
        "digest",
        "digest",
        Everyone,
        &[Place::Deputy],
        Some(parse_digest),
    ),
];

pub fn definition(id: CommandId) -> &'static CommandDef {
    COMMANDS
        .iter()
        .find(|definition| definition.id == id)
        .expect("every command id has a definition")
}

/// Finds a command by a name as typed (any case, with or without accents,
/// French or English).
pub fn lookup(typed: &str) -> Option<&'static CommandDef> {
    let folded = fold(typed);
    COMMANDS
        .iter()
        .find(|definition| definition.matches(&folded))
}

/// The command whose name is closest to `typed`, if one is close enough to be
/// a plausible typo (`reunoin` → `reunion`, `inscri` → `inscription`).
pub fn closest(typed: &str, language: Language) -> Option<&'static CommandDef> {
    // No command name is longer: comparing more would cost time for nothing.
    let typed: String = typed.chars().take(limits::SUGGESTION_MAX_CHARS).collect();
    let folded = fold(&typed);
    if folded.chars().count() < 2 {
        return None;
    }
    let allowed = if folded.chars().count() <= 4 { 1 } else { 2 };
    COMMANDS
        .iter()
        .flat_map(|definition| {
            [
                definition.name(language),
                definition.french,
                definition.english,
            ]
            .map(move |name| (definition, name))
        })
        .filter_map(|(definition, name)| {
            let distance = strsim::damerau_levenshtein(&folded, name);
            let is_prefix = folded.len() >= 3 && name.starts_with(&folded);
            (distance <= allowed || is_prefix).then_some((distance, definition))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, definition)| definition)
}

/// The text after the prefix, if `body` starts with it. Phones sometimes put
/// a space after the prefix ("! aide"), and a word prefix ("boucle:") is
/// naturally followed by one.
fn after_prefix<'a>(body: &'a str, prefix: &str) -> Option<&'a str> {
    Some(body.trim_start().strip_prefix(prefix)?.trim_start())
}

/// Whether a message may be a command at all: the cheap test the adapter
/// runs before fetching anything (such as the sender's power level) for it.
pub fn may_be_command(body: &str, prefix: &str) -> bool {
    after_prefix(body, prefix).is_some()
}

/// What a message turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// No prefix: an ordinary message, ignored.
    NotCommand,
    Command(Command),
    /// The prefix followed by a name boucle does not know.
    Unknown {
        typed: String,
        suggestion: Option<CommandId>,
    },
    /// A known command whose arguments are wrong.
    Invalid {
        id: CommandId,
        problem: ParseProblem,
    },
    /// A known command whose capability has not landed yet.
    NotYetAvailable(CommandId),
}

/// Parses a message body. Pure and total: never panics, whatever the input.
pub fn parse(body: &str, prefix: &str, language: Language) -> Parsed {
    let Some(rest) = after_prefix(body, prefix) else {
        return Parsed::NotCommand;
    };
    let tokens = tokenize(rest);
    let Some(Token::Word(name)) = tokens.first() else {
        return Parsed::NotCommand;
    };
    // A prefix alone or followed by punctuation ("!!!", "!?", "!123") is not
    // addressed to us, and neither is a quoted phrase.
    if !name.chars().next().is_some_and(char::is_alphabetic) || !rest.starts_with(name.as_str()) {
        return Parsed::NotCommand;
    }
    let Some(definition) = lookup(name) else {
        return Parsed::Unknown {
            typed: name.clone(),
            suggestion: closest(name, language).map(|definition| definition.id),
        };
    };
    let Some(parser) = definition.parser else {
        return Parsed::NotYetAvailable(definition.id);
    };
    if let Some(problem) = too_long(definition.id, rest, &tokens[1..]) {
        return Parsed::Invalid {
            id: definition.id,
            problem,
        };
    }
    match parser(&tokens[1..]) {
        Ok(command) => Parsed::Command(command),
        Err(problem) => Parsed::Invalid {
            id: definition.id,
            problem,
        },
    }
}

/// The limit a command line goes over, if any: the whole line, or one of
/// its fields (a long text is one field for the commands that carry one).
fn too_long(id: CommandId, rest: &str, arguments: &[Token]) -> Option<ParseProblem> {
    if rest.chars().nth(limits::TEXT_MAX_CHARS).is_some() {
        return Some(ParseProblem::TooLong {
            max: limits::TEXT_MAX_CHARS,
        });
    }
    if matches!(
        id,
        CommandId::Report | CommandId::Reply | CommandId::Announce
    ) {
        return None;
    }
    arguments
        .split(|token| *token == Token::Separator)
        .any(|segment| {
            let words: usize = segment
                .iter()
                .filter_map(Token::as_word)
                .map(|word| word.chars().count() + 1)
                .sum();
            words > limits::FIELD_MAX_CHARS + 1
        })
        .then_some(ParseProblem::FieldTooLong {
            max: limits::FIELD_MAX_CHARS,
        })
}

/// `!aide [commande]`: the topic may be written with or without the prefix.
fn parse_help(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let words: Vec<&str> = arguments.iter().filter_map(Token::as_word).collect();
    let topic = match words.as_slice() {
        [] => None,
        [first, ..] => {
            let name = first.trim_start_matches(|c: char| !c.is_alphanumeric());
            Some(match lookup(name) {
                Some(definition) => HelpTopic::Command(definition.id),
                None => HelpTopic::Unknown(words.join(" ")),
            })
        }
    };
    Ok(Command::Help { topic })
}

fn words(arguments: &[Token]) -> Vec<&str> {
    arguments.iter().filter_map(Token::as_word).collect()
}

/// The arguments as one phrase (`Santé et social`), or `None` if empty.
fn phrase(arguments: &[Token]) -> Option<String> {
    let words = words(arguments);
    (!words.is_empty()).then(|| words.join(" "))
}

fn no_arguments(command: Command) -> impl Fn(&[Token]) -> Result<Command, ParseProblem> {
    // Extra words after a command that takes none are harmless ("!themes
    // svp"): answering is more useful than refusing.
    move |_| Ok(command.clone())
}

fn parse_themes(arguments: &[Token]) -> Result<Command, ParseProblem> {
    no_arguments(Command::Themes)(arguments)
}

fn parse_members(arguments: &[Token]) -> Result<Command, ParseProblem> {
    no_arguments(Command::Members)(arguments)
}

fn parse_my_data(arguments: &[Token]) -> Result<Command, ParseProblem> {
    no_arguments(Command::MyData)(arguments)
}

fn parse_join(arguments: &[Token]) -> Result<Command, ParseProblem> {
    Ok(Command::Join {
        theme: phrase(arguments),
    })
}

fn parse_leave(arguments: &[Token]) -> Result<Command, ParseProblem> {
    Ok(Command::Leave {
        theme: phrase(arguments),
    })
}

fn parse_profile(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let Some((first, rest)) = arguments.split_first() else {
        return Ok(Command::Profile(ProfileCommand::Show));
    };
    let action = first.as_word().map(fold).unwrap_or_default();
    let value = || phrase(rest).ok_or(ParseProblem::Missing);
    Ok(Command::Profile(match action.as_str() {
        "commune" | "ville" | "town" | "city" => ProfileCommand::Commune(value()?),
        "collectif" | "association" | "asso" | "collective" => ProfileCommand::Collective(value()?),
        "effacer" | "vider" | "clear" => ProfileCommand::Clear,
        _ => return Err(ParseProblem::UnknownAction),
    }))
}

/// A Matrix user id as typed, possibly pasted as a matrix.to link.
fn user_id(arguments: &[Token]) -> Result<String, ParseProblem> {
    let typed = words(arguments)
        .first()
        .copied()
        .ok_or(ParseProblem::Missing)?;
    let typed = typed
        .strip_prefix("https://matrix.to/#/")
        .unwrap_or(typed)
        .trim_end_matches([',', '.', ':']);
    let is_user_id = typed.starts_with('@')
        && typed[1..]
            .split_once(':')
            .is_some_and(|(local, server)| !local.is_empty() && !server.is_empty());
    if is_user_id {
        Ok(typed.to_owned())
    } else {
        Err(ParseProblem::NotAUserId)
    }
}

fn parse_coordinator(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let is_remove = |token: &Token| {
        token
            .as_word()
            .is_some_and(|word| matches!(fold(word).as_str(), "retirer" | "remove" | "enlever"))
    };
    let remove = arguments.iter().any(is_remove);
    let rest: Vec<Token> = arguments
        .iter()
        .filter(|t| !is_remove(t))
        .cloned()
        .collect();
    Ok(Command::Coordinator {
        user_id: user_id(&rest)?,
        remove,
    })
}

fn parse_invite(arguments: &[Token]) -> Result<Command, ParseProblem> {
    Ok(Command::Invite {
        user_id: user_id(arguments)?,
    })
}

fn parse_theme(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let Some((first, rest)) = arguments.split_first() else {
        return Err(ParseProblem::Missing);
    };
    let action = first.as_word().map(fold).unwrap_or_default();
    let name = || phrase(rest).ok_or(ParseProblem::Missing);
    Ok(Command::Theme(match action.as_str() {
        "proposer" | "propose" => ThemeCommand::Propose { name: name()? },
        "creer" | "create" => ThemeCommand::Create { name: name()? },
        "archiver" | "archive" => ThemeCommand::Archive { theme: name()? },
        "reactiver" | "reactivate" | "restore" => ThemeCommand::Reactivate { theme: name()? },
        _ => return Err(ParseProblem::UnknownAction),
    }))
}

fn parse_support(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let typed = words(arguments)
        .first()
        .copied()
        .ok_or(ParseProblem::Missing)?;
    typed
        .trim_start_matches(['#', 'n', '°'])
        .parse()
        .map(|proposal| Command::Support { proposal })
        .map_err(|_| ParseProblem::NotANumber)
}

fn parse_forget(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let confirmed = words(arguments)
        .first()
        .is_some_and(|word| matches!(fold(word).as_str(), "confirmer" | "confirm" | "oui" | "yes"));
    Ok(Command::Forget { confirmed })
}

/// Splits `--flags` (with their values) from the rest of a command line.
/// Returns the remaining tokens and the flags as (folded name, value words).
fn take_flags(arguments: &[Token]) -> (Vec<Token>, Vec<(String, Vec<String>)>) {
    let mut rest = Vec::new();
    let mut flags: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_flag = false;
    for token in arguments {
        match token {
            Token::Word(word) if word.starts_with("--") || word.starts_with('—') => {
                let name =
                    fold(word.trim_start_matches(['-', '—'])).replace(['\u{2019}', '\''], "");
                flags.push((name, Vec::new()));
                in_flag = true;
            }
            Token::Word(word) if in_flag => {
                if let Some((_, values)) = flags.last_mut() {
                    values.push(word.clone());
                }
            }
            Token::Separator => {
                in_flag = false;
                rest.push(Token::Separator);
            }
            other => rest.push(other.clone()),
        }
    }
    (rest, flags)
}

fn parse_poll(arguments: &[Token]) -> Result<Command, ParseProblem> {
    poll_request(arguments, false).map(Command::Poll)
}

fn parse_ballot(arguments: &[Token]) -> Result<Command, ParseProblem> {
    poll_request(arguments, true).map(Command::Ballot)
}

/// `!voter n choix`, or `!voter n` alone: « write me the ballot in
/// private », so that nobody has to know how to open a direct chat.
fn parse_ballot_vote(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let words = words(arguments);
    if let [only] = words.as_slice() {
        let ballot = poll_number(only).ok_or(ParseProblem::NotANumber)?;
        return Ok(Command::BallotVote {
            ballot,
            choices: String::new(),
        });
    }
    match parse_vote(arguments)? {
        Command::Vote { poll, choices } => Ok(Command::BallotVote {
            ballot: poll,
            choices,
        }),
        other => Ok(other),
    }
}

/// The shared syntax of `!sondage` and `!scrutin`.
fn poll_request(arguments: &[Token], secret: bool) -> Result<PollRequest, ParseProblem> {
    let (rest, flags) = take_flags(arguments);
    let mut request = PollRequest {
        question: String::new(),
        options: Vec::new(),
        multiple: None,
        until: None,
        hidden: false,
        quorum: None,
    };
    for (name, values) in flags {
        match name.as_str() {
            "quorum" if secret => {
                let count = values.first().and_then(|value| value.parse::<u32>().ok());
                request.quorum = Some(count.ok_or(ParseProblem::BadFlag(name.clone()))?);
            }
            "plusieurs" | "multiple" | "multi" => {
                let count = values.first().and_then(|value| value.parse::<u32>().ok());
                request.multiple = Some(
                    count
                        .filter(|count| *count >= 1)
                        .ok_or(ParseProblem::BadFlag(name.clone()))?,
                );
            }
            "jusquau" | "jusqua" | "until" | "fin" => {
                if values.is_empty() {
                    return Err(ParseProblem::BadFlag(name));
                }
                request.until = Some(values.join(" "));
            }
            "resultats-caches" | "caches" | "secret-results" | "hidden" if !secret => {
                request.hidden = true
            }
            _ => return Err(ParseProblem::BadFlag(name)),
        }
    }
    let mut segments = rest.split(|token| *token == Token::Separator).peekable();
    // Flags alone on the first line (« !sondage --plusieurs 2 » then the
    // question on the next) leave that line empty.
    let starts_with_flag = arguments
        .first()
        .and_then(Token::as_word)
        .is_some_and(|word| word.starts_with("--"));
    if starts_with_flag && segments.peek().is_some_and(|segment| segment.is_empty()) {
        segments.next();
    }
    request.question = segments
        .next()
        .and_then(phrase)
        .ok_or(ParseProblem::NoQuestion)?;
    request.options = segments.filter_map(phrase).collect();
    if !POLL_OPTIONS.contains(&request.options.len()) {
        return Err(ParseProblem::OptionCount {
            found: request.options.len(),
        });
    }
    Ok(request)
}

/// A poll number as typed: `3`, `#3`, `n°3`.
fn poll_number(word: &str) -> Option<u64> {
    word.trim_start_matches(['#', 'n', 'N', '°']).parse().ok()
}

fn parse_vote(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let words = words(arguments);
    let (first, rest) = words.split_first().ok_or(ParseProblem::Missing)?;
    let poll = poll_number(first).ok_or(ParseProblem::NotANumber)?;
    if rest.is_empty() {
        return Err(ParseProblem::Missing);
    }
    Ok(Command::Vote {
        poll,
        choices: rest.join(" "),
    })
}

fn optional_poll(arguments: &[Token]) -> Result<Option<u64>, ParseProblem> {
    match words(arguments).first() {
        None => Ok(None),
        Some(word) => poll_number(word).map(Some).ok_or(ParseProblem::NotANumber),
    }
}

fn parse_close(arguments: &[Token]) -> Result<Command, ParseProblem> {
    Ok(Command::Close {
        poll: optional_poll(arguments)?,
    })
}

fn parse_results(arguments: &[Token]) -> Result<Command, ParseProblem> {
    Ok(Command::Results {
        poll: optional_poll(arguments)?,
    })
}

fn parse_polls(arguments: &[Token]) -> Result<Command, ParseProblem> {
    no_arguments(Command::Polls)(arguments)
}

/// `semaine`, `2 semaines`, `mois`, `week`, `2 weeks`, `month`: at most
/// once a year. `None` when it does not read as a repeat at all.
pub fn parse_recurrence(values: &[String]) -> Option<Result<Recurrence, ParseProblem>> {
    let (count, unit) = match values {
        [unit] => (1, unit.as_str()),
        // Digits beyond any number are surely too rare.
        [count, unit] if !count.is_empty() && count.chars().all(|c| c.is_ascii_digit()) => {
            (count.parse::<u64>().unwrap_or(u64::MAX), unit.as_str())
        }
        _ => return None,
    };
    if count == 0 {
        return None;
    }
    let (recurrence, max): (fn(u32) -> Recurrence, u32) = match fold(unit).trim_end_matches('s') {
        "semaine" | "week" => (Recurrence::Weeks, limits::REPEAT_MAX_WEEKS),
        "moi" | "month" => (Recurrence::Months, limits::REPEAT_MAX_MONTHS),
        _ => return None,
    };
    Some(
        u32::try_from(count)
            .ok()
            .filter(|count| *count <= max)
            .map(recurrence)
            .ok_or(ParseProblem::RepeatTooRare),
    )
}

/// `2j,1h`, `30min`, `1sem`, `1d,1h`: reminder offsets in minutes, at most
/// a month ahead and five of them. `None` when it does not read as offsets.
pub fn parse_offsets(text: &str) -> Option<Result<Vec<u32>, ParseProblem>> {
    let mut offsets = Vec::new();
    let mut too_early = false;
    for part in text
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        let folded = fold(part);
        let digits: String = folded.chars().take_while(char::is_ascii_digit).collect();
        let amount: u64 = digits.parse().ok().or_else(|| {
            // Digits beyond any number: surely too far ahead.
            (!digits.is_empty()).then_some(u64::MAX)
        })?;
        let unit = match folded[digits.len()..].trim_end_matches('s') {
            "min" | "minute" | "m" => 1,
            "h" | "heure" | "hour" => 60,
            "j" | "jour" | "d" | "day" => 24 * 60,
            "sem" | "semaine" | "w" | "week" => 7 * 24 * 60,
            _ => return None,
        };
        let minutes = amount
            .checked_mul(unit)
            .and_then(|minutes| u32::try_from(minutes).ok())
            .filter(|minutes| *minutes <= limits::REMINDER_MAX_MINUTES);
        match minutes {
            None => too_early = true,
            Some(minutes) if minutes > 0 && !offsets.contains(&minutes) => offsets.push(minutes),
            Some(_) => {}
        }
    }
    if too_early {
        return Some(Err(ParseProblem::ReminderTooEarly));
    }
    if offsets.len() > limits::REMINDERS_MAX {
        return Some(Err(ParseProblem::TooManyReminders));
    }
    offsets.sort_unstable_by(|a, b| b.cmp(a));
    Some(Ok(offsets))
}

fn parse_meeting(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let (rest, flags) = take_flags(arguments);
    let mut request = MeetingRequest {
        when: String::new(),
        place: None,
        subject: None,
        video: None,
        recurrence: None,
        reminders: None,
        private: false,
    };
    for (name, values) in flags {
        match name.as_str() {
            "visio" | "video" | "lien" | "link" => {
                request.video = Some(values.join(" ")).filter(|link| !link.is_empty());
                if request.video.is_none() {
                    return Err(ParseProblem::BadFlag(name));
                }
            }
            "chaque" | "every" | "tous-les" | "toutes-les" => {
                request.recurrence =
                    Some(parse_recurrence(&values).ok_or(ParseProblem::BadFlag(name))??);
            }
            "rappels" | "rappel" | "reminders" | "reminder" => {
                request.reminders =
                    Some(parse_offsets(&values.join(",")).ok_or(ParseProblem::BadFlag(name))??);
            }
            "prive" | "privee" | "private" if values.is_empty() => request.private = true,
            _ => return Err(ParseProblem::BadFlag(name)),
        }
    }
    let mut segments = rest.split(|token| *token == Token::Separator).map(phrase);
    request.when = segments.next().flatten().ok_or(ParseProblem::Missing)?;
    request.place = segments.next().flatten();
    request.subject = segments.flatten().reduce(|a, b| format!("{a} | {b}"));
    Ok(Command::Meeting(request))
}

/// Whether a word is the anonymity flag of `!remontee`.
pub fn is_anonymous_flag(word: &str) -> bool {
    matches!(
        fold(word.trim_start_matches(['-', '—'])).as_str(),
        "anonyme" | "anonymous" | "anon"
    ) && word.starts_with(['-', '—'])
}

fn parse_report(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let words = words(arguments);
    let anonymous = words.iter().any(|word| is_anonymous_flag(word));
    let has_text = words.iter().any(|word| !is_anonymous_flag(word));
    Ok(Command::Report {
        has_text,
        anonymous,
    })
}

fn parse_reply(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let (report, rest) = meeting_number(arguments)?;
    if rest.is_empty() {
        return Err(ParseProblem::Missing);
    }
    Ok(Command::Reply { report })
}

fn parse_status(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let (report, rest) = meeting_number(arguments)?;
    let typed = rest.join(" ");
    let status = match fold(&typed).replace(' ', "-").as_str() {
        "recu" | "received" => ReportStatus::Received,
        "en-cours" | "encours" | "in-progress" => ReportStatus::InProgress,
        "traite" | "handled" | "done" => ReportStatus::Handled,
        "classe" | "closed" | "classe-sans-suite" => ReportStatus::Closed,
        "" => return Err(ParseProblem::Missing),
        _ => return Err(ParseProblem::UnknownAction),
    };
    Ok(Command::Status { report, status })
}

fn parse_reports(arguments: &[Token]) -> Result<Command, ParseProblem> {
    Ok(Command::Reports {
        filter: phrase(arguments),
    })
}

fn parse_announce(arguments: &[Token]) -> Result<Command, ParseProblem> {
    if words(arguments).is_empty() {
        return Err(ParseProblem::Missing);
    }
    Ok(Command::Announce)
}

fn parse_speaker(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let mut segments = arguments
        .split(|token| *token == Token::Separator)
        .map(phrase);
    let name = segments.next().flatten().ok_or(ParseProblem::Missing)?;
    Ok(Command::Speaker {
        name,
        subject: segments.next().flatten(),
        contact: segments.next().flatten(),
    })
}

fn parse_speakers(arguments: &[Token]) -> Result<Command, ParseProblem> {
    no_arguments(Command::Speakers)(arguments)
}

fn parse_digest(arguments: &[Token]) -> Result<Command, ParseProblem> {
    no_arguments(Command::Digest)(arguments)
}

fn parse_assembly(arguments: &[Token]) -> Result<Command, ParseProblem> {
    match parse_meeting(arguments)? {
        Command::Meeting(request) => Ok(Command::Assembly(request)),
        other => Ok(other),
    }
}

fn meeting_number(arguments: &[Token]) -> Result<(u64, Vec<String>), ParseProblem> {
    let words = words(arguments);
    let (first, rest) = words.split_first().ok_or(ParseProblem::Missing)?;
    let number = poll_number(first).ok_or(ParseProblem::NotANumber)?;
    Ok((number, rest.iter().map(|word| (*word).to_owned()).collect()))
}

fn parse_cancel(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let (meeting, _) = meeting_number(arguments)?;
    Ok(Command::Cancel { meeting })
}

fn parse_move(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let (meeting, rest) = meeting_number(arguments)?;
    if rest.is_empty() {
        return Err(ParseProblem::Missing);
    }
    Ok(Command::Move {
        meeting,
        when: rest.join(" "),
    })
}

fn rsvp(arguments: &[Token], answer: Attendance) -> Result<Command, ParseProblem> {
    Ok(Command::Rsvp {
        meeting: optional_poll(arguments)?,
        answer,
    })
}

fn parse_going(arguments: &[Token]) -> Result<Command, ParseProblem> {
    rsvp(arguments, Attendance::Going)
}

fn parse_not_going(arguments: &[Token]) -> Result<Command, ParseProblem> {
    rsvp(arguments, Attendance::NotGoing)
}

fn parse_maybe(arguments: &[Token]) -> Result<Command, ParseProblem> {
    rsvp(arguments, Attendance::Maybe)
}

fn parse_attendees(arguments: &[Token]) -> Result<Command, ParseProblem> {
    Ok(Command::Attendees {
        meeting: optional_poll(arguments)?,
    })
}

fn parse_reminders(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let Some(word) = words(arguments).first().map(|word| fold(word)) else {
        return Ok(Command::Reminders(None));
    };
    let choice = match word.as_str() {
        "salon" | "room" | "groupe" => ReminderChoice::Room,
        "prive" | "dm" | "private" | "direct" => ReminderChoice::Direct,
        "aucun" | "off" | "non" | "none" | "aucune" => ReminderChoice::Off,
        _ => return Err(ParseProblem::UnknownAction),
    };
    Ok(Command::Reminders(Some(choice)))
}

fn parse_agenda(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let ics = words(arguments).first().is_some_and(|word| {
        matches!(
            fold(word).as_str(),
            "ics" | "calendrier" | "calendar" | ".ics"
        )
    });
    Ok(Command::Agenda { ics })
}

fn parse_slots(arguments: &[Token]) -> Result<Command, ParseProblem> {
    let first = arguments.first().and_then(Token::as_word).map(fold);
    if matches!(
        first.as_deref(),
        Some("clore" | "close" | "cloturer" | "fermer")
    ) {
        return Ok(Command::SlotsClose {
            poll: optional_poll(&arguments[1..])?,
        });
    }
    let mut segments = arguments
        .split(|token| *token == Token::Separator)
        .filter_map(phrase);
    let subject = segments.next().ok_or(ParseProblem::Missing)?;
    let slots: Vec<String> = segments.collect();
    if !(2..=10).contains(&slots.len()) {
        return Err(ParseProblem::SlotCount { found: slots.len() });
    }
    Ok(Command::Slots { subject, slots })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: &str, expected: Parsed) {
        assert_eq!(parse(body, "!", Language::Fr), expected, "parse({body:?})");
    }

    #[test]
    fn help_parses_in_both_languages_any_case_and_accents() {
        let plain = Parsed::Command(Command::Help { topic: None });
        check("!aide", plain.clone());
        check("!help", plain.clone());
        check("!AIDE", plain.clone());
        check("  !Aidé  ", plain.clone());
        check("!aide\n", plain.clone());
        check("! aide", plain);
        let about_poll = Parsed::Command(Command::Help {
            topic: Some(HelpTopic::Command(CommandId::Poll)),
        });
        check("!aide sondage", about_poll.clone());
        check("!aide !sondage", about_poll.clone());
        check("!help poll", about_poll.clone());
        check("!aide « sondage »", about_poll);
        check(
            "!aide réunion",
            Parsed::Command(Command::Help {
                topic: Some(HelpTopic::Command(CommandId::Meeting)),
            }),
        );
        check(
            "!aide n'importe quoi",
            Parsed::Command(Command::Help {
                topic: Some(HelpTopic::Unknown("n'importe quoi".into())),
            }),
        );
    }

    #[test]
    fn only_prefixed_messages_may_be_commands() {
        assert!(may_be_command("  !aide", "!"));
        assert!(may_be_command("boucle: aide", "boucle:"));
        assert!(!may_be_command("bonjour !aide", "!"));
        // Everything `parse` treats as a command passes the cheap test.
        for body in ["!aide", "! aide", "!reunoin", "!sondage x"] {
            assert_ne!(parse(body, "!", Language::Fr), Parsed::NotCommand);
            assert!(may_be_command(body, "!"));
        }
    }

    #[test]
    fn messages_without_the_prefix_are_not_commands() {
        for body in [
            "aide",
            "bonjour !aide",
            "",
            "   ",
            "!",
            "!!!",
            "!?",
            "!123",
            "!« aide »",
        ] {
            check(body, Parsed::NotCommand);
        }
    }

    #[test]
    fn typos_get_the_closest_command() {
        let cases = [
            ("!reunoin", Some(CommandId::Meeting)),
            ("!réunoin", Some(CommandId::Meeting)),
            ("!aied", Some(CommandId::Help)),
            ("!inscri", Some(CommandId::Join)),
            ("!sondag", Some(CommandId::Poll)),
            ("!hepl", Some(CommandId::Help)),
            ("!xyzzyplugh", None),
        ];
        for (body, suggestion) in cases {
            let typed = body.trim_start_matches('!').to_owned();
            check(body, Parsed::Unknown { typed, suggestion });
        }
    }

    #[test]
    fn working_group_commands_parse() {
        let cases = [
            ("!themes", Command::Themes),
            ("!join", Command::Join { theme: None }),
            (
                "!inscription Santé et social",
                Command::Join {
                    theme: Some("Santé et social".into()),
                },
            ),
            (
                "!désinscription « logement »",
                Command::Leave {
                    theme: Some("logement".into()),
                },
            ),
            ("!membres", Command::Members),
            ("!profil", Command::Profile(ProfileCommand::Show)),
            (
                "!profil commune Saint-Brieuc",
                Command::Profile(ProfileCommand::Commune("Saint-Brieuc".into())),
            ),
            (
                "!profile collective Eau Pure 22",
                Command::Profile(ProfileCommand::Collective("Eau Pure 22".into())),
            ),
            ("!profil effacer", Command::Profile(ProfileCommand::Clear)),
            (
                "!coordination @yann:exemple.fr",
                Command::Coordinator {
                    user_id: "@yann:exemple.fr".into(),
                    remove: false,
                },
            ),
            (
                "!coordination retirer @yann:exemple.fr",
                Command::Coordinator {
                    user_id: "@yann:exemple.fr".into(),
                    remove: true,
                },
            ),
            (
                "!inviter https://matrix.to/#/@asso:exemple.fr",
                Command::Invite {
                    user_id: "@asso:exemple.fr".into(),
                },
            ),
            (
                "!theme proposer Transports et mobilité",
                Command::Theme(ThemeCommand::Propose {
                    name: "Transports et mobilité".into(),
                }),
            ),
            (
                "!theme créer Culture",
                Command::Theme(ThemeCommand::Create {
                    name: "Culture".into(),
                }),
            ),
            (
                "!theme archive sante",
                Command::Theme(ThemeCommand::Archive {
                    theme: "sante".into(),
                }),
            ),
            (
                "!theme réactiver sante",
                Command::Theme(ThemeCommand::Reactivate {
                    theme: "sante".into(),
                }),
            ),
            ("!soutenir 2", Command::Support { proposal: 2 }),
            ("!support #12", Command::Support { proposal: 12 }),
            ("!mesdonnées", Command::MyData),
            ("!oublier", Command::Forget { confirmed: false }),
            ("!forget confirm", Command::Forget { confirmed: true }),
            ("!oublier CONFIRMER", Command::Forget { confirmed: true }),
        ];
        for (body, command) in cases {
            check(body, Parsed::Command(command));
        }
    }

    #[test]
    fn working_group_commands_say_what_is_wrong() {
        let cases = [
            (
                "!coordination",
                CommandId::Coordinator,
                ParseProblem::Missing,
            ),
            (
                "!coordination camille",
                CommandId::Coordinator,
                ParseProblem::NotAUserId,
            ),
            ("!inviter @:x", CommandId::Invite, ParseProblem::NotAUserId),
            ("!theme", CommandId::Theme, ParseProblem::Missing),
            ("!theme proposer", CommandId::Theme, ParseProblem::Missing),
            (
                "!theme renommer x",
                CommandId::Theme,
                ParseProblem::UnknownAction,
            ),
            ("!soutenir", CommandId::Support, ParseProblem::Missing),
            (
                "!soutenir deux",
                CommandId::Support,
                ParseProblem::NotANumber,
            ),
            (
                "!profil age 40",
                CommandId::Profile,
                ParseProblem::UnknownAction,
            ),
            ("!profil commune", CommandId::Profile, ParseProblem::Missing),
        ];
        for (body, id, problem) in cases {
            check(body, Parsed::Invalid { id, problem });
        }
    }

    #[test]
    fn polls_parse_with_their_options_and_flags() {
        check(
            "!sondage Quel thème pour la réunion publique ?\nSanté\nLogement\nÉnergie",
            Parsed::Command(Command::Poll(PollRequest {
                question: "Quel thème pour la réunion publique ?".into(),
                options: vec!["Santé".into(), "Logement".into(), "Énergie".into()],
                multiple: None,
                until: None,
                hidden: false,
                quorum: None,
            })),
        );
        check(
            "!poll Quoi ? --multiple 2 --until tomorrow 6pm | A | B ; C --hidden",
            Parsed::Command(Command::Poll(PollRequest {
                question: "Quoi ?".into(),
                options: vec!["A".into(), "B".into(), "C".into()],
                multiple: Some(2),
                until: Some("tomorrow 6pm".into()),
                hidden: true,
                quorum: None,
            })),
        );
        check(
            "!sondage --jusqu'au jeudi 18h --résultats-cachés\nOn se voit quand ?\nMardi\nJeudi",
            Parsed::Command(Command::Poll(PollRequest {
                question: "On se voit quand ?".into(),
                options: vec!["Mardi".into(), "Jeudi".into()],
                multiple: None,
                until: Some("jeudi 18h".into()),
                hidden: true,
                quorum: None,
            })),
        );
        let twenty_one = format!("!sondage Q{}", "\nx".repeat(21));
        let problems = [
            ("!sondage Q | seule", ParseProblem::OptionCount { found: 1 }),
            (twenty_one.as_str(), ParseProblem::OptionCount { found: 21 }),
            ("!sondage | A | B", ParseProblem::NoQuestion),
            (
                "!sondage Q | A | B --plusieurs",
                ParseProblem::BadFlag("plusieurs".into()),
            ),
            (
                "!sondage Q | A | B --vite",
                ParseProblem::BadFlag("vite".into()),
            ),
        ];
        for (body, problem) in problems {
            check(
                body,
                Parsed::Invalid {
                    id: CommandId::Poll,
                    problem,
                },
            );
        }
        check(
            "!vote 3 Logement",
            Parsed::Command(Command::Vote {
                poll: 3,
                choices: "Logement".into(),
            }),
        );
        check(
            "!vote #3 1, 2",
            Parsed::Command(Command::Vote {
                poll: 3,
                choices: "1, 2".into(),
            }),
        );
        check(
            "!vote Logement",
            Parsed::Invalid {
                id: CommandId::Vote,
                problem: ParseProblem::NotANumber,
            },
        );
        check(
            "!vote 3",
            Parsed::Invalid {
                id: CommandId::Vote,
                problem: ParseProblem::Missing,
            },
        );
        check("!cloturer", Parsed::Command(Command::Close { poll: None }));
        check(
            "!close 4",
            Parsed::Command(Command::Close { poll: Some(4) }),
        );
        check(
            "!résultats",
            Parsed::Command(Command::Results { poll: None }),
        );
        check("!sondages", Parsed::Command(Command::Polls));
        check(
            "!scrutin Qui ? | Camille | Yann --quorum 5",
            Parsed::Command(Command::Ballot(PollRequest {
                question: "Qui ?".into(),
                options: vec!["Camille".into(), "Yann".into()],
                multiple: None,
                until: None,
                hidden: false,
                quorum: Some(5),
            })),
        );
        check(
            "!sondage Qui ? | Camille | Yann --quorum 5",
            Parsed::Invalid {
                id: CommandId::Poll,
                problem: ParseProblem::BadFlag("quorum".into()),
            },
        );
        check(
            "!voter 4 Camille",
            Parsed::Command(Command::BallotVote {
                ballot: 4,
                choices: "Camille".into(),
            }),
        );
    }

    #[test]
    fn meeting_commands_parse() {
        check(
            "!reunion jeudi 18h30 | Maison des associations | Préparer la réunion publique",
            Parsed::Command(Command::Meeting(MeetingRequest {
                when: "jeudi 18h30".into(),
                place: Some("Maison des associations".into()),
                subject: Some("Préparer la réunion publique".into()),
                video: None,
                recurrence: None,
                reminders: None,
                private: false,
            })),
        );
        check(
            "!meeting tomorrow 6pm --visio https://visio.example/ap --every 2 weeks --reminders 2d,1h",
            Parsed::Command(Command::Meeting(MeetingRequest {
                when: "tomorrow 6pm".into(),
                place: None,
                subject: None,
                video: Some("https://visio.example/ap".into()),
                recurrence: Some(Recurrence::Weeks(2)),
                reminders: Some(vec![2880, 60]),
                private: false,
            })),
        );
        check(
            "!réunion le 3 décembre à 18h30 --chaque mois --rappels 1sem, 30min",
            Parsed::Command(Command::Meeting(MeetingRequest {
                when: "le 3 décembre à 18h30".into(),
                place: None,
                subject: None,
                video: None,
                recurrence: Some(Recurrence::Months(1)),
                reminders: Some(vec![10080, 30]),
                private: false,
            })),
        );
        for (body, problem) in [
            ("!reunion", ParseProblem::Missing),
            (
                "!reunion jeudi 18h --chaque jour",
                ParseProblem::BadFlag("chaque".into()),
            ),
            (
                "!reunion jeudi 18h --rappels bientot",
                ParseProblem::BadFlag("rappels".into()),
            ),
        ] {
            check(
                body,
                Parsed::Invalid {
                    id: CommandId::Meeting,
                    problem,
                },
            );
        }
        check(
            "!annuler 5",
            Parsed::Command(Command::Cancel { meeting: 5 }),
        );
        check(
            "!cancel",
            Parsed::Invalid {
                id: CommandId::Cancel,
                problem: ParseProblem::Missing,
            },
        );
        check(
            "!déplacer 5 vendredi 18h",
            Parsed::Command(Command::Move {
                meeting: 5,
                when: "vendredi 18h".into(),
            }),
        );
        check(
            "!participe",
            Parsed::Command(Command::Rsvp {
                meeting: None,
                answer: Attendance::Going,
            }),
        );
        check(
            "!notgoing 5",
            Parsed::Command(Command::Rsvp {
                meeting: Some(5),
                answer: Attendance::NotGoing,
            }),
        );
        check(
            "!peut-être",
            Parsed::Unknown {
                typed: "peut-être".into(),
                suggestion: Some(CommandId::Maybe),
            },
        );
        check(
            "!peutetre 2",
            Parsed::Command(Command::Rsvp {
                meeting: Some(2),
                answer: Attendance::Maybe,
            }),
        );
        check(
            "!participants",
            Parsed::Command(Command::Attendees { meeting: None }),
        );
        check(
            "!rappels privé",
            Parsed::Command(Command::Reminders(Some(ReminderChoice::Direct))),
        );
        check(
            "!reminders off",
            Parsed::Command(Command::Reminders(Some(ReminderChoice::Off))),
        );
        check("!rappels", Parsed::Command(Command::Reminders(None)));
        check("!agenda", Parsed::Command(Command::Agenda { ics: false }));
        check(
            "!agenda ics",
            Parsed::Command(Command::Agenda { ics: true }),
        );
    }

    #[test]
    fn report_commands_parse() {
        check(
            "!remontee Le bus de 7h15 ne passe plus --anonyme",
            Parsed::Command(Command::Report {
                has_text: true,
                anonymous: true,
            }),
        );
        check(
            "!remontée",
            Parsed::Command(Command::Report {
                has_text: false,
                anonymous: false,
            }),
        );
        check(
            "!repondre 12 Question écrite déposée",
            Parsed::Command(Command::Reply { report: 12 }),
        );
        check(
            "!reply 12",
            Parsed::Invalid {
                id: CommandId::Reply,
                problem: ParseProblem::Missing,
            },
        );
        check(
            "!statut 12 en cours",
            Parsed::Command(Command::Status {
                report: 12,
                status: ReportStatus::InProgress,
            }),
        );
        check(
            "!statut 12 traité",
            Parsed::Command(Command::Status {
                report: 12,
                status: ReportStatus::Handled,
            }),
        );
        check(
            "!statut 12 perdu",
            Parsed::Invalid {
                id: CommandId::Status,
                problem: ParseProblem::UnknownAction,
            },
        );
        check(
            "!remontees ouvertes",
            Parsed::Command(Command::Reports {
                filter: Some("ouvertes".into()),
            }),
        );
    }

    #[test]
    fn deputy_loop_commands_parse() {
        check(
            "!annonce Le projet de loi arrive en séance",
            Parsed::Command(Command::Announce),
        );
        check(
            "!annonce",
            Parsed::Invalid {
                id: CommandId::Announce,
                problem: ParseProblem::Missing,
            },
        );
        check(
            "!intervenant Collectif Eau Pure | qualité de l'eau | contact@exemple.fr",
            Parsed::Command(Command::Speaker {
                name: "Collectif Eau Pure".into(),
                subject: Some("qualité de l'eau".into()),
                contact: Some("contact@exemple.fr".into()),
            }),
        );
        check("!speakers", Parsed::Command(Command::Speakers));
        check("!digest", Parsed::Command(Command::Digest));
    }

    #[test]
    fn another_prefix_is_honoured() {
        assert_eq!(
            parse("boucle: aide", "boucle:", Language::Fr),
            Parsed::Command(Command::Help { topic: None })
        );
        assert_eq!(parse("!aide", "boucle:", Language::Fr), Parsed::NotCommand);
    }

    #[test]
    fn names_are_unique_and_folded() {
        let mut seen = std::collections::HashMap::new();
        for definition in COMMANDS {
            for name in [definition.french, definition.english] {
                assert_eq!(fold(name), name, "{name} must be stored folded");
                if let Some(other) = seen.insert(name, definition.id) {
                    assert_eq!(other, definition.id, "{name} names two commands");
                }
            }
        }
    }

    #[test]
    fn junk_never_panics() {
        for body in [
            "!«",
            "!“”",
            "!\u{0}",
            "!é\u{301}",
            "!a|b;c",
            "!aide «",
            "!aide |||",
        ] {
            let _ = parse(body, "!", Language::Fr);
        }
    }
}
