//! The configuration file: reading it, and `boucle check`, which lists every
//! problem with its line and what to write instead.
//!
//! The password is never in the file: it comes from an environment variable
//! or a file named here, and is never logged.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::i18n::Language;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub matrix: MatrixConfig,
    #[serde(default)]
    pub bot: BotConfig,
    #[serde(default)]
    pub assembly: AssemblyConfig,
    #[serde(default, rename = "theme")]
    pub themes: Vec<ThemeConfig>,
    #[serde(default)]
    pub retention: RetentionConfig,
    #[serde(default)]
    pub storage: StorageConfig,
    #[serde(default)]
    pub health: HealthConfig,
    #[serde(default)]
    pub web: WebConfig,
}

/// The public site: the assembly's agenda for people not on Matrix.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebConfig {
    /// Address and port, e.g. "127.0.0.1:8080"; absent: no site.
    pub listen: Option<String>,
    /// The base URL the site is reached at, behind a reverse proxy, e.g.
    /// "https://agenda.example.org": written in the feeds and the pages.
    pub public_url: Option<String>,
    /// Whether the general assembly (`!ag`) is shown.
    #[serde(default)]
    pub public_assembly: bool,
}

/// Backups and compaction (`maintenance`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    /// Daily backups kept in `<data_dir>/backups`; 0 turns them off.
    #[serde(default = "default_backups_keep")]
    pub backups_keep: u32,
    /// Seconds after the latest `!oublier` before backups are scrubbed and
    /// the database compacted (several requests share one run).
    #[serde(default = "default_erasure_delay")]
    pub erasure_cleanup_seconds: u32,
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            backups_keep: default_backups_keep(),
            erasure_cleanup_seconds: default_erasure_delay(),
        }
    }
}

fn default_backups_keep() -> u32 {
    7
}

fn default_erasure_delay() -> u32 {
    600
}

/// The optional HTTP listener for `/healthz` and `/metrics`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthConfig {
    /// Address and port, e.g. "127.0.0.1:9464"; absent: no listener.
    pub listen: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionConfig {
    /// Days after which the sign-up of someone who left a theme is erased.
    #[serde(default = "default_former_members_days")]
    pub former_members_days: u32,
    /// Days after which a theme proposal without enough support is closed.
    #[serde(default = "default_open_proposals_days")]
    pub open_proposals_days: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            former_members_days: default_former_members_days(),
            open_proposals_days: default_open_proposals_days(),
        }
    }
}

fn default_former_members_days() -> u32 {
    crate::core::Retention::default().former_members_days
}

fn default_open_proposals_days() -> u32 {
    crate::core::Retention::default().open_proposals_days
}

