//! Working groups: the theme list, signing up and leaving, members and
//! coordinators, profiles, inviting, proposing and creating themes,
//! archiving them, and welcoming newcomers.
//!
//! Permissions are decided here from the sender's MXID and the power levels
//! of the room the action targets, never from a display name. The bot never
//! lends its own power: `!inviter` works only for someone who could invite.

use chrono::{DateTime, Utc};

use super::assembly::{
    Coordination, Membership, Proposal, ProposalStatus, ThemeRecord, ThemeStatus, Welcome, slugify,
};
use super::commands::{self, CommandId, ProfileCommand, ThemeCommand};
use super::render::{OutgoingMessage, Rendered};
use super::text::fold;
use super::{Action, COORDINATOR_POWER_LEVEL, Change, Context, Joined, Outcome, State, Theme};
use crate::i18n::Arg;

/// Longest commune or collective name kept in a profile.
const PROFILE_FIELD_MAX: usize = 80;
/// Longest theme name.
const THEME_NAME_MAX: usize = 60;

/// How a theme named by a person was found.
enum Resolved {
    Found(Theme),
    Unknown { closest: Option<Theme> },
}

/// Finds the theme someone typed: its short name or its name, any case or
/// accents, or the start of either; otherwise the closest one.
fn resolve_theme(state: &State, typed: &str) -> Resolved {
    let typed = fold(typed.trim());
    let themes = state.themes();
    let exact = themes.iter().find(|theme| {
        theme.slug == typed || fold(&theme.name) == typed || slugify(&typed) == theme.slug
    });
    if let Some(theme) = exact {
        return Resolved::Found(theme.clone());
    }
    let starting: Vec<&Theme> = themes
        .iter()
        .filter(|theme| {
            typed.len() >= 3
                && (theme.slug.starts_with(&typed) || fold(&theme.name).starts_with(&typed))
        })
        .collect();
    if let [theme] = starting.as_slice() {
        return Resolved::Found((*theme).clone());
    }
    let closest = themes
        .iter()
        .map(|theme| {
            let distance = strsim::damerau_levenshtein(&typed, &theme.slug)
                .min(strsim::damerau_levenshtein(&typed, &fold(&theme.name)));
            (distance, theme)
        })
        .filter(|(distance, _)| *distance <= 3)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, theme)| theme.clone());
    Resolved::Unknown { closest }
}

/// The theme someone typed, if it can be found (exact, start, or close).
pub(super) fn find_theme(state: &State, typed: &str) -> Option<Theme> {
    match resolve_theme(state, typed) {
        Resolved::Found(theme) => Some(theme),
        Resolved::Unknown { closest } => closest,
    }
}

