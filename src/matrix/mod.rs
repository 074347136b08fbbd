//! The Matrix adapter: login, sync, event conversion, outbox sender.
//!
//! **Architecture Invariant:** only this module knows matrix-sdk and ruma
//! types. It turns events into core inputs and sends what the outbox holds;
//! it decides nothing itself beyond which invites to accept.

mod convert;
pub mod demo;
mod outbox;
mod profile;
mod session;
mod space;
mod state_cache;
mod sync;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use matrix_sdk::Client;
use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId, RoomId, RoomOrAliasId};
use tokio::sync::mpsc;

use crate::config::Config;
use crate::core::{ThemeSettings, TimerPurpose, next_retention_run};
use crate::engine::{Engine, EngineError, Failpoint};
use crate::store::records::{
    FIRST_START_KEY, FirstStart, SYNC_CURSOR_KEY, SyncCursor, decode, encode,
};
use crate::store::{Batch, Store, StoreError, Tree};

pub use outbox::transaction_id;
pub use session::{
    forget_unencrypted_store, saved_device_id, saved_token, session_does_not_open,
    store_is_unencrypted,
};

#[derive(Debug, thiserror::Error)]
pub enum AdapterError {
    #[error("Matrix error: {0}")]
    Matrix(Box<matrix_sdk::Error>),
    #[error("Matrix client setup: {0}")]
    Build(Box<matrix_sdk::ClientBuildError>),
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("session: {0}")]
    Session(String),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    #[error("configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    State(#[from] crate::maintenance::StateError),
    #[error(transparent)]
    Stopped(crate::tasks::TaskEnded),
}

// Boxed: the SDK's errors are large, and errors travel through every `?`.
impl From<matrix_sdk::Error> for AdapterError {
    fn from(error: matrix_sdk::Error) -> Self {
        AdapterError::Matrix(Box::new(error))
    }
}

impl From<matrix_sdk::ClientBuildError> for AdapterError {
    fn from(error: matrix_sdk::ClientBuildError) -> Self {
        AdapterError::Build(Box::new(error))
    }
}

impl From<matrix_sdk::HttpError> for AdapterError {
    fn from(error: matrix_sdk::HttpError) -> Self {
        AdapterError::Matrix(Box::new(error.into()))
    }
}

/// What the running bot holds, shared by its tasks.
pub struct Adapter {
    client: Client,
    engine: Engine,
    user_id: OwnedUserId,
    password: String,
    /// Encrypts the saved session (and, through the SDK, its stores).
    passphrase: String,
    data_dir: PathBuf,
    first_start: DateTime<Utc>,
    catch_up: chrono::Duration,
    /// The assembly's Space, once found or created.
    space: tokio::sync::OnceCell<OwnedRoomId>,
    /// Told when a sync succeeds after failures: the homeserver is back, so
    /// the outbox retries at once instead of at the end of its back-off.
    homeserver_back: tokio::sync::Notify,
    /// Power levels and memberships read for commands, until a sync changes
    /// them.
    state_cache: std::sync::Mutex<state_cache::StateCache>,
    /// The account's pace while the homeserver rate-limits it.
    pace: outbox::Pace,
}

impl Adapter {
    /// What is known of rooms' power levels and members (never held across
    /// an await).
    fn state_cache(&self) -> std::sync::MutexGuard<'_, state_cache::StateCache> {
        self.state_cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A hub, deputy or theme room (configured or created by the bot).
    fn is_assembly_room(&self, room_id: &RoomId) -> bool {
        self.engine
            .read(|state| state.is_assembly_room(room_id.as_str()))
    }

    /// Accepts an invite from an admin, into an assembly room, or to a
    /// direct chat (where people see and erase their data, and vote in
    /// secret); ignores every other one, so nobody can pull the bot into
    /// rooms it has no business in.
    async fn consider_invite(&self, room_id: &RoomId) {
        let Some(room) = self.client.get_room(room_id) else {
            return;
        };
        let inviter = match room.invite_details().await {
            Ok(invite) => invite.inviter_id.to_string(),
            Err(error) => {
                tracing::warn!(error = %crate::logging::error(&error), room = %crate::logging::room(room_id), "cannot read an invite");
                return;
            }
        };
        let from_admin = self.engine.read(|state| state.settings.is_admin(&inviter));
        let is_direct = room.is_direct().await.unwrap_or(false);
        if !from_admin && !is_direct && !self.is_assembly_room(room_id) {
            tracing::info!(room = %crate::logging::room(room_id), "invite ignored: not from an admin, not a direct chat, not an assembly room");
            return;
        }
        match room.join().await {
            Ok(()) => tracing::info!(room = %crate::logging::room(room_id), "joined on invite"),
            Err(error) => {
                tracing::warn!(error = %crate::logging::error(&error), room = %crate::logging::room(room_id), "cannot join on invite")
            }
        }
    }
}

