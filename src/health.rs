//! The optional HTTP listener: `/healthz` and `/metrics`, for the host's
//! monitoring. Off unless `[health] listen` is set; meant for loopback.
//!
//! A deliberately small HTTP/1.1 responder (GET and HEAD, one request per
//! connection): two read-only pages do not need a web framework, and
//! nothing here parses more than a request line.
//!
//! `/healthz` answers 200 when the last sync succeeded recently and the
//! store accepts a durable write, 503 otherwise, with the details as JSON.
//! Neither page holds a user id, a room id or any text people wrote.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;
use tokio::net::TcpListener;

use crate::metrics::Metrics;
use crate::store::domain::open_outbox_entry;
use crate::store::seal::Seal;
use crate::store::{Store, Tree};

/// A sync older than this means the bot is not hearing the homeserver
/// (long polls last 30 s).
pub const SYNC_STALE_AFTER: Duration = Duration::from_secs(90);

#[derive(Clone)]
pub struct Health {
    pub store: Arc<dyn Store>,
    pub metrics: Arc<Metrics>,
    /// Opens the outbox's entries (sealed), for the age of the oldest.
    pub seal: Seal,
}

/// Outbox depth and the age of its oldest entry, in seconds.
fn outbox_reading(store: &dyn Store, seal: &Seal, now: DateTime<Utc>) -> (usize, f64) {
    let Ok(entries) = store.scan_prefix(Tree::Outbox, b"") else {
        return (0, 0.0);
    };
    let oldest = entries
        .iter()
        .filter_map(|(_, value)| open_outbox_entry(seal, value).ok())
        .map(|entry| entry.created_at)
        .min();
    let age = oldest.map_or(0.0, |at| {
        (now - at).num_milliseconds().max(0) as f64 / 1000.0
    });
    (entries.len(), age)
}

impl Health {
    /// The `/healthz` status and body.
    pub fn check(&self, now: DateTime<Utc>) -> (bool, serde_json::Value) {
        let last_sync = self.metrics.last_sync_millis();
        let since_sync =
            last_sync.map(|millis| (now.timestamp_millis() - millis).max(0) as f64 / 1000.0);
        let sync_alive = since_sync.is_some_and(|seconds| seconds < SYNC_STALE_AFTER.as_secs_f64());
        let store_writable = self.store.probe_write().is_ok();
        let (depth, oldest) = outbox_reading(self.store.as_ref(), &self.seal, now);
        let healthy = sync_alive && store_writable;
        let body = json!({
            "status": if healthy { "ok" } else { "unhealthy" },
            "sync": { "alive": sync_alive, "seconds_since_last": since_sync },
            "store": { "writable": store_writable },
            "outbox": { "depth": depth, "oldest_age_seconds": oldest },
        });
        (healthy, body)
    }

    /// The `/metrics` text, with the store readings taken now.
    pub fn metrics_text(&self, now: DateTime<Utc>) -> String {
        let (depth, oldest) = outbox_reading(self.store.as_ref(), &self.seal, now);
        self.metrics
            .outbox_depth
            .set(i64::try_from(depth).unwrap_or(i64::MAX));
        self.metrics.outbox_oldest_age_seconds.set(oldest);
        self.metrics.encode()
    }

    /// The response to one request for `path`.
    fn respond(&self, path: &str) -> (u16, &'static str, String) {
        let now = Utc::now();
        match path {
            "/healthz" => {
                let (healthy, body) = self.check(now);
                (
                    if healthy { 200 } else { 503 },
                    "application/json",
                    format!("{body}\n"),
                )
            }
            "/metrics" => (
                200,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
                self.metrics_text(now),
            ),
            _ => (
                404,
                "text/plain",
                "not found: try /healthz or /metrics\n".to_owned(),
            ),
        }
    }
}

