//! What the bot says, as Matrix message content: a plain `body`, an HTML
//! `formatted_body`, and `m.mentions` always present so nobody is pinged by
//! accident.
//!
//! **Invariant:** the only way to put text into a message is through
//! [`Rendered`], whose constructors escape user text; the content built here is
//! what the outbox stores and the adapter sends unchanged.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Bytes of body and HTML per message, well under Synapse's 64 KiB event:
/// longer texts (a digest, a burst of reminders) are split into several.
pub const MESSAGE_BUDGET: usize = 24_000;

/// A piece of text in both forms a Matrix message carries.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Rendered {
    pub body: String,
    pub html: String,
}

impl Rendered {
    /// Text that is not HTML: escaped for the HTML form.
    pub fn plain(text: &str) -> Self {
        let body = neutralize_mentions(text);
        let html = escape_html(&body).replace('\n', "<br>");
        Rendered { body, html }
    }

    /// Appends `other` on a new line.
    pub fn line(&mut self, other: Rendered) -> &mut Self {
        if !self.body.is_empty() {
            self.body.push('\n');
            self.html.push_str("<br>");
        }
        self.body.push_str(&other.body);
        self.html.push_str(&other.html);
        self
    }

    /// Wraps the HTML form in `<strong>`, for a header.
    pub fn strong(mut self) -> Self {
        self.html = format!("<strong>{}</strong>", self.html);
        self
    }
}

/// Escapes the five characters that matter in HTML text and attributes.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// Breaks `@room` with a word joiner so that older clients, which look for it
/// in the body, do not notify the whole room. Case-insensitive, like push rules.
pub fn neutralize_mentions(text: &str) -> String {
    const WORD_JOINER: char = '\u{2060}';
    let mut output = String::with_capacity(text.len() + 8);
    let characters: Vec<char> = text.chars().collect();
    let mut index = 0;
    while index < characters.len() {
        output.push(characters[index]);
        if characters[index] == '@' {
            let next: String = characters[index + 1..].iter().take(4).collect();
            if next.to_lowercase() == "room" {
                output.push(WORD_JOINER);
            }
        }
        index += 1;
    }
    output
}

/// A message for the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMessage {
    pub room_id: String,
    /// The event this message answers, shown by clients as a reply.
    pub reply_to: Option<String>,
    pub text: Rendered,
    /// Users deliberately pinged. Empty by default; never the whole room.
    pub mentions: Vec<String>,
    /// Sent as `m.text`, which the default push rules notify, rather than
    /// `m.notice`, which they never do (`.m.rule.suppress_notices` comes
    /// before the mention rules). Only for what must reach someone who is
    /// not watching: see [`OutgoingMessage::ringing`].
    pub rings: bool,
}

impl OutgoingMessage {
    /// A message that answers nothing in particular (a welcome, a summary).
    pub fn notice(room_id: &str, text: Rendered) -> Self {
        OutgoingMessage {
            room_id: room_id.to_owned(),
            reply_to: None,
            text,
            mentions: Vec::new(),
            rings: false,
        }
    }

    /// A message that notifies: an `m.text` naming `mentions`. In a group
    /// room the default rule `.m.rule.message` notifies every member, so
    /// what is meant for some people only goes to them by direct message;
    /// a message for the whole room (an announcement, the digest) names
    /// nobody and never says `@room`.
    pub fn ringing(room_id: &str, text: Rendered, mentions: Vec<String>) -> Self {
        OutgoingMessage {
            room_id: room_id.to_owned(),
            reply_to: None,
            text,
            mentions,
            rings: true,
        }
    }

    pub fn reply(room_id: &str, event_id: &str, text: Rendered) -> Self {
        OutgoingMessage {
            room_id: room_id.to_owned(),
            reply_to: Some(event_id.to_owned()),
            text,
            mentions: Vec::new(),
            rings: false,
        }
    }

    /// This message as pieces that each fit [`MESSAGE_BUDGET`] once
    /// serialised: itself when it fits; otherwise its lines, gathered into
    /// as few messages as fit, a line too long for one being cut with a
    /// visible « … ». The pieces keep the text but not its formatting (their
    /// HTML is the escaped plain text); the first keeps the reply relation
    /// and the mentions.
    pub fn fitted(self) -> Vec<OutgoingMessage> {
        if content_size(&self.content()) <= MESSAGE_BUDGET {
            return vec![self];
        }
        // Room for everything but the texts: relation, mentions, keys.
        let overhead =
            content_size(&self.content()) - json_size(&self.text.body) - json_size(&self.text.html)
                + 64;
        let room = MESSAGE_BUDGET.saturating_sub(overhead);
        let mut pieces: Vec<String> = Vec::new();
        let mut current = String::new();
        for line in self.text.body.split('\n') {
            let line = fit_line(line, room);
            let candidate = if current.is_empty() {
                line.clone()
            } else {
                format!("{current}\n{line}")
            };
            if current.is_empty() || piece_size(&candidate) <= room {
                current = candidate;
            } else {
                pieces.push(std::mem::replace(&mut current, line));
            }
        }
        pieces.push(current);
        pieces
            .into_iter()
            .enumerate()
            .map(|(index, body)| OutgoingMessage {
                room_id: self.room_id.clone(),
                reply_to: if index == 0 {
                    self.reply_to.clone()
                } else {
                    None
                },
                text: Rendered {
                    html: escape_html(&body).replace('\n', "<br>"),
                    body,
                },
                mentions: if index == 0 {
                    self.mentions.clone()
                } else {
                    Vec::new()
                },
                // Only the first piece notifies: one message, one ring.
                rings: self.rings && index == 0,
            })
            .collect()
    }