/// Everything `run` needs, resolved from the configuration.
pub struct RunOptions {
    pub config: Config,
    pub password: String,
    /// Encrypts the data directory's secrets (`Config::passphrase`).
    pub passphrase: String,
    pub failpoint: Option<Failpoint>,
}

/// Runs the bot until the process is stopped.
pub async fn run(options: RunOptions) -> Result<(), AdapterError> {
    let RunOptions {
        config,
        password,
        passphrase,
        failpoint,
    } = options;
    let seal = crate::store::seal::Seal::from_passphrase(&passphrase);
    let homeserver = config
        .matrix
        .homeserver
        .clone()
        .ok_or_else(|| AdapterError::Config("no [matrix] homeserver".to_owned()))?;
    let user_id = OwnedUserId::try_from(config.matrix.user_id.as_str())
        .map_err(|error| AdapterError::Config(format!("user_id: {error}")))?;
    let data_dir = config.bot.data_dir.clone();
    std::fs::create_dir_all(&data_dir)?;
    crate::maintenance::restrict_permissions(&data_dir);

    // Damaged data stops the start here, before any login or change.
    let sled_store = Arc::new(crate::maintenance::open_state(&data_dir, &seal)?);
    let store: Arc<dyn Store> = sled_store.clone();
    // Bound before the login, so the host's monitoring sees a bot that is
    // up but not yet syncing.
    let health_listener =
        match &config.health.listen {
            Some(address) => Some(tokio::net::TcpListener::bind(address).await.map_err(
                |error| AdapterError::Config(format!("[health] listen = \"{address}\": {error}")),
            )?),
            None => None,
        };
    let web_listener =
        match &config.web.listen {
            Some(address) => Some(tokio::net::TcpListener::bind(address).await.map_err(
                |error| AdapterError::Config(format!("[web] listen = \"{address}\": {error}")),
            )?),
            None => None,
        };
    let metrics = Arc::new(crate::metrics::Metrics::new());
    let mut tasks = crate::tasks::Tasks::default();
    if let Some(listener) = health_listener {
        tracing::info!(address = ?listener.local_addr().ok(), "health listener on /healthz and /metrics");
        tasks.spawn(
            "health",
            crate::health::serve(
                listener,
                crate::health::Health {
                    store: store.clone(),
                    metrics: metrics.clone(),
                    seal: seal.clone(),
                },
            ),
        );
    }
    let client = connect(&homeserver, &data_dir, &user_id, &password, &passphrase).await?;

    let first_start = match store.get(Tree::Meta, FIRST_START_KEY)? {
        Some(bytes) => decode::<FirstStart>(&bytes)?.at,
        None => {
            let at = Utc::now();
            let mut batch = Batch::default();
            batch.put(
                Tree::Meta,
                FIRST_START_KEY.to_vec(),
                encode(&FirstStart { at }),
            );
            store.apply(batch)?;
            at
        }
    };
    let cursor = store
        .get(Tree::Meta, SYNC_CURSOR_KEY)?
        .map(|bytes| decode::<SyncCursor>(&bytes))
        .transpose()?
        .map(|cursor| cursor.next_batch);

    let hub_room_id = join_configured(&client, config.assembly.hub_room.as_deref()).await;
    let deputy_room_id = join_configured(&client, config.assembly.deputy_room.as_deref()).await;
    if let Some(token) = client.access_token() {
        let hub = hub_room_id.as_ref().map(|id| id.to_string());
        let deputy = deputy_room_id.as_ref().map(|id| id.to_string());
        for warning in open_rooms(&homeserver, &token, hub.as_deref(), deputy.as_deref()).await {
            tracing::warn!("{warning}");
        }
    }
    let mut themes = Vec::new();
    for theme in &config.themes {
        themes.push(ThemeSettings {
            slug: theme.slug.clone(),
            name: theme.name.clone(),
            room_id: join_configured(&client, theme.room.as_deref())
                .await
                .map(|id| id.to_string()),
        });
    }
    let settings = config.settings(
        user_id.as_str(),
        hub_room_id.map(|id| id.to_string()),
        deputy_room_id.map(|id| id.to_string()),
        themes,
    );
    let time_zone = settings.time_zone;
    let engine =
        Engine::new(store.clone(), seal.clone(), settings, failpoint)?.with_metrics(metrics);
    engine.ensure_timer(
        TimerPurpose::Retention,
        next_retention_run(time_zone, Utc::now()),
    )?;
    let digest_schedule =
        crate::core::DigestSchedule::parse(&config.assembly.digest).unwrap_or_default();
    engine.ensure_timer(
        TimerPurpose::Digest,
        digest_schedule.next(time_zone, Utc::now()),
    )?;
    engine.ensure_timer(
        TimerPurpose::AssemblyCheck,
        crate::core::next_assembly_check(time_zone, Utc::now()),
    )?;
    let space_address = config.assembly.space.clone();
    // Twice the catch-up window: an event that old is never handled again.
    let catch_up = chrono::Duration::hours(i64::from(config.bot.catch_up_hours));
    match engine.prune_ledger(Utc::now() - catch_up * 2) {
        Ok(0) => {}
        Ok(pruned) => tracing::info!(pruned, "old ledger entries forgotten"),
        Err(error) => {
            tracing::warn!(error = %crate::logging::error(&error), "cannot prune the ledger")
        }
    }
    let wakeup = engine.outbox_wakeup();
    let adapter = Arc::new(Adapter {
        client: client.clone(),
        engine,
        user_id,
        password,
        passphrase,
        data_dir,
        first_start,
        catch_up,
        space: tokio::sync::OnceCell::new(),
        homeserver_back: tokio::sync::Notify::new(),
        state_cache: std::sync::Mutex::default(),
        pace: outbox::Pace::default(),
    });

    let settings_source = adapter.clone();
    tasks.spawn(
        "maintenance",
        crate::maintenance::run(crate::maintenance::Jobs {
            store: sled_store,
            data_dir: adapter.data_dir.clone(),
            backups_keep: usize::try_from(config.storage.backups_keep).unwrap_or(7),
            erasure_delay: chrono::Duration::seconds(i64::from(
                config.storage.erasure_cleanup_seconds,
            )),
            erasures: adapter.engine.erasures(),
            settings: Box::new(move || settings_source.engine.read(|state| state.settings.clone())),
            seal,
        }),
    );
    if let Some(listener) = web_listener {
        tracing::info!(address = ?listener.local_addr().ok(), "public site");
        let publicity = crate::web::Publicity::new(
            config
                .themes
                .iter()
                .filter(|theme| theme.public)
                .map(|theme| theme.slug.clone())
                .collect(),
            config.web.public_assembly,
            config.web.public_url.as_deref().unwrap_or_default(),
        )
        .with_aliases(
            config
                .themes
                .iter()
                .filter_map(|theme| Some((theme.slug.clone(), theme.room.clone()?))),
        );
        tasks.spawn(
            "web",
            crate::web::serve(listener, SiteReads(adapter.clone()), publicity),
        );
    }
    tasks.spawn("space", space::keep_space(adapter.clone(), space_address));
    tasks.spawn(
        "profile",
        profile::present(
            adapter.clone(),
            profile::Face::from_config(&config.bot.display_name, config.bot.avatar.as_deref()),
        ),
    );
    tasks.spawn("timers", run_timers(adapter.clone()));
    tasks.spawn(
        "outbox",
        outbox::run_sender(adapter.clone(), wakeup, failpoint),
    );
    let (sender, receiver) = mpsc::channel(8);
    let resumed = cursor.is_some();
    tasks.spawn(
        "processor",
        sync::process(adapter.clone(), receiver, resumed),
    );
    tasks.spawn("sync", sync::supervise(adapter.clone(), cursor, sender));
    tracing::info!(user = %adapter.user_id, "boucle is running");
    let ended = tasks.until_one_ends().await;
    tracing::error!(%ended, "boucle stops");
    Err(AdapterError::Stopped(ended))
}

