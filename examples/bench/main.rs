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

mod large;
mod peer;
mod wire;
use serde_json::{Value, json};

const MEMBERS: usize = 50;
const ROOMS: usize = 10;
const COMMANDS: usize = 500;
const CONCURRENCY: usize = 20;
/// Scenario 6: reminders due in the same minute.
const REMINDERS: usize = 200;
/// Scenario 7: SIGKILLs under load.
const KILLS: usize = 50;
/// Scenario 8: commands sent, one every 200 ms, around the outage: 10 s
/// before it, 60 s during, 30 s after.
const OUTAGE_COMMANDS: usize = 500;
/// Scenario 1's flooder: commands in about a minute, from one person.
const FLOOD: usize = 200;
/// Scenario 3: the peer's commands, one at a time.
const PEER_COMMANDS: usize = 100;
/// Scenario 9: rooms an announcement goes to (the hub and the themes).
const ANNOUNCED_ROOMS: usize = 30;
/// Scenario 1's commands, in turn.
const BODIES: [&str; 6] = [
    "!aide",
    "!agenda",
    "!sondage Quel jour ?\nMardi\nJeudi",
    "!reunion jeudi 18h30 | Local | Point d'étape",
    "!vote 1 Jeudi",
    "!remontee Le bus de 7h15 ne passe plus",
];

type Seen = Arc<Mutex<Observed>>;

/// Wall-clock milliseconds: the same clock as Synapse's `origin_server_ts`
/// (same machine), so the watcher's times and the server's stamps compare.
fn wall_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

/// What the watcher saw, by event id.
#[derive(Default)]
struct Observed {
    /// When each event reached the watcher (wall ms) and its server stamp.
    events: HashMap<String, (f64, f64)>,
    /// The bot's reply to each command, by the command's event id.
    replies: HashMap<String, String>,
    /// How many distinct replies each command got.
    reply_counts: HashMap<String, usize>,
    /// Each event's text body.
    bodies: HashMap<String, String>,
    /// Each event's room and sender.
    rooms: HashMap<String, String>,
    senders: HashMap<String, String>,
    /// Answers that are not Matrix replies (the peer's, boucle's digest):
    /// (who answers, the command's first word). Each message from that
    /// sender is tied to the last such command in its room still
    /// unanswered; loads of them go one at a time.
    unthreaded: Option<(String, String)>,
    pending: HashMap<String, String>,
}

