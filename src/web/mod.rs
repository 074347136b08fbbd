//! The public site (`[web]`): the assembly's agenda for people not on
//! Matrix. `/` (the next general assembly, then each public group with its
//! next meetings), `/<groupe>` (all its meetings ahead), `/<groupe>.ics` and
//! `/agenda.ics` (calendar feeds to subscribe to).
//!
//! The site reads the core's state and never writes it. What is public is
//! decided in [`view`]; the pages are rendered in [`pages`]; both are pure.
//! Every answer carries an `ETag` (a digest of its bytes), so that a
//! calendar app polling every few hours gets `304 Not Modified` and costs
//! nothing while nothing changed.

pub mod pages;
pub mod view;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State as Shared};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::core::State;
pub use view::Publicity;

/// Where the site reads the core's state (the engine, through whatever
/// holds it): it never writes it.
pub trait Reads: Send + Sync + 'static {
    fn read_state(&self, reader: &mut dyn FnMut(&State));
}

impl Reads for crate::engine::Engine {
    fn read_state(&self, reader: &mut dyn FnMut(&State)) {
        self.read(|state| reader(state));
    }
}

impl<T: Reads> Reads for Arc<T> {
    fn read_state(&self, reader: &mut dyn FnMut(&State)) {
        self.as_ref().read_state(reader);
    }
}

/// What the handlers share.
struct Site {
    engine: Box<dyn Reads>,
    publicity: Publicity,
    /// When each answer (by its tag) was first served: its `Last-Modified`.
    first_served: std::sync::Mutex<std::collections::HashMap<String, DateTime<Utc>>>,
}

impl Site {
    fn read<R>(&self, reader: impl FnOnce(&State) -> R) -> R {
        let mut reader = Some(reader);
        let mut result = None;
        self.engine.read_state(&mut |state| {
            if let Some(reader) = reader.take() {
                result = Some(reader(state));
            }
        });
        result.expect("the state was read")
    }
}

/// The site's routes, reading the state through `engine`.
pub fn router(engine: impl Reads, publicity: Publicity) -> Router {
    let site = Arc::new(Site {
        engine: Box::new(engine),
        publicity,
        first_served: std::sync::Mutex::default(),
    });
    Router::new()
        .route("/", get(home))
        .route("/{page}", get(page))
        .route("/{group}/{meeting}", get(meeting))
        .with_state(site)
}

/// Serves the site on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, engine: impl Reads, publicity: Publicity) {
    if let Err(error) = axum::serve(listener, router(engine, publicity)).await {
        tracing::error!(%error, "the public site stopped");
    }
}

const HTML: &str = "text/html; charset=utf-8";
const CALENDAR: &str = "text/calendar; charset=utf-8";

/// The most tags remembered for `Last-Modified`; beyond, they start again.
const TAGS_KEPT: usize = 4096;

/// `body` with its type, `ETag` and `Last-Modified`, or `304` when the
/// client has it already (by its tag, or else by its date).
fn cached(
    site: &Site,
    request: &HeaderMap,
    status: StatusCode,
    content_type: &str,
    body: String,
) -> Response {
    let digest = Sha256::digest(body.as_bytes());
    let tag = format!("\"{}\"", hex::encode(&digest[..12]));
    let modified = {
        let mut first_served = site.first_served.lock().expect("tags lock");
        if first_served.len() > TAGS_KEPT {
            first_served.clear();
        }
        // To the second: HTTP dates have no more.
        let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap_or_default();
        *first_served.entry(tag.clone()).or_insert(now)
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).expect("a valid type"),
    );
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&tag).expect("hex is a valid header"),
    );
    let http_date = modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    headers.insert(
        header::LAST_MODIFIED,
        HeaderValue::from_str(&http_date).expect("a date is a valid header"),
    );
    // Fresh for five minutes; then asked again, with the tag.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    let header_text = |name| {
        request
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
    };
    let known = match header_text(header::IF_NONE_MATCH) {
        Some(tags) => tags
            .split(',')
            .any(|one| one.trim() == tag || one.trim() == "*"),
        None => header_text(header::IF_MODIFIED_SINCE)
            .and_then(|since| DateTime::parse_from_rfc2822(since).ok())
            .is_some_and(|since| modified <= since),
    };
    if known && status == StatusCode::OK {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (status, headers, body).into_response()
}