    /// The `m.room.message` content sent to the homeserver. The bot speaks in
    /// notices, so that other bots do not answer it and nobody's phone rings
    /// for a reply they are watching; what must notify is `m.text`.
    pub fn content(&self) -> Value {
        let mut content = json!({
            "msgtype": if self.rings { "m.text" } else { "m.notice" },
            "body": self.text.body,
            "format": "org.matrix.custom.html",
            "formatted_body": self.text.html,
            "m.mentions": { "user_ids": self.mentions },
        });
        if let Some(event_id) = &self.reply_to {
            content["m.relates_to"] = json!({ "m.in_reply_to": { "event_id": event_id } });
        }
        content
    }
}

/// Fits the content of one `m.room.message` event that must stay one
/// event (its id comes back: a report's card, a meeting's announcement)
/// into [`MESSAGE_BUDGET`]: its text cut with a visible « … », and its
/// HTML the escaped plain text. Other fields (relation, mentions) stay.
pub fn fit_content(content: &mut Value) {
    if content_size(content) <= MESSAGE_BUDGET {
        return;
    }
    let Some(body) = content["body"].as_str().map(str::to_owned) else {
        return;
    };
    content["body"] = Value::from("");
    content["formatted_body"] = Value::from("");
    let room = MESSAGE_BUDGET.saturating_sub(content_size(content) + 64);
    let mut kept = String::new();
    for line in body.split('\n') {
        let candidate = if kept.is_empty() {
            line.to_owned()
        } else {
            format!("{kept}\n{line}")
        };
        if piece_size(&format!("{candidate}…")) <= room {
            kept = candidate;
        } else {
            let rest = room.saturating_sub(piece_size(&kept) + 8);
            let cut = fit_line(line, rest);
            kept = if kept.is_empty() {
                cut
            } else {
                format!("{kept}\n{cut}")
            };
            break;
        }
    }
    if !kept.ends_with('…') && kept.len() < body.len() {
        kept.push('…');
    }
    content["formatted_body"] = Value::from(escape_html(&kept).replace('\n', "<br>"));
    content["body"] = Value::from(kept);
}

/// Bytes of `content` as JSON.
pub fn content_size(content: &Value) -> usize {
    serde_json::to_string(content).map_or(usize::MAX, |text| text.len())
}

fn json_size(text: &str) -> usize {
    serde_json::to_string(text).map_or(usize::MAX, |text| text.len())
}

/// Bytes that `body` takes as a message's body and escaped HTML.
fn piece_size(body: &str) -> usize {
    json_size(body) + json_size(&escape_html(body).replace('\n', "<br>"))
}

