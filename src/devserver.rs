//! A local Synapse for trying boucle out and for the integration tests.
//!
//! Synapse comes from PyPI, installed once into a cached virtualenv
//! (`.boucle/synapse-venv`, or `$BOUCLE_SYNAPSE_VENV`), and listens on
//! 127.0.0.1 only, on a free port. Accounts are created through Synapse's
//! shared-secret admin API, as an operator would.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use sha1::Sha1;

#[derive(Debug, thiserror::Error)]
pub enum DevServerError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("installing Synapse failed: {0}")]
    Install(String),
    #[error("Synapse did not start: {0}")]
    Start(String),
    #[error("registering {user} failed: {details}")]
    Register { user: String, details: String },
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
}

/// The Synapse version range boucle is tested against.
const SYNAPSE_REQUIREMENT: &str = "matrix-synapse>=1.140,<2";

/// Where the virtualenv lives.
pub fn default_venv() -> PathBuf {
    std::env::var_os("BOUCLE_SYNAPSE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(".boucle/synapse-venv"))
}

fn venv_python(venv: &Path) -> PathBuf {
    venv.join("bin").join("python")
}

fn synapse_importable(venv: &Path) -> bool {
    Command::new(venv_python(venv))
        .args(["-c", "import synapse"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Installs Synapse into `venv` unless it is already there. Installs into a
/// temporary directory first and renames it, so an interrupted install never
/// leaves a half-made virtualenv that looks complete.
pub fn ensure_installed(venv: &Path) -> Result<(), DevServerError> {
    if synapse_importable(venv) {
        return Ok(());
    }
    let parent = venv.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let temporary = parent.join(format!(
        ".{}-{}",
        venv.file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("venv"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&temporary);
    eprintln!(
        "boucle: installing Synapse into {} (once, about a minute)…",
        venv.display()
    );
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    run(Command::new(&python).arg("-m").arg("venv").arg(&temporary))?;
    run(Command::new(venv_python(&temporary)).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        SYNAPSE_REQUIREMENT,
    ]))?;
    let _ = std::fs::remove_dir_all(venv);
    if std::fs::rename(&temporary, venv).is_err() && !synapse_importable(venv) {
        return Err(DevServerError::Install(format!(
            "cannot move the virtualenv to {}",
            venv.display()
        )));
    }
    let _ = std::fs::remove_dir_all(&temporary);
    if synapse_importable(venv) {
        Ok(())
    } else {
        Err(DevServerError::Install(
            "synapse is not importable after install".to_owned(),
        ))
    }
}

fn run(command: &mut Command) -> Result<(), DevServerError> {
    let output = command.output()?;
    if output.status.success() {
        Ok(())
    } else {
        Err(DevServerError::Install(format!(
            "{:?} failed: {}",
            command,
            String::from_utf8_lossy(&output.stderr)
                .chars()
                .take(2000)
                .collect::<String>()
        )))
    }
}

/// A running Synapse; stopped when dropped.
#[derive(Debug)]
pub struct Synapse {
    child: Option<Child>,
    python: PathBuf,
    config_path: PathBuf,
    pub url: String,
    pub server_name: String,
    pub shared_secret: String,
    pub directory: PathBuf,
    port: u16,
}

/// How strict Synapse's rate limits are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimits {
    /// Lifted: tests and demos create many rooms and logins quickly.
    Relaxed,
    /// Synapse's defaults, as on a real server.
    Default,
    /// Synapse's default `rc_message` (what limits a bot's sends), the rest
    /// lifted so that setting up many rooms is quick: the load bench's
    /// announcement scenario.
    DefaultMessages,
    /// Synapse's default `rc_room_creation` (one room a minute after ten),
    /// the rest lifted: what holds back the direct chats the bot opens.
    DefaultRoomCreation,
}

impl Synapse {
    /// Writes a configuration into `directory` (kept between runs, so the
    /// demo's accounts survive) and starts Synapse on a free port: the one
    /// used last time in this directory when it is still free, so that a
    /// client logged in to the demo yesterday still reaches it today.
    pub fn start(
        venv: &Path,
        directory: &Path,
        limits: RateLimits,
    ) -> Result<Synapse, DevServerError> {
        std::fs::create_dir_all(directory)?;
        let directory = directory.canonicalize()?;
        let port = kept_port(&directory.join("port"))?;
        let secret_path = directory.join("shared-secret");
        let shared_secret = match std::fs::read_to_string(&secret_path) {
            Ok(secret) => secret.trim().to_owned(),
            Err(_) => {
                let secret = random_hex(32)?;
                std::fs::write(&secret_path, &secret)?;
                secret
            }
        };
        let config_path = directory.join("homeserver.yaml");
        std::fs::write(
            &config_path,
            homeserver_yaml(&directory, port, &shared_secret, limits),
        )?;
        let python = venv_python(venv);
        run(Command::new(&python)
            .args([
                "-m",
                "synapse.app.homeserver",
                "--generate-keys",
                "--config-path",
            ])
            .arg(&config_path))
        .map_err(|error| DevServerError::Start(error.to_string()))?;
        let mut synapse = Synapse {
            child: None,
            python,
            config_path,
            url: format!("http://127.0.0.1:{port}"),
            server_name: "localhost".to_owned(),
            shared_secret,
            directory,
            port,
        };
        synapse.spawn()?;
        Ok(synapse)
    }

    /// Starts the Synapse process on the configured port and waits for it.
    fn spawn(&mut self) -> Result<(), DevServerError> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.directory.join("synapse.log"))?;
        let mut command = Command::new(&self.python);
        command
            .args(["-m", "synapse.app.homeserver", "--config-path"])
            .arg(&self.config_path)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        die_with_parent(&mut command);
        self.child = Some(command.spawn()?);
        self.wait_until_ready(Duration::from_secs(60))
    }

    /// Starts a stopped Synapse again, on the same port with the same data:
    /// for outage tests, as a homeserver coming back after maintenance.
    pub fn restart(&mut self) -> Result<(), DevServerError> {
        self.stop();
        self.spawn()
    }

    fn wait_until_ready(&mut self, timeout: Duration) -> Result<(), DevServerError> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(child) = &mut self.child
                && let Ok(Some(status)) = child.try_wait()
            {
                let log =
                    std::fs::read_to_string(self.directory.join("synapse.log")).unwrap_or_default();
                let tail: String = log
                    .lines()
                    .rev()
                    .take(30)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n");
                return Err(DevServerError::Start(format!(
                    "exited with {status}:\n{tail}"
                )));
            }
            if http_get_ok(self.port, "/_matrix/client/versions") {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(DevServerError::Start("not answering after 60 s".to_owned()))
    }

    /// Stops Synapse (for outage tests) and waits until it is gone.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn address(&self) -> SynapseAddress {
        SynapseAddress {
            url: self.url.clone(),
            server_name: self.server_name.clone(),
            shared_secret: self.shared_secret.clone(),
            directory: self.directory.clone(),
        }
    }
}

