//! Live reload: a Server-Sent Events stream per browser tab, and the script that listens to it.
//!
//! Every rebuild (good or failed) gets a new generation number, sent to every connected client.
//! A page knows the generation it was served at; it reloads when it hears a different one, so a
//! rebuild that lands between serving a page and opening its stream is never missed.

use std::io::Write;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::Duration;

/// The path of the event stream.
pub const EVENTS_PATH: &str = "/__plansite/events";

/// How often an idle stream gets a comment, so that closed tabs are noticed and dropped.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// The connected clients.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<u64>>>,
}

impl Hub {
    /// A new client: it receives every generation broadcast from now on.
    pub fn subscribe(&self) -> Receiver<u64> {
        let (tx, rx) = channel();
        lock(&self.clients).push(tx);
        rx
    }

    /// Tell every client about a new generation; forget those that are gone.
    pub fn broadcast(&self, generation: u64) {
        lock(&self.clients).retain(|tx| tx.send(generation).is_ok());
    }

    pub fn client_count(&self) -> usize {
        lock(&self.clients).len()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The status line and headers of the event stream (the body follows on the same connection).
pub fn response_head() -> tiny_http::Response<std::io::Empty> {
    super::http::with_headers(
        tiny_http::Response::empty(200),
        &[
            ("Content-Type", "text/event-stream; charset=utf-8"),
            ("X-Accel-Buffering", "no"),
        ],
    )
}

/// Write the stream to one client until it goes away: the current generation first, then one
/// message per rebuild. Each message is flushed at once.
pub fn stream(mut out: impl Write, rx: Receiver<u64>, current: u64) {
    if send(&mut out, &format!("retry: 500\ndata: {current}\n\n")).is_err() {
        return;
    }
    loop {
        let text = match rx.recv_timeout(KEEPALIVE) {
            Ok(generation) => format!("data: {generation}\n\n"),
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if send(&mut out, &text).is_err() {
            return;
        }
    }
}

fn send(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// The script injected into served HTML pages (never into `plansite build` output).
pub fn script(generation: u64) -> String {
    format!(
        "<script data-plansite-live-reload>(function(){{var g=\"{generation}\";\
var s=new EventSource(\"{EVENTS_PATH}\");\
s.onmessage=function(e){{if(e.data!==g){{s.close();location.reload();}}}};\
}})();</script>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_sends_current_then_each_rebuild() {
        let hub = Hub::default();
        let rx = hub.subscribe();
        hub.broadcast(4);
        hub.broadcast(5);
        drop(hub);
        let mut out = Vec::new();
        stream(&mut out, rx, 3);
        let text = String::from_utf8(out).unwrap_or_default();
        assert_eq!(text, "retry: 500\ndata: 3\n\ndata: 4\n\ndata: 5\n\n");
    }

    #[test]
    fn broadcast_forgets_gone_clients() {
        let hub = Hub::default();
        let rx = hub.subscribe();
        let _kept = hub.subscribe();
        drop(rx);
        hub.broadcast(1);
        assert_eq!(hub.client_count(), 1);
    }
}
