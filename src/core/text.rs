//! Text as people type it on phones: folding (case and accents) and tokenising
//! (quotes of every kind, `|` separators, new lines).
//!
//! Everything here is pure and total: any input, however odd, yields a value and
//! never panics, because a chat message is untrusted input.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Lower-cases and strips accents so that `Réunion`, `REUNION` and `reunion`
/// compare equal. Ligatures French keyboards produce (`œ`, `æ`) are spelled out.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for character in text.nfd() {
        if is_combining_mark(character) {
            continue;
        }
        match character {
            'œ' | 'Œ' => folded.push_str("oe"),
            'æ' | 'Æ' => folded.push_str("ae"),
            other => folded.extend(other.to_lowercase()),
        }
    }
    folded
}

/// One piece of a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A word, or a quoted phrase with its quotes removed.
    Word(String),
    /// A `|` or `;` that separates fields, or a line break.
    Separator,
}

impl Token {
    pub fn as_word(&self) -> Option<&str> {
        match self {
            Token::Word(word) => Some(word),
            Token::Separator => None,
        }
    }
}

/// Returns the closing quote for an opening one, if `character` opens a quote.
fn closing_quote(character: char) -> Option<char> {
    match character {
        '"' => Some('"'),
        '«' => Some('»'),
        '“' => Some('”'),
        '„' => Some('“'),
        '‘' => Some('’'),
        '\'' => None, // apostrophes are part of French words (« jusqu'au »)
        _ => None,
    }
}

/// Splits a line into words, quoted phrases and separators.
///
/// An unclosed quote runs to the end of the text rather than being an error:
/// on a phone the closing quote is easily lost, and the intent is clear.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut characters = text.chars().peekable();
    let flush = |current: &mut String, tokens: &mut Vec<Token>| {
        if !current.is_empty() {
            tokens.push(Token::Word(std::mem::take(current)));
        }
    };
    while let Some(character) = characters.next() {
        if character == '\n' || character == '|' || character == ';' {
            flush(&mut current, &mut tokens);
            if tokens.last() != Some(&Token::Separator) && !tokens.is_empty() {
                tokens.push(Token::Separator);
            }
        } else if character.is_whitespace() {
            flush(&mut current, &mut tokens);
        } else if let Some(close) = closing_quote(character).filter(|_| current.is_empty()) {
            let mut phrase = String::new();
            for inner in characters.by_ref() {
                if inner == close || (close == '”' && inner == '"') {
                    break;
                }
                phrase.push(inner);
            }
            let phrase = phrase.trim().to_owned();
            if !phrase.is_empty() {
                tokens.push(Token::Word(phrase));
            }
        } else {
            current.push(character);
        }
    }
    flush(&mut current, &mut tokens);
    if tokens.last() == Some(&Token::Separator) {
        tokens.pop();
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ignores_case_accents_and_ligatures() {
        let cases = [
            ("Réunion", "reunion"),
            ("RÉUNION", "reunion"),
            ("désinscription", "desinscription"),
            ("Cœur", "coeur"),
            ("ÉNERGIE", "energie"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(fold(input), expected, "fold({input:?})");
        }
    }

    fn words(text: &str) -> Vec<String> {
        tokenize(text)
            .into_iter()
            .map(|token| match token {
                Token::Word(word) => word,
                Token::Separator => "|".to_owned(),
            })
            .collect()
    }

    #[test]
    fn tokenize_accepts_every_quote_and_separator_a_phone_types() {
        let cases: [(&str, &[&str]); 9] = [
            ("aide sondage", &["aide", "sondage"]),
            ("a « deux mots » b", &["a", "deux mots", "b"]),
            ("a “curly quotes” b", &["a", "curly quotes", "b"]),
            ("a \"straight\" b", &["a", "straight", "b"]),
            (
                "Q ?\nSanté\nLogement",
                &["Q", "?", "|", "Santé", "|", "Logement"],
            ),
            ("x | y ; z", &["x", "|", "y", "|", "z"]),
            ("jusqu'au 3/12", &["jusqu'au", "3/12"]),
            ("« pas fermé", &["pas fermé"]),
            ("  \n | \n ", &[]),
        ];
        for (input, expected) in cases {
            assert_eq!(words(input), expected, "tokenize({input:?})");
        }
    }

    #[test]
    fn junk_input_never_panics() {
        let junk = [
            "\u{0}",
            "«««",
            "»",
            "“",
            "\u{202e}abc",
            "!!!",
            "|||;;;",
            "é\u{301}\u{301}",
            "\u{1F600}\u{200d}",
            "\"",
            "'",
        ];
        for input in junk {
            let _ = tokenize(input);
            let _ = fold(input);
        }
        // A long line of mixed garbage also passes through.
        let long: String = (0..5000)
            .map(|i| char::from_u32(i * 7 % 0x2FFF).unwrap_or('x'))
            .collect();
        let _ = tokenize(&long);
    }
}