fn default_proposal_threshold() -> u32 {
    3
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixConfig {
    /// Absent: `boucle run` starts a local Synapse for trying boucle out.
    pub homeserver: Option<String>,
    #[serde(default)]
    pub user_id: String,
    pub password_env: Option<String>,
    pub password_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotConfig {
    #[serde(default = "default_data_dir")]
    pub data_dir: PathBuf,
    #[serde(default)]
    pub language: Language,
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    #[serde(default = "default_prefix")]
    pub prefix: String,
    /// Commands sent while the bot was stopped are answered if younger than this.
    #[serde(default = "default_catch_up_hours")]
    pub catch_up_hours: u32,
    /// Where the passphrase that encrypts the data directory's secrets comes
    /// from (the Matrix SDK's stores, the session, secret-ballot records):
    /// an environment variable or a file, never the data directory itself.
    pub passphrase_env: Option<String>,
    pub passphrase_file: Option<PathBuf>,
    /// The name people see beside the bot's messages, set at start.
    #[serde(default = "default_display_name")]
    pub display_name: String,
    /// A PNG or JPEG picture for the bot's account, set at start; absent,
    /// the one shipped in `assets/avatar.png`.
    pub avatar: Option<PathBuf>,
}

impl Default for BotConfig {
    fn default() -> Self {
        BotConfig {
            data_dir: default_data_dir(),
            language: Language::default(),
            time_zone: default_time_zone(),
            prefix: default_prefix(),
            catch_up_hours: default_catch_up_hours(),
            passphrase_env: None,
            passphrase_file: None,
            display_name: default_display_name(),
            avatar: None,
        }
    }
}

fn default_display_name() -> String {
    "boucle".to_owned()
}

fn default_data_dir() -> PathBuf {
    PathBuf::from("data")
}
fn default_time_zone() -> String {
    "Europe/Paris".to_owned()
}
fn default_prefix() -> String {
    "!".to_owned()
}
fn default_catch_up_hours() -> u32 {
    24
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssemblyConfig {
    pub hub_room: Option<String>,
    pub deputy_room: Option<String>,
    /// The assembly's Space; absent, the bot creates one and keeps it.
    pub space: Option<String>,
    #[serde(default)]
    pub admins: Vec<String>,
    /// Supporters (proposer included) at which a proposed theme is created.
    #[serde(default = "default_proposal_threshold")]
    pub proposal_threshold: u32,
    /// Default meeting reminders: `"1j,1h"` (days, hours, minutes, weeks).
    #[serde(default = "default_meeting_reminders")]
    pub meeting_reminders: String,
    /// When the team's digest goes out: `"lundi 09:00"`, `"quotidien 9h"`.
    #[serde(default = "default_digest")]
    pub digest: String,
}

fn default_digest() -> String {
    "lundi 09:00".to_owned()
}

fn default_meeting_reminders() -> String {
    "1j,1h".to_owned()
}

impl AssemblyConfig {
    /// The default reminders in minutes (checked by `validate`).
    pub fn meeting_reminders(&self) -> Vec<u32> {
        crate::core::commands::parse_offsets(&self.meeting_reminders)
            .and_then(Result::ok)
            .unwrap_or_else(|| vec![1440, 60])
    }
}

impl Default for AssemblyConfig {
    fn default() -> Self {
        AssemblyConfig {
            hub_room: None,
            deputy_room: None,
            space: None,
            admins: Vec::new(),
            proposal_threshold: default_proposal_threshold(),
            meeting_reminders: default_meeting_reminders(),
            digest: default_digest(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeConfig {
    pub slug: String,
    pub name: String,
    pub room: Option<String>,
    /// Shown on the public site ([web]): its meetings, places and count of
    /// members, never a person.
    #[serde(default)]
    pub public: bool,
}

/// An https:// URL, or http:// on loopback (a local try-out).
fn is_public_url(url: &str) -> bool {
    let host = |rest: &str| {
        rest.split(['/', '?', '#'])
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    if let Some(rest) = url.strip_prefix("https://") {
        return !host(rest).is_empty();
    }
    if let Some(rest) = url.strip_prefix("http://") {
        let host = host(rest);
        let name = host
            .rsplit_once(':')
            .map_or(host.as_str(), |(name, _)| name);
        return matches!(name, "localhost" | "127.0.0.1" | "[::1]");
    }
    false
}

/// One thing wrong in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line, when the problem has a place in the file.
    pub line: Option<usize>,
    pub message: String,
    /// What to write instead.
    pub fix: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(
                formatter,
                "line {line}: {}\n  fix: {}",
                self.message, self.fix
            ),
            None => write!(formatter, "{}\n  fix: {}", self.message, self.fix),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{} problem(s) in the configuration:\n{}", .0.len(), render_problems(.0))]
    Invalid(Vec<Problem>),
    #[error("no password: {0}")]
    Password(String),
    #[error("no usable passphrase for the data directory: {0}")]
    Passphrase(String),
}

fn render_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|problem| format!("- {problem}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a key holds, so that a wrong type is reported with its line too.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Text,
    /// A whole number, zero or more.
    Count,
    TextList,
    Table,
    TableList,
    Flag,
    OneOf(&'static [&'static str]),
}

impl Kind {
    fn accepts(self, item: &toml_edit::Item) -> bool {
        match self {
            Kind::Text => item.as_str().is_some(),
            Kind::Count => item.as_integer().is_some_and(|number| number >= 0),
            Kind::TextList => item
                .as_array()
                .is_some_and(|array| array.iter().all(|value| value.as_str().is_some())),
            Kind::Table => item.is_table(),
            Kind::TableList => item.is_array_of_tables(),
            Kind::Flag => item.as_bool().is_some(),
            Kind::OneOf(choices) => item.as_str().is_some_and(|text| choices.contains(&text)),
        }
    }

    fn expected(self, key: &str) -> String {
        match self {
            Kind::Text => format!("{key} = \"some text\" (between quotes)"),
            Kind::Count => format!("{key} = 24 (a whole number, without quotes)"),
            Kind::TextList => format!("{key} = [\"@camille:example.org\"]"),
            Kind::Table => format!("a section [{key}]"),
            Kind::TableList => format!("blocks [[{key}]]"),
            Kind::Flag => format!("{key} = true (or false, without quotes)"),
            Kind::OneOf(choices) => format!(
                "{key} = \"{}\" (one of: {})",
                choices[0],
                choices.join(", ")
            ),
        }
    }
}

/// Every table and the keys it accepts: the schema `boucle check` enforces
/// before the file is read into [`Config`].
const SCHEMA: &[(&str, &[(&str, Kind)])] = &[
    (
        "",
        &[
            ("matrix", Kind::Table),
            ("bot", Kind::Table),
            ("assembly", Kind::Table),
            ("theme", Kind::TableList),
            ("retention", Kind::Table),
            ("storage", Kind::Table),
            ("health", Kind::Table),
            ("web", Kind::Table),
        ],
    ),
    (
        "matrix",
        &[
            ("homeserver", Kind::Text),
            ("user_id", Kind::Text),
            ("password_env", Kind::Text),
            ("password_file", Kind::Text),
        ],
    ),
    (
        "bot",
        &[
            ("data_dir", Kind::Text),
            ("language", Kind::OneOf(&["fr", "en"])),
            ("time_zone", Kind::Text),
            ("prefix", Kind::Text),
            ("catch_up_hours", Kind::Count),
            ("passphrase_env", Kind::Text),
            ("passphrase_file", Kind::Text),
            ("display_name", Kind::Text),
            ("avatar", Kind::Text),
        ],
    ),
    (
        "assembly",
        &[
            ("hub_room", Kind::Text),
            ("deputy_room", Kind::Text),
            ("space", Kind::Text),
            ("admins", Kind::TextList),
            ("proposal_threshold", Kind::Count),
            ("meeting_reminders", Kind::Text),
            ("digest", Kind::Text),
        ],
    ),
    (
        "retention",
        &[
            ("former_members_days", Kind::Count),
            ("open_proposals_days", Kind::Count),
        ],
    ),
    (
        "storage",
        &[
            ("backups_keep", Kind::Count),
            ("erasure_cleanup_seconds", Kind::Count),
        ],
    ),
    ("health", &[("listen", Kind::Text)]),
    (
        "web",
        &[
            ("listen", Kind::Text),
            ("public_url", Kind::Text),
            ("public_assembly", Kind::Flag),
        ],
    ),
    (
        "theme",
        &[
            ("slug", Kind::Text),
            ("name", Kind::Text),
            ("room", Kind::Text),
            ("public", Kind::Flag),
        ],
    ),
];

impl Config {
    /// Reads and validates a file; every problem is reported at once.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Config::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let mut problems = Vec::new();
        let line_of = |offset: usize| {
            Some(
                text.as_bytes()[..offset.min(text.len())]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1,
            )
        };
        let document = match text.parse::<toml_edit::Document<String>>() {
            Ok(document) => document,
            Err(error) => {
                let line = error.span().and_then(|span| line_of(span.start));
                return Err(ConfigError::Invalid(vec![Problem {
                    line,
                    message: format!("this is not valid TOML: {}", error.message()),
                    fix: "check quotes and brackets: text values are written \"between quotes\""
                        .to_owned(),
                }]));
            }
        };
        // Unknown keys first, all of them, with the closest known key.
        let mut tables: Vec<(&str, &toml_edit::Table)> = vec![("", document.as_table())];
        for (name, item) in document.as_table().iter() {
            match item {
                toml_edit::Item::Table(table) => tables.push((name, table)),
                toml_edit::Item::ArrayOfTables(array) => {
                    tables.extend(array.iter().map(|table| (name, table)));
                }
                _ => {}
            }
        }
        for (table_name, table) in tables {
            let Some((_, known)) = SCHEMA.iter().find(|(name, _)| *name == table_name) else {
                continue;
            };
            for (key, item) in table.iter() {
                let span = table
                    .key(key)
                    .and_then(|key| key.span())
                    .or_else(|| item.span());
                let line = span.and_then(|span| line_of(span.start));
                match known.iter().find(|(name, _)| *name == key) {
                    Some((_, kind)) if kind.accepts(item) => {}
                    Some((_, kind)) => problems.push(Problem {
                        line,
                        message: format!("`{key}` in [{table_name}] has the wrong kind of value"),
                        fix: format!("write {}", kind.expected(key)),
                    }),
                    None => {
                        let closest = known
                            .iter()
                            .map(|(name, _)| *name)
                            .min_by_key(|candidate| strsim::levenshtein(key, candidate))
                            .unwrap_or_default();
                        problems.push(Problem {
                            line,
                            message: format!("unknown key `{key}` in [{table_name}]"),
                            fix: format!("remove it, or did you mean `{closest}`?"),
                        });
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(ConfigError::Invalid(problems));
        }
        let config: Config = match toml::from_str(text) {
            Ok(config) => config,
            Err(error) => {
                return Err(ConfigError::Invalid(vec![Problem {
                    line: error.span().and_then(|span| line_of(span.start)),
                    message: error.message().to_owned(),
                    fix: "see config.example.toml for the expected form".to_owned(),
                }]));
            }
        };
        let find = |needle: &str| text.find(needle).and_then(line_of);
        config.validate(&mut problems, find);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError::Invalid(problems))
        }
    }

    fn validate(&self, problems: &mut Vec<Problem>, find: impl Fn(&str) -> Option<usize>) {
        let mut report = |needle: &str, message: String, fix: &str| {
            problems.push(Problem {
                line: find(needle),
                message,
                fix: fix.to_owned(),
            });
        };
        if crate::core::commands::parse_offsets(&self.assembly.meeting_reminders)
            .is_none_or(|offsets| offsets.is_err())
        {
            report(
                "meeting_reminders",
                format!(
                    "`{}` is not a list of at most five reminders, each at most 31 days ahead",
                    self.assembly.meeting_reminders
                ),
                "meeting_reminders = \"1j,1h\" (j/d days, h hours, min minutes, sem/w weeks)",
            );
        }
        if crate::core::DigestSchedule::parse(&self.assembly.digest).is_none() {
            report(
                "digest",
                format!("`{}` is not a digest schedule", self.assembly.digest),
                "digest = \"lundi 09:00\" (a weekday, or \"quotidien\", then a time)",
            );
        }
        if self.matrix.homeserver.is_some() {
            if let Some(url) = &self.matrix.homeserver
                && url::Url::parse(url).is_err()
            {
                report(
                    "homeserver",
                    format!("`{url}` is not a URL"),
                    "homeserver = \"https://matrix.example.org\"",
                );
            }
            if !is_user_id(&self.matrix.user_id) {
                report(
                    "user_id",
                    format!("`{}` is not a Matrix user id", self.matrix.user_id),
                    "user_id = \"@boucle:example.org\"",
                );
            }
            if self.matrix.password_env.is_some() == self.matrix.password_file.is_some() {
                report(
                    "[matrix]",
                    "the password must come from exactly one of password_env or password_file"
                        .to_owned(),
                    "password_env = \"BOUCLE_PASSWORD\" (and export BOUCLE_PASSWORD=...)",
                );
            }
            if self.bot.passphrase_env.is_some() == self.bot.passphrase_file.is_some() {
                report(
                    "[bot]",
                    "the passphrase that encrypts the data directory must come from exactly \
                     one of passphrase_env or passphrase_file, outside the data directory"
                        .to_owned(),
                    "passphrase_file = \"/etc/boucle/passphrase\" \
                     (made with: openssl rand -base64 32 > /etc/boucle/passphrase)",
                );
            }
        }
        let name = self.bot.display_name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            report(
                "display_name",
                "the bot's display name must have 1 to 64 characters".to_owned(),
                "display_name = \"boucle\"",
            );
        }
        if self.bot.time_zone.parse::<chrono_tz::Tz>().is_err() {
            report(
                "time_zone",
                format!("`{}` is not a time zone", self.bot.time_zone),
                "time_zone = \"Europe/Paris\"",
            );
        }
        if let Some(listen) = &self.health.listen
            && listen.parse::<std::net::SocketAddr>().is_err()
        {
            report(
                "listen",
                format!("`{listen}` is not an address and port"),
                "listen = \"127.0.0.1:9464\"",
            );
        }
        if let Some(listen) = &self.web.listen
            && listen.parse::<std::net::SocketAddr>().is_err()
        {
            report(
                "listen",
                format!("`{listen}` is not an address and port"),
                "listen = \"127.0.0.1:8080\"",
            );
        }
        if let Some(url) = &self.web.public_url
            && !is_public_url(url)
        {
            report(
                "public_url",
                format!(
                    "`{url}` is not an https:// address (http:// only on this machine): \
                     calendar apps and phones need https"
                ),
                "public_url = \"https://agenda.example.org\"",
            );
        }
        if self.web.listen.is_some() && self.web.public_url.is_none() {
            report(
                "[web]",
                "the site needs the address people reach it at, for its links and feeds".to_owned(),
                "public_url = \"https://agenda.example.org\"",
            );
        }
        if self.bot.prefix.trim().is_empty() || self.bot.prefix.chars().any(char::is_whitespace) {
            report(
                "prefix",
                "the command prefix must be non-empty, without spaces".to_owned(),
                "prefix = \"!\"",
            );
        }
        for admin in &self.assembly.admins {
            if !is_user_id(admin) {
                report(
                    admin,
                    format!("admin `{admin}` is not a Matrix user id"),
                    "admins = [\"@camille:example.org\"]",
                );
            }
        }
        let rooms = [
            &self.assembly.hub_room,
            &self.assembly.deputy_room,
            &self.assembly.space,
        ]
        .into_iter()
        .flatten()
        .chain(self.themes.iter().filter_map(|theme| theme.room.as_ref()));
        for room in rooms {
            if !is_room_address(room) {
                report(
                    room,
                    format!("`{room}` is neither a room alias nor a room id"),
                    "room = \"#ap-sante:example.org\" (alias) or \"!abc123:example.org\" (id)",
                );
            }
        }
        let mut slugs = std::collections::HashSet::new();
        for theme in &self.themes {
            let valid = !theme.slug.is_empty()
                && theme
                    .slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid {
                report(
                    &format!("\"{}\"", theme.slug),
                    format!(
                        "theme slug `{}` must be lower-case letters, digits and dashes",
                        theme.slug
                    ),
                    "slug = \"ecoles-jeunesse\"",
                );
            }
            if !slugs.insert(theme.slug.as_str()) {
                report(
                    &format!("\"{}\"", theme.slug),
                    format!("theme slug `{}` is used twice", theme.slug),
                    "give each [[theme]] its own slug",
                );
            }
            if theme.name.trim().is_empty() {
                report(
                    "name",
                    format!("theme `{}` has an empty name", theme.slug),
                    "name = \"Santé\"",
                );
            }
        }
    }

    /// The core's settings, once the rooms are known (joined, or given as
    /// ids by the load bench).
    pub fn settings(
        &self,
        bot_user_id: &str,
        hub_room_id: Option<String>,
        deputy_room_id: Option<String>,
        themes: Vec<crate::core::ThemeSettings>,
    ) -> crate::core::Settings {
        crate::core::Settings {
            bot_user_id: bot_user_id.to_owned(),
            prefix: self.bot.prefix.clone(),
            language: self.bot.language,
            time_zone: self.time_zone(),
            hub_room_id,
            deputy_room_id,
            admins: self.assembly.admins.clone(),
            themes,
            proposal_threshold: usize::try_from(self.assembly.proposal_threshold).unwrap_or(3),
            meeting_reminders: self.assembly.meeting_reminders(),
            digest: crate::core::DigestSchedule::parse(&self.assembly.digest).unwrap_or_default(),
            retention: crate::core::Retention {
                former_members_days: self.retention.former_members_days,
                open_proposals_days: self.retention.open_proposals_days,
            },
        }
    }

    pub fn time_zone(&self) -> chrono_tz::Tz {
        self.bot
            .time_zone
            .parse()
            .unwrap_or(chrono_tz::Europe::Paris)
    }

    /// The bot's password, from the environment variable or file named in the
    /// configuration.
    pub fn password(&self) -> Result<String, ConfigError> {
        if let Some(variable) = &self.matrix.password_env {
            return std::env::var(variable).map_err(|_| {
                ConfigError::Password(format!("the environment variable {variable} is not set"))
            });
        }
        if let Some(path) = &self.matrix.password_file {
            return std::fs::read_to_string(path)
                .map(|text| text.trim_end_matches(['\n', '\r']).to_owned())
                .map_err(|error| {
                    ConfigError::Password(format!("cannot read {}: {error}", path.display()))
                });
        }
        Err(ConfigError::Password(
            "set password_env or password_file in [matrix]".to_owned(),
        ))
    }

    /// The passphrase that encrypts the data directory's secrets, from the
    /// environment variable or file named in `[bot]`.
    pub fn passphrase(&self) -> Result<String, ConfigError> {
        let passphrase = if let Some(variable) = &self.bot.passphrase_env {
            std::env::var(variable).map_err(|_| {
                ConfigError::Passphrase(format!("the environment variable {variable} is not set"))
            })?
        } else if let Some(path) = &self.bot.passphrase_file {
            std::fs::read_to_string(path)
                .map(|text| text.trim().to_owned())
                .map_err(|error| {
                    ConfigError::Passphrase(format!("cannot read {}: {error}", path.display()))
                })?
        } else {
            return Err(ConfigError::Passphrase(
                "set passphrase_env or passphrase_file in [bot]; \
                 make one with: openssl rand -base64 32 > /etc/boucle/passphrase"
                    .to_owned(),
            ));
        };
        let passphrase = passphrase.trim().to_owned();
        crate::store::seal::check_passphrase(&passphrase).map_err(ConfigError::Passphrase)?;
        Ok(passphrase)
    }

    /// The keys that seal secret-ballot records, from [`Config::passphrase`].
    pub fn seal(&self) -> Result<crate::store::seal::Seal, ConfigError> {
        self.passphrase()
            .map(|passphrase| crate::store::seal::Seal::from_passphrase(&passphrase))
    }
}

fn is_user_id(text: &str) -> bool {
    matrix_sdk::ruma::UserId::parse(text).is_ok()
}

fn is_room_address(text: &str) -> bool {
    matrix_sdk::ruma::RoomOrAliasId::parse(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<Problem> {
        match Config::parse(text) {
            Err(ConfigError::Invalid(problems)) => problems,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn the_shipped_example_is_valid_and_has_the_eight_themes() {
        let config = Config::parse(include_str!("../config.example.toml")).unwrap();
        let slugs: Vec<&str> = config
            .themes
            .iter()
            .map(|theme| theme.slug.as_str())
            .collect();
        assert_eq!(slugs.len(), 8, "{slugs:?}");
        assert!(slugs.contains(&"sante") && slugs.contains(&"langue-bretonne"));
        assert_eq!(config.bot.language, Language::Fr);
        assert_eq!(config.time_zone(), chrono_tz::Europe::Paris);
    }

    /// A blank name is a mistake to fix; an unreadable picture is not: the
    /// bot starts with its own and says so (`matrix::profile`).
    #[test]
    fn the_bots_name_is_checked_and_a_missing_picture_stops_nothing() {
        let found =
            problems("[bot]\ndisplay_name = \"  \"\navatar = \"/nonexistent/avatar.png\"\n");
        let messages: Vec<&str> = found
            .iter()
            .map(|problem| problem.message.as_str())
            .collect();
        assert!(
            messages
                .iter()
                .any(|message| message.contains("display name")),
            "{messages:?}"
        );
        assert!(
            !messages.iter().any(|message| message.contains("avatar")),
            "{messages:?}"
        );
    }

    #[test]
    fn the_public_site_needs_an_https_address_except_on_this_machine() {
        let messages = |text: &str| -> Vec<String> {
            problems(&format!("[bot]\ndisplay_name = \"\"\n{text}"))
                .into_iter()
                .map(|problem| problem.message)
                .filter(|message| !message.contains("display name"))
                .collect()
        };
        let missing = messages("[web]\nlisten = \"127.0.0.1:8080\"\n");
        assert!(
            missing.iter().any(|m| m.contains("reach it at")),
            "{missing:?}"
        );
        let clear = messages("[web]\npublic_url = \"http://agenda.example.org\"\n");
        assert!(clear.iter().any(|m| m.contains("https")), "{clear:?}");
        for fine in [
            "https://agenda.example.org",
            "http://127.0.0.1:8080",
            "http://localhost:8080/",
        ] {
            let found = messages(&format!(
                "[web]\nlisten = \"127.0.0.1:8080\"\npublic_url = \"{fine}\"\n"
            ));
            assert!(found.is_empty(), "{fine}: {found:?}");
        }
        let bad = messages("[web]\nlisten = \"partout\"\npublic_url = \"https://a.example\"\n");
        assert!(
            bad.iter().any(|m| m.contains("address and port")),
            "{bad:?}"
        );
    }

    #[test]
    fn every_unknown_key_is_reported_with_its_line_and_a_suggestion() {
        let found = problems("[bot]\nlanguge = \"fr\"\n\n[assembly]\nadmin = []\n");
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].line, Some(2));
        assert!(found[0].fix.contains("`language`"), "{}", found[0].fix);
        assert_eq!(found[1].line, Some(5));
        assert!(found[1].fix.contains("`admins`"));
    }

    #[test]
    fn semantic_problems_are_all_listed() {
        let text = "[matrix]\nhomeserver = \"http://127.0.0.1:8008\"\nuser_id = \"boucle\"\n\n\
                    [bot]\ntime_zone = \"Paris\"\n\n[[theme]]\nslug = \"Santé\"\nname = \"Santé\"\nroom = \"sante\"\n";
        let found = problems(text);
        let messages: Vec<&str> = found
            .iter()
            .map(|problem| problem.message.as_str())
            .collect();
        assert_eq!(found.len(), 6, "{messages:?}");
        assert_eq!(found[0].line, Some(3), "user id line");
        assert!(messages.iter().any(|m| m.contains("time zone")));
        assert!(messages.iter().any(|m| m.contains("password")));
        assert!(messages.iter().any(|m| m.contains("passphrase")));
        assert!(messages.iter().any(|m| m.contains("slug")));
        assert!(messages.iter().any(|m| m.contains("room alias")));
    }

    #[test]
    fn wrong_types_and_unknown_keys_are_all_reported_together() {
        let found = problems(
            "[bot]\ncatch_up_hours = \"beaucoup\"\nlanguage = \"de\"\nprefx = \"!\"\n\n\
             [assembly]\nadmins = \"@camille:example.org\"\n",
        );
        let lines: Vec<Option<usize>> = found.iter().map(|problem| problem.line).collect();
        assert_eq!(lines, [Some(2), Some(3), Some(4), Some(7)], "{found:?}");
        assert!(found[0].fix.contains("whole number"), "{}", found[0].fix);
        assert!(found[1].fix.contains("one of: fr, en"), "{}", found[1].fix);
        assert!(found[3].fix.contains("admins = [\""), "{}", found[3].fix);
    }

    #[test]
    fn broken_toml_is_one_clear_problem() {
        let found = problems("[bot\nprefix = \"!\"\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, Some(1));
    }
}