/// Where a running Synapse answers, and what it takes to make accounts there.
#[derive(Debug, Clone)]
pub struct SynapseAddress {
    pub url: String,
    pub server_name: String,
    pub shared_secret: String,
    pub directory: PathBuf,
}

impl SynapseAddress {
    pub fn user_id(&self, localpart: &str) -> String {
        format!("@{localpart}:{}", self.server_name)
    }

    /// Registers an account through the shared-secret admin API.
    pub async fn register(
        &self,
        localpart: &str,
        password: &str,
        admin: bool,
    ) -> Result<(), DevServerError> {
        register_user(&self.url, &self.shared_secret, localpart, password, admin).await
    }
}

/// Installs Synapse if needed and starts it for the rest of this process.
///
/// Synapse is started from a thread that never ends: it dies with its parent
/// thread (see `die_with_parent`), so starting it from a short-lived thread
/// (such as tokio's blocking pool, whose idle threads exit after seconds)
/// would kill it behind the caller's back. The process exiting, normally or
/// not, takes it down.
pub fn start_for_process_lifetime(
    venv: PathBuf,
    directory: PathBuf,
    limits: RateLimits,
) -> Result<SynapseAddress, DevServerError> {
    start_controlled(venv, directory, limits).map(|(address, _)| address)
}

