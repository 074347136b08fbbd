//! The load bench's driver (issue 8). Run by `bench/run.sh`, never by
//! `cargo test` (which only builds it).
//!
//! It starts the test harness's Synapse, registers a bot and 50 members,
//! lifts the members' and the bot's rate limits through the admin API
//! (`override_ratelimit`), creates the rooms, starts the release `boucle`
//! with a `[health]` listener, and drives it over plain HTTP: members send
//! commands with their own access tokens; one watcher account in every room
//! long-polls `/sync` and notes when each reply arrives (the moment a
//! member's client would show it). Results are printed as a Markdown table
//! and written to the file named by `--out`.
//!
//! Scenarios in this slice: reply latency (sequential, then 20 at a time),
//! the bot's own time (its `/metrics` histogram), resident memory idle with
//! 10 and 100 rooms and after the load.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use boucle::devserver::{self, RateLimits, SynapseAddress};
use serde_json::{Value, json};

const MEMBERS: usize = 50;
const ROOMS: usize = 10;
const COMMANDS: usize = 500;
const CONCURRENCY: usize = 20;

type Seen = Arc<Mutex<HashMap<String, Instant>>>;

#[derive(Clone)]
struct Account {
    user_id: String,
    token: String,
}

struct Bench {
    http: reqwest::Client,
    server: SynapseAddress,
    admin: Account,
    transaction: std::sync::atomic::AtomicU64,
}

