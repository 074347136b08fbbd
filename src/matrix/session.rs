//! Login and session restore: one device for the bot's whole life.
//!
//! The SDK keeps its crypto store in SQLite but not the access token, so the
//! session (user, device, token) is saved beside it, readable by the bot's
//! user only. A restart restores it; a new device per restart would break
//! encryption for everyone in the rooms.
//!
//! Both are encrypted with the passphrase of `[bot] passphrase_env` or
//! `passphrase_file`: the SDK's SQLite stores (state, crypto keys, event
//! cache) by the SDK itself, the session file with [`Seal`]. A copy of the
//! data directory alone neither decrypts the rooms' history nor holds a
//! usable token. Stores an older boucle wrote without a passphrase are
//! refused with what to do (`boucle reset-device`).

use std::path::{Path, PathBuf};

use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::encryption::EncryptionSettings;
use matrix_sdk::{Client, ruma::UserId};

use super::AdapterError;
use crate::store::records::{decode, encode};
use crate::store::seal::{Seal, Sealed};

pub const DEVICE_DISPLAY_NAME: &str = "boucle";

/// The sealed session (this version).
fn session_path(data_dir: &Path) -> PathBuf {
    data_dir.join("matrix-session.sealed")
}

/// The session in clear, as versions before the passphrase wrote it.
fn clear_session_path(data_dir: &Path) -> PathBuf {
    data_dir.join("matrix-session.json")
}

fn store_path(data_dir: &Path) -> PathBuf {
    data_dir.join("matrix-store")
}

/// Present in a store created with the passphrase; absent from one an
/// older version created in clear.
fn encrypted_marker(data_dir: &Path) -> PathBuf {
    store_path(data_dir).join("boucle-encrypted")
}

/// Why the SDK's store cannot be used as it is, with what to do.
fn unencrypted_store(data_dir: &Path) -> AdapterError {
    AdapterError::Session(format!(
        "the Matrix store in {store} was written by an older boucle without encryption.\n\
         boucle now encrypts it with the [bot] passphrase, and cannot convert it in place.\n\
         To start afresh with an encrypted store (a new device for the bot; people's apps\n\
         share keys with it for new messages, and the old history is not needed):\n    \
         boucle reset-device -c <your config.toml>\n\
         This logs the old device out and deletes {store} and the clear session file.",
        store = store_path(data_dir).display()
    ))
}

/// Whether the SDK's store in `data_dir` was written without encryption.
pub fn store_is_unencrypted(data_dir: &Path) -> bool {
    (store_path(data_dir).exists() && !encrypted_marker(data_dir).exists())
        || clear_session_path(data_dir).exists()
}

/// Builds the client over the SDK's SQLite store in the data directory,
/// encrypted with `passphrase`.
pub async fn build_client(
    homeserver: &str,
    data_dir: &Path,
    passphrase: &str,
) -> Result<Client, AdapterError> {
    if store_is_unencrypted(data_dir) {
        return Err(unencrypted_store(data_dir));
    }
    std::fs::create_dir_all(store_path(data_dir))?;
    write_private(
        &encrypted_marker(data_dir),
        b"the SDK's stores here are encrypted\n",
    )?;
    let client = Client::builder()
        .homeserver_url(homeserver)
        .sqlite_store(store_path(data_dir), Some(passphrase))
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
    passphrase: &str,
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
    if path.exists() {
        let session = read_session(data_dir, passphrase)?;
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
    save(client, data_dir, passphrase)?;
    tracing::info!(device = %client.device_id().map(|d| d.to_string()).unwrap_or_default(), "logged in with a new device");
    Ok(())
}

/// Logs in again on the same device after the server forgot the token.
pub async fn log_in_again(
    client: &Client,
    data_dir: &Path,
    user_id: &UserId,
    password: &str,
    passphrase: &str,
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
    save(client, data_dir, passphrase)
}

/// The session saved in `data_dir`, opened with `passphrase`.
fn read_session(data_dir: &Path, passphrase: &str) -> Result<MatrixSession, AdapterError> {
    let path = session_path(data_dir);
    let problem = |details: String| AdapterError::Session(format!("{}: {details}", path.display()));
    let bytes = std::fs::read(&path).map_err(|error| problem(error.to_string()))?;
    let sealed: Sealed = decode(&bytes).map_err(|error| problem(error.to_string()))?;
    let text = Seal::from_passphrase(passphrase)
        .open(&sealed, "session")
        .map_err(|error| problem(error.to_string()))?;
    serde_json::from_slice(&text).map_err(|error| problem(error.to_string()))
}

/// The access token of the session saved in `data_dir`, if any: for
/// reading the homeserver without logging in (no new device). Reads the
/// clear file an older version left, too (for `boucle reset-device`).
pub fn saved_token(data_dir: &Path, passphrase: &str) -> Option<String> {
    if let Ok(session) = read_session(data_dir, passphrase) {
        return Some(session.tokens.access_token);
    }
    let text = std::fs::read_to_string(clear_session_path(data_dir)).ok()?;
    let session: MatrixSession = serde_json::from_str(&text).ok()?;
    Some(session.tokens.access_token)
}

/// The device of the session saved in `data_dir`, if it opens with
/// `passphrase`.
pub fn saved_device_id(data_dir: &Path, passphrase: &str) -> Option<String> {
    read_session(data_dir, passphrase)
        .ok()
        .map(|session| session.meta.device_id.to_string())
}

/// Whether an encrypted store's session is there but does not open with
/// `passphrase`: a wrong passphrase (a typo, another machine's), or a lost
/// one. Resetting then throws away keys the right passphrase would open.
pub fn session_does_not_open(data_dir: &Path, passphrase: &str) -> bool {
    !store_is_unencrypted(data_dir)
        && session_path(data_dir).exists()
        && read_session(data_dir, passphrase).is_err()
}

/// Deletes the SDK's store and the session an older version wrote in
/// clear, after logging that device out with `logout` (so that the
/// homeserver forgets it and people's apps stop sharing keys with it).
pub fn forget_unencrypted_store(data_dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for path in [
        store_path(data_dir),
        clear_session_path(data_dir),
        session_path(data_dir),
    ] {
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
            removed.push(path);
        } else if path.exists() {
            std::fs::remove_file(&path)?;
            removed.push(path);
        }
    }
    Ok(removed)
}

fn save(client: &Client, data_dir: &Path, passphrase: &str) -> Result<(), AdapterError> {
    let session = client
        .matrix_auth()
        .session()
        .ok_or_else(|| AdapterError::Session("no session after login".to_owned()))?;
    let text = serde_json::to_vec(&session).expect("sessions serialise");
    let sealed = Seal::from_passphrase(passphrase).seal("session", &text, 2048);
    let path = session_path(data_dir);
    let temporary = path.with_extension("sealed.tmp");
    write_private(&temporary, &encode(&sealed))?;
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
