//! HTTP: answer requests from the current in-memory site.
//!
//! Only keys of the site map are ever looked up, after the URL path is percent-decoded segment by
//! segment and checked; nothing on disk is reachable. Any path with `.`/`..` segments, encoded
//! slashes, backslashes or NUL is a 400.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread;

use tiny_http::{Header, Method, Request, Response, Server};

use super::{overlay, reload, State};

/// Threads answering requests; event streams get a thread of their own.
const WORKERS: usize = 8;

/// Listen on `addr` (port 0 picks a free port). The error is the operating system's, so the
/// caller can tell "address in use" apart.
pub fn bind(addr: SocketAddr) -> io::Result<(Server, SocketAddr)> {
    let listener = TcpListener::bind(addr)?;
    let local = listener.local_addr()?;
    let server = Server::from_listener(listener, None).map_err(io::Error::other)?;
    Ok((server, local))
}

/// Start the workers; they run as long as the process.
pub fn spawn_workers(server: Server, state: Arc<State>) {
    let server = Arc::new(server);
    for i in 0..WORKERS {
        let (server, state) = (Arc::clone(&server), Arc::clone(&state));
        let spawned = thread::Builder::new()
            .name(format!("http-{i}"))
            .spawn(move || {
                for request in server.incoming_requests() {
                    handle(request, &state);
                }
            });
        if let Err(e) = spawned {
            eprintln!("warning: cannot start an HTTP worker: {e}");
        }
    }
}

fn handle(request: Request, state: &State) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let r = with_headers(
            plain(405, "method not allowed\n"),
            &[("Allow", "GET, HEAD")],
        );
        let _ = request.respond(r);
        return;
    }
    let raw = request.url().to_string();
    let path = raw.split(['?', '#']).next().unwrap_or_default();
    if path == reload::EVENTS_PATH && *request.method() == Method::Get {
        return events(request, state);
    }
    let answer = answer(path, state);
    let _ = request.respond(answer);
}

/// Hand the connection to a thread that streams reload events to it.
fn events(request: Request, state: &State) {
    let rx = state.hub.subscribe();
    let generation = state.snapshot().generation;
    let stream = request.upgrade("plansite-events", reload::response_head());
    let spawned = thread::Builder::new()
        .name("sse".into())
        .spawn(move || reload::stream(stream, rx, generation));
    if let Err(e) = spawned {
        eprintln!("warning: cannot start a live-reload stream: {e}");
    }
}

type Answer = Response<io::Cursor<Vec<u8>>>;

/// The response for a GET or HEAD of `path` (the URL without query or fragment).
pub fn answer(path: &str, state: &State) -> Answer {
    let snap = state.snapshot();
    let Some(segments) = decode_path(path) else {
        return plain(400, "bad request: this path is not allowed\n");
    };
    if !snap.has_site {
        return page(500, overlay::error_page(snap.generation, &snap.problems));
    }
    let key = site_key(&segments);
    if let Some(made) = snap.site.get(&key) {
        return made_content(200, &key, made, &snap);
    }
    let dir_index = format!("{key}/index.html");
    if !path.ends_with('/') && snap.site.has(&dir_index) {
        let to = format!("{path}/");
        return with_headers(plain(308, "moved\n"), &[("Location", &to)]);
    }
    match snap.site.get("404.html") {
        Some(made) => made_content(404, "404.html", made, &snap),
        None => plain(404, "not found\n"),
    }
}

/// A file of the site, or the error page when its template failed.
fn made_content(
    status: u16,
    key: &str,
    made: Result<std::sync::Arc<Vec<u8>>, super::build::Problem>,
    snap: &super::Snapshot,
) -> Answer {
    match made {
        Ok(bytes) => content(status, key, &bytes, snap),
        Err(problem) => page(500, overlay::error_page(snap.generation, &[problem])),
    }
}

fn content(status: u16, key: &str, bytes: &[u8], snap: &super::Snapshot) -> Answer {
    let ctype = content_type(key);
    let body = if ctype.starts_with("text/html") {
        overlay::inject(bytes, snap.generation, &snap.problems)
    } else {
        bytes.to_vec()
    };
    let r = Response::from_data(body).with_status_code(status);
    no_store(with_headers(r, &[("Content-Type", ctype)]))
}

fn page(status: u16, body: Vec<u8>) -> Answer {
    let r = Response::from_data(body).with_status_code(status);
    no_store(with_headers(
        r,
        &[("Content-Type", "text/html; charset=utf-8")],
    ))
}

fn plain(status: u16, text: &str) -> Answer {
    let r = Response::from_data(text.as_bytes().to_vec()).with_status_code(status);
    no_store(with_headers(
        r,
        &[("Content-Type", "text/plain; charset=utf-8")],
    ))
}

/// Every answer: never cached (a stale page is worse than a slow one), never sniffed.
fn no_store<R: io::Read>(r: Response<R>) -> Response<R> {
    with_headers(
        r,
        &[
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
}

/// Add headers; a header that cannot be built (never, for the constants used here) is skipped.
pub fn with_headers<R: io::Read>(mut r: Response<R>, headers: &[(&str, &str)]) -> Response<R> {
    for (k, v) in headers {
        if let Ok(h) = Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            r.add_header(h);
        }
    }
    r
}

/// The site key for decoded segments: `""` and trailing `/` mean the folder's `index.html`.
fn site_key(segments: &[String]) -> String {
    let joined = segments.join("/");
    match segments.last().map(String::as_str) {
        None | Some("") => format!("{joined}index.html"),
        Some(_) => joined,
    }
}

/// Split a URL path into decoded segments, or `None` when it is not a plain path inside the site.
/// Empty segments (`//`) are dropped except a trailing one, which marks a folder.
pub fn decode_path(path: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix('/')?;
    if rest.contains('\\') {
        return None;
    }
    let parts: Vec<&str> = rest.split('/').collect();
    let last = parts.len() - 1;
    let mut out = Vec::new();
    for (i, raw) in parts.into_iter().enumerate() {
        let seg = percent_decode(raw)?;
        if seg.contains(['/', '\\', '\0']) || seg == "." || seg == ".." {
            return None;
        }
        if !seg.is_empty() || i == last {
            out.push(seg);
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The content type of a site path, by extension.
pub fn content_type(key: &str) -> &'static str {
    let ext = key
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plain_paths() {
        assert_eq!(decode_path("/"), Some(vec![String::new()]));
        assert_eq!(
            site_key(&decode_path("/").unwrap_or_default()),
            "index.html"
        );
        let segs = decode_path("/departments/sales%20team.html").unwrap_or_default();
        assert_eq!(site_key(&segs), "departments/sales team.html");
        let segs = decode_path("/goals/").unwrap_or_default();
        assert_eq!(site_key(&segs), "goals/index.html");
        let segs = decode_path("//etc/passwd").unwrap_or_default();
        assert_eq!(site_key(&segs), "etc/passwd");
    }

    #[test]
    fn rejects_traversal_and_tricks() {
        for bad in [
            "/../Cargo.toml",
            "/%2e%2e/",
            "/%2E%2E/Cargo.toml",
            "/..%2f",
            "/a/%2fetc",
            "/assets/..%5c..",
            "/a\\b",
            "/a%00b",
            "/a/./b",
            "/%zz",
            "/%e2%28",
            "relative",
            "http://x/",
            "",
            "/%",
        ] {
            assert_eq!(decode_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/b.HTML"), "text/html; charset=utf-8");
        assert_eq!(content_type("f.woff2"), "font/woff2");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
