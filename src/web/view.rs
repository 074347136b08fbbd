//! What the public site shows, read from the core's state: pure, and the
//! one place that decides what is public. A group appears only when the
//! configuration says `public = true`; the general assembly only with
//! `[web] public_assembly = true`. No person appears: no name, no user id,
//! no answer, only counts.

use chrono::{DateTime, Duration, Utc};

use crate::core::assembly::{Meeting, Recurrence};
use crate::core::ics;
use crate::core::{State, format_date};
use crate::i18n::Arg;

/// What the configuration makes public.
#[derive(Debug, Clone, Default)]
pub struct Publicity {
    /// The slugs of the public groups.
    pub themes: Vec<String>,
    pub assembly: bool,
    /// The site's base URL, without a trailing slash.
    pub base_url: String,
    /// A group's room alias (`#sante:example.org`), when the configuration
    /// names it so: the « Rejoindre » link a person can read and keep.
    pub aliases: std::collections::BTreeMap<String, String>,
}

impl Publicity {
    pub fn new(themes: Vec<String>, assembly: bool, base_url: &str) -> Self {
        Publicity {
            themes,
            assembly,
            base_url: base_url.trim_end_matches('/').to_owned(),
            aliases: std::collections::BTreeMap::new(),
        }
    }

    /// With the groups' room aliases, by slug.
    pub fn with_aliases(mut self, aliases: impl IntoIterator<Item = (String, String)>) -> Self {
        self.aliases = aliases
            .into_iter()
            .filter(|(_, alias)| alias.starts_with('#'))
            .collect();
        self
    }
}

/// A meeting as the site shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingView {
    pub number: u64,
    /// In full, in the assembly's time zone: « jeudi 3 décembre à 18 h 30 ».
    pub date: String,
    pub place: Option<String>,
    pub subject: Option<String>,
    pub video: Option<String>,
    /// « Chaque semaine, à la même heure. », for a repeat.
    pub repeats: Option<String>,
    /// Its own page (a group's meeting), with its calendar file.
    pub page: Option<String>,
}

/// A public group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupView {
    pub slug: String,
    pub name: String,
    pub members: usize,
    /// `https://matrix.to/#/…`: where a person joins it.
    pub join: Option<String>,
    pub meetings: Vec<MeetingView>,
}

/// The home page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeView {
    pub general: Vec<MeetingView>,
    pub groups: Vec<GroupView>,
}

/// How far back a feed keeps meetings (a calendar app then still shows the
/// last ones, and a cancellation reaches it).
const FEED_PAST: Duration = Duration::days(30);

/// How many meetings a group shows on the home page.
const HOME_MEETINGS: usize = 3;

fn repeats(state: &State, meeting: &Meeting) -> Option<String> {
    let tr = |id: &str, args: &[(&str, Arg)]| state.translator.plain(id, args);
    match meeting.recurrence? {
        Recurrence::Weeks(1) => Some(tr("meeting-every-week", &[])),
        Recurrence::Weeks(every) => Some(tr(
            "meeting-every-weeks",
            &[("every", i64::from(every).into())],
        )),
        Recurrence::Months(1) => Some(tr("meeting-every-month", &[])),
        Recurrence::Months(every) => Some(tr(
            "meeting-every-months",
            &[("every", i64::from(every).into())],
        )),
    }
}

fn meeting_view(state: &State, meeting: &Meeting, page: Option<String>) -> MeetingView {
    MeetingView {
        page,
        number: meeting.number,
        date: format_date(state, meeting.starts_at),
        place: meeting.place.clone(),
        subject: meeting.subject.clone(),
        video: meeting.video.clone(),
        repeats: repeats(state, meeting),
    }
}

/// The meetings of a room still ahead, soonest first.
fn ahead<'a>(state: &'a State, room_id: &str, now: DateTime<Utc>) -> Vec<&'a Meeting> {
    let mut meetings: Vec<&Meeting> = state
        .assembly
        .meetings
        .values()
        .filter(|meeting| {
            meeting.room_id == room_id
                && !meeting.private
                && !meeting.cancelled
                && !meeting.general
                && meeting.starts_at >= now
        })
        .collect();
    meetings.sort_by_key(|meeting| meeting.starts_at);
    meetings
}

fn general_ahead(state: &State, now: DateTime<Utc>) -> Vec<&Meeting> {
    let mut meetings: Vec<&Meeting> = state
        .assembly
        .meetings
        .values()
        .filter(|meeting| {
            meeting.general && !meeting.private && !meeting.cancelled && meeting.starts_at >= now
        })
        .collect();
    meetings.sort_by_key(|meeting| meeting.starts_at);
    meetings
}

/// A public group, with all its meetings ahead (`limit` of them).
fn group_view(
    state: &State,
    publicity: &Publicity,
    slug: &str,
    now: DateTime<Utc>,
    limit: usize,
) -> Option<GroupView> {
    let theme = state.theme(slug).filter(|theme| theme.is_active())?;
    let meetings = theme
        .room_id
        .as_deref()
        .map(|room| {
            ahead(state, room, now)
                .into_iter()
                .take(limit)
                .map(|meeting| {
                    let page = format!("{}/{slug}/{}", publicity.base_url, meeting.number);
                    meeting_view(state, meeting, Some(page))
                })
                .collect()
        })
        .unwrap_or_default();
    Some(GroupView {
        members: state.assembly.members_of(&theme.slug).len(),
        join: match publicity.aliases.get(&theme.slug) {
            Some(alias) => Some(format!("https://matrix.to/#/{alias}")),
            None => theme.room_id.as_deref().map(|room| {
                format!(
                    "https://matrix.to/#/{room}?via={}",
                    state.settings.server_name()
                )
            }),
        },
        slug: theme.slug,
        name: theme.name,
        meetings,
    })
}

