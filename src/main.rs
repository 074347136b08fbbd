//! The `boucle` command: `run`, `check`, `--version`. Errors become one clear
//! message here, at the edge; the library uses typed errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use boucle::config::{Config, ConfigError};
use boucle::devserver::{self, RateLimits};
use boucle::engine::Failpoint;
use boucle::i18n::Translator;
use boucle::matrix::{self, RunOptions, demo};

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Commands::Check { config } => check(&config),
        Commands::Run { config, json_logs } => {
            init_logging(json_logs);
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

fn check(path: &Path) -> ExitCode {
    match Config::load(path) {
        Ok(config) => {
            println!("{}: OK ({} themes)", path.display(), config.themes.len());
            if config.matrix.homeserver.is_none() {
                println!(
                    "note: no [matrix] homeserver: `boucle run` will start a local demo Synapse"
                );
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

/// Message bodies are logged at debug level at most; the default filter
/// also quiets the SDK's harmless 404s and key-backup chatter.
fn init_logging(json: bool) {
    let filter = EnvFilter::try_from_env("BOUCLE_LOG").unwrap_or_else(|_| {
        EnvFilter::new(
            "info,matrix_sdk=warn,matrix_sdk_base=warn,matrix_sdk_crypto=warn,\
             matrix_sdk::http_client=off,matrix_sdk_crypto::backups=error",
        )
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn run(config_path: Option<&Path>) -> anyhow::Result<()> {
    let mut config = match config_path {
        Some(path) => Config::load(path).with_context(|| format!("reading {}", path.display()))?,
        None => Config::parse(include_str!("../config.example.toml"))
            .map(|mut config| {
                config.matrix.homeserver = None;
                config.bot.data_dir = PathBuf::from(".boucle/demo/bot");
                config
            })
            .context("the built-in example configuration")?,
    };
    let failpoint = Failpoint::from_env();
    if config.matrix.homeserver.is_some() {
        let password = config.password().context("the bot's password")?;
        matrix::run(RunOptions {
            config,
            password,
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
    let translator = Translator::new(config.bot.language)?;
    let banner = translator.plain(
        "demo-banner",
        &[
            ("url", synapse.url.as_str().into()),
            ("user", person.as_str().into()),
            ("password", person_password.into()),
        ],
    );
    println!("\n{banner}\n");
    tokio::select! {
        result = matrix::run(RunOptions { config, password: bot_password.to_owned(), failpoint }) => result?,
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}