fn clip(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

impl Context<'_> {
    fn sender(&self) -> &str {
        &self.message.sender
    }

    fn theme_arg(&self, theme: &Theme) -> Arg {
        match &theme.room_id {
            Some(room_id) => Arg::room(&theme.name, room_id, self.state.settings.server_name()),
            None => Arg::from(theme.name.as_str()),
        }
    }

    pub(super) fn active_theme_list(&self) -> String {
        self.state
            .themes()
            .iter()
            .filter(|theme| theme.is_active())
            .map(|theme| theme.slug.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `!themes`: active themes with their room, number of members and how
    /// to join; dormant ones in one line.
    pub(super) fn themes(&self) -> Rendered {
        let themes = self.state.themes();
        let active: Vec<&Theme> = themes.iter().filter(|theme| theme.is_active()).collect();
        if active.is_empty() {
            return self.tr("themes-none", &[]);
        }
        let mut reply = self
            .tr("themes-header", &[("count", active.len().into())])
            .strong();
        for theme in active {
            let members = self.state.assembly.members_of(&theme.slug).len();
            let mine = self
                .state
                .assembly
                .membership(&theme.slug, self.sender())
                .is_some_and(Membership::is_current);
            let mut line = self.tr(
                if mine {
                    "themes-line-member"
                } else {
                    "themes-line"
                },
                &[
                    ("theme", self.theme_arg(theme)),
                    ("slug", theme.slug.as_str().into()),
                    ("members", members.into()),
                ],
            );
            let next = self
                .state
                .assembly
                .meetings
                .values()
                .filter(|meeting| {
                    theme.room_id.as_deref() == Some(meeting.room_id.as_str())
                        && !meeting.cancelled
                        && meeting.starts_at > self.now
                        // Not from an encrypted room into a clear one.
                        && super::encryption::may_carry(
                            self.state,
                            [meeting.room_id.as_str()],
                            &self.message.room_id,
                        )
                })
                .map(|meeting| meeting.starts_at)
                .min();
            if let Some(next) = next {
                let when = self.tr(
                    "themes-next-meeting",
                    &[("date", super::format_date(self.state, next).into())],
                );
                line.body.push_str(&when.body);
                line.html.push_str(&when.html);
            }
            reply.line(line);
        }
        let dormant: Vec<&str> = themes
            .iter()
            .filter(|theme| theme.status == ThemeStatus::Dormant)
            .map(|theme| theme.name.as_str())
            .collect();
        if !dormant.is_empty() {
            reply.line(self.tr("themes-dormant", &[("themes", dormant.join(", ").into())]));
        }
        reply.line(self.tr("themes-footer", &[]));
        reply
    }

    /// The theme a sign-up command is about: the one named, or this room's.
    fn target_theme(&self, typed: Option<&str>, usage_id: &str) -> Result<Theme, Rendered> {
        let Some(typed) = typed else {
            return match &self.theme {
                Some(theme) => Ok(theme.clone()),
                None => {
                    let mut reply = self.tr(usage_id, &[]);
                    reply.line(self.tr(
                        "themes-available",
                        &[("themes", self.active_theme_list().into())],
                    ));
                    Err(reply)
                }
            };
        };
        match resolve_theme(self.state, typed) {
            Resolved::Found(theme) => Ok(theme),
            Resolved::Unknown { closest } => {
                let mut reply = self.tr("theme-unknown", &[("typed", typed.into())]);
                if let Some(theme) = closest {
                    reply.line(self.tr(
                        "theme-did-you-mean",
                        &[
                            ("theme", theme.name.as_str().into()),
                            ("slug", theme.slug.as_str().into()),
                        ],
                    ));
                }
                reply.line(self.tr(
                    "themes-available",
                    &[("themes", self.active_theme_list().into())],
                ));
                Err(reply)
            }
        }
    }

    /// Refuses a theme that is not active, saying why.
    fn require_active(&self, theme: &Theme) -> Result<(), Rendered> {
        match theme.status {
            ThemeStatus::Active => Ok(()),
            ThemeStatus::Dormant => Err(self.tr(
                "theme-is-dormant",
                &[
                    ("theme", theme.name.as_str().into()),
                    ("slug", theme.slug.as_str().into()),
                ],
            )),
            ThemeStatus::Creating => Err(self.tr(
                "theme-is-being-created",
                &[("theme", theme.name.as_str().into())],
            )),
        }
    }

    /// `!inscription [thème]`.
    pub(super) fn join(&mut self, typed: Option<&str>) -> Rendered {
        let theme = match self.target_theme(typed, "join-which-theme") {
            Ok(theme) => theme,
            Err(reply) => return reply,
        };
        if let Err(reply) = self.require_active(&theme) {
            return reply;
        }
        let in_its_room = self
            .theme
            .as_ref()
            .is_some_and(|here| here.slug == theme.slug);
        let sender = self.sender().to_owned();
        let already = self
            .state
            .assembly
            .membership(&theme.slug, &sender)
            .is_some_and(Membership::is_current);
        if !already {
            self.change(Change::Membership {
                slug: theme.slug.clone(),
                user_id: sender.clone(),
                value: Some(Membership {
                    display_name: self
                        .message
                        .sender_display_name
                        .as_deref()
                        .map(super::limits::clean_display_name)
                        .filter(|name| !name.is_empty()),
                    joined_at: self.now,
                    left_at: None,
                }),
            });
        }
        let name: Arg = theme.name.as_str().into();
        match (&theme.room_id, in_its_room) {
            (_, true) if already => self.tr("join-already", &[("theme", name)]),
            (_, true) => self.tr("join-done-here", &[("theme", name)]),
            (Some(room_id), false) => {
                // Invited again even if already signed up: they may have left
                // the room and be asking for the way back.
                self.act(Action::Invite {
                    room_id: room_id.clone(),
                    user_id: sender,
                });
                let id = if already {
                    "join-already-invited"
                } else {
                    "join-done-invited"
                };
                self.tr(id, &[("theme", self.theme_arg(&theme))])
            }
            (None, false) => self.tr("join-done-no-room", &[("theme", name)]),
        }
    }

    /// `!desinscription [thème]`: the sign-up ends; nobody is kicked.
    pub(super) fn leave(&mut self, typed: Option<&str>) -> Rendered {
        let theme = match self.target_theme(typed, "leave-which-theme") {
            Ok(theme) => theme,
            Err(reply) => return reply,
        };
        let sender = self.sender().to_owned();
        let Some(membership) = self
            .state
            .assembly
            .membership(&theme.slug, &sender)
            .filter(|membership| membership.is_current())
            .cloned()
        else {
            return self.tr("leave-not-member", &[("theme", theme.name.as_str().into())]);
        };
        self.change(Change::Membership {
            slug: theme.slug.clone(),
            user_id: sender.clone(),
            value: Some(Membership {
                left_at: Some(self.now),
                ..membership
            }),
        });
        if self
            .state
            .assembly
            .is_appointed_coordinator(&theme.slug, &sender)
        {
            self.change(Change::Coordination {
                slug: theme.slug.clone(),
                user_id: sender,
                value: None,
            });
        }
        self.tr("leave-done", &[("theme", theme.name.as_str().into())])
    }

    fn person_label(&self, user_id: &str, stored_name: Option<&str>) -> Arg {
        let mut label = super::limits::shown_name(stored_name, user_id);
        if let Some(profile) = self.state.assembly.profiles.get(user_id) {
            let details: Vec<&str> = [profile.commune.as_deref(), profile.collective.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            if !details.is_empty() {
                label = format!("{label} ({})", details.join(", "));
            }
        }
        Arg::person(&label, user_id)
    }

    /// Coordinators of a theme: named ones and room moderators, bot excluded.
    fn coordinators(&self, slug: &str) -> Vec<String> {
        let assembly = &self.state.assembly;
        let mut coordinators: Vec<String> = assembly
            .coordinations
            .keys()
            .filter(|(theme, _)| theme == slug)
            .map(|(_, user)| user.clone())
            .collect();
        for (user, level) in &self.message.power.users {
            if *level >= COORDINATOR_POWER_LEVEL
                && *user != self.state.settings.bot_user_id
                && !coordinators.contains(user)
            {
                coordinators.push(user.clone());
            }
        }
        coordinators
    }

    /// `!membres`: in a theme room.
    pub(super) fn members(&self) -> Rendered {
        let Some(theme) = &self.theme else {
            return self.wrong_place(commands::definition(CommandId::Members));
        };
        let members = self.state.assembly.members_of(&theme.slug);
        let coordinators = self.coordinators(&theme.slug);
        let mut reply = self
            .tr(
                "members-header",
                &[
                    ("theme", theme.name.as_str().into()),
                    ("count", members.len().into()),
                ],
            )
            .strong();
        if members.is_empty() {
            reply.line(self.tr("members-none", &[]));
        }
        for (user, membership) in &members {
            let id = if coordinators.iter().any(|c| c == user) {
                "members-line-coordinator"
            } else {
                "members-line"
            };
            reply.line(self.tr(
                id,
                &[(
                    "person",
                    self.person_label(user, membership.display_name.as_deref()),
                )],
            ));
        }
        let outside: Vec<&String> = coordinators
            .iter()
            .filter(|user| !members.iter().any(|(member, _)| member == user))
            .collect();
        for user in outside {
            reply.line(self.tr(
                "members-line-coordinator-only",
                &[("person", self.person_label(user, None))],
            ));
        }
        reply
    }

    /// `!profil …`.
    pub(super) fn profile(&mut self, action: ProfileCommand) -> Rendered {
        let sender = self.sender().to_owned();
        let current = self.state.assembly.profiles.get(&sender).cloned();
        let mut profile = current.clone().unwrap_or(super::assembly::Profile {
            commune: None,
            collective: None,
            updated_at: self.now,
        });
        profile.updated_at = self.now;
        let reply = match action {
            ProfileCommand::Show => {
                return match current {
                    Some(profile) => self.tr(
                        "profile-show",
                        &[
                            (
                                "commune",
                                profile.commune.unwrap_or_else(|| "—".into()).into(),
                            ),
                            (
                                "collective",
                                profile.collective.unwrap_or_else(|| "—".into()).into(),
                            ),
                        ],
                    ),
                    None => self.tr("profile-empty", &[]),
                };
            }
            ProfileCommand::Commune(commune) => {
                let commune = clip(&commune, PROFILE_FIELD_MAX);
                let reply = self.tr(
                    "profile-commune-set",
                    &[("commune", commune.as_str().into())],
                );
                profile.commune = Some(commune);
                reply
            }
            ProfileCommand::Collective(collective) => {
                let collective = clip(&collective, PROFILE_FIELD_MAX);
                let reply = self.tr(
                    "profile-collective-set",
                    &[("collective", collective.as_str().into())],
                );
                profile.collective = Some(collective);
                reply
            }
            ProfileCommand::Clear => {
                if current.is_none() {
                    return self.tr("profile-empty", &[]);
                }
                self.change(Change::Profile {
                    user_id: sender,
                    value: None,
                });
                return self.tr("profile-cleared", &[]);
            }
        };
        self.change(Change::Profile {
            user_id: sender,
            value: Some(profile),
        });
        let mut reply = reply;
        reply.line(self.tr("profile-visibility", &[]));
        reply
    }

    /// `!coordination @personne [retirer]`: the sender is already known to
    /// be a coordinator or an admin (the command's audience).
    pub(super) fn appoint(&mut self, user_id: &str, remove: bool) -> Rendered {
        let Some(theme) = self.theme.clone() else {
            return self.wrong_place(commands::definition(CommandId::Coordinator));
        };
        let appointed = self
            .state
            .assembly
            .is_appointed_coordinator(&theme.slug, user_id);
        let name: Arg = theme.name.as_str().into();
        let person = Arg::person(user_id, user_id);
        if remove {
            if !appointed {
                return self.tr(
                    "coordinator-not-appointed",
                    &[("person", person), ("theme", name)],
                );
            }
            self.change(Change::Coordination {
                slug: theme.slug,
                user_id: user_id.to_owned(),
                value: None,
            });
            return self.tr(
                "coordinator-removed",
                &[("person", person), ("theme", name)],
            );
        }
        if appointed || self.message.power.level(user_id) >= COORDINATOR_POWER_LEVEL {
            return self.tr(
                "coordinator-already",
                &[("person", person), ("theme", name)],
            );
        }
        self.change(Change::Coordination {
            slug: theme.slug,
            user_id: user_id.to_owned(),
            value: Some(Coordination {
                appointed_by: Some(self.sender().to_owned()),
                at: self.now,
            }),
        });
        self.tr(
            "coordinator-appointed",
            &[("person", person), ("theme", name)],
        )
    }

    /// `!inviter @personne`: only if the sender could invite them
    /// themselves in this room; the bot never lends its power.
    pub(super) fn invite(&mut self, user_id: &str) -> Rendered {
        let power = &self.message.power;
        if !power.may_invite(self.sender()) {
            return self.tr(
                "invite-refused",
                &[
                    ("needed", power.invite.into()),
                    ("level", power.level(self.sender()).into()),
                ],
            );
        }
        if !power.may_invite(&self.state.settings.bot_user_id) {
            return self.tr("invite-bot-cannot", &[("needed", power.invite.into())]);
        }
        self.act(Action::Invite {
            room_id: self.message.room_id.clone(),
            user_id: user_id.to_owned(),
        });
        self.tr("invite-done", &[("person", user_id.into())])
    }

    /// `!theme proposer|creer|archiver|reactiver …`.
    pub(super) fn theme_command(&mut self, action: ThemeCommand) -> Rendered {
        let is_admin = self.role.is_admin;
        match action {
            ThemeCommand::Propose { name } => self.propose(&name),
            ThemeCommand::Create { name } if is_admin => self.create(&name),
            ThemeCommand::Archive { theme } if is_admin => self.set_dormant(&theme, true),
            ThemeCommand::Reactivate { theme } if is_admin => self.set_dormant(&theme, false),
            ThemeCommand::Create { name } => {
                self.tr("theme-create-admins-only", &[("name", name.into())])
            }
            ThemeCommand::Archive { .. } | ThemeCommand::Reactivate { .. } => {
                self.tr("theme-archive-admins-only", &[])
            }
        }
    }

    /// Checks a new theme's name; returns its name and slug, or why not.
    fn new_theme_name(&self, name: &str) -> Result<(String, String), Rendered> {
        let name = clip(name, THEME_NAME_MAX);
        let slug = slugify(&name);
        if slug.len() < 2 {
            return Err(self.tr("theme-name-too-short", &[]));
        }
        if let Some(theme) = self
            .state
            .themes()
            .into_iter()
            .find(|theme| theme.slug == slug)
        {
            return Err(match theme.status {
                ThemeStatus::Dormant => self.tr(
                    "theme-is-dormant",
                    &[
                        ("theme", theme.name.as_str().into()),
                        ("slug", theme.slug.as_str().into()),
                    ],
                ),
                _ => self.tr(
                    "theme-exists",
                    &[
                        ("theme", theme.name.as_str().into()),
                        ("slug", theme.slug.as_str().into()),
                    ],
                ),
            });
        }
        Ok((name, slug))
    }

    fn open_proposal(&self, slug: &str) -> Option<&Proposal> {
        self.state
            .assembly
            .proposals
            .values()
            .find(|proposal| proposal.slug == slug && proposal.status == ProposalStatus::Open)
    }

    fn propose(&mut self, name: &str) -> Rendered {
        let (name, slug) = match self.new_theme_name(name) {
            Ok(checked) => checked,
            Err(reply) => return reply,
        };
        if let Some(proposal) = self.open_proposal(&slug) {
            return self.tr(
                "proposal-exists",
                &[
                    ("number", proposal.number.to_string().into()),
                    ("name", proposal.name.as_str().into()),
                ],
            );
        }
        let threshold = self.state.settings.proposal_threshold.max(1);
        let proposal = Proposal {
            number: self.state.assembly.next_proposal_number(),
            name,
            slug,
            proposer: Some(self.sender().to_owned()),
            supporters: vec![self.sender().to_owned()],
            status: ProposalStatus::Open,
            opened_at: self.now,
        };
        if threshold <= 1 {
            return self.start_creation(
                proposal.name.clone(),
                proposal.slug.clone(),
                Some(proposal),
            );
        }
        let reply = self.tr(
            "proposal-opened",
            &[
                ("number", proposal.number.to_string().into()),
                ("name", proposal.name.as_str().into()),
                ("needed", threshold.into()),
            ],
        );
        self.change(Change::Proposal(proposal));
        reply
    }

    fn create(&mut self, name: &str) -> Rendered {
        let (name, slug) = match self.new_theme_name(name) {
            Ok(checked) => checked,
            Err(reply) => return reply,
        };
        let proposal = self.open_proposal(&slug).cloned();
        self.start_creation(name, slug, proposal)
    }

    /// `!soutenir n`.
    pub(super) fn support(&mut self, number: u64) -> Rendered {
        let Some(proposal) = self.state.assembly.proposals.get(&number).cloned() else {
            let open: Vec<String> = self
                .state
                .assembly
                .proposals
                .values()
                .filter(|proposal| proposal.status == ProposalStatus::Open)
                .map(|proposal| format!("#{} {}", proposal.number, proposal.name))
                .collect();
            let mut reply = self.tr("proposal-unknown", &[("number", number.to_string().into())]);
            if !open.is_empty() {
                reply.line(self.tr("proposals-open", &[("proposals", open.join(", ").into())]));
            }
            return reply;
        };
        if proposal.status == ProposalStatus::Expired {
            return self.tr(
                "proposal-expired",
                &[
                    ("number", number.to_string().into()),
                    ("name", proposal.name.as_str().into()),
                ],
            );
        }
        if proposal.status == ProposalStatus::Accepted {
            return self.tr(
                "theme-exists",
                &[
                    ("theme", proposal.name.as_str().into()),
                    ("slug", proposal.slug.as_str().into()),
                ],
            );
        }
        let sender = self.sender().to_owned();
        if proposal.supporters.contains(&sender) {
            return self.tr(
                "proposal-already-supported",
                &[
                    ("number", number.to_string().into()),
                    ("count", proposal.supporters.len().into()),
                ],
            );
        }
        let mut proposal = proposal;
        proposal.supporters.push(sender);
        let threshold = self.state.settings.proposal_threshold.max(1);
        if proposal.supporters.len() >= threshold {
            return self.start_creation(
                proposal.name.clone(),
                proposal.slug.clone(),
                Some(proposal),
            );
        }
        let reply = self.tr(
            "proposal-supported",
            &[
                ("number", number.to_string().into()),
                ("name", proposal.name.as_str().into()),
                ("count", proposal.supporters.len().into()),
                ("needed", threshold.into()),
            ],
        );
        self.change(Change::Proposal(proposal));
        self.acknowledge();
        reply
    }

    /// Records the theme as being created and asks the adapter for its room;
    /// [`room_ready`] finishes the job.
    fn start_creation(
        &mut self,
        name: String,
        slug: String,
        proposal: Option<Proposal>,
    ) -> Rendered {
        let number = proposal.as_ref().map(|proposal| proposal.number);
        if let Some(mut proposal) = proposal {
            proposal.status = ProposalStatus::Accepted;
            self.change(Change::Proposal(proposal));
        }
        self.change(Change::Theme(ThemeRecord {
            slug: slug.clone(),
            name: name.clone(),
            room_id: None,
            status: ThemeStatus::Creating,
            proposal: number,
            changed_at: self.now,
        }));
        let topic = self
            .state
            .translator
            .plain("theme-room-topic", &[("theme", name.as_str().into())]);
        self.act(Action::CreateThemeRoom {
            slug,
            name: name.clone(),
            topic,
        });
        self.tr("theme-creating", &[("theme", name.into())])
    }

    /// `!theme archiver|reactiver <thème>` (admins).
    fn set_dormant(&mut self, typed: &str, dormant: bool) -> Rendered {
        let theme = match resolve_theme(self.state, typed) {
            Resolved::Found(theme) => theme,
            Resolved::Unknown { .. } => {
                let mut reply = self.tr("theme-unknown", &[("typed", typed.into())]);
                reply.line(self.tr(
                    "themes-available",
                    &[("themes", self.active_theme_list().into())],
                ));
                return reply;
            }
        };
        let name: Arg = theme.name.as_str().into();
        let (wanted, already_id) = if dormant {
            (ThemeStatus::Dormant, "theme-already-dormant")
        } else {
            (ThemeStatus::Active, "theme-already-active")
        };
        if theme.status == wanted {
            return self.tr(already_id, &[("theme", name)]);
        }
        if theme.status == ThemeStatus::Creating {
            return self.tr("theme-is-being-created", &[("theme", name)]);
        }
        let proposal = self
            .state
            .assembly
            .themes
            .get(&theme.slug)
            .and_then(|record| record.proposal);
        self.change(Change::Theme(ThemeRecord {
            slug: theme.slug.clone(),
            name: theme.name.clone(),
            room_id: theme.room_id.clone(),
            status: wanted,
            proposal,
            changed_at: self.now,
        }));
        let members = self.state.assembly.members_of(&theme.slug).len();
        if let Some(room_id) = &theme.room_id {
            let summary_id = if dormant {
                "theme-archived-summary"
            } else {
                "theme-reactivated-summary"
            };
            let summary = self.tr(
                summary_id,
                &[("theme", name.clone()), ("members", members.into())],
            );
            self.outcome
                .messages
                .push(OutgoingMessage::notice(room_id, summary));
        }
        let id = if dormant {
            "theme-archived"
        } else {
            "theme-reactivated"
        };
        self.tr(id, &[("theme", name), ("slug", theme.slug.as_str().into())])
    }
}

/// The room of a theme being created exists: record it, sign up and invite
/// the supporters, and tell the hub. They are welcomed as they join.
pub(super) fn room_ready(slug: &str, room_id: &str, state: &State, now: DateTime<Utc>) -> Outcome {
    let mut outcome = Outcome::default();
    let Some(record) = state.assembly.themes.get(slug) else {
        return outcome;
    };
    if record.status != ThemeStatus::Creating {
        return outcome;
    }
    let tr = |id: &str, args: &[(&str, Arg)]| state.translator.render(id, args);
    outcome.changes.push(Change::Theme(ThemeRecord {
        room_id: Some(room_id.to_owned()),
        status: ThemeStatus::Active,
        changed_at: now,
        ..record.clone()
    }));
    let supporters: Vec<String> = record
        .proposal
        .and_then(|number| state.assembly.proposals.get(&number))
        .map(|proposal| proposal.supporters.clone())
        .unwrap_or_default();
    for supporter in &supporters {
        outcome.changes.push(Change::Membership {
            slug: slug.to_owned(),
            user_id: supporter.clone(),
            value: Some(Membership {
                display_name: None,
                joined_at: now,
                left_at: None,
            }),
        });
        outcome.actions.push(Action::Invite {
            room_id: room_id.to_owned(),
            user_id: supporter.clone(),
        });
    }
    // No opening message in the new room: nobody could read it yet (it is
    // encrypted before anyone joins). Each supporter is welcomed on joining.
    if let Some(hub) = &state.settings.hub_room_id {
        outcome.messages.push(OutgoingMessage::notice(
            hub,
            tr(
                "theme-created-hub",
                &[
                    (
                        "theme",
                        Arg::room(&record.name, room_id, state.settings.server_name()),
                    ),
                    ("slug", slug.into()),
                    ("supporters", supporters.len().into()),
                ],
            ),
        ));
    }
    outcome
}

/// Someone joined a room: a theme room welcomes them, once per person.
pub(super) fn welcome(joined: &Joined, state: &State, now: DateTime<Utc>) -> Outcome {
    let mut outcome = Outcome::default();
    if joined.user_id == state.settings.bot_user_id {
        return outcome;
    }
    let Some(theme) = state
        .theme_of_room(&joined.room_id)
        .filter(Theme::is_active)
    else {
        return outcome;
    };
    let key = (joined.room_id.clone(), joined.user_id.clone());
    if state.assembly.welcomes.contains_key(&key) {
        return outcome;
    }
    let membership = state
        .assembly
        .membership(&theme.slug, &joined.user_id)
        .filter(|membership| membership.is_current());
    let signed_up = membership.is_some();
    // Supporters signed up when their theme was created have no name yet:
    // the one they join with lets `!membres` show them readably.
    if let Some(membership) = membership
        && membership.display_name.is_none()
        && joined.display_name.is_some()
    {
        outcome.changes.push(Change::Membership {
            slug: theme.slug.clone(),
            user_id: joined.user_id.clone(),
            value: Some(Membership {
                display_name: joined
                    .display_name
                    .as_deref()
                    .map(super::limits::clean_display_name)
                    .filter(|name| !name.is_empty()),
                ..membership.clone()
            }),
        });
    }
    let name = super::limits::shown_name(joined.display_name.as_deref(), &joined.user_id);
    let tr = |id: &str, args: &[(&str, Arg)]| state.translator.render(id, args);
    let mut text = tr(
        "welcome",
        &[
            ("person", Arg::person(&name, &joined.user_id)),
            ("theme", theme.name.as_str().into()),
        ],
    );
    text.line(tr(
        if signed_up {
            "welcome-signed-up"
        } else {
            "welcome-how"
        },
        &[],
    ));
    let mut message = OutgoingMessage::notice(&joined.room_id, text);
    // The newcomer is meant to see it: the only person this pings.
    message.mentions = vec![joined.user_id.clone()];
    outcome.messages.push(message);
    outcome.changes.push(Change::Welcome {
        room_id: joined.room_id.clone(),
        user_id: joined.user_id.clone(),
        value: Some(Welcome { at: now }),
    });
    outcome
}