/// A request to the thread that owns a Synapse: run it (true) or stop it.
type ControlRequest = (bool, std::sync::mpsc::Sender<Result<(), String>>);

/// Stops and starts again a Synapse started by [`start_controlled`], for
/// outage scenarios. The owning thread does the work, so the restarted
/// process still dies with it.
#[derive(Clone)]
pub struct SynapseControl {
    requests: std::sync::mpsc::Sender<ControlRequest>,
}

impl SynapseControl {
    fn ask(&self, run: bool) -> Result<(), DevServerError> {
        let (reply, answer) = std::sync::mpsc::channel();
        self.requests
            .send((run, reply))
            .map_err(|_| DevServerError::Start("the Synapse thread ended".to_owned()))?;
        answer
            .recv()
            .map_err(|_| DevServerError::Start("the Synapse thread ended".to_owned()))?
            .map_err(DevServerError::Start)
    }

    /// Kills Synapse and waits until it is gone.
    pub fn stop(&self) -> Result<(), DevServerError> {
        self.ask(false)
    }

    /// Starts it again on the same port with the same data, and waits
    /// until it answers.
    pub fn start(&self) -> Result<(), DevServerError> {
        self.ask(true)
    }
}

/// [`start_for_process_lifetime`], with a handle to stop and restart it.
pub fn start_controlled(
    venv: PathBuf,
    directory: PathBuf,
    limits: RateLimits,
) -> Result<(SynapseAddress, SynapseControl), DevServerError> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let (requests, incoming) = std::sync::mpsc::channel::<ControlRequest>();
    std::thread::Builder::new()
        .name("synapse-parent".to_owned())
        .spawn(move || {
            let started =
                ensure_installed(&venv).and_then(|()| Synapse::start(&venv, &directory, limits));
            match started {
                Ok(mut synapse) => {
                    let _ = sender.send(Ok(synapse.address()));
                    // Until every handle is gone; then keep Synapse running.
                    while let Ok((run, reply)) = incoming.recv() {
                        let result = if run {
                            synapse.spawn()
                        } else {
                            synapse.stop();
                            Ok(())
                        };
                        let _ = reply.send(result.map_err(|error| error.to_string()));
                    }
                    loop {
                        std::thread::park();
                    }
                }
                Err(error) => {
                    let _ = sender.send(Err(error));
                }
            }
        })?;
    let address = receiver
        .recv()
        .map_err(|_| DevServerError::Start("the Synapse thread ended".to_owned()))??;
    Ok((address, SynapseControl { requests }))
}

/// Registers an account on the Synapse at `url` through its shared-secret
/// admin API; an account that already exists is fine (the demo restarts on
/// the same server).
pub async fn register_user(
    url: &str,
    shared_secret: &str,
    localpart: &str,
    password: &str,
    admin: bool,
) -> Result<(), DevServerError> {
    let http = reqwest::Client::new();
    let endpoint = format!("{url}/_synapse/admin/v1/register");
    let nonce: serde_json::Value = http.get(&endpoint).send().await?.json().await?;
    let nonce = nonce["nonce"].as_str().unwrap_or_default().to_owned();
    let mut mac = Hmac::<Sha1>::new_from_slice(shared_secret.as_bytes()).expect("any key length");
    mac.update(nonce.as_bytes());
    mac.update(b"\0");
    mac.update(localpart.as_bytes());
    mac.update(b"\0");
    mac.update(password.as_bytes());
    mac.update(b"\0");
    mac.update(if admin { b"admin" } else { b"notadmin" });
    let body = serde_json::json!({
        "nonce": nonce,
        "username": localpart,
        "password": password,
        "admin": admin,
        "mac": hex::encode(mac.finalize().into_bytes()),
    });
    let response = http.post(&endpoint).json(&body).send().await?;
    if response.status().is_success() {
        return Ok(());
    }
    let details = response.text().await.unwrap_or_default();
    if details.contains("M_USER_IN_USE") {
        return Ok(());
    }
    Err(DevServerError::Register {
        user: localpart.to_owned(),
        details,
    })
}