/// Fires the scheduler's timers into the engine, forever: each batch of
/// timers that fell due together is handled together.
async fn run_timers(adapter: Arc<Adapter>) {
    let (sender, mut fired) = mpsc::channel(16);
    let scheduler = adapter.engine.scheduler().clone();
    tokio::spawn(scheduler.run(crate::scheduler::TokioClock::system(), sender));
    while let Some(timers) = fired.recv().await {
        let mut backoff = std::time::Duration::from_secs(1);
        loop {
            match adapter.engine.process_timers(&timers, Utc::now()) {
                Ok(processed) => {
                    for timer in &timers {
                        tracing::debug!(purpose = %timer.entry.purpose, "timer handled");
                    }
                    tracing::info!(timers = timers.len(), ?processed, "timers handled");
                    break;
                }
                Err(error) => {
                    tracing::error!(error = %crate::logging::error(&error), "cannot handle timers, will retry");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(std::time::Duration::from_secs(60));
                }
            }
        }
    }
}

/// Builds the client and logs in, waiting out a homeserver that is down or
/// unreachable at start (backoff up to a minute). Only an answer that will
/// not change by waiting (wrong password, deactivated account, a broken
/// session file) ends the start.
async fn connect(
    homeserver: &str,
    data_dir: &std::path::Path,
    user_id: &matrix_sdk::ruma::UserId,
    password: &str,
    passphrase: &str,
) -> Result<Client, AdapterError> {
    let mut backoff = std::time::Duration::from_secs(1);
    loop {
        let attempt = async {
            let client = session::build_client(homeserver, data_dir, passphrase).await?;
            session::log_in(&client, data_dir, user_id, password, passphrase).await?;
            Ok::<_, AdapterError>(client)
        };
        match attempt.await {
            Ok(client) => return Ok(client),
            Err(error) if is_transient(&error) => {
                tracing::warn!(error = %crate::logging::error(&error), retry_in = ?backoff, "homeserver not reachable yet");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(std::time::Duration::from_secs(60));
            }
            Err(error) => return Err(error),
        }
    }
}

