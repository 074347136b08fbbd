//! The site's pages: server-rendered HTML, escaped by construction (maud),
//! without JavaScript, web fonts or anything fetched from elsewhere, one
//! column in large type for a phone. Every word comes from the translation
//! files.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::view::{GroupView, HomeView, MeetingView};
use crate::i18n::{Arg, Language, Translator};

/// The whole style sheet: one column, large type, strong contrast.
const STYLE: &str = "\
body{margin:0 auto;max-width:40rem;padding:1rem;font:1.15rem/1.5 system-ui,sans-serif;\
color:#111;background:#fff}\
h1{font-size:1.7rem;line-height:1.2}h2{font-size:1.35rem;margin-top:2rem}\
a{color:#0645ad}a:focus{outline:3px solid #111}\
.meeting{border-left:4px solid #0645ad;padding:.2rem .8rem;margin:1rem 0}\
.join{display:inline-block;padding:.6rem 1rem;background:#0645ad;color:#fff;\
text-decoration:none;border-radius:.3rem;font-weight:bold}\
.feed{word-break:break-all}small{color:#333}";

struct Words<'a> {
    translator: &'a Translator,
}

impl Words<'_> {
    fn get(&self, id: &str) -> String {
        self.translator.plain(id, &[])
    }

    fn with(&self, id: &str, args: &[(&str, Arg)]) -> String {
        self.translator.plain(id, args)
    }
}

fn page(translator: &Translator, title: &str, body: Markup) -> Markup {
    let lang = match translator.language() {
        Language::Fr => "fr",
        Language::En => "en",
    };
    let words = Words { translator };
    html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // No icon to fetch: nothing is asked of the server but the page.
                link rel="icon" href="data:,";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header { p { a href="./" { (words.get("web-site-name")) } } }
                main { (body) }
                footer { p { small { (words.get("web-footer")) } } }
            }
        }
    }
}

fn meeting(words: &Words, meeting: &MeetingView) -> Markup {
    html! {
        div class="meeting" {
            p {
                strong {
                    @if let Some(page) = &meeting.page {
                        a href=(page) { (meeting.date) }
                    } @else {
                        (meeting.date)
                    }
                }
            }
            @if let Some(subject) = &meeting.subject {
                p { (subject) }
            }
            @if let Some(place) = &meeting.place {
                p { (words.get("web-place")) " " (place) }
            }
            @if let Some(video) = &meeting.video {
                p { a href=(video) { (words.get("web-video")) } }
            }
            @if let Some(repeats) = &meeting.repeats {
                p { small { (repeats) } }
            }
        }
    }
}

fn join(words: &Words, group: &GroupView) -> Markup {
    html! {
        @if let Some(link) = &group.join {
            p {
                a class="join" href=(link) {
                    (words.with("web-join", &[("group", group.name.as_str().into())]))
                }
            }
            p { small { (words.get("web-how-to-join")) } }
        }
    }
}

/// The iCalendar links of a feed: `webcal://` to subscribe, and the
/// `https://` one to copy, with a line per calendar app.
fn feeds(words: &Words, https: &str) -> Markup {
    let webcal = https
        .strip_prefix("https://")
        .or_else(|| https.strip_prefix("http://"))
        .map(|rest| format!("webcal://{rest}"))
        .unwrap_or_else(|| https.to_owned());
    html! {
        p { a href=(webcal) { (words.get("web-subscribe")) } }
        p { (words.get("web-feed-copy")) " " code class="feed" { (https) } }
        ul {
            li { (words.get("web-feed-iphone")) }
            li { (words.get("web-feed-android")) }
            li { (words.get("web-feed-thunderbird")) }
        }
    }
}

pub fn home(translator: &Translator, view: &HomeView, base_url: &str) -> String {
    let words = Words { translator };
    let title = words.get("web-site-name");
    let body = html! {
        h1 { (title) }
        p { (words.get("web-intro")) }
        @if !view.general.is_empty() {
            section aria-labelledby="general" {
                h2 id="general" { (words.get("web-general-assembly")) }
                @for each in &view.general { (meeting(&words, each)) }
            }
        }
        @for group in &view.groups {
            section aria-labelledby=(format!("group-{}", group.slug)) {
                h2 id=(format!("group-{}", group.slug)) {
                    a href=(format!("{base_url}/{}", group.slug)) { (group.name) }
                }
                p { (words.with("web-members", &[("count", group.members.into())])) }
                @if group.meetings.is_empty() {
                    p { (words.get("web-no-meeting")) }
                }
                @for each in &group.meetings { (meeting(&words, each)) }
                (join(&words, group))
            }
        }
        @if view.groups.is_empty() {
            p { (words.get("web-no-group")) }
        }
        section aria-labelledby="calendar" {
            h2 id="calendar" { (words.get("web-calendar")) }
            (feeds(&words, &format!("{base_url}/agenda.ics")))
        }
    };
    page(translator, &title, body).into_string()
}

pub fn group(translator: &Translator, group: &GroupView, base_url: &str) -> String {
    let words = Words { translator };
    let body = html! {
        h1 { (group.name) }
        p { (words.with("web-members", &[("count", group.members.into())])) }
        (join(&words, group))
        section aria-labelledby="meetings" {
            h2 id="meetings" { (words.get("web-meetings")) }
            @if group.meetings.is_empty() {
                p { (words.get("web-no-meeting")) }
            }
            @for each in &group.meetings { (meeting(&words, each)) }
        }
        section aria-labelledby="calendar" {
            h2 id="calendar" { (words.get("web-calendar")) }
            (feeds(&words, &format!("{base_url}/{}.ics", group.slug)))
        }
    };
    page(translator, &group.name, body).into_string()
}

/// One meeting's page, with its calendar file.
pub fn meeting_page(
    translator: &Translator,
    group: &str,
    shown: &MeetingView,
    cancelled: bool,
    group_page: &str,
) -> String {
    let words = Words { translator };
    let title = words.with("web-meeting-title", &[("group", group.into())]);
    let plain = MeetingView {
        page: None,
        ..shown.clone()
    };
    let body = html! {
        h1 { (title) }
        @if cancelled {
            p { strong { (words.get("web-cancelled")) } }
        }
        (meeting(&words, &plain))
        @if let Some(page) = &shown.page {
            p { a href=(format!("{page}.ics")) { (words.get("web-add-to-calendar")) } }
        }
        p { a href=(group_page) { (words.with("web-all-meetings", &[("group", group.into())])) } }
    };
    page(translator, &title, body).into_string()
}

pub fn not_found(translator: &Translator) -> String {
    let words = Words { translator };
    let title = words.get("web-not-found");
    let body = html! {
        h1 { (title) }
        p { a href="./" { (words.get("web-back-home")) } }
    };
    page(translator, &title, body).into_string()
}
