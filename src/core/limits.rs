//! Every bound on what one person can make the bot store, compute or say.
//!
//! An open assembly lets anyone in, and anyone can type anything: a repeat
//! every twenty million weeks, a reminder a century ahead, a poll question
//! of 60,000 characters, a thousand open polls. Each bound here is what a
//! person could mean, well above what a group uses, and each refusal has its
//! own sentence in the translation files. Gathered in one file so that a
//! review sees them all at once.

/// A meeting repeats at most this rarely (a year).
pub const REPEAT_MAX_WEEKS: u32 = 52;
pub const REPEAT_MAX_MONTHS: u32 = 12;

/// A reminder goes at most this long before its meeting (31 days).
pub const REMINDER_MAX_MINUTES: u32 = 31 * 24 * 60;
/// Reminders per meeting.
pub const REMINDERS_MAX: usize = 5;

/// Characters of one field of a command (a question, an option, a place, a
/// name): a segment between `|`, `;` or line breaks.
pub const FIELD_MAX_CHARS: usize = 500;
/// Characters of a whole command line, and of a long text (a field report,
/// an answer, an announcement).
pub const TEXT_MAX_CHARS: usize = 4_000;

/// Characters of a person's text repeated back in a reply about a mistake
/// (an unknown command or help topic).
pub const ECHO_MAX_CHARS: usize = 80;
/// Characters of a word compared with command names for a suggestion.
pub const SUGGESTION_MAX_CHARS: usize = 24;

/// Characters of a display name as the bot shows it.
pub const DISPLAY_NAME_MAX_CHARS: usize = 48;

/// Open polls, secret ballots, upcoming meetings, open slot polls and
/// speakers a person may have started in one room at the same time, and
/// the same for a whole room.
pub const OPEN_PER_PERSON: usize = 20;
pub const OPEN_PER_ROOM: usize = 60;

/// `text` cut to `max` characters, with a visible mark when it was cut.
pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}…", text[..end].trim_end()),
    }
}

/// A display name fit to be shown: no line breaks, no control, bidi or
/// zero-width characters (which could make a name look like another or
/// reorder the sentence around it), spaces collapsed, length capped.
pub fn clean_display_name(name: &str) -> String {
    let mut cleaned = String::with_capacity(name.len().min(256));
    let mut space = false;
    for character in name.chars() {
        if character.is_whitespace() {
            space = !cleaned.is_empty();
            continue;
        }
        if character.is_control() || is_invisible(character) {
            continue;
        }
        if space {
            cleaned.push(' ');
            space = false;
        }
        cleaned.push(character);
    }
    shorten(&cleaned, DISPLAY_NAME_MAX_CHARS)
}

/// How a person is shown: their display name, cleaned, or their user id
/// when they have none (or nothing of it is left after cleaning).
pub fn shown_name(name: Option<&str>, user_id: &str) -> String {
    name.map(clean_display_name)
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| user_id.to_owned())
}

/// Format characters that change how text around them is shown without
/// showing themselves: bidi embeddings, overrides and isolates, zero-width
/// spaces and joiners, the word joiner, soft hyphen, byte-order mark, and
/// Unicode tags.
fn is_invisible(character: char) -> bool {
    matches!(character,
        '\u{00AD}'
        | '\u{061C}'
        | '\u{115F}' | '\u{1160}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}'
        | '\u{E0000}'..='\u{E007F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_marks_what_it_cut_and_leaves_the_rest() {
        assert_eq!(shorten("Camille", 10), "Camille");
        assert_eq!(shorten("Camille", 7), "Camille");
        assert_eq!(shorten("Camille Le Goff", 7), "Camille…");
        assert_eq!(shorten("éééé", 2), "éé…");
    }

    #[test]
    fn display_names_lose_what_could_disguise_them() {
        assert_eq!(clean_display_name("Camille\nadmin"), "Camille admin");
        assert_eq!(
            clean_display_name("\u{202E}elliM\u{202C} Cam\u{200B}ille"),
            "elliM Camille"
        );
        assert_eq!(clean_display_name("  Yann \t Le  Bihan "), "Yann Le Bihan");
        assert_eq!(clean_display_name("a\u{0007}b\u{FEFF}c"), "abc");
        let long = clean_display_name(&"x".repeat(500));
        assert_eq!(long.chars().count(), DISPLAY_NAME_MAX_CHARS + 1);
        assert!(long.ends_with('…'));
        assert_eq!(clean_display_name("\u{200B}\u{202E}"), "");
    }
}
