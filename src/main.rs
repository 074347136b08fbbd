//! The `boucle` command: `run`, `check`, `--version`. Errors become one clear
//! message here, at the edge; the library uses typed errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use boucle::config::{Config, ConfigError};
use boucle::devserver::{self, RateLimits};
use boucle::engine::Failpoint;
use boucle::i18n::Translator;
use boucle::maintenance;
use boucle::matrix::{self, RunOptions, demo};
use boucle::store::domain::load_assembly;
use boucle::store::seal::Seal;
use boucle::store::{MemoryStore, SledStore, Store, StoreError, export};

#[derive(Parser)]
#[command(
    name = "boucle",
    version,
    about = "Le bot Matrix des boucles de l'Assemblée Populaire"
)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand)]
enum Commands {
    /// Run the bot. Without a configured homeserver, starts a local Synapse
    /// with demo rooms and runs against it.
    Run {
        /// The configuration file.
        #[arg(short, long)]
        config: Option<PathBuf>,
        /// Log as JSON lines.
        #[arg(long)]
        json_logs: bool,
    },
    /// Check a configuration file and print every problem with its line.
    Check {
        #[arg(short, long)]
        config: PathBuf,
    },
    /// Write every record to standard output (or a file) as JSON. The bot
    /// must be stopped; while it runs, use its daily backups.
    Export {
        #[arg(short, long)]
        config: PathBuf,
        /// Write here instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Restore an export (or a backup) into an empty data directory.
    Import {
        #[arg(short, long)]
        config: PathBuf,
        /// The export file.
        file: PathBuf,
    },
    /// Ask the running bot's /healthz (the `[health] listen` address):
    /// exit 0 when healthy. For container health checks and monitoring.
    Health {
        #[arg(short, long)]
        config: PathBuf,
    },
    /// Rewrite the database to reclaim space and physically drop erased
    /// data. The bot does this itself weekly and after `!oublier`.
    Compact {
        #[arg(short, long)]
        config: PathBuf,
    },
    /// Log the bot's device out and delete the Matrix SDK's store and the
    /// session, so that the next start logs in with a new device and an
    /// encrypted store. For a store an older boucle wrote unencrypted, or
    /// one whose passphrase is lost.
    ResetDevice {
        #[arg(short, long)]
        config: PathBuf,
        /// Reset even though the session does not open with the configured
        /// passphrase (it is lost for good).
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Commands::Check { config } => check(&config),
        Commands::Export { config, output } => report(export(&config, output.as_deref())),
        Commands::Import { config, file } => report(import(&config, &file)),
        Commands::Compact { config } => report(compact(&config)),
        Commands::ResetDevice { config, force } => report(reset_device(&config, force)),
        Commands::Health { config } => report(health(&config)),
        Commands::Run { config, json_logs } => {
            if config.is_some() {
                init_logging(json_logs);
            } else if let Err(error) = init_demo_logging(Path::new(DEMO_LOG)) {
                eprintln!("cannot write the demo's log to {DEMO_LOG}: {error}");
                return ExitCode::FAILURE;
            }
            quiet_panics();
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a tokio runtime");
            match runtime.block_on(run(config.as_deref())) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("boucle: {error:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Panics are logged with where they happened, never with their message:
/// a message may quote what someone typed (a string sliced at the wrong
/// place prints the string), and message texts are never logged.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|location| format!("{}:{}", location.file(), location.line()));
        tracing::error!(
            location,
            "panic (its message is not logged: it may quote someone's text)"
        );
    }));
}

fn check(path: &Path) -> ExitCode {
    match Config::load(path) {
        Ok(config) => {
            println!("{}: OK ({} themes)", path.display(), config.themes.len());
            explain_site(&config);
            match &config.matrix.homeserver {
                None => println!(
                    "note: no [matrix] homeserver: `boucle run` will start a local demo Synapse"
                ),
                Some(homeserver) => check_rooms(&config, homeserver),
            }
            ExitCode::SUCCESS
        }
        Err(ConfigError::Invalid(problems)) => {
            eprintln!("{}: {} problem(s)", path.display(), problems.len());
            for problem in problems {
                eprintln!("- {problem}");
            }
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("{}: {error}", path.display());
            ExitCode::FAILURE
        }
    }
}

/// What `[web]` and the `public` flags make public, said in full.
fn explain_site(config: &Config) {
    let Some(listen) = &config.web.listen else {
        println!("note: no [web] listen: no public site (the agenda stays in the rooms)");
        return;
    };
    let public: Vec<&str> = config
        .themes
        .iter()
        .filter(|theme| theme.public)
        .map(|theme| theme.slug.as_str())
        .collect();
    println!(
        "public site: served on {listen}, reached at {} (put it behind your reverse proxy with TLS)",
        config.web.public_url.as_deref().unwrap_or("?")
    );
    if public.is_empty() {
        println!("  groups shown: none yet (add `public = true` to a [[theme]] block)");
    } else {
        println!(
            "  groups shown: {} (their meetings: date, place, subject, video link; members as a number only)",
            public.join(", ")
        );
    }
    println!(
        "  general assembly: {}",
        if config.web.public_assembly {
            "shown (public_assembly = true)"
        } else {
            "not shown (public_assembly = true to show it)"
        }
    );
    println!("  never shown: names, user ids, answers, the other groups");
}

/// Warns if the hub or the deputy team's room can be joined by anyone,
/// read with the bot's saved session (no login, no new device).
fn check_rooms(config: &Config, homeserver: &str) {
    let passphrase = match config.passphrase() {
        Ok(passphrase) => passphrase,
        Err(error) => {
            println!("warning: {error}");
            return;
        }
    };
    let Some(token) = matrix::saved_token(&config.bot.data_dir, &passphrase) else {
        println!(
            "note: no saved session in {} yet: once the bot has run, `boucle check` also checks that the hub and the deputy team's room are invite-only",
            config.bot.data_dir.display()
        );
        return;
    };
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    let warnings = runtime.block_on(matrix::open_rooms(
        homeserver,
        &token,
        config.assembly.hub_room.as_deref(),
        config.assembly.deputy_room.as_deref(),
    ));
    for warning in warnings {
        println!("warning: {warning}");
    }
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("boucle: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The data directory and the seal of secret-ballot records.
fn data_dir(config: &Path) -> anyhow::Result<(PathBuf, Seal)> {
    let loaded = Config::load(config).with_context(|| format!("reading {}", config.display()))?;
    let seal = loaded.seal()?;
    Ok((loaded.bot.data_dir, seal))
}

/// The data directory of an existing database (never creates one).
fn existing_data_dir(config: &Path) -> anyhow::Result<(PathBuf, Seal)> {
    let (data_dir, seal) = data_dir(config)?;
    let state = maintenance::state_path(&data_dir);
    if !state.exists() {
        anyhow::bail!("there is no database in {}", state.display());
    }
    Ok((data_dir, seal))
}

fn reset_device(config: &Path, force: bool) -> anyhow::Result<()> {
    let loaded = Config::load(config).with_context(|| format!("reading {}", config.display()))?;
    let passphrase = loaded.passphrase()?;
    let data_dir = &loaded.bot.data_dir;
    if !force && matrix::session_does_not_open(data_dir, &passphrase) {
        anyhow::bail!(
            "the Matrix store in {} is encrypted, and its session does not open with the \
             configured passphrase: is it the right one? Nothing was deleted.\n\
             If that passphrase is lost for good, reset anyway (the bot's device and its \
             keys are thrown away): boucle reset-device --force -c {}",
            data_dir.display(),
            config.display()
        );
    }
    if let (Some(homeserver), Some(token)) = (
        loaded.matrix.homeserver.as_deref(),
        matrix::saved_token(data_dir, &passphrase),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("a tokio runtime")?;
        match runtime.block_on(matrix::log_out(homeserver, &token)) {
            Ok(()) => println!("the old device is logged out"),
            Err(error) => println!(
                "warning: the old device could not be logged out ({error}); \
                 remove it from the bot's account in a Matrix client"
            ),
        }
    }
    let removed = matrix::forget_unencrypted_store(data_dir)
        .with_context(|| format!("deleting the Matrix store in {}", data_dir.display()))?;
    for path in &removed {
        println!("deleted {}", path.display());
    }
    println!("the next `boucle run` logs in with a new device and an encrypted store");
    Ok(())
}

fn export(config: &Path, output: Option<&Path>) -> anyhow::Result<()> {
    let (data_dir, seal) = existing_data_dir(config)?;
    let store = maintenance::open_state(&data_dir, &seal)?;
    let text = export::to_text(&store.dump()?);
    match output {
        Some(path) => maintenance::write_atomically(path, &text)
            .with_context(|| format!("writing {}", path.display()))?,
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .context("writing the export")?,
    }
    Ok(())
}

fn import(config: &Path, file: &Path) -> anyhow::Result<()> {
    let (data_dir, seal) = data_dir(config)?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let dump = export::from_text(&text).with_context(|| format!("reading {}", file.display()))?;
    // Every record must be readable by this version before anything is written.
    let check = MemoryStore::new();
    check.restore(&dump)?;
    load_assembly(&check, &seal).context("the records in this file cannot be read")?;
    let path = maintenance::state_path(&data_dir);
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    maintenance::restrict_permissions(&data_dir);
    let store = SledStore::open(&path).map_err(|error| anyhow::anyhow!("{error}"))?;
    match store.restore(&dump) {
        Ok(()) => {}
        Err(StoreError::NotEmpty) => anyhow::bail!(
            "{} already holds data: import only into an empty data directory.\n\
             Move the current database aside first (mv {} {}.old).",
            path.display(),
            path.display(),
            path.display()
        ),
        Err(error) => return Err(error.into()),
    }
    let records: usize = dump.trees.iter().map(|(_, entries)| entries.len()).sum();
    println!("{records} records imported into {}", path.display());
    Ok(())
}

fn compact(config: &Path) -> anyhow::Result<()> {
    let (data_dir, seal) = existing_data_dir(config)?;
    let store = maintenance::open_state(&data_dir, &seal)?;
    let before = store.size_on_disk()?;
    store.compact(chrono::Utc::now())?;
    println!(
        "{}: {} kB before, {} kB after",
        maintenance::state_path(&data_dir).display(),
        before / 1024,
        store.size_on_disk()? / 1024
    );
    Ok(())
}

fn health(config: &Path) -> anyhow::Result<()> {
    let loaded = Config::load(config).with_context(|| format!("reading {}", config.display()))?;
    let Some(listen) = loaded.health.listen else {
        anyhow::bail!("no [health] listen address in {}", config.display());
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("a tokio runtime")?;
    let url = format!("http://{listen}/healthz");
    let (status, body) = runtime.block_on(async {
        let response = reqwest::Client::new()
            .get(&url)
            .timeout(std::time::Duration::from_secs(5))
            .send()
            .await
            .with_context(|| format!("asking {url}"))?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        anyhow::Ok((status, body))
    })?;
    print!("{body}");
    if !status.is_success() {
        anyhow::bail!("unhealthy ({status})");
    }
    Ok(())
}

/// The demo's passphrase, made once from the system's random source.
fn demo_passphrase(path: &Path) -> anyhow::Result<String> {
    if let Ok(text) = std::fs::read_to_string(path) {
        return Ok(text.trim().to_owned());
    }
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| std::io::Read::read_exact(&mut random, &mut bytes))
        .context("reading /dev/urandom")?;
    let passphrase = hex::encode(bytes);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // Readable by its owner only from the start, not after a chmod.
    let temporary = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(&temporary)
        .and_then(|mut file| {
            std::io::Write::write_all(&mut file, passphrase.as_bytes())?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, path))
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(passphrase)
}

/// boucle never logs what people write, and names rooms and events by
/// pseudonyms (`boucle::logging`); other crates log at `warn` at most
/// unless `BOUCLE_LOG` names them.
fn init_logging(json: bool) {
    let spec = std::env::var("BOUCLE_LOG").ok();
    let filter = EnvFilter::try_new(boucle::logging::directives(spec.as_deref()))
        .unwrap_or_else(|_| EnvFilter::new(boucle::logging::directives(None)));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Where the local demo writes its log, so that the terminal keeps the
/// banner in sight.
const DEMO_LOG: &str = ".boucle/demo/boucle.log";

/// The demo's log: a file (appended to), boucle at `info`, the other
/// crates' warnings too, known noise filtered (`boucle::logging::NOISE`).
fn init_demo_logging(path: &Path) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let spec = std::env::var("BOUCLE_LOG").ok();
    let filter = EnvFilter::try_new(boucle::logging::demo_directives(spec.as_deref()))
        .unwrap_or_else(|_| EnvFilter::new(boucle::logging::demo_directives(None)));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .init();
    Ok(())
}

async fn run(config_path: Option<&Path>) -> anyhow::Result<()> {
    let mut config = match config_path {
        Some(path) => Config::load(path).with_context(|| format!("reading {}", path.display()))?,
        None => Config::parse(include_str!("../config.example.toml"))
            .map(|mut config| {
                config.matrix.homeserver = None;
                config.bot.data_dir = PathBuf::from(".boucle/demo/bot");
                // The demo needs no monitoring, and must not take the port.
                config.health.listen = None;
                config
            })
            .context("the built-in example configuration")?,
    };
    let failpoint = Failpoint::from_env();
    if config.matrix.homeserver.is_some() {
        let password = config.password().context("the bot's password")?;
        let passphrase = config.passphrase()?;
        matrix::run(RunOptions {
            config,
            password,
            passphrase,
            failpoint,
        })
        .await?;
        return Ok(());
    }
    // Demo mode: a local Synapse, a person, the rooms.
    let venv = devserver::default_venv();
    let synapse_dir = config.bot.data_dir.join("..").join("synapse");
    let synapse = tokio::task::spawn_blocking(move || {
        devserver::start_for_process_lifetime(venv, synapse_dir, RateLimits::Relaxed)
    })
    .await??;
    let bot_password = "boucle-demo-bot";
    // Beside the demo's data directory, not in it, as a real one would be.
    let passphrase = demo_passphrase(&config.bot.data_dir.join("..").join("passphrase"))?;
    let person_password = "demo-boucle";
    synapse.register("boucle", bot_password, false).await?;
    synapse.register("demo", person_password, true).await?;
    let person = synapse.user_id("demo");
    let bot = synapse.user_id("boucle");
    let mut rooms = vec![
        demo::DemoRoom {
            alias_localpart: "assemblee-populaire".into(),
            name: "Assemblée Populaire (accueil)".into(),
        },
        demo::DemoRoom {
            alias_localpart: "equipe-deputee".into(),
            name: "Équipe de la députée".into(),
        },
    ];
    for theme in &mut config.themes {
        let localpart = format!("ap-{}", theme.slug);
        rooms.push(demo::DemoRoom {
            alias_localpart: localpart.clone(),
            name: theme.name.clone(),
        });
        theme.room = Some(format!("#{localpart}:{}", synapse.server_name));
    }
    demo::prepare_rooms(
        &synapse.url,
        &synapse.server_name,
        &person,
        person_password,
        &bot,
        &rooms,
    )
    .await?;
    config.matrix.homeserver = Some(synapse.url.clone());
    config.matrix.user_id = bot.clone();
    config.assembly.hub_room = Some(format!("#assemblee-populaire:{}", synapse.server_name));
    config.assembly.deputy_room = Some(format!("#equipe-deputee:{}", synapse.server_name));
    config.assembly.admins = vec![person.clone()];
    // The public agenda, every demo group on it, at an address that stays.
    let web_port = devserver::kept_port(&config.bot.data_dir.join("..").join("web-port"))?;
    let site = format!("http://127.0.0.1:{web_port}/");
    config.web.listen = Some(format!("127.0.0.1:{web_port}"));
    config.web.public_url = Some(site.clone());
    config.web.public_assembly = true;
    for theme in &mut config.themes {
        theme.public = true;
    }
    let translator = Translator::new(config.bot.language)?;
    let banner = translator.plain(
        "demo-banner",
        &[
            ("url", synapse.url.as_str().into()),
            ("user", person.as_str().into()),
            ("password", person_password.into()),
            (
                "hub",
                format!("#assemblee-populaire:{}", synapse.server_name).into(),
            ),
            ("log", DEMO_LOG.into()),
            ("site", site.as_str().into()),
        ],
    );
    println!("\n{banner}\n");
    tokio::select! {
        result = matrix::run(RunOptions { config, password: bot_password.to_owned(), passphrase, failpoint }) => result?,
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}
