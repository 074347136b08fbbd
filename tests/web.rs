//! The public site, as a person not on Matrix would use it (issue 20):
//! meetings announced in rooms through a real Synapse, then the pages and
//! calendar feeds fetched over HTTP.
#![recursion_limit = "256"]

mod support;

use std::time::{Duration, Instant};

use icalendar::{Calendar, CalendarComponent, Component};
use support::{Bot, Person, TIMEOUT, free_port, homeserver, wait_for_message};

/// Fetches `url` until `ready` holds on its text.
async fn fetch_until(url: &str, ready: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Ok(response) = reqwest::get(url).await
            && let Ok(text) = response.text().await
            && ready(&text)
        {
            return text;
        }
        assert!(Instant::now() < deadline, "{url} never got ready");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The VEVENTs of a feed, parsed by an independent parser: (UID, DTSTART
/// as written, STATUS).
fn events(feed: &str) -> Vec<(String, String, String)> {
    let calendar: Calendar = feed.parse().expect("the feed parses");
    calendar
        .components
        .iter()
        .filter_map(|component| match component {
            CalendarComponent::Event(event) => Some((
                event.get_uid().unwrap_or_default().to_owned(),
                event
                    .properties()
                    .get("DTSTART")
                    .map(|start| start.value().to_owned())
                    .unwrap_or_default(),
                event
                    .properties()
                    .get("STATUS")
                    .map(|status| status.value().to_owned())
                    .unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

/// An assembly whose site shows Santé and Eau, not Logement, with a
/// meeting announced in each (through Synapse); the site's base URL.
struct Site {
    camille: Person,
    bot: Bot,
    base: String,
    sante: matrix_sdk::Room,
    eau: matrix_sdk::Room,
}

async fn site_with_meetings() -> Site {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let mut bot = Bot::new_on(server).await;
    let hub = camille.create_room(false, &bot.user_id).await;
    let sante = camille.create_room(false, &bot.user_id).await;
    let eau = camille.create_room(false, &bot.user_id).await;
    let logement = camille.create_room(false, &bot.user_id).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    bot.configure_assembly(&format!(
        "[assembly]\nhub_room = \"{}\"\nadmins = [\"{}\"]\n\n\
         [web]\nlisten = \"127.0.0.1:{port}\"\npublic_url = \"{base}\"\npublic_assembly = true\n\n\
         [[theme]]\nslug = \"sante\"\nname = \"Santé\"\nroom = \"{}\"\npublic = true\n\n\
         [[theme]]\nslug = \"eau\"\nname = \"Eau\"\nroom = \"{}\"\npublic = true\n\n\
         [[theme]]\nslug = \"logement\"\nname = \"Logement\"\nroom = \"{}\"\n",
        hub.room_id(),
        camille.user_id,
        sante.room_id(),
        eau.room_id(),
        logement.room_id(),
    ));
    bot.start(None);
    for room in [&hub, &sante, &eau, &logement] {
        camille.wait_for_join(room, &bot.user_id).await;
    }
    for (room, line) in [
        (
            &sante,
            "!reunion dans 10 jours 18h | Maison de santé | Budget",
        ),
        (&eau, "!reunion dans 11 jours 18h30 | Salle 2 de la mairie"),
        (
            &logement,
            "!reunion dans 12 jours 10h | Chez Lou, 3 rue Secrète",
        ),
    ] {
        camille.send(room, line).await;
        wait_for_message(room, &bot, |body| body.starts_with("Réunion #")).await;
    }
    Site {
        camille,
        bot,
        base,
        sante,
        eau,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn public_groups_meetings_are_on_the_site_and_in_the_feeds_and_nobody_is() {
    let Site {
        camille,
        bot,
        base,
        sante,
        eau,
    } = site_with_meetings().await;
    let home = fetch_until(&format!("{base}/"), |text| {
        text.contains("Maison de santé") && text.contains("Salle 2 de la mairie")
    })
    .await;
    assert!(home.contains("Rejoindre le groupe Santé"), "{home}");
    assert!(home.contains("webcal://127.0.0.1"), "{home}");
    let group = fetch_until(&format!("{base}/sante"), |text| text.contains("Budget")).await;
    for page in [&home, &group] {
        assert!(
            !page.contains("Secrète") && !page.contains("Logement"),
            "{page}"
        );
        for person in [camille.user_id.as_str(), bot.user_id.as_str()] {
            assert!(!page.contains(person), "{person} in {page}");
        }
    }
    assert_eq!(
        reqwest::get(format!("{base}/logement"))
            .await
            .unwrap()
            .status(),
        404
    );

    let feed = fetch_until(&format!("{base}/agenda.ics"), |text| {
        text.contains("END:VCALENDAR")
    })
    .await;
    let before = events(&feed);
    assert_eq!(before.len(), 2, "{feed}");
    assert!(
        !feed.contains("Secrète") && !feed.contains(camille.user_id.as_str()),
        "{feed}"
    );
    // Moved in the room: the same UID, at the new time, at once.
    camille.send(&sante, "!deplacer 1 dans 10 jours 20h").await;
    wait_for_message(&sante, &bot, |body| body.contains("déplacée")).await;
    let moved = events(
        &fetch_until(&format!("{base}/sante.ics"), |text| {
            text.contains("T200000")
        })
        .await,
    );
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].0, before[0].0, "the UID stays");
    assert!(moved[0].1.ends_with("T200000"), "{moved:?}");
    // Cancelled: still in the feed, marked so, for calendars to drop it.
    camille.send(&eau, "!annuler 2").await;
    wait_for_message(&eau, &bot, |body| body.contains("annulée")).await;
    let cancelled = events(
        &fetch_until(&format!("{base}/eau.ics"), |text| {
            text.contains("STATUS:CANCELLED")
        })
        .await,
    );
    assert_eq!(cancelled[0].2, "CANCELLED");
}

/// Headless Chromium (from Debian), driven over the DevTools protocol.
struct Browser {
    process: std::process::Child,
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    session: String,
    next_id: u64,
    /// Every event seen, for the console's errors.
    events: Vec<serde_json::Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts Chromium and opens one page at a phone's size.
    async fn phone() -> Browser {
        use std::io::BufRead;
        let profile = tempfile::tempdir().unwrap();
        let mut process = std::process::Command::new("chromium")
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("chromium (Debian's package) is installed: .ci/run installs it");
        let stderr = std::io::BufReader::new(process.stderr.take().unwrap());
        let endpoint = stderr
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                line.strip_prefix("DevTools listening on ")
                    .map(str::to_owned)
            })
            .expect("chromium says where its DevTools listen");
        let (socket, _) = tokio_tungstenite::connect_async(endpoint.as_str())
            .await
            .unwrap();
        let mut browser = Browser {
            process,
            socket,
            session: String::new(),
            next_id: 0,
            events: Vec::new(),
            _profile: profile,
        };
        let target = browser
            .call(
                "Target.createTarget",
                serde_json::json!({"url": "about:blank"}),
            )
            .await;
        let attached = browser
            .call(
                "Target.attachToTarget",
                serde_json::json!({"targetId": target["targetId"], "flatten": true}),
            )
            .await;
        browser.session = attached["sessionId"].as_str().unwrap().to_owned();
        for domain in ["Page.enable", "Runtime.enable", "Log.enable"] {
            browser.call(domain, serde_json::json!({})).await;
        }
        browser
            .call(
                "Emulation.setDeviceMetricsOverride",
                serde_json::json!({"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true}),
            )
            .await;
        browser
    }

    /// Sends a command (to the page once attached) and waits for its result.
    async fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        use futures_util::{SinkExt, StreamExt};
        self.next_id += 1;
        let id = self.next_id;
        let mut message = serde_json::json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            message["sessionId"] = self.session.clone().into();
        }
        self.socket
            .send(tokio_tungstenite::tungstenite::Message::text(
                message.to_string(),
            ))
            .await
            .unwrap();
        loop {
            let received = tokio::time::timeout(TIMEOUT, self.socket.next())
                .await
                .expect("chromium answers")
                .expect("the DevTools socket stays open")
                .unwrap();
            let Ok(text) = received.to_text() else {
                continue;
            };
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            if value["id"] == id {
                assert!(value["error"].is_null(), "{method}: {value}");
                return value["result"].clone();
            }
            self.events.push(value);
        }
    }

    /// Loads `url` and waits until it is drawn.
    async fn open(&mut self, url: &str) {
        self.events.clear();
        self.call("Page.navigate", serde_json::json!({"url": url}))
            .await;
        let deadline = Instant::now() + TIMEOUT;
        while !self
            .events
            .iter()
            .any(|event| event["method"] == "Page.loadEventFired")
        {
            assert!(Instant::now() < deadline, "{url} never loaded");
            // Any command lets the events that came meanwhile in.
            self.call("Runtime.evaluate", serde_json::json!({"expression": "1"}))
                .await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn evaluate(&mut self, expression: &str) -> serde_json::Value {
        let result = self
            .call(
                "Runtime.evaluate",
                serde_json::json!({"expression": expression, "returnByValue": true}),
            )
            .await;
        result["result"]["value"].clone()
    }

    /// The page's errors: console, exceptions, failed loads.
    fn errors(&self) -> Vec<&serde_json::Value> {
        self.events
            .iter()
            .filter(|event| {
                (event["method"] == "Runtime.consoleAPICalled"
                    && event["params"]["type"] == "error")
                    || event["method"] == "Runtime.exceptionThrown"
                    || (event["method"] == "Log.entryAdded"
                        && event["params"]["entry"]["level"] == "error")
            })
            .collect()
    }

    /// A screenshot of the whole page, written to `path`.
    async fn screenshot(&mut self, path: &std::path::Path) {
        use base64::Engine as _;
        let shot = self
            .call(
                "Page.captureScreenshot",
                serde_json::json!({"format": "png", "captureBeyondViewport": true}),
            )
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// Where each element matching `selector` is, and whether a person sees
/// it: drawn with a size, not hidden, inside the page's width.
const VISIBLE: &str = r#"(selector) => [...document.querySelectorAll(selector)].map(element => {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden"
        && style.display !== "none" && box.right <= document.documentElement.clientWidth + 1;
})"#;

/// The home page and a group page at a phone's width, in a real browser:
/// the « Rejoindre » link and the calendar links are there and visible, the
/// page does not scroll sideways, and nothing goes wrong in the console.
/// The screenshots are written under `target/web-screenshots/`.
#[tokio::test(flavor = "multi_thread")]
async fn on_a_phone_the_join_and_calendar_links_are_there_and_visible() {
    let site = site_with_meetings().await;
    fetch_until(&format!("{}/", site.base), |text| {
        text.contains("Salle 2 de la mairie")
    })
    .await;
    let mut browser = Browser::phone().await;
    let shots = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/web-screenshots");
    for (path, name) in [("/", "home"), ("/sante", "group")] {
        browser.open(&format!("{}{path}", site.base)).await;
        for selector in ["a.join", r#"a[href^="webcal://"]"#] {
            let seen = browser
                .evaluate(&format!("({VISIBLE})({selector:?})"))
                .await;
            let seen: Vec<bool> = serde_json::from_value(seen).unwrap();
            assert!(!seen.is_empty(), "{path}: no {selector}");
            assert!(
                seen.iter().all(|visible| *visible),
                "{path}: {selector} hidden"
            );
        }
        let sideways = browser
            .evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
            .await;
        assert_eq!(sideways, false, "{path} scrolls sideways on a phone");
        let language = browser.evaluate("document.documentElement.lang").await;
        assert_eq!(language, "fr");
        browser.screenshot(&shots.join(format!("{name}.png"))).await;
        let errors = browser.errors();
        assert!(errors.is_empty(), "{path}: {errors:?}");
    }
    assert!(shots.join("home.png").metadata().unwrap().len() > 10_000);
}