async fn home(Shared(site): Shared<Arc<Site>>, request: HeaderMap) -> Response {
    let now = Utc::now();
    let body = site.read(|state| {
        let view = view::home(state, &site.publicity, now);
        pages::home(&state.translator, &view, &site.publicity.base_url)
    });
    cached(&site, &request, StatusCode::OK, HTML, body)
}

/// `/<groupe>/<n>` (a meeting's page) and `/<groupe>/<n>.ics` (its file).
async fn meeting(
    Shared(site): Shared<Arc<Site>>,
    Path((group, meeting)): Path<(String, String)>,
    request: HeaderMap,
) -> Response {
    let (number, ics) = match meeting.strip_suffix(".ics") {
        Some(number) => (number, true),
        None => (meeting.as_str(), false),
    };
    let found = number.parse::<u64>().ok().and_then(|number| {
        site.read(|state| {
            if ics {
                return view::meeting_feed(state, &site.publicity, &group, number)
                    .map(|feed| (CALENDAR, feed));
            }
            view::meeting(state, &site.publicity, &group, number).map(|(name, shown, cancelled)| {
                let group_page = format!("{}/{group}", site.publicity.base_url);
                (
                    HTML,
                    pages::meeting_page(&state.translator, &name, &shown, cancelled, &group_page),
                )
            })
        })
    });
    answer(&site, &request, found)
}

/// A page or feed found, or the "not found" page.
fn answer(site: &Site, request: &HeaderMap, found: Option<(&str, String)>) -> Response {
    match found {
        Some((content_type, body)) => cached(site, request, StatusCode::OK, content_type, body),
        None => {
            let body = site.read(|state| pages::not_found(&state.translator));
            cached(site, request, StatusCode::NOT_FOUND, HTML, body)
        }
    }
}

