//! Translations: every sentence the bot says lives in `locales/<lang>.ftl`
//! (Fluent), never in code.
//!
//! The translation files are compiled into the binary, so formatting is pure
//! and cannot fail at run time for a missing file. Formatting produces the plain
//! `body` and the HTML `formatted_body` together: arguments are substituted
//! after the template has been HTML-escaped, each argument escaped for its
//! target, so user text can never inject markup or ping a room.

use std::fmt;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};
use unic_langid::LanguageIdentifier;

use crate::core::render::{Rendered, escape_html, neutralize_mentions};

/// The languages boucle speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Fr,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Fr, Language::En];

    pub fn code(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::En => "en",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Language::Fr => include_str!("../locales/fr.ftl"),
            Language::En => include_str!("../locales/en.ftl"),
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.code())
    }
}

/// A value passed into a translated sentence.
#[derive(Debug, Clone)]
pub enum Arg {
    /// Text that came from a person (or anything not written by us): escaped
    /// in HTML and stripped of room-wide mentions in both forms.
    User(String),
    /// A number, which Fluent may use to pick a plural form.
    Number(i64),
    /// A link: `text` (escaped like [`Arg::User`]) pointing at `url`. The
    /// plain body shows the address after the text unless `quiet`, which
    /// suits people's names (clients show them as pills).
    Link {
        text: String,
        url: String,
        quiet: bool,
    },
}

impl Arg {
    /// A link to a person (`https://matrix.to/#/@user:server`), shown with
    /// their name. With `m.mentions` empty, it never notifies them.
    pub fn person(name: &str, user_id: &str) -> Arg {
        Arg::Link {
            text: name.to_owned(),
            url: format!("https://matrix.to/#/{user_id}"),
            quiet: true,
        }
    }

    /// A link to a room, by id, reachable through server `via` (room ids
    /// of room version 12 name no server).
    pub fn room(name: &str, room_id: &str, via: &str) -> Arg {
        Arg::Link {
            text: name.to_owned(),
            url: format!("https://matrix.to/#/{room_id}?via={via}"),
            quiet: false,
        }
    }
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Arg::User(text.to_owned())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Self {
        Arg::User(text)
    }
}

impl From<i64> for Arg {
    fn from(number: i64) -> Self {
        Arg::Number(number)
    }
}

impl From<usize> for Arg {
    fn from(number: usize) -> Self {
        Arg::Number(i64::try_from(number).unwrap_or(i64::MAX))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TranslationError {
    #[error("the {language} translation file does not parse: {details}")]
    Syntax { language: Language, details: String },
}

/// Formats the sentences of one language.
pub struct Translator {
    language: Language,
    bundle: FluentBundle<FluentResource>,
}

impl fmt::Debug for Translator {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Translator")
            .field("language", &self.language)
            .finish()
    }
}

/// Private-use characters that cannot come from a template; they bracket the
/// index of a string argument while the template is escaped.
const SENTINEL_OPEN: char = '\u{F0000}';
const SENTINEL_CLOSE: char = '\u{F0001}';

impl Translator {
    pub fn new(language: Language) -> Result<Self, TranslationError> {
        let resource =
            FluentResource::try_new(language.source().to_owned()).map_err(|(_, errors)| {
                TranslationError::Syntax {
                    language,
                    details: format!("{errors:?}"),
                }
            })?;
        let identifier: LanguageIdentifier = language
            .code()
            .parse()
            .expect("language codes are valid identifiers");
        let mut bundle = FluentBundle::new_concurrent(vec![identifier]);
        // Unicode isolation marks would end up in copied text and in tests.
        bundle.set_use_isolating(false);
        bundle
            .add_resource(resource)
            .map_err(|errors| TranslationError::Syntax {
                language,
                details: format!("{errors:?}"),
            })?;
        Ok(Translator { language, bundle })
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// Formats message `id` with `args`, as plain text and as HTML.
    ///
    /// A missing message renders as its id, so a gap in a translation shows up
    /// in tests (which check both files hold the same ids) instead of silence.
    pub fn render(&self, id: &str, args: &[(&str, Arg)]) -> Rendered {
        let Some(pattern) = self
            .bundle
            .get_message(id)
            .and_then(|message| message.value())
        else {
            return Rendered::plain(id);
        };
        let mut fluent_args = FluentArgs::new();
        let mut strings: Vec<&Arg> = Vec::new();
        for (name, value) in args {
            match value {
                Arg::Number(number) => fluent_args.set(*name, FluentValue::from(*number)),
                Arg::User(_) | Arg::Link { .. } => {
                    let placeholder = format!("{SENTINEL_OPEN}{}{SENTINEL_CLOSE}", strings.len());
                    strings.push(value);
                    fluent_args.set(*name, FluentValue::from(placeholder));
                }
            }
        }
        let mut errors = Vec::new();
        let template = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors);
        let body = substitute(&template, &strings, |arg| match arg {
            Arg::Link {
                text,
                url,
                quiet: false,
            } => neutralize_mentions(&format!("{text} ({url})")),
            Arg::Link { text, .. } | Arg::User(text) => neutralize_mentions(text),
            Arg::Number(number) => number.to_string(),
        });
        let html = substitute(&escape_html(&template), &strings, |arg| match arg {
            Arg::Link { text, url, .. } => format!(
                "<a href=\"{}\">{}</a>",
                escape_html(url),
                escape_html(&neutralize_mentions(text))
            ),
            Arg::User(text) => escape_html(&neutralize_mentions(text)),
            Arg::Number(number) => number.to_string(),
        })
        .replace('\n', "<br>");
        Rendered { body, html }
    }