impl Observed {
    /// When the reply to `command` reached the watcher, if it did.
    fn reply_seen(&self, command: &str) -> Option<f64> {
        let reply = self.replies.get(command)?;
        self.events.get(reply).map(|(seen, _)| *seen)
    }
}

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
    /// A driver for `server`, with its admin account (who creates the
    /// rooms and is the assembly's admin and team member) and the bot's.
    async fn new(http: reqwest::Client, server: SynapseAddress) -> Bench {
        let mut bench = Bench {
            http,
            server,
            admin: Account {
                user_id: String::new(),
                token: String::new(),
            },
            transaction: std::sync::atomic::AtomicU64::new(0),
        };
        bench.admin = bench.account("bench-admin", true).await;
        // The bot logs in itself, with the password registered here.
        bench.account("boucle", false).await;
        bench
    }

    /// The hub, the team's room and `themes` theme rooms, made by the admin.
    async fn assembly_rooms(&self, themes: usize) -> (String, String, Vec<String>) {
        let hub = self.create_room(&self.admin, "Accueil").await;
        let deputy = self.create_room(&self.admin, "Équipe").await;
        let mut rooms = Vec::new();
        for index in 0..themes {
            rooms.push(
                self.create_room(&self.admin, &format!("Thème {index}"))
                    .await,
            );
        }
        (hub, deputy, rooms)
    }

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

    /// Sends a message as a member's client does when the server is away:
    /// the same request (same transaction id) again every second until the
    /// server takes it. Its event id, when it was first tried (wall ms),
    /// and how many attempts it took.
    async fn send_until_taken(
        &self,
        who: &Account,
        room_id: &str,
        body: &str,
    ) -> (String, f64, usize) {
        let transaction = self
            .transaction
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let first_try = wall_ms();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let response = self
                .http
                .put(format!(
                    "{}/_matrix/client/v3/rooms/{room_id}/send/m.room.message/bench{transaction}",
                    self.server.url
                ))
                .bearer_auth(&who.token)
                .timeout(Duration::from_secs(10))
                .json(&json!({"msgtype": "m.text", "body": body}))
                .send()
                .await;
            if let Ok(response) = response
                && response.status().is_success()
                && let Ok(value) = response.json::<Value>().await
                && let Some(event_id) = value["event_id"].as_str()
            {
                return (event_id.to_owned(), first_try, attempts);
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// Sends a message; its event id, and when the request left (wall ms).
    async fn send(&self, who: &Account, room_id: &str, body: &str) -> (String, f64) {
        let transaction = self
            .transaction
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let sent_at = wall_ms();
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

/// A fresh record of what `watcher` sees, filled from now on.
fn watching(http: &reqwest::Client, url: &str, watcher: &Account) -> Seen {
    let seen: Seen = Arc::default();
    tokio::spawn(watch(
        http.clone(),
        url.to_owned(),
        watcher.clone(),
        seen.clone(),
    ));
    seen
}

/// Long-polls `/sync` as `watcher` and records when the bot's replies
/// arrive, keyed by the event they reply to.
async fn watch(http: reqwest::Client, url: String, watcher: Account, seen: Seen) {
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
        let now = wall_ms();
        if let Some(rooms) = body["rooms"]["join"].as_object() {
            let mut seen = seen.lock().unwrap();
            for (room_id, room) in rooms {
                for event in room["timeline"]["events"].as_array().into_iter().flatten() {
                    let Some(id) = event["event_id"].as_str() else {
                        continue;
                    };
                    let stamp = event["origin_server_ts"].as_f64().unwrap_or(f64::NAN);
                    if seen.events.contains_key(id) {
                        continue;
                    }
                    seen.events.insert(id.to_owned(), (now, stamp));
                    let body = event["content"]["body"].as_str().unwrap_or_default();
                    seen.bodies.insert(id.to_owned(), body.to_owned());
                    let sender = event["sender"].as_str().unwrap_or_default();
                    seen.rooms.insert(id.to_owned(), room_id.clone());
                    seen.senders.insert(id.to_owned(), sender.to_owned());
                    // A reply, or boucle's ✅ on a command whose reply
                    // would only say « c'est noté » (`!vote`).
                    let relates = &event["content"]["m.relates_to"];
                    let reply_to = relates["m.in_reply_to"]["event_id"].as_str().or_else(|| {
                        (relates["rel_type"] == "m.annotation")
                            .then(|| relates["event_id"].as_str())
                            .flatten()
                    });
                    if let Some((answerer, command)) = seen.unthreaded.clone() {
                        if body.starts_with(&command) {
                            seen.pending.insert(room_id.clone(), id.to_owned());
                        } else if answerer == sender
                            && reply_to.is_none()
                            && let Some(command) = seen.pending.remove(room_id)
                        {
                            seen.replies.insert(command.clone(), id.to_owned());
                            *seen.reply_counts.entry(command).or_default() += 1;
                        }
                    }
                    // Only the bots reply to commands.
                    if let Some(target) = reply_to {
                        seen.replies
                            .entry(target.to_owned())
                            .or_insert_with(|| id.to_owned());
                        *seen.reply_counts.entry(target.to_owned()).or_default() += 1;
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

#[derive(Debug)]
struct Latencies {
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
    lost: usize,
}

impl Latencies {
    fn of(mut values: Vec<f64>, lost: usize) -> Latencies {
        values.sort_by(|a, b| a.partial_cmp(b).unwrap());
        Latencies {
            p50: percentile(&values, 0.50),
            p90: percentile(&values, 0.90),
            p99: percentile(&values, 0.99),
            max: values.last().copied().unwrap_or(f64::NAN),
            lost,
        }
    }
}

/// One command sent: its event id, when the request left and when the
/// server answered it (wall ms).
#[derive(Clone)]
struct Sample {
    event_id: String,
    body: Option<String>,
    sent: f64,
    acknowledged: f64,
}

/// A load's outcome: each command sent, and how many got no reply.
struct Load {
    samples: Vec<Sample>,
    lost: usize,
}

impl Load {
    /// Command sent → reply seen by the watcher, for every answered command.
    fn latencies(&self, seen: &Seen) -> Latencies {
        let seen = seen.lock().unwrap();
        let values = self
            .samples
            .iter()
            .filter_map(|sample| Some(seen.reply_seen(&sample.event_id)? - sample.sent))
            .collect();
        Latencies::of(values, self.lost)
    }

    /// Where a reply's time goes, median of each leg (ms): the member's send
    /// request; the command's server stamp → the command reaching a client's
    /// /sync (the bot's sync sees it about then); → the reply's server stamp
    /// (the bot's turn, with the start of its send request); → the reply
    /// reaching a client's /sync.
    fn legs(&self, seen: &Seen) -> [f64; 4] {
        let seen = seen.lock().unwrap();
        let mut legs: [Vec<f64>; 4] = Default::default();
        for sample in &self.samples {
            let (Some(command), Some(reply)) = (
                seen.events.get(&sample.event_id),
                seen.replies
                    .get(&sample.event_id)
                    .and_then(|reply| seen.events.get(reply)),
            ) else {
                continue;
            };
            legs[0].push(sample.acknowledged - sample.sent);
            legs[1].push(command.0 - command.1);
            legs[2].push(reply.1 - command.0);
            legs[3].push(reply.0 - reply.1);
        }
        legs.map(|values| Latencies::of(values, 0).p50)
    }
}

/// Sends `commands` (member, room, body) `concurrency` at a time and waits
/// for each reply (30 s at most).
async fn run_load(
    bench: &Arc<Bench>,
    seen: &Seen,
    commands: Vec<(Account, String, String)>,
    concurrency: usize,
) -> Load {
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
                let (event_id, sent) = bench.send(&member, &room, &body).await;
                let acknowledged = wall_ms();
                let deadline = Instant::now() + Duration::from_secs(30);
                loop {
                    if seen.lock().unwrap().reply_seen(&event_id).is_some() {
                        break;
                    }
                    if Instant::now() > deadline {
                        lost.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                results.lock().unwrap().push(Sample {
                    event_id,
                    body: Some(body),
                    sent,
                    acknowledged,
                });
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let samples = results.lock().unwrap().clone();
    Load {
        samples,
        lost: lost.load(std::sync::atomic::Ordering::SeqCst),
    }
}

/// A small deterministic generator (xorshift64), so a run's kill times can
/// be told again.
struct Dice(u64);

impl Dice {
    fn between(&mut self, low: u64, high: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        low + self.0 % (high - low + 1)
    }
}

/// `count` meetings `minutes_ahead` minutes after the next whole minute
/// (Paris time, the bot's default zone), each reminded `reminder(index)`
/// minutes before. Returns their numbers (from the announcements) and
/// each reminder's due time (wall ms) by meeting number.
async fn create_reminded_meetings(
    bench: &Arc<Bench>,
    seen: &Seen,
    targets: &[(Account, String)],
    count: usize,
    minutes_ahead: i64,
    reminder: impl Fn(usize) -> i64,
) -> HashMap<u64, f64> {
    use chrono::Timelike;
    let now = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris);
    let next_minute =
        now.with_second(0).unwrap().with_nanosecond(0).unwrap() + chrono::Duration::minutes(1);
    let at = next_minute + chrono::Duration::minutes(minutes_ahead);
    let mut commands = Vec::new();
    let mut offsets = Vec::new();
    for index in 0..count {
        let (member, room) = targets[index % targets.len()].clone();
        let offset = reminder(index);
        offsets.push(offset);
        commands.push((
            member,
            room,
            format!(
                "!reunion {} | Salle {index} | Point {index} --rappels {offset}min",
                at.format("%Y-%m-%d %H:%M")
            ),
        ));
    }
    // run_load pops from the end: match offsets to commands by event.
    let load = run_load(bench, seen, commands.clone(), CONCURRENCY.min(count)).await;
    let seen = seen.lock().unwrap();
    let mut due = HashMap::new();
    for sample in &load.samples {
        let Some(body) = seen
            .replies
            .get(&sample.event_id)
            .and_then(|reply| seen.bodies.get(reply))
        else {
            continue;
        };
        let Some(number) = meeting_number(body) else {
            continue;
        };
        let index = commands
            .iter()
            .position(|(_, _, text)| Some(text) == sample.body.as_ref())
            .unwrap_or(0);
        let due_at = at - chrono::Duration::minutes(offsets[index]);
        due.insert(number, due_at.timestamp_millis() as f64);
    }
    due
}

/// The meeting number in "Réunion #12 : …" or "Rappel : réunion #12, …".
fn meeting_number(body: &str) -> Option<u64> {
    let rest = &body[body.find('#')? + 1..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The meetings a reminder message names: each "réunion #12" in it.
fn reminded_meetings(body: &str) -> Vec<u64> {
    body.match_indices("réunion #")
        .filter_map(|(at, _)| meeting_number(&body[at..]))
        .collect()
}

/// Each reminder of the given meetings the watcher saw since `since` (wall
/// ms; each scenario's bot numbers its meetings from 1): (seen, server
/// stamp) in wall ms, by meeting number.
fn reminders_seen(
    seen: &Seen,
    meetings: &HashMap<u64, f64>,
    since: f64,
) -> HashMap<u64, Vec<(f64, f64)>> {
    let seen = seen.lock().unwrap();
    let mut found: HashMap<u64, Vec<(f64, f64)>> = HashMap::new();
    for (id, body) in &seen.bodies {
        if !body.starts_with("Rappel") || seen.events[id].0 < since {
            continue;
        }
        // Reminders due together in a room come in one message.
        for number in reminded_meetings(body) {
            if meetings.contains_key(&number) {
                found.entry(number).or_default().push(seen.events[id]);
            }
        }
    }
    found
}

/// How many of `sent` got no reply, and how many more than one; prints the
/// ids of those not answered exactly once.
fn tally(seen: &Seen, sent: &[String], scenario: &str) -> (usize, usize) {
    let seen = seen.lock().unwrap();
    let count = |id: &String| seen.reply_counts.get(id).copied().unwrap_or(0);
    for id in sent.iter().filter(|id| count(id) != 1) {
        eprintln!("{scenario}: {id} answered {} times", count(id));
    }
    (
        sent.iter().filter(|id| count(id) == 0).count(),
        sent.iter().filter(|id| count(id) > 1).count(),
    )
}

/// Waits until every one of `sent` has a reply and `also` holds, or until
/// `limit` has passed.
async fn wait_answered(seen: &Seen, sent: &[String], limit: Duration, also: impl Fn() -> bool) {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        let answered = {
            let seen = seen.lock().unwrap();
            sent.iter()
                .filter(|id| seen.replies.contains_key(*id))
                .count()
        };
        if answered == sent.len() && also() {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
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
    // Appended: a bot restarted in the same directory keeps its history.
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(directory.join("bot.log"))
        .unwrap();
    let child = Command::new(binary)
        .args(["run", "-c"])
        .arg(&path)
        .env("BOUCLE_PASSWORD", "boucle-bench-password")
        .env(
            "BOUCLE_PASSPHRASE",
            "YmVuY2ggYm90IGRhdGEgZGlyZWN0b3J5IHBhc3NwaHJhc2U=",
        )
        .stdout(Stdio::null())
        .stderr(log)
        .env(
            "BOUCLE_LOG",
            std::env::var("BENCH_BOT_LOG").unwrap_or_else(|_| "info".to_owned()),
        )
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
         [bot]\npassphrase_env = \"BOUCLE_PASSPHRASE\"\ndata_dir = \"{}\"\n\n[assembly]\nhub_room = \"{hub}\"\ndeputy_room = \"{deputy}\"\nadmins = [\"{admin}\"]\n\n\
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
    let pingbot =
        argument("--pingbot").unwrap_or_else(|| "target/release/examples/pingbot".to_owned());
    let out = argument("--out").map(PathBuf::from);
    // `--only latency,crash` runs only those parts: floor, latency (1, 2
    // and the flooder), peer, crash, reminders, outage, large, limited,
    // rooms (100 rooms).
    let only = argument("--only");
    let wants = |part: &str| {
        only.as_deref()
            .is_none_or(|list| list.split(',').any(|wanted| wanted == part))
    };
    let work = tempfile::tempdir().unwrap();
    // BENCH_KEEP=1 keeps the bots' logs and data (the directory is printed).
    let work_path = if std::env::var_os("BENCH_KEEP").is_some() {
        let kept = work.path().to_owned();
        std::mem::forget(work);
        eprintln!("keeping {}", kept.display());
        kept
    } else {
        work.path().to_owned()
    };

    let venv = devserver::default_venv();
    let synapse_dir = work_path.as_path().join("synapse");
    let (server, control) = tokio::task::spawn_blocking(move || {
        devserver::start_controlled(venv, synapse_dir, RateLimits::Relaxed)
    })
    .await
    .unwrap()
    .expect("Synapse");
    let http = reqwest::Client::new();
    let bench = Bench::new(http.clone(), server.clone()).await;
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
    let (hub, deputy, themes) = bench.assembly_rooms(ROOMS - 1).await;
    let rooms: Vec<String> = std::iter::once(hub.clone())
        .chain(themes.iter().cloned())
        .collect();
    for room in rooms.iter().chain([&deputy]) {
        bench.join(&watcher, room).await;
    }
    for (index, member) in members.iter().enumerate() {
        bench.join(member, &rooms[index % ROOMS]).await;
    }

    let seen = watching(&http, &server.url, &watcher);

    // A bot's directory, configuration and health port.
    let configure = |name: &str, themes: &[String]| {
        let port = free_port();
        let directory = work_path.as_path().join(name);
        let text = config(
            &server,
            &directory.join("data"),
            port,
            &hub,
            &deputy,
            themes,
            &bench.admin.user_id,
        );
        (directory, text, port)
    };
    let launch = |name: &str, themes: &[String]| {
        let (directory, text, port) = configure(name, themes);
        start_bot(&binary, &directory, text, port)
    };
    let commands_to = |count: usize, offset: usize, body: Option<&str>| {
        (0..count)
            .map(|index| {
                let member_index = (index + offset) % MEMBERS;
                let room = rooms[member_index % ROOMS].clone();
                let body = body.unwrap_or(BODIES[index % BODIES.len()]);
                (members[member_index].clone(), room, body.to_owned())
            })
            .collect::<Vec<_>>()
    };

    // The floor: a bare matrix-sdk bot on the same server, same load.
    let ping = bench.account("pingbot", false).await;
    bench.lift_rate_limit(&ping.user_id).await;
    for room in &rooms {
        bench.join(&ping, room).await;
    }
    let floor = if !wants("floor") || arguments.iter().any(|argument| argument == "--no-floor") {
        None
    } else {
        let directory = work_path.join("pingbot");
        std::fs::create_dir_all(&directory).unwrap();
        let mut child = Command::new(&pingbot)
            .arg(&server.url)
            .arg(&ping.user_id)
            .arg("pingbot-bench-password")
            .arg(directory.join("store"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(directory.join("pingbot.log")).unwrap())
            .spawn()
            .expect("the pingbot binary");
        tokio::time::sleep(Duration::from_secs(5)).await;
        run_load(&bench, &seen, commands_to(20, 7, Some("!ping")), 1).await;
        let sequential = run_load(&bench, &seen, commands_to(COMMANDS, 0, Some("!ping")), 1).await;
        let legs = sequential.legs(&seen);
        let sequential = sequential.latencies(&seen);
        let parallel = run_load(
            &bench,
            &seen,
            commands_to(COMMANDS, 3, Some("!ping")),
            CONCURRENCY,
        )
        .await
        .latencies(&seen);
        let rss =
            proc_kb(&format!("/proc/{}/status", child.id()), "VmRSS:").unwrap_or(f64::NAN) / 1024.0;
        let _ = child.kill();
        let _ = child.wait();
        println!("floor: {sequential:?} legs {legs:?}; parallel {parallel:?}; rss {rss:.1}");
        Some((sequential, parallel, legs, rss))
    };

    let bot = launch("bot", &themes);
    let port = bot.port;
    let startup = wait_healthy(&http, &bot).await;
    // Let the start-up work (joins, Space, first backup) settle.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let rss_idle_10 = rss_mb(&bot.child);

    let commands = |count: usize, offset: usize| commands_to(count, offset, None);
    // A warm-up, so that first-use costs are not counted.
    let count = if wants("latency") { COMMANDS } else { 0 };
    run_load(&bench, &seen, commands(20.min(count), 7), 1).await;
    let sequential_load = run_load(&bench, &seen, commands(count, 0), 1).await;
    let metrics_sequential = fetch_metrics(&http, port).await;
    let sequential = sequential_load.latencies(&seen);
    let legs = sequential_load.legs(&seen);
    println!("sequential: {sequential:?}, legs {legs:?}");
    let parallel = run_load(&bench, &seen, commands(count, 3), CONCURRENCY)
        .await
        .latencies(&seen);
    println!("parallel: {parallel:?}");
    // The floor's own load, to boucle: `!ping` is not a boucle command, so
    // each gets one short answer (a suggestion), as from the bare bot. The
    // difference with the floor is then boucle's own cost, without the
    // extra events its real commands make the homeserver carry.
    let (pinged, pinged_legs) = if wants("latency") && floor.is_some() {
        let load = run_load(&bench, &seen, commands_to(COMMANDS, 0, Some("!ping")), 1).await;
        let legs = load.legs(&seen);
        let latencies = load.latencies(&seen);
        println!("boucle on the floor's load: {latencies:?}, legs {legs:?}");
        (Some(latencies), Some(legs))
    } else {
        (None, None)
    };

    // Scenario 1 with a flooder: one person sends 200 commands in about a
    // minute in the hub while the others go on, one at a time, in the
    // theme rooms.
    let flood = if !wants("latency") {
        None
    } else {
        let flooder = bench.account("flooder", false).await;
        bench.lift_rate_limit(&flooder.user_id).await;
        bench.join(&flooder, &hub).await;
        let flooding = {
            let (bench, hub, flooder) = (bench.clone(), hub.clone(), flooder.clone());
            tokio::spawn(async move {
                let mut sent = Vec::new();
                for _ in 0..FLOOD {
                    sent.push(bench.send(&flooder, &hub, "!agenda").await.0);
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                sent
            })
        };
        let others: Vec<_> = commands(COMMANDS, 5)
            .into_iter()
            .filter(|(_, room, _)| *room != hub)
            .take(200)
            .collect();
        let load = run_load(&bench, &seen, others, 1).await;
        let sent = flooding.await.unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
        let answered = {
            let seen = seen.lock().unwrap();
            sent.iter()
                .filter(|id| seen.replies.contains_key(*id))
                .count()
        };
        let latencies = load.latencies(&seen);
        println!(
            "with a flooder: {latencies:?}; flooder {answered} answers to {} commands",
            sent.len()
        );
        Some((latencies, sent.len(), answered))
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = rss_mb(&bot.child);
    let metrics = fetch_metrics(&http, port).await;
    drop(bot);

    // Scenario 3: the peer, same server, same members, same watcher; its
    // `!remindme` against boucle's `!reunion` (from the load above).
    let reunion = Load {
        samples: sequential_load
            .samples
            .iter()
            .filter(|sample| {
                sample
                    .body
                    .as_deref()
                    .is_some_and(|body| body.starts_with("!reunion"))
            })
            .cloned()
            .collect(),
        lost: 0,
    }
    .latencies(&seen);
    let peer_program = PathBuf::from(
        argument("--peer")
            .unwrap_or_else(|| "target/bench-peer/bin/matrix-reminder-bot".to_owned()),
    );
    let peer = if !wants("peer") || !peer_program.exists() {
        eprintln!("scenario 3 (the peer, {}) skipped", peer_program.display());
        None
    } else {
        let account = bench.account("reminder", false).await;
        bench.lift_rate_limit(&account.user_id).await;
        for room in &rooms {
            bench.join(&account, room).await;
        }
        seen.lock().unwrap().unthreaded = Some((account.user_id.clone(), "!remindme".to_owned()));
        let mut child = peer::start(
            &peer_program,
            &work_path.join("peer"),
            &server.url,
            &account.user_id,
            "reminder-bench-password",
        );
        let started = Instant::now();
        // Ready when it answers.
        loop {
            let probe = run_load(
                &bench,
                &seen,
                commands_to(1, 0, Some("!remindme in 1 day; essai")),
                1,
            )
            .await;
            if probe.lost == 0 {
                break;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the peer stopped ({status}): see peer/peer.log with BENCH_KEEP=1");
            }
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "the peer never answered"
            );
        }
        let startup = started.elapsed();
        tokio::time::sleep(Duration::from_secs(5)).await;
        let idle = rss_mb(&child);
        let body = "!remindme in 1 day; point d'étape du groupe";
        run_load(&bench, &seen, commands_to(10, 7, Some(body)), 1).await;
        let load = run_load(&bench, &seen, commands_to(PEER_COMMANDS, 0, Some(body)), 1).await;
        let legs = load.legs(&seen);
        let latencies = load.latencies(&seen);
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after = rss_mb(&child);
        let _ = child.kill();
        let _ = child.wait();
        seen.lock().unwrap().unthreaded = None;
        println!(
            "peer: {latencies:?} legs {legs:?}; rss idle {idle:.1} after {after:.1}; ready in {startup:?}"
        );
        Some((latencies, legs, idle, after))
    };

    // Members in theme rooms, who may announce meetings there.
    let organisers: Vec<(Account, String)> = (0..MEMBERS)
        .filter(|index| index % ROOMS != 0)
        .map(|index| (members[index].clone(), rooms[index % ROOMS].clone()))
        .collect();

    // Scenario 7: 50 SIGKILLs at random moments under load, each followed by
    // a restart; meetings reminded while it happens.
    let crash = if wants("crash") {
        Some({
            let since = wall_ms();
            let (directory, text, port) = configure("crash", &themes);
            let mut bot = start_bot(&binary, &directory, text.clone(), port);
            wait_healthy(&http, &bot).await;
            tokio::time::sleep(Duration::from_secs(5)).await;
            let meetings = create_reminded_meetings(&bench, &seen, &organisers, 20, 2, |index| {
                1 + (index % 2) as i64
            })
            .await;
            let last_due = meetings.values().copied().fold(0.0, f64::max);
            // The load goes on at a steady pace whatever the bot's state.
            let sender = {
                let (bench, load) = (bench.clone(), commands(COMMANDS, 11));
                tokio::spawn(async move {
                    let mut sent = Vec::new();
                    for (member, room, body) in load {
                        sent.push(bench.send(&member, &room, &body).await.0);
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                    sent
                })
            };
            let phase = (last_due + 15_000.0 - wall_ms()).max(100_000.0);
            let mut dice = Dice(0x5eed_b0c1e);
            let started = Instant::now();
            for _ in 0..KILLS {
                let mean = (phase / KILLS as f64) as u64;
                tokio::time::sleep(Duration::from_millis(dice.between(mean / 2, mean * 3 / 2)))
                    .await;
                drop(bot); // SIGKILL, then reaped
                bot = start_bot(&binary, &directory, text.clone(), port);
            }
            let sent = sender.await.unwrap();
            wait_answered(&seen, &sent, Duration::from_secs(300), || {
                wall_ms() > last_due + 30_000.0
            })
            .await;
            // Time for a duplicate to show up, if there were one.
            tokio::time::sleep(Duration::from_secs(15)).await;
            let took = started.elapsed();
            drop(bot);
            let (unanswered, doubled) = tally(&seen, &sent, "crash");
            let found = reminders_seen(&seen, &meetings, since);
            let reminders_missing = meetings.len() - found.len();
            let reminders_doubled = found.values().filter(|list| list.len() > 1).count();
            println!(
                "crash: {} commands, {unanswered} unanswered, {doubled} doubled; {} reminders, {reminders_missing} missing, {reminders_doubled} doubled; {:.0} s",
                sent.len(),
                meetings.len(),
                took.as_secs_f64()
            );
            (
                sent.len(),
                unanswered,
                doubled,
                meetings.len(),
                reminders_missing,
                reminders_doubled,
                took,
            )
        })
    } else {
        None
    };

    // Scenario 6: 200 reminders due in the same minute.
    let precision = if wants("reminders") {
        Some({
            let since = wall_ms();
            let bot = launch("reminders", &themes);
            wait_healthy(&http, &bot).await;
            tokio::time::sleep(Duration::from_secs(5)).await;
            let meetings =
                create_reminded_meetings(&bench, &seen, &organisers, REMINDERS, 3, |_| 2).await;
            let last_due = meetings.values().copied().fold(0.0, f64::max);
            while wall_ms() < last_due + 60_000.0 {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            let found = reminders_seen(&seen, &meetings, since);
            let mut late_stamp = Vec::new();
            let mut late_seen = Vec::new();
            for (number, due) in &meetings {
                for (seen_at, stamp) in found.get(number).into_iter().flatten() {
                    late_stamp.push(stamp - due);
                    late_seen.push(seen_at - due);
                }
            }
            let missing = meetings.len() - found.len();
            let doubled = found.values().filter(|list| list.len() > 1).count();
            println!(
                "reminders: {} meetings, {missing} missing, {doubled} doubled",
                meetings.len()
            );
            (
                meetings.len(),
                missing,
                doubled,
                Latencies::of(late_stamp, missing),
                Latencies::of(late_seen, missing),
            )
        })
    } else {
        None
    };

    // Scenario 8: Synapse stopped for 60 s in the middle of a steady load.
    let outage = if wants("outage") {
        Some({
            let bot = launch("outage", &themes);
            wait_healthy(&http, &bot).await;
            tokio::time::sleep(Duration::from_secs(5)).await;
            // Each command is typed on its own phone, one every 200 ms, and
            // kept until the server takes it: while Synapse is down they
            // queue up, and all of them arrive when it is back.
            let sender = {
                let (bench, load) = (bench.clone(), commands(OUTAGE_COMMANDS, 17));
                tokio::spawn(async move {
                    let mut phones = Vec::new();
                    for (member, room, body) in load {
                        let bench = bench.clone();
                        phones.push(tokio::spawn(async move {
                            bench.send_until_taken(&member, &room, &body).await
                        }));
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                    let (mut sent, mut queued) = (Vec::new(), 0);
                    for phone in phones {
                        let (id, _, attempts) = phone.await.unwrap();
                        sent.push(id);
                        if attempts > 1 {
                            queued += 1;
                        }
                    }
                    (sent, queued)
                })
            };
            tokio::time::sleep(Duration::from_secs(10)).await;
            let stopper = control.clone();
            tokio::task::spawn_blocking(move || stopper.stop())
                .await
                .unwrap()
                .expect("Synapse stopped");
            tokio::time::sleep(Duration::from_secs(60)).await;
            let starter = control.clone();
            tokio::task::spawn_blocking(move || starter.start())
                .await
                .unwrap()
                .expect("Synapse started again");
            let back = wall_ms();
            let (sent, queued) = sender.await.unwrap();
            wait_answered(&seen, &sent, Duration::from_secs(300), || true).await;
            let all_answered_after = {
                let seen = seen.lock().unwrap();
                sent.iter()
                    .filter_map(|id| seen.reply_seen(id))
                    .fold(back, f64::max)
                    - back
            };
            tokio::time::sleep(Duration::from_secs(15)).await;
            drop(bot);
            let (unanswered, doubled) = tally(&seen, &sent, "outage");
            println!(
                "outage: {} commands, {queued} queued while down, {unanswered} unanswered, {doubled} doubled, all answered {:.1} s after the return",
                sent.len(),
                all_answered_after / 1000.0
            );
            (sent.len(), queued, unanswered, doubled, all_answered_after)
        })
    } else {
        None
    };

    // Scenario 5: a large store (years of an assembly).
    let large = if wants("large") {
        Some({
            let (directory, text, port) = configure("large", &themes);
            let built = {
                let (text, bot_id, hub, deputy, themes, data) = (
                    text.clone(),
                    server.user_id("boucle"),
                    hub.clone(),
                    deputy.clone(),
                    themes.clone(),
                    directory.join("data"),
                );
                tokio::task::spawn_blocking(move || {
                    large::build(&text, &bot_id, &hub, &deputy, &themes, &data)
                })
                .await
                .unwrap()
            };
            println!(
                "large store: {} records built in {:.0} s",
                built.records,
                built.took.as_secs_f64()
            );
            // The first start logs in and notes its first start.
            let bot = start_bot(&binary, &directory, text.clone(), port);
            let first_start = wait_healthy(&http, &bot).await;
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(bot);
            // Start-up to first reply: a command waits while the bot starts.
            let (member, room, _) = commands_to(1, 1, None).remove(0);
            let (command, _) = bench.send(&member, &room, "!aide").await;
            let spawned = wall_ms();
            let bot = start_bot(&binary, &directory, text.clone(), port);
            wait_answered(
                &seen,
                std::slice::from_ref(&command),
                Duration::from_secs(120),
                || true,
            )
            .await;
            let first_reply = seen
                .lock()
                .unwrap()
                .reply_seen(&command)
                .map_or(f64::NAN, |at| at - spawned);
            let agenda = run_load(
                &bench,
                &seen,
                vec![(members[0].clone(), hub.clone(), "!agenda".to_owned()); 15],
                1,
            )
            .await
            .latencies(&seen);
            // The digest is a message of its own, not a reply.
            seen.lock().unwrap().unthreaded =
                Some((server.user_id("boucle"), "!digest".to_owned()));
            let digest = run_load(
                &bench,
                &seen,
                vec![(bench.admin.clone(), deputy.clone(), "!digest".to_owned()); 10],
                1,
            )
            .await
            .latencies(&seen);
            seen.lock().unwrap().unthreaded = None;
            let rss = rss_mb(&bot.child);
            drop(bot);
            println!(
                "large store: first start {first_start:?}, first reply {first_reply:.0} ms, agenda {agenda:?}, digest {digest:?}, rss {rss:.1}"
            );
            (built, first_start, first_reply, agenda, digest, rss)
        })
    } else {
        None
    };

    // Scenario 9: an announcement to 30 rooms under Synapse's default
    // rc_message, on a second Synapse, through a recording proxy.
    let limited = if wants("limited") {
        Some({
            let venv = devserver::default_venv();
            let directory = work_path.join("synapse-limited");
            let (server, _control) = tokio::task::spawn_blocking(move || {
                devserver::start_controlled(venv, directory, RateLimits::DefaultMessages)
            })
            .await
            .unwrap()
            .expect("a second Synapse");
            let limited = Bench::new(http.clone(), server.clone()).await;
            let watcher = limited.account("watcher", false).await;
            for account in [&limited.admin.user_id, &watcher.user_id] {
                limited.lift_rate_limit(account).await;
            }
            let organiser = limited.admin.clone();
            let (hub, deputy, themes) = limited.assembly_rooms(ANNOUNCED_ROOMS - 1).await;
            for room in themes.iter().chain([&hub, &deputy]) {
                limited.join(&watcher, room).await;
            }
            let seen = watching(&http, &server.url, &watcher);
            let wire: wire::Wire = Arc::default();
            let proxied = SynapseAddress {
                url: wire::start(
                    server.url.trim_start_matches("http://").to_owned(),
                    wire.clone(),
                )
                .await,
                ..server.clone()
            };
            let port = free_port();
            let directory = work_path.join("limited");
            let text = config(
                &proxied,
                &directory.join("data"),
                port,
                &hub,
                &deputy,
                &themes,
                &limited.admin.user_id,
            );
            let launched = Instant::now();
            let bot = start_bot(&binary, &directory, text, port);
            wait_healthy(&http, &bot).await;
            // Until its start-up sends are done (10 s without one).
            let quiet_since = Instant::now();
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let last = wire
                    .lock()
                    .unwrap()
                    .iter()
                    .filter(|exchange| !exchange.path.contains("/sync"))
                    .map(|exchange| exchange.answered)
                    .fold(0.0, f64::max);
                if wall_ms() - last > 10_000.0 || quiet_since.elapsed() > Duration::from_secs(300) {
                    break;
                }
            }
            let setup = launched.elapsed().saturating_sub(Duration::from_secs(10));
            let from = wire.lock().unwrap().len();
            let news = "Le projet de loi sur les déserts médicaux arrive en séance le 12";
            let (command, sent) = limited
                .send(&organiser, &deputy, &format!("!annonce {news}"))
                .await;
            let bot_id = server.user_id("boucle");
            let delivered = || {
                let seen = seen.lock().unwrap();
                let mut per_room: HashMap<String, usize> = HashMap::new();
                let mut last = 0.0_f64;
                for (id, body) in &seen.bodies {
                    if body.contains(news) && seen.senders.get(id) == Some(&bot_id) {
                        *per_room.entry(seen.rooms[id].clone()).or_default() += 1;
                        last = last.max(seen.events[id].0);
                    }
                }
                (per_room, last, seen.reply_seen(&command))
            };
            let deadline = Instant::now() + Duration::from_secs(900);
            while Instant::now() < deadline {
                let (per_room, _, reply) = delivered();
                if per_room.len() >= ANNOUNCED_ROOMS && reply.is_some() {
                    break;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            // Time for a duplicate to show up, if there were one.
            tokio::time::sleep(Duration::from_secs(15)).await;
            drop(bot);
            let (per_room, last, _) = delivered();
            // Every 429 of the run is checked, the start-up's joins included.
            let exchanges = wire.lock().unwrap().clone();
            let (refused, early, margin) = wire::retries(&exchanges);
            let sends = exchanges[from..]
                .iter()
                .filter(|exchange| exchange.method == "PUT" && exchange.path.contains("/send/"))
                .count();
            let doubled = per_room.values().filter(|count| **count > 1).count();
            println!(
                "announcement: {} rooms of {ANNOUNCED_ROOMS}, {doubled} doubled, {:.1} s; {sends} send requests, {refused} refused (429), {early} retried early, smallest margin {margin:.0} ms",
                per_room.len(),
                (last - sent) / 1000.0
            );
            (
                setup,
                per_room.len(),
                doubled,
                (last - sent) / 1000.0,
                sends,
                refused,
                early,
                margin,
            )
        })
    } else {
        None
    };

    // 100 rooms: the same bot with 99 theme rooms.
    let rss_idle_100 = if wants("rooms") {
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
        rss_mb(&bot.child)
    } else {
        f64::NAN
    };

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
    table.push_str(
        "| Bot, load | p50 | p90 | p99 | max | unanswered |\n|---|---|---|---|---|---|\n",
    );
    table.push_str(&row("boucle, one at a time", &sequential));
    table.push_str(&row(&format!("boucle, {CONCURRENCY} at a time"), &parallel));
    if let Some(pinged) = &pinged {
        table.push_str(&row(
            "boucle, the floor's `!ping` load, one at a time",
            pinged,
        ));
    }
    if let Some((floor_sequential, floor_parallel, _, _)) = &floor {
        table.push_str(&row("bare SDK bot, one at a time", floor_sequential));
        table.push_str(&row(
            &format!("bare SDK bot, {CONCURRENCY} at a time"),
            floor_parallel,
        ));
    }
    let leg_row = |name: &str, legs: &[f64; 4]| {
        format!(
            "| {name} | {:.0} | {:.0} | {:.0} | {:.0} |\n",
            legs[0], legs[1], legs[2], legs[3]
        )
    };
    table.push_str(
        "\nWhere the time goes, one at a time (medians, ms): the member's send request; \
         the command's server stamp → a client sees it; → the reply's server stamp (the bot's turn); \
         → a client sees the reply:\n\n\
         | Bot | send | command to clients | bot's turn | reply to clients |\n|---|---|---|---|---|\n",
    );
    table.push_str(&leg_row("boucle", &legs));
    if let Some(pinged_legs) = &pinged_legs {
        table.push_str(&leg_row("boucle, `!ping`", pinged_legs));
    }
    if let Some((_, _, floor_legs, _)) = &floor {
        table.push_str(&leg_row("bare SDK bot", floor_legs));
    }
    table.push_str(&format!(
        "\nBot-side time (event taken in hand → send request), from boucle's /metrics, as bucket bounds: \
         one at a time p50 {}, p99 {}; with the {CONCURRENCY}-at-a-time load p50 {}, p99 {}\n",
        histogram_quantile(&metrics_sequential, "boucle_reply_seconds", 0.5),
        histogram_quantile(&metrics_sequential, "boucle_reply_seconds", 0.99),
        histogram_quantile(&metrics, "boucle_reply_seconds", 0.5),
        histogram_quantile(&metrics, "boucle_reply_seconds", 0.99),
    ));
    if let Some((reminded, missing, doubled, late_stamp, late_seen)) = &precision {
        table.push_str(&format!(
        "\nReminder precision, {reminded} reminders due in the same minute (ms after due time; {missing} missing, {doubled} doubled):\n\n\
         | Measured at | p50 | p90 | p99 | max |\n|---|---|---|---|---|\n\
         | server stamp of the reminder | {:.0} | {:.0} | {:.0} | {:.0} |\n\
         | seen by a client | {:.0} | {:.0} | {:.0} | {:.0} |\n",
        late_stamp.p50, late_stamp.p90, late_stamp.p99, late_stamp.max,
        late_seen.p50, late_seen.p90, late_seen.p99, late_seen.max,
    ));
    }
    if let Some((sent, unanswered, doubled, reminded, reminders_missing, reminders_doubled, took)) =
        &crash
    {
        table.push_str(&format!(
        "\nCrashes: {KILLS} SIGKILLs at random moments, each followed by a restart, under a steady load, over {:.0} s: \
         {sent} commands, {unanswered} unanswered, {doubled} answered twice; {reminded} reminders due meanwhile, \
         {reminders_missing} lost, {reminders_doubled} doubled.\n",
        took.as_secs_f64()
    ));
    }
    if let Some((taken, queued, unanswered, doubled, after)) = &outage {
        table.push_str(&format!(
        "\nOutage: Synapse stopped for 60 s in the middle of a steady load (one command every 200 ms, each sent \
         again every second until the server takes it, as a phone does): {taken} commands, {queued} of them queued \
         while it was down; {unanswered} unanswered, {doubled} answered twice; every reply seen {:.1} s after \
         Synapse was back.\n",
        after / 1000.0
    ));
    }
    if let Some((with_flooder, flooded, flooder_answers)) = &flood {
        table.push_str(&format!(
            "\nWith a flooder: one person sent {flooded} commands in about a minute in the hub while the others went on, \
             one at a time, in the theme rooms. The others' latency (ms): p50 {:.0}, p90 {:.0}, p99 {:.0}, max {:.0}, \
             {} unanswered. The flooder got {flooder_answers} answers (the brake's limit, its one notice, and what the \
             sliding minute let through).\n",
            with_flooder.p50, with_flooder.p90, with_flooder.p99, with_flooder.max, with_flooder.lost
        ));
    }
    if let Some((peer_latencies, peer_legs, peer_idle, peer_after)) = &peer {
        table.push_str(
            "\nPeer, same server, same members, same watcher, one at a time (ms):\n\n\
             | Bot, command | p50 | p90 | p99 | max | unanswered |\n|---|---|---|---|---|---|\n",
        );
        table.push_str(&row("boucle, `!reunion`", &reunion));
        table.push_str(&row(
            "matrix-reminder-bot 0.4.0, `!remindme`",
            peer_latencies,
        ));
        table.push_str(&format!(
            "\nRatio boucle / peer at the median: {:.2}; at p99: {:.2}. The peer's legs (medians, ms): send {:.0}, \
             command to clients {:.0}, its turn {:.0}, reply to clients {:.0}.\n\
             \nResident memory (MB), idle and after its load: boucle {rss_idle_10:.1} / {rss_after:.1}; \
             matrix-reminder-bot {peer_idle:.1} / {peer_after:.1}.\n",
            reunion.p50 / peer_latencies.p50,
            reunion.p99 / peer_latencies.p99,
            peer_legs[0], peer_legs[1], peer_legs[2], peer_legs[3],
        ));
    }
    if let Some((built, large_first_start, first_reply, agenda, digest, large_rss)) = &large {
        let median = |values: &Vec<f64>| {
            let mut sorted = values.clone();
            sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
            (
                percentile(&sorted, 0.5),
                sorted.last().copied().unwrap_or(f64::NAN),
            )
        };
        let (agenda_build, agenda_build_max) = median(&built.agenda_ms);
        let (digest_build, digest_build_max) = median(&built.digest_ms);
        table.push_str(&format!(
        "\nLarge store: {} meetings, {} members, {} reports ({} records, built through the engine in {:.0} s). \
         First start (login) to healthy {:.1} s; restart to the first reply (a command waiting) {:.1} s. \
         Build time in the core, 20 runs: `!agenda` in the hub p50 {agenda_build:.2} ms, max {agenda_build_max:.2} ms; \
         the digest p50 {digest_build:.2} ms, max {digest_build_max:.2} ms. End to end (ms): `!agenda` p50 {:.0}, p99 {:.0}; \
         `!digest` p50 {:.0}, p99 {:.0}. Resident memory {large_rss:.1} MB.\n",
        large::MEETINGS,
        large::MEMBERS,
        large::REPORTS,
        built.records,
        built.took.as_secs_f64(),
        large_first_start.as_secs_f64(),
        first_reply / 1000.0,
        agenda.p50,
        agenda.p99,
        digest.p50,
        digest.p99,
    ));
    }
    if let Some((setup, announced, announced_twice, announce_took, sends, refused, early, margin)) =
        &limited
    {
        table.push_str(&format!(
        "\nDefault rate limits (Synapse's default rc_message, a second server, the bot behind a recording proxy): \
         the first start (joining {} rooms and filling the Space, each a rate-limited event) took {:.0} s; an announcement to {ANNOUNCED_ROOMS} rooms reached {announced} rooms ({announced_twice} twice) in {announce_took:.1} s; \
         {sends} send requests at the wire, {refused} refused with 429, {early} retried before the wait asked for \
         (smallest margin {margin:.0} ms), start-up included.\n",
        ANNOUNCED_ROOMS + 1,
        setup.as_secs_f64()
    ));
    }
    if let Some((_, _, _, floor_rss)) = &floor {
        table.push_str(&format!(
            "\nBare SDK bot's resident memory after its load: {floor_rss:.1} MB\n"
        ));
    }
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

async fn fetch_metrics(http: &reqwest::Client, port: u16) -> String {
    http.get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
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