/// The listener's routes (on the same web stack as the public site, on its
/// own loopback listener): `GET` (and `HEAD`) only, never cached.
pub fn router(health: Health) -> axum::Router {
    use axum::http::{HeaderValue, StatusCode, Uri, header};
    use axum::response::IntoResponse;
    let answer = |health: Health| {
        move |uri: Uri| async move {
            let (status, content_type, body) = health.respond(uri.path());
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (
                status,
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
                body,
            )
                .into_response()
        }
    };
    axum::Router::new().fallback(axum::routing::get(answer(health)))
}

/// Serves until the process ends.
pub async fn serve(listener: TcpListener, health: Health) {
    if let Err(error) = axum::serve(listener, router(health)).await {
        tracing::error!(%error, "the health listener stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::domain::put_outbox_entry;
    use crate::store::records::{OutboxEntry, OutboxItem};
    use crate::store::{Batch, MemoryStore};

    fn health() -> Health {
        Health {
            store: Arc::new(MemoryStore::new()),
            metrics: Arc::new(Metrics::new()),
            seal: Seal::for_tests(),
        }
    }

    #[test]
    fn unhealthy_until_a_sync_succeeds_and_again_when_it_is_stale() {
        let health = health();
        let now = Utc::now();
        let (healthy, body) = health.check(now);
        assert!(!healthy);
        assert_eq!(body["sync"]["alive"], false);
        assert_eq!(body["store"]["writable"], true);
        health.metrics.sync_succeeded(now.timestamp_millis());
        assert!(health.check(now + chrono::Duration::seconds(5)).0);
        let (healthy, body) = health.check(now + chrono::Duration::seconds(200));
        assert!(!healthy);
        assert_eq!(body["status"], "unhealthy");
    }

    #[test]
    fn the_outbox_depth_and_oldest_age_are_read_from_the_store() {
        let health = health();
        let now = Utc::now();
        let mut batch = Batch::default();
        for (sequence, age) in [(1, 40), (2, 5)] {
            let entry = OutboxEntry {
                room_id: "!r:s".into(),
                item: OutboxItem::Invite {
                    user_id: "@a:s".into(),
                },
                created_at: now - chrono::Duration::seconds(age),
            };
            put_outbox_entry(&mut batch, &entry, sequence, &health.seal);
        }
        health.store.apply(batch).unwrap();
        let (_, body) = health.check(now);
        assert_eq!(body["outbox"]["depth"], 2);
        assert_eq!(body["outbox"]["oldest_age_seconds"], 40.0);
        let text = health.metrics_text(now);
        assert!(text.contains("boucle_outbox_depth 2"), "{text}");
        assert!(
            text.contains("boucle_outbox_oldest_age_seconds 40.0"),
            "{text}"
        );
    }

    /// Over HTTP, as monitoring asks: the two paths, a plain 404
    /// elsewhere, 405 for anything but GET and HEAD, nothing cached.
    #[tokio::test]
    async fn unknown_paths_and_methods_get_a_plain_answer() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, health()));
        let client = reqwest::Client::new();
        let url = |path: &str| format!("http://{address}{path}");
        let status = |response: &reqwest::Response| response.status().as_u16();
        let nope = client.get(url("/nope")).send().await.unwrap();
        assert_eq!(status(&nope), 404);
        assert!(nope.text().await.unwrap().contains("/healthz"));
        let posted = client.post(url("/healthz")).send().await.unwrap();
        assert_eq!(status(&posted), 405);
        let metrics = client.get(url("/metrics")).send().await.unwrap();
        assert_eq!(status(&metrics), 200);
        assert!(
            metrics.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/openmetrics-text")
        );
        let healthz = client.get(url("/healthz")).send().await.unwrap();
        assert_eq!(status(&healthz), 503);
        assert_eq!(healthz.headers()["cache-control"], "no-store");
        let head = client.head(url("/healthz")).send().await.unwrap();
        assert_eq!(status(&head), 503);
    }
}
