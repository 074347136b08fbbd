//! The bot's face: the display name and the avatar people see beside its
//! messages, set at start from the configuration (`[bot] display_name`,
//! `[bot] avatar`; the default picture ships in `assets/avatar.png`).
//!
//! Changing a display name rewrites the bot's membership in every room it is
//! in, and an avatar is an upload: both are done only when they differ from
//! what the homeserver already has. What was uploaded is remembered in the
//! data directory (`avatar.json`: the picture's SHA-256 and its `mxc://`
//! address), so a restart uploads nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Adapter;

/// The picture used when the configuration names none.
pub const DEFAULT_AVATAR: &[u8] = include_bytes!("../../assets/avatar.png");

/// What the bot should look like.
#[derive(Debug, Clone)]
pub struct Face {
    pub display_name: String,
    pub avatar: Vec<u8>,
    pub content_type: mime::Mime,
}

impl Face {
    /// From the configuration: the named picture, or the default one when
    /// none is named or it cannot be read (said in the log).
    pub fn from_config(display_name: &str, avatar: Option<&Path>) -> Face {
        let default = || (DEFAULT_AVATAR.to_vec(), mime::IMAGE_PNG);
        let (avatar, content_type) = match avatar {
            None => default(),
            Some(path) => match std::fs::read(path) {
                Ok(bytes) => match picture_type(&bytes) {
                    Some(content_type) => (bytes, content_type),
                    None => {
                        tracing::warn!(path = %path.display(), "the avatar is neither PNG nor JPEG: using the default one");
                        default()
                    }
                },
                Err(error) => {
                    tracing::warn!(path = %path.display(), %error, "cannot read the avatar: using the default one");
                    default()
                }
            },
        };
        Face {
            display_name: display_name.trim().to_owned(),
            avatar,
            content_type,
        }
    }

    fn digest(&self) -> String {
        hex::encode(Sha256::digest(&self.avatar))
    }
}

/// PNG or JPEG, by their first bytes.
fn picture_type(bytes: &[u8]) -> Option<mime::Mime> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(mime::IMAGE_PNG)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(mime::IMAGE_JPEG)
    } else {
        None
    }
}

/// What was last uploaded as the avatar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Uploaded {
    sha256: String,
    mxc: String,
}

fn uploaded_path(data_dir: &Path) -> PathBuf {
    data_dir.join("avatar.json")
}

fn read_uploaded(data_dir: &Path) -> Option<Uploaded> {
    let text = std::fs::read_to_string(uploaded_path(data_dir)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Sets the display name and the avatar where they differ, retrying (with
/// a growing pause) while the homeserver cannot be reached; then rests.
/// Never ends, as the bot's other tasks.
pub async fn present(adapter: Arc<Adapter>, face: Face) {
    let mut pause = Duration::from_secs(5);
    while let Err(error) = set_face(&adapter, &face).await {
        if error.client_api_error_kind()
            == Some(&matrix_sdk::ruma::api::error::ErrorKind::Forbidden)
        {
            // The homeserver does not let accounts change their profile:
            // said once, not retried.
            tracing::warn!(error = %crate::logging::error(&error), "the homeserver refuses to set the bot's name or picture");
            break;
        }
        tracing::warn!(error = %crate::logging::error(&error), retry_in = ?pause, "cannot set the bot's name and picture yet");
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(600));
    }
    std::future::pending::<()>().await;
}

async fn set_face(adapter: &Adapter, face: &Face) -> Result<(), matrix_sdk::Error> {
    let account = adapter.client.account();
    let profile = account.fetch_user_profile().await?;
    let current_name = profile
        .get("displayname")
        .and_then(|value| value.as_str().map(str::to_owned));
    if current_name.as_deref() != Some(face.display_name.as_str()) {
        account.set_display_name(Some(&face.display_name)).await?;
        tracing::info!("display name set");
    }
    let current_avatar = profile
        .get("avatar_url")
        .and_then(|value| value.as_str().map(str::to_owned));
    let digest = face.digest();
    let known = read_uploaded(&adapter.data_dir);
    let up_to_date = known.as_ref().is_some_and(|known| {
        known.sha256 == digest && current_avatar.as_deref() == Some(known.mxc.as_str())
    });
    if !up_to_date {
        let mxc = account
            .upload_avatar(&face.content_type, face.avatar.clone())
            .await?;
        let uploaded = Uploaded {
            sha256: digest,
            mxc: mxc.to_string(),
        };
        let text = serde_json::to_string(&uploaded).expect("plain strings serialise");
        if let Err(error) = std::fs::write(uploaded_path(&adapter.data_dir), text) {
            tracing::warn!(%error, "cannot remember the avatar uploaded: it will be uploaded again at the next start");
        }
        tracing::info!("avatar set");
    }
    tracing::debug!("name and picture up to date");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_avatar_is_a_png_and_an_unreadable_one_falls_back_to_it() {
        assert_eq!(picture_type(DEFAULT_AVATAR), Some(mime::IMAGE_PNG));
        let face = Face::from_config("boucle", None);
        assert_eq!(face.avatar, DEFAULT_AVATAR);
        let directory = tempfile::tempdir().unwrap();
        let text = directory.path().join("avatar.png");
        std::fs::write(&text, "not a picture").unwrap();
        assert_eq!(
            Face::from_config("boucle", Some(&text)).avatar,
            DEFAULT_AVATAR
        );
        let missing = directory.path().join("missing.png");
        assert_eq!(
            Face::from_config("boucle", Some(&missing)).avatar,
            DEFAULT_AVATAR
        );
        let jpeg = directory.path().join("avatar.jpg");
        std::fs::write(&jpeg, [0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]).unwrap();
        let face = Face::from_config("AP", Some(&jpeg));
        assert_eq!(face.content_type, mime::IMAGE_JPEG);
        assert_eq!(face.display_name, "AP");
    }
}
