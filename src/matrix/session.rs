//! Login and session restore: one device for the bot's whole life.
//!
//! The SDK keeps its crypto store in SQLite but not the access token, so the
//! session (user, device, token) is saved beside it, readable by the bot's
//! user only. A restart restores it; a new device per restart would break
//! encryption for everyone in the rooms.

use std::path::{Path, PathBuf};

use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::encryption::EncryptionSettings;
use matrix_sdk::{Client, ruma::UserId};

use super::AdapterError;

pub const DEVICE_DISPLAY_NAME: &str = "boucle";

fn session_path(data_dir: &Path) -> PathBuf {
    data_dir.join("matrix-session.json")
}

/// Builds the client over the SDK's SQLite store in the data directory.
pub async fn build_client(homeserver: &str, data_dir: &Path) -> Result<Client, AdapterError> {
    let client = Client::builder()
        .homeserver_url(homeserver)
        .sqlite_store(data_dir.join("matrix-store"), None)
        // Clients that exclude unverified devices still share keys with a
        // cross-signed bot.
        .with_encryption_settings(EncryptionSettings {
            auto_enable_cross_signing: true,
            ..Default::default()
        })
        .build()
        .await?;
    Ok(client)
}

/// Restores the saved session, or logs in with the password and saves it.
pub async fn log_in(
    client: &Client,
    data_dir: &Path,
    user_id: &UserId,
    password: &str,
) -> Result<(), AdapterError> {
    // The SDK drops a sync response whose position equals the one it
    // saved ("the same sync response twice"). boucle saves its own
    // position only once a response's events are handled, so after a
    // crash the SDK's may be ahead: the response boucle asks for again
    // would come back empty, and its commands would be lost. boucle's
    // position is the one that counts (issue 8, scenario 7). Also before
    // a fresh login: the SDK's store may outlive a deleted session file.
    client
        .state_store()
        .remove_kv_data(matrix_sdk::store::StateStoreDataKey::SyncToken)
        .await
        .map_err(|error| {
            AdapterError::Session(format!("cannot reset the SDK's sync position: {error}"))
        })?;
    let path = session_path(data_dir);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let session: MatrixSession = serde_json::from_str(&text)
            .map_err(|error| AdapterError::Session(format!("{}: {error}", path.display())))?;
        if session.meta.user_id != user_id {
            return Err(AdapterError::Session(format!(
                "{} belongs to {}, not {user_id}; move it away to log in afresh",
                path.display(),
                session.meta.user_id
            )));
        }
        client.restore_session(session).await?;
        tracing::info!(device = %client.device_id().map(|d| d.to_string()).unwrap_or_default(), "session restored");
        return Ok(());
    }
    client
        .matrix_auth()
        .login_username(user_id, password)
        .initial_device_display_name(DEVICE_DISPLAY_NAME)
        .send()
        .await?;
    save(client, data_dir)?;
    tracing::info!(device = %client.device_id().map(|d| d.to_string()).unwrap_or_default(), "logged in with a new device");
    Ok(())
}

/// Logs in again on the same device after the server forgot the token.
pub async fn log_in_again(
    client: &Client,
    data_dir: &Path,
    user_id: &UserId,
    password: &str,
) -> Result<(), AdapterError> {
    let device_id = client.device_id().map(|device| device.to_string());
    let mut login = client.matrix_auth().login_username(user_id, password);
    if let Some(device_id) = &device_id {
        login = login.device_id(device_id);
    }
    login
        .initial_device_display_name(DEVICE_DISPLAY_NAME)
        .send()
        .await?;
    save(client, data_dir)
}

/// The access token of the session saved in `data_dir`, if any: for
/// reading the homeserver without logging in (no new device).
pub fn saved_token(data_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(session_path(data_dir)).ok()?;
    let session: MatrixSession = serde_json::from_str(&text).ok()?;
    Some(session.tokens.access_token)
}

fn save(client: &Client, data_dir: &Path) -> Result<(), AdapterError> {
    let session = client
        .matrix_auth()
        .session()
        .ok_or_else(|| AdapterError::Session("no session after login".to_owned()))?;
    let text = serde_json::to_string(&session).expect("sessions serialise");
    let path = session_path(data_dir);
    let temporary = path.with_extension("json.tmp");
    write_private(&temporary, text.as_bytes())?;
    std::fs::rename(&temporary, &path)?;
    Ok(())
}

/// Writes a file only its owner can read (the session holds a token).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
