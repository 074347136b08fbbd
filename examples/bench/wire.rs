//! A recording proxy between one bot and Synapse (scenario 9): it forwards
//! HTTP/1.1 requests and responses unchanged and notes, for each, when the
//! request arrived, when the answer came back, its status and, for a 429,
//! the wait the server asked for. What the bot did is then checked at the
//! wire, not taken from its own log.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use super::wall_ms;

#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    pub path: String,
    /// When the request's head reached the proxy (wall ms).
    pub requested: f64,
    /// When the response's head reached the proxy (wall ms).
    pub answered: f64,
    pub status: u16,
    /// For a 429: the wait asked for (ms), from `retry_after_ms` or the
    /// `Retry-After` header.
    pub retry_after_ms: Option<f64>,
}

pub type Wire = Arc<Mutex<Vec<Exchange>>>;

/// Listens on a free loopback port and forwards to `upstream` (host:port);
/// returns the proxy's URL.
pub async fn start(upstream: String, wire: Wire) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else {
                continue;
            };
            let (upstream, wire) = (upstream.clone(), wire.clone());
            tokio::spawn(async move {
                if let Ok(server) = TcpStream::connect(&upstream).await {
                    let _ = relay(client, server, wire).await;
                }
            });
        }
    });
    url
}

/// A message's head lines (first line included, CRLFs kept) and its body.
struct Message {
    head: Vec<u8>,
    first_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Reads one message; `None` at a clean end of the connection.
/// Responses to HEAD and 1xx/204/304 responses have no body.
async fn read_message<R: AsyncBufReadExt + Unpin>(
    reader: &mut R,
    is_response_to_head: bool,
) -> std::io::Result<Option<Message>> {
    let mut head = Vec::new();
    let mut first_line = String::new();
    let mut headers = Vec::new();
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        head.extend_from_slice(&line);
        let text = String::from_utf8_lossy(&line).trim_end().to_owned();
        if text.is_empty() {
            if first_line.is_empty() {
                continue; // stray CRLF between messages
            }
            break;
        }
        if first_line.is_empty() {
            first_line = text;
        } else if let Some((key, value)) = text.split_once(':') {
            headers.push((key.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let mut message = Message {
        head,
        first_line,
        headers,
        body: Vec::new(),
    };
    let status = message
        .first_line
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| message.first_line.strip_prefix("HTTP/1.0 "))
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse::<u16>().ok());
    let bodyless = is_response_to_head || matches!(status, Some(100..=199 | 204 | 304));
    if bodyless {
        return Ok(Some(message));
    }
    if message
        .header("transfer-encoding")
        .is_some_and(|value| value.eq_ignore_ascii_case("chunked"))
    {
        // Kept as it came (chunk sizes included): forwarded byte for byte.
        loop {
            let mut size_line = Vec::new();
            reader.read_until(b'\n', &mut size_line).await?;
            message.body.extend_from_slice(&size_line);
            let size_text = String::from_utf8_lossy(&size_line);
            let size = usize::from_str_radix(size_text.trim().split(';').next().unwrap_or("0"), 16)
                .unwrap_or(0);
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).await?;
            message.body.extend_from_slice(&chunk);
            if size == 0 {
                break;
            }
        }
    } else if let Some(length) = message
        .header("content-length")
        .and_then(|value| value.parse::<usize>().ok())
    {
        message.body = vec![0; length];
        reader.read_exact(&mut message.body).await?;
    } else if status.is_some() {
        // A response without a length ends with the connection.
        reader.read_to_end(&mut message.body).await?;
    }
    Ok(Some(message))
}

async fn relay(client: TcpStream, server: TcpStream, wire: Wire) -> std::io::Result<()> {
    let (client_read, mut client_write) = client.into_split();
    let (server_read, mut server_write) = server.into_split();
    let mut client_read = BufReader::new(client_read);
    let mut server_read = BufReader::new(server_read);
    loop {
        let Some(request) = read_message(&mut client_read, false).await? else {
            return Ok(());
        };
        let requested = wall_ms();
        let mut parts = request.first_line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let path = parts.next().unwrap_or_default().to_owned();
        server_write.write_all(&request.head).await?;
        server_write.write_all(&request.body).await?;
        let Some(response) = read_message(&mut server_read, method == "HEAD").await? else {
            return Ok(());
        };
        let answered = wall_ms();
        let status = response
            .first_line
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        let retry_after_ms = (status == 429)
            .then(|| {
                serde_json::from_slice::<serde_json::Value>(&response.body)
                    .ok()
                    .and_then(|body| body["retry_after_ms"].as_f64())
                    .or_else(|| {
                        response
                            .header("retry-after")
                            .and_then(|value| value.parse::<f64>().ok())
                            .map(|seconds| seconds * 1000.0)
                    })
            })
            .flatten();
        wire.lock().unwrap().push(Exchange {
            method,
            path,
            requested,
            answered,
            status,
            retry_after_ms,
        });
        client_write.write_all(&response.head).await?;
        client_write.write_all(&response.body).await?;
    }
}

/// The 429s the bot got, and how it answered them: for each, the next
/// request to the same place (a message's send URL holds its transaction
/// id, so that is the same message again) must leave no sooner than the
/// wait asked for. Returns (429s, retries sooner than asked, the smallest
/// margin in ms between the wait asked and the retry).
pub fn retries(exchanges: &[Exchange]) -> (usize, usize, f64) {
    let (mut limited, mut early, mut margin) = (0, 0, f64::INFINITY);
    for (index, exchange) in exchanges.iter().enumerate() {
        if exchange.status != 429 {
            continue;
        }
        limited += 1;
        let asked = exchange.retry_after_ms.unwrap_or(0.0);
        let next = exchanges[index + 1..]
            .iter()
            .filter(|later| {
                later.method == exchange.method
                    && later.path == exchange.path
                    && later.requested > exchange.requested
            })
            .map(|later| later.requested)
            .fold(f64::INFINITY, f64::min);
        if next.is_finite() {
            let waited = next - exchange.answered;
            margin = margin.min(waited - asked);
            if waited < asked {
                early += 1;
            }
        }
    }
    (limited, early, margin)
}