/// `line`, cut (with « … ») to the most characters that fit in `room`.
fn fit_line(line: &str, room: usize) -> String {
    if piece_size(line) <= room {
        return line.to_owned();
    }
    let characters: Vec<(usize, char)> = line.char_indices().collect();
    let (mut low, mut high) = (0, characters.len());
    while low < high {
        let middle = (low + high).div_ceil(2);
        let end = characters.get(middle).map_or(line.len(), |(at, _)| *at);
        if piece_size(&format!("{}…", &line[..end])) <= room {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    let end = characters.get(low).map_or(line.len(), |(at, _)| *at);
    format!("{}…", &line[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn a_message_too_large_for_the_homeserver_is_split_then_cut() {
        // 3,000 lines that escape to six times their size.
        let lines: Vec<String> = (0..3_000).map(|n| format!("{n} \"<&>\"")).collect();
        let mut message = OutgoingMessage::reply("!r:s", "$e", Rendered::plain(&lines.join("\n")));
        message.mentions = vec!["@a:s".into()];
        let pieces = message.clone().fitted();
        assert!(pieces.len() > 1, "{}", pieces.len());
        for piece in &pieces {
            assert!(content_size(&piece.content()) <= MESSAGE_BUDGET);
        }
        let rejoined: Vec<&str> = pieces
            .iter()
            .map(|piece| piece.text.body.as_str())
            .collect();
        assert_eq!(rejoined.join("\n"), message.text.body, "nothing lost");
        assert_eq!(pieces[0].reply_to.as_deref(), Some("$e"));
        assert_eq!(pieces[0].mentions, vec!["@a:s".to_owned()]);
        assert!(
            pieces[1..]
                .iter()
                .all(|piece| piece.reply_to.is_none() && piece.mentions.is_empty())
        );
        // One line longer than any message: cut, with a visible mark.
        let long = OutgoingMessage::notice("!r:s", Rendered::plain(&"<".repeat(60_000)));
        let pieces = long.fitted();
        assert_eq!(pieces.len(), 1);
        assert!(content_size(&pieces[0].content()) <= MESSAGE_BUDGET);
        assert!(pieces[0].text.body.ends_with('…'));
        assert!(pieces[0].text.html.starts_with("&lt;&lt;"));
        // What fits stays as it is, formatting included.
        let small = OutgoingMessage::notice("!r:s", Rendered::plain("a").strong());
        assert_eq!(small.clone().fitted(), vec![small]);
    }

    #[test]
    fn what_must_reach_someone_is_a_text_that_names_them_and_rings_once() {
        let quiet = OutgoingMessage::notice("!r:s", Rendered::plain("Aide"));
        assert_eq!(quiet.content()["msgtype"], "m.notice");
        let ring =
            OutgoingMessage::ringing("!r:s", Rendered::plain("Rappel"), vec!["@lou:s".into()]);
        let content = ring.content();
        assert_eq!(content["msgtype"], "m.text");
        assert_eq!(content["m.mentions"]["user_ids"], json!(["@lou:s"]));
        assert!(content["m.mentions"].get("room").is_none(), "never @room");
        // Split in pieces, only the first one rings and names the person.
        let lines: Vec<String> = (0..3_000).map(|n| format!("{n} \"<&>\"")).collect();
        let long = OutgoingMessage::ringing(
            "!r:s",
            Rendered::plain(&lines.join("\n")),
            vec!["@lou:s".into()],
        );
        let pieces = long.fitted();
        assert!(pieces.len() > 1);
        assert_eq!(pieces[0].content()["msgtype"], "m.text");
        assert!(pieces[1..].iter().all(|piece| {
            piece.content()["msgtype"] == "m.notice" && piece.mentions.is_empty()
        }));
    }

    #[test]
    fn an_event_that_must_stay_one_is_cut_to_fit() {
        let text = format!("Remontée #1\n{}\nAuteur : Camille", "\"".repeat(5_000));
        let mut content = OutgoingMessage::reply("!r:s", "$e", Rendered::plain(&text)).content();
        assert!(content_size(&content) > MESSAGE_BUDGET);
        fit_content(&mut content);
        assert!(
            content_size(&content) <= MESSAGE_BUDGET,
            "{}",
            content_size(&content)
        );
        let body = content["body"].as_str().unwrap();
        assert!(
            body.starts_with("Remontée #1\n\"\"") && body.ends_with('…'),
            "{body}"
        );
        assert_eq!(content["m.relates_to"]["m.in_reply_to"]["event_id"], "$e");
        assert!(content["m.mentions"].is_object());
        // What fits is left alone.
        let small = OutgoingMessage::notice("!r:s", Rendered::plain("a").strong()).content();
        let mut same = small.clone();
        fit_content(&mut same);
        assert_eq!(same, small);
    }

    #[test]
    fn html_special_characters_are_escaped() {
        assert_eq!(
            escape_html(r#"<a href="javascript:x">'&'</a>"#),
            "&lt;a href=&quot;javascript:x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn room_mentions_are_broken_in_every_case() {
        for text in ["@room", "salut @Room !", "@ROOM@room"] {
            let neutral = neutralize_mentions(text);
            assert!(
                !neutral.to_lowercase().contains("@room"),
                "{text:?} gave {neutral:?}"
            );
        }
        assert_eq!(neutralize_mentions("@roomie"), "@\u{2060}roomie");
        assert_eq!(neutralize_mentions("@alice:server"), "@alice:server");
    }

    #[test]
    fn content_always_carries_mentions_and_the_reply_relation() {
        let message = OutgoingMessage::reply("!r:s", "$e", Rendered::plain("a < b @room"));
        expect![[r#"
            {
              "body": "a < b @\u2060room",
              "format": "org.matrix.custom.html",
              "formatted_body": "a &lt; b @\u2060room",
              "m.mentions": {
                "user_ids": []
              },
              "m.relates_to": {
                "m.in_reply_to": {
                  "event_id": "$e"
                }
              },
              "msgtype": "m.notice"
            }"#]]
        // The word joiner is invisible: show it escaped.
        .assert_eq(
            &serde_json::to_string_pretty(&message.content())
                .unwrap()
                .replace('\u{2060}', "\\u2060"),
        );
    }
}