    /// Plain text of message `id`, for places that need no HTML (a room name).
    pub fn plain(&self, id: &str, args: &[(&str, Arg)]) -> String {
        self.render(id, args).body
    }
}

/// Replaces every sentinel-bracketed index in `template` by its argument,
/// passed through `escape`.
fn substitute(template: &str, strings: &[&Arg], escape: impl Fn(&Arg) -> String) -> String {
    let mut output = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find(SENTINEL_OPEN) {
        output.push_str(&rest[..start]);
        let after = &rest[start + SENTINEL_OPEN.len_utf8()..];
        let Some(end) = after.find(SENTINEL_CLOSE) else {
            rest = after;
            continue;
        };
        if let Some(text) = after[..end]
            .parse::<usize>()
            .ok()
            .and_then(|i| strings.get(i))
        {
            output.push_str(&escape(text));
        }
        rest = &after[end + SENTINEL_CLOSE.len_utf8()..];
    }
    output.push_str(rest);
    output
}

/// Every message id defined in a language's file, for the parity test.
#[cfg(test)]
fn message_ids(language: Language) -> std::collections::BTreeSet<String> {
    use fluent_syntax::ast::Entry;
    let resource = FluentResource::try_new(language.source().to_owned()).expect("parses");
    resource
        .entries()
        .filter_map(|entry| match entry {
            Entry::Message(message) => Some(message.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_parses_and_defines_the_same_messages() {
        let french = message_ids(Language::Fr);
        assert!(!french.is_empty());
        for language in Language::ALL {
            Translator::new(language).expect("translation parses");
            let ids = message_ids(language);
            let missing: Vec<_> = french.symmetric_difference(&ids).collect();
            assert!(
                missing.is_empty(),
                "{language} differs from fr on {missing:?}"
            );
        }
    }

    #[test]
    fn user_text_is_escaped_in_html_and_cannot_ping_the_room() {
        let translator = Translator::new(Language::Fr).unwrap();
        let rendered = translator.render(
            "help-unknown-topic",
            &[(
                "topic",
                Arg::from("<b>x</b> <a href=\"javascript:alert(1)\">y</a> @room"),
            )],
        );
        assert!(!rendered.html.contains("<b>"), "{}", rendered.html);
        assert!(!rendered.html.contains("<a "), "{}", rendered.html);
        assert!(
            rendered.html.contains("&lt;b&gt;x&lt;/b&gt;"),
            "{}",
            rendered.html
        );
        assert!(!rendered.body.contains("@room"), "{}", rendered.body);
        assert!(!rendered.html.contains("@room"), "{}", rendered.html);
        assert!(
            rendered.body.contains("<b>x</b>"),
            "plain body keeps the text: {}",
            rendered.body
        );
    }

    #[test]
    fn the_demo_banner_shows_where_to_log_in() {
        let translator = Translator::new(Language::Fr).unwrap();
        let banner = translator.plain(
            "demo-banner",
            &[
                ("url", "http://127.0.0.1:8008".into()),
                ("user", "@demo:localhost".into()),
                ("password", "demo-boucle".into()),
            ],
        );
        assert!(
            banner.contains("\n  serveur : http://127.0.0.1:8008\n"),
            "{banner}"
        );
        assert!(banner.contains("identifiant : @demo:localhost"), "{banner}");
        assert!(banner.contains("mot de passe : demo-boucle"), "{banner}");
    }

    #[test]
    fn links_are_escaped_and_quiet_links_keep_the_body_short() {
        let translator = Translator::new(Language::Fr).unwrap();
        let rendered = translator.render(
            "help-unknown-topic",
            &[("topic", Arg::person("<i>Cam</i> @room", "@cam\"x:s"))],
        );
        assert_eq!(
            rendered.html,
            "Je ne connais pas de commande « <a href=\"https://matrix.to/#/@cam&quot;x:s\">&lt;i&gt;Cam&lt;/i&gt; @\u{2060}room</a> »."
        );
        assert_eq!(
            rendered.body,
            "Je ne connais pas de commande « <i>Cam</i> @\u{2060}room »."
        );
        let room = translator.render(
            "help-unknown-topic",
            &[("topic", Arg::room("Santé", "!a:s", "s"))],
        );
        assert!(
            room.body.contains("Santé (https://matrix.to/#/!a:s?via=s)"),
            "{}",
            room.body
        );
    }

    #[test]
    fn a_missing_message_renders_as_its_id() {
        let translator = Translator::new(Language::En).unwrap();
        assert_eq!(translator.plain("no-such-message", &[]), "no-such-message");
    }
}