/// Network trouble and server errors pass; a refusal from the server or a
/// local problem does not.
fn is_transient(error: &AdapterError) -> bool {
    match error {
        AdapterError::Matrix(error) => {
            matches!(**error, matrix_sdk::Error::Http(_)) && error.client_api_error_kind().is_none()
        }
        AdapterError::Build(_) => true,
        _ => false,
    }
}

/// Resolves a configured room address and joins it if needed. A room that
/// cannot be joined now is logged; an invite later brings the bot in.
async fn join_configured(client: &Client, address: Option<&str>) -> Option<OwnedRoomId> {
    let address = address?;
    let Ok(parsed) = RoomOrAliasId::parse(address) else {
        tracing::error!(room = address, "not a room address");
        return None;
    };
    // The SDK retries server errors without end: a room whose server cannot
    // be reached must not hold up the start.
    let room_id = match OwnedRoomId::try_from(parsed.clone()) {
        Ok(room_id) => room_id,
        Err(alias) => {
            match tokio::time::timeout(JOIN_AT_START_TIMEOUT, client.resolve_room_alias(&alias))
                .await
            {
                Ok(Ok(response)) => response.room_id,
                Ok(Err(error)) => {
                    tracing::warn!(error = %crate::logging::error(&error), room = address, "cannot resolve room alias");
                    return None;
                }
                Err(_) => {
                    tracing::warn!(
                        room = address,
                        "room alias not resolved in time: skipped for now"
                    );
                    return None;
                }
            }
        }
    };
    let joined = client
        .get_room(&room_id)
        .is_some_and(|room| room.state() == matrix_sdk::RoomState::Joined);
    if !joined {
        match tokio::time::timeout(JOIN_AT_START_TIMEOUT, client.join_room_by_id(&room_id)).await {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::warn!(
                error = %crate::logging::error(&error), room = address, "cannot join configured room yet (an invite will do)"
            ),
            Err(_) => tracing::warn!(room = address, "joining took too long (an invite will do)"),
        }
    }
    Some(room_id)
}