impl Bench {
    async fn account(&self, localpart: &str, admin: bool) -> Account {
        let password = format!("{localpart}-bench-password");
        self.server
            .register(localpart, &password, admin)
            .await
            .expect("registration");
        let response: Value = self
            .http
            .post(format!("{}/_matrix/client/v3/login", self.server.url))
            .json(&json!({
                "type": "m.login.password",
                "identifier": {"type": "m.id.user", "user": localpart},
                "password": password,
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Account {
            user_id: response["user_id"].as_str().unwrap().to_owned(),
            token: response["access_token"]
                .as_str()
                .expect("a token")
                .to_owned(),
        }
    }

    async fn call(&self, who: &Account, method: reqwest::Method, path: &str, body: Value) -> Value {
        let response = self
            .http
            .request(method, format!("{}{path}", self.server.url))
            .bearer_auth(&who.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {value}");
        value
    }

    async fn lift_rate_limit(&self, user_id: &str) {
        self.call(
            &self.admin,
            reqwest::Method::POST,
            &format!("/_synapse/admin/v1/users/{user_id}/override_ratelimit"),
            json!({"messages_per_second": 0, "burst_count": 0}),
        )
        .await;
    }

    async fn create_room(&self, owner: &Account, name: &str) -> String {
        let room = self
            .call(
                owner,
                reqwest::Method::POST,
                "/_matrix/client/v3/createRoom",
                json!({"name": name, "preset": "public_chat"}),
            )
            .await;
        room["room_id"].as_str().unwrap().to_owned()
    }

    async fn join(&self, who: &Account, room_id: &str) {
        self.call(
            who,
            reqwest::Method::POST,
            &format!("/_matrix/client/v3/join/{room_id}"),
            json!({}),
        )
        .await;
    }

    async fn send(&self, who: &Account, room_id: &str, body: &str) -> (String, Instant) {
        let transaction = self
            .transaction
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let sent_at = Instant::now();
        let response = self
            .call(
                who,
                reqwest::Method::PUT,
                &format!(
                    "/_matrix/client/v3/rooms/{room_id}/send/m.room.message/bench{transaction}"
                ),
                json!({"msgtype": "m.text", "body": body}),
            )
            .await;
        (response["event_id"].as_str().unwrap().to_owned(), sent_at)
    }
}

/// Long-polls `/sync` as `watcher` and records when the bot's replies
/// arrive, keyed by the event they reply to.
async fn watch(http: reqwest::Client, url: String, watcher: Account, bot: String, seen: Seen) {
    let mut since: Option<String> = None;
    loop {
        let mut request = http
            .get(format!("{url}/_matrix/client/v3/sync"))
            .bearer_auth(&watcher.token)
            .query(&[("timeout", "30000")]);
        if let Some(token) = &since {
            request = request.query(&[("since", token.as_str())]);
        }
        let Ok(response) = request.send().await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let Ok(body) = response.json::<Value>().await else {
            continue;
        };
        let now = Instant::now();
        if let Some(rooms) = body["rooms"]["join"].as_object() {
            let mut seen = seen.lock().unwrap();
            for room in rooms.values() {
                for event in room["timeline"]["events"].as_array().into_iter().flatten() {
                    if event["sender"] == bot.as_str()
                        && let Some(target) =
                            event["content"]["m.relates_to"]["m.in_reply_to"]["event_id"].as_str()
                    {
                        seen.entry(target.to_owned()).or_insert(now);
                    }
                }
            }
        }
        since = body["next_batch"].as_str().map(str::to_owned);
    }
}

fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index]
}

struct Latencies {
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
    lost: usize,
}

/// Sends `commands` (member, room, body) `concurrency` at a time and waits
/// for each reply; latencies in milliseconds.
async fn run_load(
    bench: &Arc<Bench>,
    seen: &Seen,
    commands: Vec<(Account, String, String)>,
    concurrency: usize,
) -> Latencies {
    let queue = Arc::new(Mutex::new(commands));
    let results = Arc::new(Mutex::new(Vec::new()));
    let lost = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (bench, seen, queue, results, lost) = (
            bench.clone(),
            seen.clone(),
            queue.clone(),
            results.clone(),
            lost.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let next = queue.lock().unwrap().pop();
                let Some((member, room, body)) = next else {
                    return;
                };
                let (event_id, sent_at) = bench.send(&member, &room, &body).await;
                let deadline = Instant::now() + Duration::from_secs(30);
                loop {
                    if let Some(at) = seen.lock().unwrap().get(&event_id) {
                        results
                            .lock()
                            .unwrap()
                            .push(at.duration_since(sent_at).as_secs_f64() * 1000.0);
                        break;
                    }
                    if Instant::now() > deadline {
                        lost.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let mut values = results.lock().unwrap().clone();
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    Latencies {
        p50: percentile(&values, 0.50),
        p90: percentile(&values, 0.90),
        p99: percentile(&values, 0.99),
        max: values.last().copied().unwrap_or(f64::NAN),
        lost: lost.load(std::sync::atomic::Ordering::SeqCst),
    }
}

/// A `Key:   123 kB` line of a /proc file, in kB.
fn proc_kb(path: &str, key: &str) -> Option<f64> {
    std::fs::read_to_string(path)
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix(key))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn rss_mb(child: &Child) -> f64 {
    proc_kb(&format!("/proc/{}/status", child.id()), "VmRSS:").map_or(f64::NAN, |kb| kb / 1024.0)
}

/// The bucket bound under which `fraction` of the histogram's samples fall.
fn histogram_quantile(metrics: &str, name: &str, fraction: f64) -> String {
    let mut buckets = Vec::new();
    for line in metrics.lines() {
        if let Some(rest) = line.strip_prefix(&format!("{name}_bucket{{le=\"")) {
            let (bound, count) = rest.split_once("\"} ").unwrap();
            buckets.push((bound.to_owned(), count.trim().parse::<f64>().unwrap_or(0.0)));
        }
    }
    let total = buckets.last().map_or(0.0, |(_, count)| *count);
    for (bound, count) in &buckets {
        if *count >= total * fraction {
            return format!(
                "≤ {} ms",
                bound
                    .parse::<f64>()
                    .map_or(bound.clone(), |s| format!("{}", s * 1000.0))
            );
        }
    }
    "n/a".to_owned()
}

struct BotProcess {
    child: Child,
    port: u16,
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_bot(binary: &str, directory: &std::path::Path, config: String, port: u16) -> BotProcess {
    std::fs::create_dir_all(directory).unwrap();
    let path = directory.join("config.toml");
    std::fs::write(&path, config).unwrap();
    let log = std::fs::File::create(directory.join("bot.log")).unwrap();
    let child = Command::new(binary)
        .args(["run", "-c"])
        .arg(&path)
        .env("BOUCLE_PASSWORD", "boucle-bench-password")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the boucle binary");
    BotProcess { child, port }
}

async fn wait_healthy(http: &reqwest::Client, bot: &BotProcess) -> Duration {
    let started = Instant::now();
    loop {
        if let Ok(response) = http
            .get(format!("http://127.0.0.1:{}/healthz", bot.port))
            .send()
            .await
            && response.status().is_success()
        {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the bot never became healthy"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn config(
    server: &SynapseAddress,
    data_dir: &std::path::Path,
    port: u16,
    hub: &str,
    deputy: &str,
    themes: &[String],
    admin: &str,
) -> String {
    let mut text = format!(
        "[matrix]\nhomeserver = \"{}\"\nuser_id = \"{}\"\npassword_env = \"BOUCLE_PASSWORD\"\n\n\
         [bot]\ndata_dir = \"{}\"\n\n[assembly]\nhub_room = \"{hub}\"\ndeputy_room = \"{deputy}\"\nadmins = [\"{admin}\"]\n\n\
         [health]\nlisten = \"127.0.0.1:{port}\"\n",
        server.url,
        server.user_id("boucle"),
        data_dir.display(),
    );
    for (index, room) in themes.iter().enumerate() {
        text.push_str(&format!(
            "\n[[theme]]\nslug = \"theme-{index}\"\nname = \"Thème {index}\"\nroom = \"{room}\"\n"
        ));
    }
    text
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let arguments: Vec<String> = std::env::args().collect();
    let argument = |name: &str| {
        arguments
            .iter()
            .position(|argument| argument == name)
            .and_then(|index| arguments.get(index + 1))
            .cloned()
    };
    let binary = argument("--boucle").unwrap_or_else(|| "target/release/boucle".to_owned());
    let out = argument("--out").map(PathBuf::from);
    let work = tempfile::tempdir().unwrap();

    let venv = devserver::default_venv();
    let synapse_dir = work.path().join("synapse");
    let server = tokio::task::spawn_blocking(move || {
        devserver::start_for_process_lifetime(venv, synapse_dir, RateLimits::Relaxed)
    })
    .await
    .unwrap()
    .expect("Synapse");
    let http = reqwest::Client::new();
    let admin_placeholder = Account {
        user_id: String::new(),
        token: String::new(),
    };
    let mut bench = Bench {
        http: http.clone(),
        server: server.clone(),
        admin: admin_placeholder,
        transaction: std::sync::atomic::AtomicU64::new(0),
    };
    bench.admin = bench.account("bench-admin", true).await;
    let bot_account = bench.account("boucle", false).await;
    // The bot logs in itself; its password is the one registered above.
    let _ = bot_account;
    let watcher = bench.account("watcher", false).await;
    let mut members = Vec::new();
    for index in 0..MEMBERS {
        members.push(bench.account(&format!("member{index}"), false).await);
    }
    for account in members.iter().chain([&watcher]) {
        bench.lift_rate_limit(&account.user_id).await;
    }
    bench.lift_rate_limit(&server.user_id("boucle")).await;
    let bench = Arc::new(bench);

    let organiser = bench.admin.clone();
    let hub = bench.create_room(&organiser, "Accueil").await;
    let deputy = bench.create_room(&organiser, "Équipe").await;
    let mut themes = Vec::new();
    for index in 0..ROOMS - 1 {
        themes.push(
            bench
                .create_room(&organiser, &format!("Thème {index}"))
                .await,
        );
    }
    let rooms: Vec<String> = std::iter::once(hub.clone())
        .chain(themes.iter().cloned())
        .collect();
    for room in rooms.iter().chain([&deputy]) {
        bench.join(&watcher, room).await;
    }
    for (index, member) in members.iter().enumerate() {
        bench.join(member, &rooms[index % ROOMS]).await;
    }

    let seen: Seen = Arc::default();
    tokio::spawn(watch(
        http.clone(),
        server.url.clone(),
        watcher.clone(),
        server.user_id("boucle"),
        seen.clone(),
    ));

    let launch = |name: &str, themes: &[String]| {
        let port = free_port();
        let directory = work.path().join(name);
        let text = config(
            &server,
            &directory.join("data"),
            port,
            &hub,
            &deputy,
            themes,
            &bench.admin.user_id,
        );
        start_bot(&binary, &directory, text, port)
    };
    let bot = launch("bot", &themes);
    let port = bot.port;
    let startup = wait_healthy(&http, &bot).await;
    // Let the start-up work (joins, Space, first backup) settle.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let rss_idle_10 = rss_mb(&bot.child);

    let bodies = [
        "!aide",
        "!agenda",
        "!sondage Quel jour ?\nMardi\nJeudi",
        "!reunion jeudi 18h30 | Local | Point d'étape",
        "!vote 1 Jeudi",
        "!remontee Le bus de 7h15 ne passe plus",
    ];
    let commands = |count: usize, offset: usize| -> Vec<(Account, String, String)> {
        (0..count)
            .map(|index| {
                let member_index = (index + offset) % MEMBERS;
                let room = rooms[member_index % ROOMS].clone();
                (
                    members[member_index].clone(),
                    room,
                    bodies[index % bodies.len()].to_owned(),
                )
            })
            .collect()
    };
    // A warm-up, so that first-use costs are not counted.
    run_load(&bench, &seen, commands(20, 7), 1).await;
    let sequential = run_load(&bench, &seen, commands(COMMANDS, 0), 1).await;
    let parallel = run_load(&bench, &seen, commands(COMMANDS, 3), CONCURRENCY).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = rss_mb(&bot.child);
    let metrics = http
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    drop(bot);

    // 100 rooms: the same bot with 99 theme rooms.
    let mut many = themes.clone();
    for index in themes.len()..99 {
        many.push(
            bench
                .create_room(&organiser, &format!("Thème {index}"))
                .await,
        );
    }
    let bot = launch("bot100", &many);
    wait_healthy(&http, &bot).await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    let rss_idle_100 = rss_mb(&bot.child);
    drop(bot);

    let machine = machine_description();
    let row = |name: &str, latencies: &Latencies| {
        format!(
            "| {name} | {:.0} | {:.0} | {:.0} | {:.0} | {} |\n",
            latencies.p50, latencies.p90, latencies.p99, latencies.max, latencies.lost
        )
    };
    let mut table = String::new();
    table.push_str(&format!("Machine: {machine}\n\n"));
    table.push_str(&format!(
        "Reply latency, {COMMANDS} commands from {MEMBERS} members in {ROOMS} rooms (ms, command sent → reply seen by a client's /sync):\n\n"
    ));
    table.push_str("| Load | p50 | p90 | p99 | max | unanswered |\n|---|---|---|---|---|---|\n");
    table.push_str(&row("sequential", &sequential));
    table.push_str(&row(&format!("{CONCURRENCY} at a time"), &parallel));
    table.push_str(&format!(
        "\nBot-side time (event taken in hand → send request), from its /metrics: p50 {}, p99 {}\n",
        histogram_quantile(&metrics, "boucle_reply_seconds", 0.5),
        histogram_quantile(&metrics, "boucle_reply_seconds", 0.99),
    ));
    table.push_str(&format!(
        "\nResident memory (MB): idle with 10 rooms {rss_idle_10:.1}, after the load {rss_after:.1}, idle with 100 rooms {rss_idle_100:.1}\n\
         \nStart-up to healthy (empty store): {:.1} s\n",
        startup.as_secs_f64()
    ));
    print!("{table}");
    if let Some(out) = out {
        std::fs::write(out, table).unwrap();
    }
}

fn machine_description() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = proc_kb("/proc/meminfo", "MemTotal:").map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    format!("{cpu}, {cores} cores, {memory:.0} GiB")
}