pub fn home(state: &State, publicity: &Publicity, now: DateTime<Utc>) -> HomeView {
    HomeView {
        general: if publicity.assembly {
            general_ahead(state, now)
                .into_iter()
                .map(|meeting| meeting_view(state, meeting, None))
                .collect()
        } else {
            Vec::new()
        },
        groups: publicity
            .themes
            .iter()
            .filter_map(|slug| group_view(state, publicity, slug, now, HOME_MEETINGS))
            .collect(),
    }
}

/// A public group's page, or `None` when it is not public.
pub fn group(
    state: &State,
    publicity: &Publicity,
    slug: &str,
    now: DateTime<Utc>,
) -> Option<GroupView> {
    if !publicity.themes.iter().any(|public| public == slug) {
        return None;
    }
    group_view(state, publicity, slug, now, usize::MAX)
}

/// One meeting of a public group (ahead or not, cancelled or not): the
/// group's name, the meeting and whether it is cancelled, or `None` when
/// either is not public.
pub fn meeting(
    state: &State,
    publicity: &Publicity,
    slug: &str,
    number: u64,
) -> Option<(String, MeetingView, bool)> {
    if !publicity.themes.iter().any(|public| public == slug) {
        return None;
    }
    let theme = state.theme(slug)?;
    let meeting = state.assembly.meetings.get(&number).filter(|meeting| {
        !meeting.general
            && !meeting.private
            && theme.room_id.as_deref() == Some(meeting.room_id.as_str())
    })?;
    let page = format!("{}/{slug}/{number}", publicity.base_url);
    Some((
        theme.name,
        meeting_view(state, meeting, Some(page)),
        meeting.cancelled,
    ))
}

/// The iCalendar feed of one public group (`Some(slug)`), or of everything
/// public (`None`): meetings ahead and those of the last 30 days, cancelled
/// ones marked so, each with its page in DESCRIPTION and a stable UID.
pub fn feed(
    state: &State,
    publicity: &Publicity,
    slug: Option<&str>,
    now: DateTime<Utc>,
) -> Option<String> {
    feed_of(state, publicity, slug, None, now)
}

/// The calendar file of one meeting of a public group.
pub fn meeting_feed(
    state: &State,
    publicity: &Publicity,
    slug: &str,
    number: u64,
) -> Option<String> {
    let starts_at = state.assembly.meetings.get(&number)?.starts_at;
    feed_of(state, publicity, Some(slug), Some(number), starts_at)
        .filter(|feed| feed.contains("BEGIN:VEVENT"))
}

fn feed_of(
    state: &State,
    publicity: &Publicity,
    slug: Option<&str>,
    number: Option<u64>,
    now: DateTime<Utc>,
) -> Option<String> {
    let rooms: Vec<(String, String)> = match slug {
        Some(slug) => {
            if !publicity.themes.iter().any(|public| public == slug) {
                return None;
            }
            let theme = state.theme(slug)?;
            vec![(theme.room_id?, theme.slug)]
        }
        None => publicity
            .themes
            .iter()
            .filter_map(|slug| state.theme(slug))
            .filter_map(|theme| Some((theme.room_id?, theme.slug)))
            .collect(),
    };
    let mut meetings: Vec<(&Meeting, String)> = state
        .assembly
        .meetings
        .values()
        .filter(|meeting| !meeting.private && meeting.starts_at >= now - FEED_PAST)
        .filter(|meeting| number.is_none_or(|number| meeting.number == number))
        .filter_map(|meeting| {
            if meeting.general {
                return (publicity.assembly && slug.is_none())
                    .then(|| (meeting, format!("{}/", publicity.base_url)));
            }
            rooms
                .iter()
                .find(|(room, _)| *room == meeting.room_id)
                .map(|(_, slug)| {
                    let page = format!("{}/{slug}/{}", publicity.base_url, meeting.number);
                    (meeting, page)
                })
        })
        .collect();
    meetings.sort_by_key(|(meeting, _)| meeting.starts_at);
    let events: Vec<ics::Event> = meetings
        .iter()
        .map(|(meeting, page)| {
            let group = if meeting.general {
                state.translator.plain("web-general-assembly", &[])
            } else {
                state
                    .theme_of_room(&meeting.room_id)
                    .map_or_else(String::new, |theme| theme.name)
            };
            let summary = match &meeting.subject {
                Some(subject) => state.translator.plain(
                    "ics-summary-subject",
                    &[
                        ("group", group.into()),
                        ("subject", subject.as_str().into()),
                    ],
                ),
                None => state
                    .translator
                    .plain("ics-summary", &[("group", group.into())]),
            };
            ics::Event {
                meeting,
                summary,
                domain: state.settings.server_name(),
                page: Some(page.clone()),
            }
        })
        .collect();
    // A stamp that moves only when the meetings do, so that an unchanged
    // feed is the same bytes (and its ETag the same) at every request.
    let stamp = meetings
        .iter()
        .map(|(meeting, _)| meeting.created_at)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH);
    Some(ics::calendar(&events, state.settings.time_zone, stamp))
}
