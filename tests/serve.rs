//! `plansite serve` and `plansite new`, driven through the binary on loopback.
//!
//! Every wait is bounded; every server is killed by a guard, even when a test fails.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_plansite");
const WAIT: Duration = Duration::from_secs(30);
const SCRIPT_START: &str = "<script data-plansite-live-reload>";

/// A folder under the system temp folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("plansite-serve-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A starter plan made by `plansite new`, in a temp folder.
fn starter(tag: &str) -> (TempDir, PathBuf) {
    let tmp = TempDir::new(tag);
    let plan = tmp.path().join("plan");
    let out = Command::new(BIN)
        .arg("new")
        .arg(&plan)
        .output()
        .expect("run plansite new");
    assert!(
        out.status.success(),
        "plansite new: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (tmp, plan)
}

/// A running `plansite serve`, killed on drop.
struct Server {
    child: Child,
    host: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(plan: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .arg("serve")
            .arg(plan)
            .args(["--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start plansite serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        if let Some(err) = child.stderr.take() {
            let sink = Arc::clone(&stderr);
            thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    let mut s = sink.lock().unwrap_or_else(|e| e.into_inner());
                    s.push_str(&line);
                    s.push('\n');
                }
            });
        }
        let (tx, rx) = channel();
        if let Some(out) = child.stdout.take() {
            thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        let mut server = Server {
            child,
            host: String::new(),
            stderr,
        };
        server.host = server.wait_for_url(&rx);
        server
    }

    fn wait_for_url(&self, rx: &Receiver<String>) -> String {
        let deadline = Instant::now() + WAIT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let Ok(line) = rx.recv_timeout(left) else {
                break;
            };
            if let Some(at) = line.find("http://") {
                let url = line[at + 7..].split_whitespace().next().unwrap_or_default();
                return url.trim_end_matches('/').to_string();
            }
        }
        panic!("no URL printed; stderr:\n{}", self.stderr());
    }

    /// The terminal output once it contains `needle` (or after the bounded wait).
    fn wait_stderr(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.stderr();
            if text.contains(needle) || Instant::now() > deadline {
                return text;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn get(&self, path: &str) -> Reply {
        request(&self.host, "GET", path)
    }

    /// Fetch `path` until `ok` holds for the reply (a change can take more than one rebuild).
    fn wait_page(&self, path: &str, ok: impl Fn(&Reply) -> bool) -> Reply {
        let deadline = Instant::now() + WAIT;
        loop {
            let reply = self.get(path);
            if ok(&reply) || Instant::now() > deadline {
                return reply;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn events(&self) -> Events {
        Events::connect(&self.host)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A minimal HTTP/1.1 client: one request per connection, `Connection: close`.
fn request(host: &str, method: &str, path: &str) -> Reply {
    let raw = raw_request(
        host,
        &format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    );
    parse_reply(&raw, method == "HEAD")
}

fn raw_request(host: &str, text: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    stream.write_all(text.as_bytes()).expect("send request");
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    raw
}

fn parse_reply(raw: &[u8], head: bool) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head_text = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head_text.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let rest = &raw[split + 4..];
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if head {
        rest.to_vec()
    } else if chunked {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..100_000 {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            break;
        };
        let size_text = String::from_utf8_lossy(&data[..eol]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        if size == 0 || data.len() < eol + 2 + size {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[(eol + 4 + size).min(data.len())..];
    }
    out
}

/// A live-reload event stream; generations arrive on a channel.
struct Events {
    rx: Receiver<u64>,
    last: u64,
}

impl Events {
    fn connect(host: &str) -> Events {
        let mut stream = TcpStream::connect(host).expect("connect events");
        let req = format!(
            "GET /__plansite/events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
        );
        stream.write_all(req.as_bytes()).expect("send");
        let (tx, rx) = channel();
        thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Some(n) = line
                    .strip_prefix("data: ")
                    .and_then(|n| n.trim().parse().ok())
                {
                    if tx.send(n).is_err() {
                        return;
                    }
                }
            }
        });
        let mut events = Events { rx, last: 0 };
        events.last = events
            .rx
            .recv_timeout(WAIT)
            .expect("the stream starts with the current generation");
        events
    }

    /// Wait for the next rebuild (a generation above the last seen).
    fn next(&mut self) -> u64 {
        let deadline = Instant::now() + WAIT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.rx.recv_timeout(left) {
                Ok(n) if n > self.last => {
                    self.last = n;
                    return n;
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("no reload event within {WAIT:?}");
    }

    /// Wait until no event has come for `quiet` (bounded by WAIT).
    fn settle(&mut self, quiet: Duration) {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            match self.rx.recv_timeout(quiet) {
                Ok(n) => self.last = self.last.max(n),
                Err(_) => return,
            }
        }
    }
}

/// An HTML page as `plansite build` would have written it: the injected script removed.
fn strip_live_reload(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body).into_owned();
    let Some(start) = text.find(SCRIPT_START) else {
        return body.to_vec();
    };
    let end = text[start..]
        .find("</script>")
        .map(|e| start + e + "</script>".len())
        .unwrap_or(start);
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

/// Save a file the way many editors do: write a temp file beside it, then rename it over.
fn atomic_save(path: &Path, text: &str) {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("x");
    let tmp = path.with_file_name(format!(".{name}.swp"));
    std::fs::write(&tmp, text).expect("write temp file");
    std::fs::rename(&tmp, path).expect("rename over");
}

/// Replace `from` with `to` in the plan's strategy.md and wait until its page shows `to`.
fn edit_strategy_and_see(
    server: &Server,
    events: &mut Events,
    plan: &Path,
    (from, to): (&str, &str),
) {
    replace_in(&plan.join("strategy.md"), from, to);
    events.next();
    let page = server.wait_page("/strategy.html", |r| r.text().contains(to));
    assert!(page.text().contains(to), "{}", page.text());
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(
        text.contains(from),
        "{} does not contain {from:?}",
        path.display()
    );
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

/// Every file `plansite build` writes, by site path.
fn clean_build(plan: &Path, out: &Path) -> BTreeMap<String, Vec<u8>> {
    let status = Command::new(BIN)
        .arg("build")
        .arg(plan)
        .arg("-o")
        .arg(out)
        .output()
        .expect("run build");
    assert!(
        status.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut files = BTreeMap::new();
    collect(out, out, &mut files);
    files.remove(".plansite-site");
    files
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let rel = path
                .strip_prefix(root)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, std::fs::read(&path).expect("read file"));
        }
    }
}

#[test]
fn an_edit_is_served_and_announced() {
    let (_tmp, plan) = starter("edit");
    let server = Server::start(&plan, &[]);
    let page = server.get("/strategy.html");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("service people recommend"));
    assert!(
        page.text().contains(SCRIPT_START),
        "served pages carry the live-reload script"
    );
    let mut events = server.events();
    edit_strategy_and_see(
        &server,
        &mut events,
        &plan,
        ("service people recommend", "answers within the hour"),
    );
    let log = server.wait_stderr("rebuilt in");
    assert!(log.contains("rebuilt in"), "{log}");
    assert!(
        !log.contains("prose only"),
        "a title is front matter: {log}"
    );
    assert!(
        log.contains("; budget, load and KPI figures kept)"),
        "neither the budget, the load nor the KPIs' figures read a title: {log}"
    );

    // An edit of the body alone: the rules and the analysis are kept, and the log says so.
    edit_strategy_and_see(
        &server,
        &mut events,
        &plan,
        ("This plan has one", "This plan has one goal"),
    );
    let log = server.wait_stderr("prose only: rules and analysis kept");
    assert!(log.contains("prose only: rules and analysis kept"), "{log}");
}

#[test]
fn served_site_equals_a_clean_build_after_edits() {
    served_site_equals_a_clean_build_after_edits_with(&[]);
}

/// The polling watcher names changed paths its own way; serve's reading only the named files
/// must hold with it too.
#[test]
fn served_site_equals_a_clean_build_after_edits_when_polling() {
    served_site_equals_a_clean_build_after_edits_with(&["--poll"]);
}

fn served_site_equals_a_clean_build_after_edits_with(args: &[&str]) {
    let (tmp, plan) = starter(if args.is_empty() {
        "equal"
    } else {
        "equal-poll"
    });
    let server = Server::start(&plan, args);
    let mut events = server.events();
    // An editor's atomic save of an existing file.
    let strategy = std::fs::read_to_string(plan.join("strategy.md")).expect("read");
    atomic_save(
        &plan.join("strategy.md"),
        &strategy.replace("Where we stand", "Where we are"),
    );
    events.next();
    // A new file in a new folder, then renamed, then a second goal deleted.
    std::fs::create_dir_all(plan.join("static/img")).expect("mkdir");
    std::fs::write(plan.join("static/img/note.txt"), "hello\n").expect("write");
    events.next();
    std::fs::rename(
        plan.join("static/img/note.txt"),
        plan.join("static/img/readme.txt"),
    )
    .expect("rename");
    events.next();
    let goal = std::fs::read_to_string(plan.join("goals/happy-customers.md")).expect("read");
    std::fs::write(
        plan.join("goals/extra.md"),
        goal.replace("weight = 100", "weight = 0"),
    )
    .expect("write");
    events.next();
    let extra = server.wait_page("/goals/extra.html", |r| r.status == 200);
    assert_eq!(extra.status, 200);
    std::fs::remove_file(plan.join("goals/extra.md")).expect("delete");
    events.next();
    // Last, a save in place: serve reads that file alone, every other from its memory of them.
    let portal = plan.join("departments/operations/initiatives/support-portal.md");
    let text = std::fs::read_to_string(&portal).expect("read");
    std::fs::write(&portal, text.replacen("title = \"", "title = \"New ", 1)).expect("write");
    events.next();
    events.settle(Duration::from_millis(800));

    let built = clean_build(&plan, &tmp.path().join("out"));
    assert!(
        built.contains_key("img/readme.txt"),
        "{:?}",
        built.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &built {
        let reply = server.get(&format!("/{path}"));
        assert_eq!(reply.status, 200, "{path}");
        let served = if path.ends_with(".html") {
            strip_live_reload(&reply.body)
        } else {
            reply.body.clone()
        };
        assert!(served == *bytes, "{path} differs from a clean build");
    }
    assert_eq!(server.get("/goals/extra.html").status, 404);
    assert_eq!(server.get("/img/note.txt").status, 404);
}

#[test]
fn a_broken_file_shows_the_overlay_until_fixed() {
    let (_tmp, plan) = starter("overlay");
    let server = Server::start(&plan, &[]);
    let mut events = server.events();
    replace_in(
        &plan.join("people.toml"),
        "name = \"Sam Okafor\"",
        "name = \"Sam <Okafor>\" oops",
    );
    events.next();
    let page = server.wait_page("/strategy.html", |r| r.text().contains("plansite-overlay"));
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.contains("plansite-overlay"), "{text}");
    assert!(
        text.contains("people.toml:"),
        "the overlay names file:line:col"
    );
    assert!(
        text.contains("&lt;Okafor&gt;"),
        "the source line is escaped: {text}"
    );
    assert!(!text.contains("<Okafor>"));
    assert!(
        text.contains("service people recommend"),
        "the last good site is still served"
    );
    assert!(
        server.wait_stderr("people.toml:").contains("people.toml:"),
        "the terminal shows the same"
    );
    replace_in(
        &plan.join("people.toml"),
        "name = \"Sam <Okafor>\" oops",
        "name = \"Sam Okafor\"",
    );
    events.next();
    let page = server.wait_page("/strategy.html", |r| !r.text().contains("plansite-overlay"));
    assert!(!page.text().contains("plansite-overlay"));
}

#[test]
fn a_template_that_fails_only_when_rendering_shows_the_overlay_until_fixed() {
    let (_tmp, plan) = starter("template");
    let server = Server::start(&plan, &[]);
    let mut events = server.events();
    let templates = plan.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    // Parses, but fails on every goal page: `goal.nope` is undefined.
    atomic_save(
        &templates.join("goal.html"),
        "{% extends \"base.html\" %}{% block content %}{{ goal.nope.deeper }}{% endblock content %}",
    );
    events.next();
    let page = server.wait_page("/strategy.html", |r| r.text().contains("plansite-overlay"));
    assert!(page.text().contains("goal.html"), "{}", page.text());
    atomic_save(
        &templates.join("goal.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>{{ goal.title }}</h1>{% endblock content %}",
    );
    events.next();
    let page = server.wait_page("/strategy.html", |r| !r.text().contains("plansite-overlay"));
    assert!(!page.text().contains("plansite-overlay"));
}

#[test]
fn a_first_build_that_fails_serves_an_error_page_until_fixed() {
    let (_tmp, plan) = starter("first");
    replace_in(&plan.join("plan.toml"), "currency = \"EUR\"", "currency = ");
    let server = Server::start(&plan, &[]);
    let page = server.get("/");
    assert_eq!(page.status, 500);
    assert!(page.text().contains("plansite-overlay"));
    assert!(page.text().contains("plan.toml:"));
    let mut events = server.events();
    replace_in(&plan.join("plan.toml"), "currency = ", "currency = \"EUR\"");
    events.next();
    let page = server.wait_page("/", |r| r.status == 200);
    assert_eq!(page.status, 200);
    assert!(!page.text().contains("plansite-overlay"));
}

#[test]
fn nothing_outside_the_site_is_ever_served() {
    let (_tmp, plan) = starter("traversal");
    let server = Server::start(&plan, &[]);
    let attempts = [
        "/../Cargo.toml",
        "/../../../../etc/passwd",
        "/%2e%2e/",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f",
        "/..%2fplan.toml",
        "//etc/passwd",
        "/assets/..%5c..",
        "/assets/..\\..\\plan.toml",
        "/plan.toml",
        "/strategy.md",
        "/%00",
        "/a%00.html",
        "/%",
        "/%zz",
        "/%c0%ae%c0%ae/",
        "/./index.html",
        "*",
        "http://evil/",
        "/\u{7f}",
    ];
    for path in attempts {
        let reply = request(&server.host, "GET", path);
        assert!(
            matches!(reply.status, 400 | 404),
            "{path}: {}",
            reply.status
        );
        let text = reply.text();
        assert!(
            !text.contains("[package]")
                && !text.contains("root:")
                && !text.contains("format_version"),
            "{path}"
        );
    }
    let garbage = raw_request(
        &server.host,
        "GET /\u{1}\u{2} HTTP/1.1\r\nConnection: close\r\n\r\n",
    );
    drop(garbage);
    assert_eq!(
        server.get("/").status,
        200,
        "the server survives odd requests"
    );
}

#[test]
fn head_types_and_caching() {
    let (_tmp, plan) = starter("head");
    let server = Server::start(&plan, &[]);
    let get = server.get("/");
    let head = request(&server.host, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(get.header("cache-control"), Some("no-store"));
    let css = server.get("/assets/style.css");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    let font = request(&server.host, "HEAD", "/assets/fonts/DejaVuSans.ttf");
    assert_eq!(font.header("content-type"), Some("font/ttf"));
    let missing = server.get("/no/such/page.html");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains(SCRIPT_START),
        "the 404 page is the site's, served like a page"
    );
    assert_eq!(request(&server.host, "POST", "/").status, 405);
}

#[test]
fn many_requests_at_once() {
    let (_tmp, plan) = starter("concurrent");
    let server = Server::start(&plan, &[]);
    let host = server.host.clone();
    let handles: Vec<_> = (0..48)
        .map(|i| {
            let host = host.clone();
            let path = ["/", "/strategy.html", "/assets/style.css", "/people/"][i % 4];
            thread::spawn(move || request(&host, "GET", path).status)
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().ok(), Some(200));
    }
}

#[test]
fn build_output_has_no_live_reload_script() {
    let (tmp, plan) = starter("build");
    let built = clean_build(&plan, &tmp.path().join("out"));
    assert!(built.keys().any(|k| k.ends_with(".html")));
    for (path, bytes) in built {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("__plansite") && !text.contains("data-plansite-live-reload"),
            "{path}"
        );
    }
}

#[test]
fn a_port_in_use_is_exit_2_and_suggests_port() {
    let (_tmp, plan) = starter("port");
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let mut child = Command::new(BIN)
        .arg("serve")
        .arg(&plan)
        .args(["--port", &port])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    assert_eq!(status.and_then(|s| s.code()), Some(2), "{err}");
    assert!(err.contains("--port"), "{err}");
}

#[test]
fn new_refuses_a_non_empty_folder_and_makes_a_clean_plan() {
    let (tmp, plan) = starter("new");
    let again = Command::new(BIN)
        .arg("new")
        .arg(&plan)
        .output()
        .expect("run");
    assert_eq!(again.status.code(), Some(2));
    let build = Command::new(BIN)
        .arg("build")
        .arg(&plan)
        .arg("-o")
        .arg(tmp.path().join("out"))
        .output()
        .expect("build");
    let err = String::from_utf8_lossy(&build.stderr);
    assert!(build.status.success(), "{err}");
    assert!(
        !err.contains("warning[") && !err.contains("error["),
        "the starter builds cleanly: {err}"
    );
}

#[test]
fn ignored_files_never_rebuild() {
    let (_tmp, plan) = starter("ignored");
    let server = Server::start(&plan, &[]);
    let mut events = server.events();
    let before = events.last;
    std::fs::create_dir_all(plan.join("public/goals")).expect("mkdir");
    std::fs::write(plan.join("public/goals/x.html"), "x").expect("write");
    std::fs::write(plan.join(".#strategy.md"), "x").expect("write");
    std::fs::write(plan.join("strategy.md.swp"), "x").expect("write");
    std::fs::write(plan.join("strategy.md~"), "x").expect("write");
    std::fs::write(plan.join("4913"), "x").expect("write");
    std::fs::create_dir_all(plan.join(".git")).expect("mkdir");
    std::fs::write(plan.join(".git/index"), "x").expect("write");
    events.settle(Duration::from_millis(1000));
    assert_eq!(
        events.last, before,
        "no rebuild for output, hidden or temp files"
    );
    let _ = server.get("/");
    events.settle(Duration::from_millis(500));
    assert_eq!(
        events.last, before,
        "serving a page (reading files) never rebuilds"
    );
}

#[test]
fn polling_sees_changes_too() {
    let (_tmp, plan) = starter("poll");
    let server = Server::start(&plan, &["--poll"]);
    let mut events = server.events();
    replace_in(
        &plan.join("strategy.md"),
        "service people recommend",
        "polled title",
    );
    events.next();
    let page = server.wait_page("/strategy.html", |r| r.text().contains("polled title"));
    assert!(page.text().contains("polled title"));
}
