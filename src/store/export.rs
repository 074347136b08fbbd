//! The export file: a [`Dump`] as readable, versioned JSON.
//!
//! ```json
//! {
//!   "format": "boucle-export",
//!   "format_version": 1,
//!   "next_id": 42,
//!   "trees": {
//!     "ledger": [{ "key": "$event", "value": { "room_id": "!r:s", "v": 1 } }],
//!     "polls": [{ "key_hex": "0000000000000003", "value": { "…": "…", "v": 1 } }]
//!   }
//! }
//! ```
//!
//! Keys that are plain text are written as text, others (numbers stored
//! big-endian) in hexadecimal; values are the records themselves, each with
//! its schema version `"v"`. Every tree appears, empty or not, in
//! alphabetical order, entries in key order, so the same data always gives
//! the same bytes: export, import, export again and compare.

use serde_json::{Map, Value, json};

use super::{Dump, KeyValue, Tree};

pub const FORMAT: &str = "boucle-export";
pub const FORMAT_VERSION: u64 = 1;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    #[error("not JSON: {0}")]
    Json(String),
    #[error("not a boucle export (no \"format\": \"{FORMAT}\")")]
    NotAnExport,
    #[error("export format version {0}; this boucle reads version {FORMAT_VERSION} or older")]
    TooNew(u64),
    #[error("unknown tree {0:?}")]
    UnknownTree(String),
    #[error("in tree {tree:?}, entry {index}: {problem}")]
    Entry {
        tree: String,
        index: usize,
        problem: String,
    },
}

/// The dump as the export file's text (pretty JSON, one final newline).
pub fn to_text(dump: &Dump) -> String {
    let mut trees = Map::new();
    for tree in Tree::ALL {
        let entries: Vec<Value> = dump.entries(tree).iter().map(entry_to_json).collect();
        trees.insert(tree.name().to_owned(), Value::Array(entries));
    }
    let document = json!({
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "next_id": dump.next_id,
        "trees": trees,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("JSON values serialise");
    text.push('\n');
    text
}

fn entry_to_json((key, value): &KeyValue) -> Value {
    let mut entry = Map::new();
    match std::str::from_utf8(key) {
        Ok(text) if !text.chars().any(char::is_control) => {
            entry.insert("key".to_owned(), Value::from(text));
        }
        _ => {
            entry.insert("key_hex".to_owned(), Value::from(hex::encode(key)));
        }
    }
    match serde_json::from_slice::<Value>(value) {
        Ok(record) => entry.insert("value".to_owned(), record),
        Err(_) => entry.insert("value_hex".to_owned(), Value::from(hex::encode(value))),
    };
    Value::Object(entry)
}

/// Reads an export file back into a dump.
pub fn from_text(text: &str) -> Result<Dump, ImportError> {
    let document: Value =
        serde_json::from_str(text).map_err(|error| ImportError::Json(error.to_string()))?;
    if document.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(ImportError::NotAnExport);
    }
    let version = document
        .get("format_version")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if version == 0 || version > FORMAT_VERSION {
        return Err(ImportError::TooNew(version));
    }
    let next_id = document.get("next_id").and_then(Value::as_u64).unwrap_or(1);
    let empty = Map::new();
    let trees_json = document
        .get("trees")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for name in trees_json.keys() {
        if !Tree::ALL.iter().any(|tree| tree.name() == name) {
            return Err(ImportError::UnknownTree(name.clone()));
        }
    }
    let mut trees = Vec::with_capacity(Tree::ALL.len());
    for tree in Tree::ALL {
        let mut entries = Vec::new();
        let listed = trees_json
            .get(tree.name())
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (index, entry) in listed.iter().enumerate() {
            let problem = |problem: &str| ImportError::Entry {
                tree: tree.name().to_owned(),
                index,
                problem: problem.to_owned(),
            };
            let key = match (
                entry.get("key").and_then(Value::as_str),
                entry.get("key_hex").and_then(Value::as_str),
            ) {
                (Some(text), None) => text.as_bytes().to_vec(),
                (None, Some(hex_text)) => {
                    hex::decode(hex_text).map_err(|_| problem("key_hex is not hexadecimal"))?
                }
                _ => return Err(problem("needs exactly one of key, key_hex")),
            };
            let value = match (entry.get("value"), entry.get("value_hex")) {
                (Some(record), None) => serde_json::to_vec(record).expect("JSON values serialise"),
                (None, Some(Value::String(hex_text))) => {
                    hex::decode(hex_text).map_err(|_| problem("value_hex is not hexadecimal"))?
                }
                _ => return Err(problem("needs exactly one of value, value_hex")),
            };
            entries.push((key, value));
        }
        entries.sort();
        trees.push((tree, entries));
    }
    Ok(Dump { next_id, trees })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Dump {
        let mut dump = Dump {
            next_id: 17,
            trees: Tree::ALL.iter().map(|tree| (*tree, Vec::new())).collect(),
        };
        for (tree, entries) in &mut dump.trees {
            match tree {
                Tree::Ledger => entries.push((
                    b"$event:s".to_vec(),
                    br#"{"handled_at":"2026-11-29T08:30:00Z","room_id":"!r:s","v":1}"#.to_vec(),
                )),
                Tree::Polls => entries.push((
                    3u64.to_be_bytes().to_vec(),
                    br#"{"question":"Quand ?","v":1}"#.to_vec(),
                )),
                Tree::Meta => entries.push((b"raw".to_vec(), vec![0, 159, 146, 150])),
                _ => {}
            }
        }
        dump
    }

    #[test]
    fn text_keys_stay_text_and_binary_ones_become_hex() {
        let text = to_text(&sample());
        assert!(text.contains(r#""key": "$event:s""#), "{text}");
        assert!(text.contains(r#""key_hex": "0000000000000003""#), "{text}");
        assert!(text.contains(r#""value_hex": "009f9296""#), "{text}");
        assert!(text.contains(r#""question": "Quand ?""#), "{text}");
        assert!(
            text.contains(r#""report_drafts": []"#),
            "every tree is listed"
        );
    }

    #[test]
    fn reading_back_gives_the_same_dump_and_the_same_text() {
        let text = to_text(&sample());
        let read = from_text(&text).unwrap();
        assert_eq!(read, sample());
        assert_eq!(to_text(&read), text);
    }

    #[test]
    fn what_is_not_an_export_is_refused_plainly() {
        assert!(matches!(from_text("nope"), Err(ImportError::Json(_))));
        assert_eq!(from_text("{}"), Err(ImportError::NotAnExport));
        assert_eq!(
            from_text(r#"{"format":"boucle-export","format_version":9}"#),
            Err(ImportError::TooNew(9))
        );
        assert_eq!(
            from_text(r#"{"format":"boucle-export","format_version":1,"trees":{"nope":[]}}"#),
            Err(ImportError::UnknownTree("nope".into()))
        );
        let error = from_text(
            r#"{"format":"boucle-export","format_version":1,"trees":{"polls":[{"key_hex":"zz","value":{}}]}}"#,
        )
        .unwrap_err();
        assert!(error.to_string().contains("polls"), "{error}");
    }
}