async fn page(
    Shared(site): Shared<Arc<Site>>,
    Path(page): Path<String>,
    request: HeaderMap,
) -> Response {
    let now = Utc::now();
    let found = site.read(|state| {
        if let Some(slug) = page.strip_suffix(".ics") {
            let slug = (slug != "agenda").then_some(slug);
            return view::feed(state, &site.publicity, slug, now).map(|feed| (CALENDAR, feed));
        }
        view::group(state, &site.publicity, &page, now).map(|group| {
            (
                HTML,
                pages::group(&state.translator, &group, &site.publicity.base_url),
            )
        })
    });
    answer(&site, &request, found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Input, Settings, ThemeSettings};
    use crate::engine::Engine;
    use crate::engine::tests::{message_in, settings};
    use crate::store::MemoryStore;

    /// Santé is public, Logement is not; both have meetings, with places.
    fn assembly() -> Arc<Engine> {
        let settings = Settings {
            themes: vec![
                ThemeSettings {
                    slug: "sante".into(),
                    name: "Santé".into(),
                    room_id: Some("!sante:s".into()),
                },
                ThemeSettings {
                    slug: "logement".into(),
                    name: "Logement".into(),
                    room_id: Some("!logement:s".into()),
                },
            ],
            ..settings()
        };
        let engine = Engine::new(
            Arc::new(MemoryStore::new()),
            crate::store::seal::Seal::for_tests(),
            settings,
            None,
        )
        .unwrap();
        let now = Utc::now();
        for (room, event, body) in [
            ("!hub:s", "$1", "!inscription sante"),
            (
                "!sante:s",
                "$2",
                "!reunion dans 3 jours 18h | Maison des associations <b>2</b> | Préparer la réunion publique --chaque semaine",
            ),
            (
                "!sante:s",
                "$private",
                "!reunion dans 5 jours 18h | Lieu caché | Entre nous --prive",
            ),
            (
                "!logement:s",
                "$3",
                "!reunion dans 4 jours 18h | Chez Lou, 3 rue Secrète | Squat",
            ),
        ] {
            engine.process(&message_in(room, event, body), now).unwrap();
        }
        for tag in ["meeting:1", "meeting:2", "meeting:3"] {
            engine
                .process(
                    &Input::Sent {
                        tag: tag.into(),
                        event_id: format!("$sent-{tag}"),
                    },
                    now,
                )
                .unwrap();
        }
        Arc::new(engine)
    }

    fn publicity() -> Publicity {
        Publicity::new(vec!["sante".into()], false, "https://agenda.example.org/")
    }

    /// A group configured by its alias is joined by its alias: a link a
    /// person can read, and that survives the room being replaced.
    #[test]
    fn the_join_link_names_the_rooms_alias_when_there_is_one() {
        let engine = assembly();
        let by_alias = publicity().with_aliases([("sante".to_owned(), "#sante:s".to_owned())]);
        let group = engine
            .read(|state| view::group(state, &by_alias, "sante", Utc::now()))
            .unwrap();
        assert_eq!(group.join.as_deref(), Some("https://matrix.to/#/#sante:s"));
        let by_id = publicity().with_aliases([("sante".to_owned(), "!sante:s".to_owned())]);
        let group = engine
            .read(|state| view::group(state, &by_id, "sante", Utc::now()))
            .unwrap();
        assert_eq!(
            group.join.as_deref(),
            Some("https://matrix.to/#/!sante:s?via=s")
        );
    }

    #[test]
    fn only_public_groups_show_and_nobody_is_named() {
        let engine = assembly();
        let now = Utc::now();
        let (home, group, private, feed, private_feed) = engine.read(|state| {
            let home = pages::home(
                &state.translator,
                &view::home(state, &publicity(), now),
                "https://agenda.example.org",
            );
            let group = view::group(state, &publicity(), "sante", now)
                .map(|group| pages::group(&state.translator, &group, "https://agenda.example.org"));
            (
                home,
                group.unwrap(),
                view::group(state, &publicity(), "logement", now),
                view::feed(state, &publicity(), None, now).unwrap(),
                view::feed(state, &publicity(), Some("logement"), now),
            )
        });
        for page in [&home, &group] {
            assert!(
                page.contains("Maison des associations &lt;b&gt;2&lt;/b&gt;"),
                "escaped: {page}"
            );
            assert!(page.contains("Préparer la réunion publique"), "{page}");
            assert!(page.contains("Chaque semaine"), "{page}");
            assert!(
                page.contains("https://matrix.to/#/!sante:s?via=s"),
                "{page}"
            );
            assert!(page.contains("webcal://agenda.example.org/"), "{page}");
            assert!(page.contains(r#"<html lang="fr">"#), "{page}");
            assert!(!page.contains("Lieu caché"), "--prive: {page}");
            assert!(
                !page.contains("Secrète") && !page.contains("Logement"),
                "{page}"
            );
            assert!(!page.contains('@'), "no user id: {page}");
            assert!(!page.contains("<script"), "{page}");
            assert!(page.len() < 30_000, "{} bytes", page.len());
        }
        assert!(home.contains("1 membre inscrit"), "{home}");
        assert!(private.is_none());
        assert!(private_feed.is_none());
        assert!(feed.contains("UID:boucle-meeting-1@s"), "{feed}");
        assert!(!feed.contains("UID:boucle-meeting-2@s"), "--prive: {feed}");
        assert!(
            feed.contains("DESCRIPTION:https://agenda.example.org/sante"),
            "{feed}"
        );
        assert!(
            !feed.contains("Secrète") && !feed.contains("@camille"),
            "{feed}"
        );
    }

    /// A weekly meeting across the change to summer time keeps its local
    /// hour in the feed: a local start with its zone, whose rules the feed
    /// carries, read back by an independent parser.
    #[test]
    fn a_weekly_meeting_keeps_its_hour_across_summer_time() {
        use icalendar::{Calendar, CalendarComponent, Component};
        let engine = assembly();
        let march = chrono::TimeZone::with_ymd_and_hms(&Utc, 2027, 3, 1, 9, 0, 0).unwrap();
        engine
            .process(
                &message_in(
                    "!sante:s",
                    "$dst",
                    "!reunion le 22 mars 2027 18h | Local --chaque semaine",
                ),
                march,
            )
            .unwrap();
        let feed = engine
            .read(|state| view::feed(state, &publicity(), Some("sante"), march))
            .unwrap();
        assert!(feed.contains("BEGIN:DAYLIGHT"), "{feed}");
        let calendar: Calendar = feed.parse().unwrap();
        let starts: Vec<String> = calendar
            .components
            .iter()
            .filter_map(|component| match component {
                CalendarComponent::Event(event) => event.properties().get("DTSTART").map(|start| {
                    let zone = start
                        .params()
                        .get("TZID")
                        .map(|zone| zone.value().to_owned());
                    format!("{}@{}", start.value(), zone.unwrap_or_default())
                }),
                _ => None,
            })
            .collect();
        assert!(
            starts.contains(&"20270322T180000@Europe/Paris".to_owned()),
            "{starts:?}"
        );
        assert!(feed.contains("RRULE:FREQ=WEEKLY;INTERVAL=1"), "{feed}");
    }

    /// Over HTTP: the pages and feeds with their types, a 404 for what is
    /// not public, and 304 when the client already has the page.
    #[tokio::test]
    async fn the_site_answers_over_http_with_tags_that_save_a_download() {
        let engine = assembly();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, engine.clone(), publicity()));
        let client = reqwest::Client::new();
        let get = |path: &str| client.get(format!("http://{address}{path}")).send();
        let home = get("/").await.unwrap();
        assert_eq!(home.status(), 200);
        assert_eq!(home.headers()[header::CONTENT_TYPE], HTML);
        let tag = home.headers()[header::ETAG].to_str().unwrap().to_owned();
        let again = client
            .get(format!("http://{address}/"))
            .header(header::IF_NONE_MATCH, &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304);
        let modified = home.headers()[header::LAST_MODIFIED]
            .to_str()
            .unwrap()
            .to_owned();
        let by_date = client
            .get(format!("http://{address}/"))
            .header(header::IF_MODIFIED_SINCE, &modified)
            .send()
            .await
            .unwrap();
        assert_eq!(by_date.status(), 304);
        // A meeting's own page and file.
        let page = get("/sante/1").await.unwrap().text().await.unwrap();
        assert!(page.contains("Réunion du groupe Santé"), "{page}");
        assert!(page.contains("/sante/1.ics"), "{page}");
        let file = get("/sante/1.ics").await.unwrap();
        assert_eq!(file.headers()[header::CONTENT_TYPE], CALENDAR);
        let file = file.text().await.unwrap();
        assert_eq!(file.matches("BEGIN:VEVENT").count(), 1, "{file}");
        assert_eq!(get("/logement/2").await.unwrap().status(), 404);
        assert_eq!(get("/sante/2.ics").await.unwrap().status(), 404);
        let feed = get("/sante.ics").await.unwrap();
        assert_eq!(feed.status(), 200);
        assert_eq!(feed.headers()[header::CONTENT_TYPE], CALENDAR);
        let text = feed.text().await.unwrap();
        assert!(text.contains("BEGIN:VEVENT"), "{text}");
        // The same feed twice is the same bytes: calendar apps polling it
        // get 304 until a meeting changes.
        let twice = get("/sante.ics").await.unwrap().text().await.unwrap();
        assert_eq!(text, twice);
        for hidden in ["/logement", "/logement.ics", "/nope", "/sante/x"] {
            assert_eq!(get(hidden).await.unwrap().status(), 404, "{hidden}");
        }
        // A meeting cancelled in the room is cancelled in the feed at once.
        engine
            .process(&message_in("!sante:s", "$4", "!annuler 1"), Utc::now())
            .unwrap();
        let cancelled = get("/sante.ics").await.unwrap().text().await.unwrap();
        assert!(cancelled.contains("STATUS:CANCELLED"), "{cancelled}");
        assert!(cancelled.contains("UID:boucle-meeting-1@s"), "{cancelled}");
    }
}