/// Why anyone could join a room without being invited by its members, if
/// they could: a public join rule (guest access on top lets even guest
/// accounts in), or a rule that lets members of other rooms in. Guest
/// access alone opens nothing: guests, too, need the join rule to let
/// them in (Synapse's private rooms have it on, invite-only). For the
/// deputy team's room an opening would make anyone a member of the team;
/// for the hub, anyone a member of the assembly.
pub fn open_to_anyone(join_rule: Option<&str>, guest_access: Option<&str>) -> Option<&'static str> {
    match (join_rule, guest_access) {
        (Some("public"), Some("can_join")) => Some(
            "its join rule is public and guests are allowed: anyone can join, even without an account of their own",
        ),
        (Some("public"), _) => Some("its join rule is public: anyone can join"),
        (Some("restricted" | "knock_restricted"), _) => {
            Some("its join rule is restricted: members of other rooms can join without an invite")
        }
        _ => None,
    }
}

/// Logs out the device of `token` (`POST /logout`): the homeserver forgets
/// it and people's apps stop encrypting for it.
pub async fn log_out(homeserver: &str, token: &str) -> Result<(), reqwest::Error> {
    reqwest::Client::new()
        .post(format!(
            "{}/_matrix/client/v3/logout",
            homeserver.trim_end_matches('/')
        ))
        .bearer_auth(token)
        .json(&serde_json::json!({}))
        .timeout(std::time::Duration::from_secs(20))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

/// The warnings about the hub and the deputy team's room, read with
/// `token` from the homeserver: one line per room open to anyone (and
/// one per room that could not be read).
pub async fn open_rooms(
    homeserver: &str,
    token: &str,
    hub: Option<&str>,
    deputy: Option<&str>,
) -> Vec<String> {
    let http = reqwest::Client::new();
    let get = |path: String| {
        let request = http
            .get(format!(
                "{}/_matrix/client/v3{path}",
                homeserver.trim_end_matches('/')
            ))
            .bearer_auth(token)
            .timeout(std::time::Duration::from_secs(20));
        async move {
            let response = request.send().await.ok()?;
            if response.status() == reqwest::StatusCode::NOT_FOUND {
                return Some(serde_json::Value::Null);
            }
            response
                .error_for_status()
                .ok()?
                .json::<serde_json::Value>()
                .await
                .ok()
        }
    };
    let encode =
        |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let mut warnings = Vec::new();
    for (what, address) in [("the hub", hub), ("the deputy team's room", deputy)] {
        let Some(address) = address else { continue };
        let room_id = if address.starts_with('#') {
            get(format!("/directory/room/{}", encode(address)))
                .await
                .and_then(|found| found["room_id"].as_str().map(str::to_owned))
        } else {
            Some(address.to_owned())
        };
        let Some(room_id) = room_id else {
            warnings.push(format!(
                "{what} ({address}): cannot be read to check who may join it"
            ));
            continue;
        };
        let state = |event: &str| get(format!("/rooms/{}/state/{event}/", encode(&room_id)));
        let (Some(join_rules), Some(guest_access)) = (
            state("m.room.join_rules").await,
            state("m.room.guest_access").await,
        ) else {
            warnings.push(format!(
                "{what} ({address}): cannot be read to check who may join it"
            ));
            continue;
        };
        if let Some(why) = open_to_anyone(
            join_rules["join_rule"].as_str(),
            guest_access["guest_access"].as_str(),
        ) {
            warnings.push(format!(
                "{what} ({address}) is open: {why}. Make it invite-only in its settings"
            ));
        }
    }
    warnings
}

/// How long the start waits for one configured room.
const JOIN_AT_START_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// The public site reads the engine's state through the adapter.
struct SiteReads(Arc<Adapter>);

impl crate::web::Reads for SiteReads {
    fn read_state(&self, reader: &mut dyn FnMut(&crate::core::State)) {
        self.0.engine.read(|state| reader(state));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_room_is_open_to_anyone_by_its_join_rule_or_its_guests() {
        assert!(open_to_anyone(Some("public"), None).is_some());
        assert!(open_to_anyone(Some("restricted"), Some("forbidden")).is_some());
        assert!(open_to_anyone(Some("public"), Some("can_join")).is_some());
        // Guests too need an invite into an invite-only room.
        assert_eq!(open_to_anyone(Some("invite"), Some("can_join")), None);
        assert_eq!(open_to_anyone(Some("invite"), Some("forbidden")), None);
        assert_eq!(open_to_anyone(Some("knock"), None), None);
        // No join rule at all means invite-only.
        assert_eq!(open_to_anyone(None, None), None);
    }
}