impl Drop for Synapse {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Synapse must not outlive the test run or demo that started it, even when
/// that process is killed: the kernel kills it when its parent thread dies.
#[cfg(target_os = "linux")]
fn die_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl is async-signal-safe and touches only the child.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_command: &mut Command) {}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The port saved in `path` if it is still free, or a new free one, saved.
/// A saved port gets a few seconds to be freed: the Synapse of a demo just
/// stopped may still be exiting.
pub fn kept_port(path: &Path) -> std::io::Result<u16> {
    kept_port_waiting(path, Duration::from_secs(5))
}

fn kept_port_waiting(path: &Path, patience: Duration) -> std::io::Result<u16> {
    let saved = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.trim().parse::<u16>().ok());
    if let Some(port) = saved {
        let deadline = Instant::now() + patience;
        loop {
            if TcpListener::bind(("127.0.0.1", port)).is_ok() {
                return Ok(port);
            }
            if Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    let port = free_port()?;
    std::fs::write(path, port.to_string())?;
    Ok(port)
}

fn http_get_ok(port: u16, path: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200")
}

/// Hex from the OS's random source, for the registration secret. Failing to
/// read it is an error: a predictable secret would let anyone make accounts.
fn random_hex(bytes: usize) -> std::io::Result<String> {
    let mut buffer = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut buffer)?;
    Ok(hex::encode(buffer))
}

fn homeserver_yaml(directory: &Path, port: u16, secret: &str, limits: RateLimits) -> String {
    let directory = directory.display();
    let relaxed = "{per_second: 1000, burst_count: 1000}";
    let limits = match limits {
        RateLimits::Default => String::new(),
        RateLimits::Relaxed | RateLimits::DefaultMessages | RateLimits::DefaultRoomCreation => {
            format!(
                "{}{}\
             rc_registration: {relaxed}\n\
             rc_login:\n  address: {relaxed}\n  account: {relaxed}\n  failed_attempts: {relaxed}\n\
             rc_joins:\n  local: {relaxed}\n  remote: {relaxed}\n\
             rc_joins_per_room: {relaxed}\n\
             rc_invites:\n  per_room: {relaxed}\n  per_user: {relaxed}\n  per_issuer: {relaxed}\n\
             rc_3pid_validation: {relaxed}\n\
             rc_admin_redaction: {relaxed}\n",
                if matches!(limits, RateLimits::DefaultMessages) {
                    String::new()
                } else {
                    format!("rc_message: {relaxed}\n")
                },
                if matches!(limits, RateLimits::DefaultRoomCreation) {
                    String::new()
                } else {
                    format!("rc_room_creation: {relaxed}\n")
                }
            )
        }
    };
    format!(
        "server_name: \"localhost\"\n\
         pid_file: \"{directory}/homeserver.pid\"\n\
         listeners:\n\
         \x20 - port: {port}\n\
         \x20   bind_addresses: ['127.0.0.1']\n\
         \x20   type: http\n\
         \x20   tls: false\n\
         \x20   x_forwarded: false\n\
         \x20   resources:\n\
         \x20     - names: [client]\n\
         \x20       compress: false\n\
         database:\n\
         \x20 name: sqlite3\n\
         \x20 args:\n\
         \x20   database: \"{directory}/homeserver.db\"\n\
         media_store_path: \"{directory}/media_store\"\n\
         signing_key_path: \"{directory}/signing.key\"\n\
         registration_shared_secret: \"{secret}\"\n\
         report_stats: false\n\
         trusted_key_servers: []\n\
         suppress_key_server_warning: true\n\
         enable_registration: false\n\
         presence:\n\
         \x20 enabled: false\n\
         redaction_retention_period: 5m\n\
         {limits}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_used_last_time_is_kept_while_it_is_free() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("port");
        let first = kept_port(&path).unwrap();
        assert_eq!(
            kept_port(&path).unwrap(),
            first,
            "kept from one run to the next"
        );
        // Taken by another program meanwhile: another one, saved instead.
        let _taken = TcpListener::bind(("127.0.0.1", first)).unwrap();
        let second = kept_port_waiting(&path, Duration::from_millis(300)).unwrap();
        assert_ne!(second, first);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), second.to_string());
    }
}
