//! `site-gen serve` as a browser and a hostile client meet it: the built binary on a copy of
//! the repository's site, a throwaway SQLite store and a port the system picks, spoken to over
//! plain TCP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `site-gen serve`, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Copies the site into a temp folder (serve writes under ROOT/.data) and waits until the
    /// server says where it listens.
    fn start() -> Self {
        Self::start_with(|_, _| {})
    }

    /// [`Server::start`], with `prepare` run on the site's copy and the database's path first.
    fn start_with(prepare: impl FnOnce(&Path, &Path)) -> Self {
        Self::start_with_env(prepare, &[])
    }

    /// [`Server::start_with`], with extra environment variables.
    fn start_with_env(prepare: impl FnOnce(&Path, &Path), env: &[(&str, &str)]) -> Self {
        let repo = repo();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("situs");
        for part in ["content", "templates", "static"] {
            copy_dir(&repo.join(part), &root.join(part));
        }
        std::fs::copy(repo.join("config.toml"), root.join("config.toml")).unwrap();
        prepare(&root, &dir.path().join("p.db"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_site-gen"))
            .arg("serve")
            .arg("--root")
            .arg(&root)
            .args(["--port", "0", "--store"])
            .arg(format!("sqlite:{}", dir.path().join("p.db").display()))
            .env("PENGADUAN_RATE_LIMIT_PER_HOUR", "0")
            .env_remove(pengaduan_store::config::CLOCK_VARIABLE)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let pipe = child.stderr.take().unwrap();
        let text = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("Situs tersaji di http://") {
                    let addr = rest.split('/').next().unwrap_or_default().to_owned();
                    let _ = tx.send(addr);
                }
                let mut text = text.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => addr.parse().unwrap(),
            Err(_) => {
                let _ = child.kill();
                panic!("serve did not start within 60 s:\n{}", stderr.lock().unwrap());
            }
        };
        Self { child, addr, stderr, _dir: dir }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        stream
    }

    /// `GET path` on a fresh connection: the status line and the lower-cased headers.
    fn get(&self, path: &str) -> Head {
        let mut stream = self.connect();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let head = text.split("\r\n\r\n").next().unwrap();
        let mut lines = head.lines();
        let status = lines.next().unwrap().to_owned();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Head { status, headers, body: text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default() }
    }
}

impl Server {
    /// `GET path` over HTTP/1.0 (so the body is not chunked) with `headers`: the lower-cased
    /// headers and the body's bytes as sent.
    fn get_raw(&self, path: &str, headers: &[(&str, &str)]) -> (Vec<(String, String)>, Vec<u8>) {
        let mut stream = self.connect();
        let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {}\r\n{extra}\r\n", self.addr).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
        let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
        let headers = head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        (headers, bytes[split + 4..].to_vec())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Head {
    status: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// The repository's root.
fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn pages_carry_the_api_security_headers_and_a_csp_that_allows_live_reload() {
    let server = Server::start();
    let page = server.get("/");
    assert!(page.status.starts_with("HTTP/1.1 200"), "{}", page.status);
    assert!(page.body.contains("<script src=\"/__livereload.js\""), "the page loads the live-reload script");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    let csp = page.header("content-security-policy").expect("HTML pages have a CSP");

    // The same policy as the API's own pages (whose `connect-src 'self'` lets the upload script
    // and EventSource connect).
    let api = server.get("/api/lacak");
    let api_csp = api.header("content-security-policy").expect("the API's HTML has its CSP");
    assert!(api_csp.ends_with("; connect-src 'self'"), "{api_csp}");
    // The site's pages also run the search's WebAssembly (Pagefind); the API's pages do not.
    let expected = api_csp.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'");
    assert_eq!(csp, expected);
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert_eq!(api.header("x-frame-options"), Some("DENY"));

    let script = server.get("/__livereload.js");
    assert!(script.status.starts_with("HTTP/1.1 200"), "{}", script.status);
    assert!(script.body.contains("new EventSource(\"/__livereload\")"));
    assert_eq!(script.header("x-content-type-options"), Some("nosniff"));

    let css = server.get("/css/site.css");
    assert_eq!(css.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(css.header("content-security-policy"), None, "a CSP only on HTML");

    let missing = server.get("/tidak-ada/");
    assert!(missing.header("content-security-policy").is_some(), "the 404 page is HTML too");
}

#[test]
fn stored_deadlines_follow_the_calendar_at_start() {
    use pengaduan_core::calendar::Calendar;
    use pengaduan_site::rules::CALENDAR as CALENDAR_PATH;
    use pengaduan_store::sqlite::SqliteStore;
    use pengaduan_store::testing::{complaint, complete, nomor, now, state_of};
    use pengaduan_store::{ComplaintStore, WorkflowStore};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut db_path = None;
    let server = Server::start_with(|root, db| {
        // The site's calendar is core's fixture of 2026 alone, never the shipped file (which
        // gains 2027 one day): complete on 28 December 2026 while 2027 is missing, and the
        // deadline stored is provisional.
        let fixture = std::fs::read_to_string(repo().join("core/tests/fixtures/hari-libur-2026.toml")).unwrap();
        let calendar = Calendar::from_toml(&fixture).unwrap();
        runtime.block_on(async {
            let store = SqliteStore::open(db).unwrap();
            let n = nomor(&store.submit(complaint(1, "serve", now(), 2026)).await.unwrap());
            complete(&store, &n, "penyelesaian", jiff::civil::date(2026, 12, 28)).await;
            // Stored as the staff tool running on this site's calendar stores it.
            let (state, version) = state_of(&store, &n).await;
            let deadline = state.deadline(&calendar, 10).unwrap();
            store.refresh_deadline(&n, version, Some(deadline.value), deadline.provisional).await.unwrap();
            let row = store.load(&n).await.unwrap().unwrap().row;
            assert_eq!(
                (row.deadline.unwrap().value.to_string(), row.deadline.unwrap().provisional),
                ("2027-01-11".into(), true)
            );
        });
        // Then 2027 is added before the server starts.
        let year = "\n[[tahun]]\ntahun = 2027\nlibur_nasional = [\n  { tanggal = 2027-01-01, nama = \"Tahun Baru 2027 Masehi\" },\n]\ncuti_bersama = []\n";
        std::fs::write(root.join(CALENDAR_PATH), format!("{fixture}{year}")).unwrap();
        db_path = Some(db.to_path_buf());
    });
    assert!(server.stderr().contains("1 tenggat diperiksa, 1 diperbarui."), "{}", server.stderr());
    let store = SqliteStore::open(&db_path.unwrap()).unwrap();
    let rows = runtime.block_on(store.list(&Default::default())).unwrap();
    assert_eq!(
        (rows[0].deadline.unwrap().value.to_string(), rows[0].deadline.unwrap().provisional),
        ("2027-01-12".into(), false)
    );
}

#[test]
fn the_staff_tools_test_clock_is_the_servers_too() {
    let server =
        Server::start_with_env(|_, _| {}, &[(pengaduan_store::config::CLOCK_VARIABLE, "2026-03-17T03:00:00Z")]);
    let body = r#"{"jenis":"pengaduan","nama":"Siti Rahayu","email":"siti@contoh.co.id","judul":"Izin usaha belum terbit","isi":"Permohonan izin saya belum terbit setelah tiga minggu.","pernyataan_kebenaran":true,"persetujuan_data":true}"#;
    let mut stream = server.connect();
    write!(
        stream,
        "POST /api/pengaduan HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nAccept: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        server.addr,
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert!(answer.contains(r#""diterima_pada":"2026-03-17T10:00:00+07:00""#), "{answer}");
    assert!(answer.contains(r#""nomor":"PGD-2026-00001""#), "{answer}");
}

/// Headers, then silence: the body's time runs out, the request is answered `408` and the
/// connection closed, on the API and on the console alike.
#[test]
fn a_request_whose_body_stalls_gets_408_and_the_connection_closed() {
    let server = Server::start_with_env(|_, _| {}, &[("PENGADUAN_BATAS_WAKTU_UNGGAH_DETIK", "2")]);
    for path in ["/api/pengaduan", "/staf/masuk"] {
        let mut slow = server.connect();
        slow.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        write!(
            slow,
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: 100\r\n\r\npengguna=a",
            server.addr
        )
        .unwrap();
        let started = Instant::now();
        let mut answer = Vec::new();
        let outcome = slow.read_to_end(&mut answer);
        let waited = started.elapsed();
        let answer = String::from_utf8_lossy(&answer);
        assert!(outcome.is_ok(), "{path}: the server closed the connection ({outcome:?}) after {waited:?}");
        assert!(answer.starts_with("HTTP/1.1 408"), "{path}: {answer}");
        assert!(answer.to_ascii_lowercase().contains("connection: close"), "{path}: {answer}");
        assert!(answer.contains("tidak selesai terkirim dalam 2 detik"), "{path}: {answer}");
        // An upper bound only: 2 s and the machine's slowness, far from the 60 s default.
        assert!(waited < Duration::from_secs(30), "{path}: answered after {waited:?}");
    }
    assert!(server.get("/").status.starts_with("HTTP/1.1 200"), "the server is still serving");
}

/// A slow phone's upload that keeps arriving is not cut off at the base limit: what arrives
/// earns time. A 1 s base, then 56 KiB sent steadily over about 2.4 s (each 16 KiB earns a
/// second, so the deadline ends near 4.5 s): the handler reads it all and answers it.
#[test]
fn a_slow_body_that_keeps_arriving_is_read_past_the_base_limit() {
    let server = Server::start_with_env(|_, _| {}, &[("PENGADUAN_BATAS_WAKTU_UNGGAH_DETIK", "1")]);
    let mut slow = server.connect();
    slow.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let chunk = "a".repeat(3584);
    let body_len = "catatan=".len() + 16 * chunk.len();
    write!(
        slow,
        "POST /api/pengaduan HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Accept: application/json\r\nContent-Length: {body_len}\r\nConnection: close\r\n\r\ncatatan=",
        server.addr
    )
    .unwrap();
    let started = Instant::now();
    for _ in 0..16 {
        std::thread::sleep(Duration::from_millis(150));
        slow.write_all(chunk.as_bytes()).unwrap();
    }
    let sent = started.elapsed();
    let mut answer = Vec::new();
    slow.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer);
    // Read whole past the 1 s base: the form's own answer (its fields are missing), not 408.
    assert!(sent > Duration::from_secs(1), "sent in {sent:?}: not past the base limit");
    assert!(answer.starts_with("HTTP/1.1 422"), "after {sent:?}: {answer}");
}

#[test]
fn a_connection_without_a_complete_request_head_is_dropped() {
    let server = Server::start();
    let mut slow = server.connect();
    // The drop is awaited however slow the machine: only a server that never drops fails.
    slow.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    slow.write_all(b"GET / HT").unwrap();
    let started = Instant::now();

    // Meanwhile others are served as usual.
    assert!(server.get("/").status.starts_with("HTTP/1.1 200"));

    let mut buf = [0u8; 64];
    let outcome = slow.read(&mut buf);
    let waited = started.elapsed();
    match outcome {
        Ok(0) => {}
        Err(e) if matches!(e.kind(), std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted) => {}
        other => panic!("the slow connection is still open after {waited:?}: {other:?}"),
    }
    // Not before its time: the server's clock started when it accepted, a moment before ours.
    let limit = site_gen::serve::HEADER_READ_TIMEOUT;
    assert!(waited >= limit - Duration::from_secs(2), "dropped after {waited:?}, before the limit of {limit:?}");
    assert!(server.get("/").status.starts_with("HTTP/1.1 200"), "the server is still serving");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_with_a_live_reload_stream_open_and_says_so() {
    let mut server = Server::start();
    // A logged request, to check the log for colour codes.
    assert!(server.get("/api/lacak").status.starts_with("HTTP/1.1 400"));
    let mut events = server.connect();
    write!(events, "GET /__livereload HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 256];
    while !seen.contains("event: built") {
        let n = events.read(&mut buf).unwrap();
        assert!(n > 0, "event stream ended early: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }

    let sent = Command::new("kill").args(["-INT", &server.child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "still running 15 s after Ctrl+C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}\n{}", server.stderr());
    // The reader thread may still be draining the pipe.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.stderr().contains("Server berhenti.") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = server.stderr();
    assert!(log.contains("Server berhenti."), "{log}");
    assert!(log.contains("request handled"), "the request was logged: {log}");
    assert!(!log.contains('\u{1b}'), "no colour codes when stderr is not a terminal: {log:?}");
}

impl Server {
    /// `POST path` of the form `fields` (URL-encoded) with `cookie`, on a fresh connection.
    fn post(&self, path: &str, cookie: &str, fields: &[(String, String)]) -> Head {
        let body = fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
        self.send(&format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        ))
    }

    /// `GET path` with `cookie`.
    fn get_as(&self, path: &str, cookie: &str) -> Head {
        self.send(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n",
            self.addr
        ))
    }

    fn send(&self, request: &str) -> Head {
        let mut stream = self.connect();
        stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines.next().unwrap_or_default().to_owned();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        // The console's pages are chunked: the body's chunk sizes do not matter to a search in it.
        Head { status, headers, body: body.to_owned() }
    }

    /// Logs `user` in through the console's form: the session's cookie and its CSRF token.
    fn login(&self, user: &str, password: &str) -> (String, String) {
        let form = self.get("/staf/masuk");
        let cookie = cookie_of(&form, "staf_masuk");
        let fields = [("csrf", csrf_in(&form.body)), ("pengguna", user.to_owned()), ("sandi", password.to_owned())];
        let fields: Vec<(String, String)> = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let resp = self.post("/staf/masuk", &cookie, &fields);
        assert!(resp.status.starts_with("HTTP/1.1 303"), "login of {user}: {}\n{}", resp.status, resp.body);
        let session = cookie_of(&resp, "staf_sesi");
        let home = self.get_as("/staf/", &session);
        (session, csrf_in(&home.body))
    }
}

/// The `name=value` of the cookie `name` a response sets.
fn cookie_of(resp: &Head, name: &str) -> String {
    let line = resp.headers.iter().find(|(k, v)| k == "set-cookie" && v.starts_with(&format!("{name}=")));
    line.map(|(_, v)| v.split(';').next().unwrap().to_owned()).unwrap_or_else(|| panic!("no {name} cookie"))
}

fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// `application/x-www-form-urlencoded` of one name or value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Tera's escaping undone, for values read back from a page.
fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// An attribute's value in a tag's text.
fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    Some(unescape(tag[start..].split('"').next()?))
}

/// The fields the form with `action` in `html` posts as a browser would: each input's value and
/// each select's selected option, in the page's order.
fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html.find(&format!("action=\"{action}\"")).expect("the form is on the page");
    let form = &html[start..start + html[start..].find("</form>").unwrap()];
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let tag = &rest[..rest.find('>').unwrap() + 1];
        if tag.starts_with("<input") {
            if let Some(name) = attr(tag, "name") {
                fields.push((name, attr(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<select") {
            let name = attr(tag, "name").unwrap();
            let options = &rest[..rest.find("</select>").unwrap()];
            let selected = options.split("<option").skip(1).find(|o| o.contains(" selected>"));
            let first = options.split("<option").nth(1);
            let value = selected.or(first).and_then(|o| attr(o, "value")).unwrap_or_default();
            fields.push((name, value));
        }
        rest = &rest[1..];
    }
    fields
}

/// Sets the field `name` of a form read by [`form_fields`].
fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    let field = fields.iter_mut().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no field {name}"));
    field.1 = value.to_owned();
}

/// Late December 2026 with a calendar that lacks 2027: the Front Office declares a complaint
/// complete, so its deadline falls in 2027 and is stored provisional; an editor adds 2027's
/// holidays through the console's structured fields, saves and publishes over HTTP, and the
/// stored deadline is recounted on the new calendar, no longer provisional.
#[test]
fn next_year_s_holidays_added_through_the_console_recount_a_provisional_deadline() {
    use pengaduan_core::access::Role;
    use pengaduan_core::calendar::Calendar;
    use pengaduan_site::rules::CALENDAR as CALENDAR_PATH;
    use pengaduan_store::accounts::password::hash_password;
    use pengaduan_store::accounts::{Account, AccountStore};
    use pengaduan_store::sqlite::SqliteStore;
    use pengaduan_store::testing::{complaint, nomor, state_of};
    use pengaduan_store::{ComplaintStore, WorkflowStore};
    const PASSWORD: &str = "kata-sandi-uji-panjang";
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let at: jiff::Timestamp = "2026-12-28T03:00:00Z".parse().unwrap();
    let mut db_path = None;
    let mut n = None;
    let server = Server::start_with_env(
        |root, db| {
            // Core's fixture of 2026 alone, never the shipped file (which gains 2027 one day).
            let fixture = std::fs::read_to_string(repo().join("core/tests/fixtures/hari-libur-2026.toml")).unwrap();
            std::fs::write(root.join(CALENDAR_PATH), fixture).unwrap();
            runtime.block_on(async {
                let store = SqliteStore::open(db).unwrap();
                n = Some(nomor(&store.submit(complaint(1, "konten", at, 2026)).await.unwrap()));
                for (username, role) in [("rina", Role::FrontOffice), ("dewi", Role::Editor)] {
                    let account = Account {
                        username: username.into(),
                        name: format!("Petugas {username}"),
                        role,
                        active: true,
                        password_hash: hash_password(PASSWORD).unwrap(),
                        created_at: at,
                        password_set_at: at,
                    };
                    store.create_account(account).await.unwrap();
                }
            });
            db_path = Some(db.to_path_buf());
        },
        &[(pengaduan_store::config::CLOCK_VARIABLE, "2026-12-28T03:00:00Z")],
    );
    let store = SqliteStore::open(&db_path.unwrap()).unwrap();
    let n = n.unwrap();
    let row = |store: &SqliteStore| runtime.block_on(store.load(&n)).unwrap().unwrap().row;

    // The Front Office declares the files complete on Monday 28 December 2026.
    let (fo, fo_csrf) = server.login("rina", PASSWORD);
    let version = row(&store).version.to_string();
    let fields: Vec<(String, String)> = [
        ("csrf", fo_csrf.as_str()),
        ("versi", version.as_str()),
        ("prosedur", "penyelesaian"),
        ("catatan", "Berkas lengkap"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let resp = server.post(&format!("/staf/pengaduan/{n}/lengkap"), &fo, &fields);
    assert!(resp.status.starts_with("HTTP/1.1 303"), "{}\n{}", resp.status, resp.body);
    let deadline = row(&store).deadline.expect("a deadline once complete");
    assert!(deadline.provisional, "2027 is not in the calendar: {deadline:?}");
    assert_eq!(deadline.value.year(), 2027);

    // The editor adds 2027 through the calendar's table: a new year's block, its decree and days.
    let (editor, _) = server.login("dewi", PASSWORD);
    let page = server.get_as("/staf/konten/ubah?berkas=data/hari-libur.toml", &editor);
    assert!(page.status.starts_with("HTTP/1.1 200"), "{}", page.status);
    assert!(page.body.contains("Isian terstruktur"), "{}", page.body);
    let mut fields = form_fields(&page.body, "/staf/konten/simpan-isian");
    let block = fields.iter().find(|(k, _)| k.ends_with("-baru")).unwrap().0.trim_end_matches("baru").to_owned();
    set(&mut fields, &format!("{block}tahun"), "2027");
    set(&mut fields, &format!("{block}skb"), "SKB Nomor 2 Tahun 2026");
    for (i, (date, name)) in
        [("2027-01-01", "Tahun Baru 2027 Masehi"), ("2027-01-04", "Hari libur uji")].iter().enumerate()
    {
        set(&mut fields, &format!("{block}hari-{i}-tanggal"), date);
        set(&mut fields, &format!("{block}hari-{i}-nama"), name);
    }
    let saved = server.post("/staf/konten/simpan-isian", &editor, &fields);
    assert!(saved.status.starts_with("HTTP/1.1 303"), "{}\n{}", saved.status, saved.body);
    assert!(row(&store).deadline.unwrap().provisional, "a draft changes nothing");

    let page = server.get_as("/staf/konten/", &editor);
    let publish = form_fields(&page.body, "/staf/konten/terbitkan");
    let published = server.post("/staf/konten/terbitkan", &editor, &publish);
    assert!(published.status.starts_with("HTTP/1.1 303"), "{}\n{}", published.status, published.body);

    // The published calendar has 2027, and the stored deadline is core's count on it.
    let text = std::fs::read_to_string(server._dir.path().join("situs").join(CALENDAR_PATH)).unwrap();
    let calendar = Calendar::from_toml(&text).unwrap();
    assert!(calendar.covers(2027), "{text}");
    let (state, _) = runtime.block_on(state_of(&store, &n));
    let expected = state.deadline(&calendar, 10).unwrap();
    assert!(!expected.provisional);
    let stored = row(&store).deadline.unwrap();
    assert_eq!((stored.value, stored.provisional), (expected.value, false), "{}", server.stderr());
    assert_ne!(stored.value, deadline.value, "4 January 2027 is now a day off");
}

#[test]
fn the_statistics_follow_the_store_within_a_minute() {
    let server =
        Server::start_with_env(|_, _| {}, &[(pengaduan_store::config::CLOCK_VARIABLE, "2026-03-17T03:00:00Z")]);
    // `terbuka` from /statistik/data.json once it is served, polled until `want` or `limit`.
    let open_now = |want: Option<u64>, limit: Duration| {
        let started = Instant::now();
        loop {
            let head = server.get("/statistik/data.json");
            if head.status.contains("200") {
                let json: serde_json::Value = serde_json::from_str(&head.body).unwrap();
                let terbuka = json["terbuka"].as_u64().unwrap();
                if want.is_none_or(|w| w == terbuka) {
                    return (terbuka, started.elapsed());
                }
            }
            assert!(
                started.elapsed() < limit,
                "no statistics with terbuka {want:?} after {limit:?}:\n{}",
                server.stderr()
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    };
    // Computed at start: an empty store.
    assert_eq!(open_now(None, Duration::from_secs(60)).0, 0);
    let page = server.get("/statistik/");
    assert!(page.status.contains("200") && page.body.contains("role=\"img\""), "{}", page.status);

    let body = r#"{"jenis":"pengaduan","nama":"Siti Rahayu","email":"siti@contoh.co.id","judul":"Izin usaha belum terbit","isi":"Permohonan izin saya belum terbit setelah tiga minggu.","pernyataan_kebenaran":true,"persetujuan_data":true}"#;
    let mut stream = server.connect();
    write!(
        stream,
        "POST /api/pengaduan HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nAccept: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        server.addr,
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    // The contract allows a minute; serve looks every 30 seconds.
    let (terbuka, after) = open_now(Some(1), Duration::from_secs(60));
    assert_eq!(terbuka, 1);
    assert!(after <= Duration::from_secs(35), "took {after:?}");
    let json = server.get("/statistik/data.json").body;
    assert!(!json.contains("Siti") && !json.contains("PGD-"), "{json}");
}

/// Whether every file `entry` (a `pagefind-entry.json`) names is served: each language's
/// metadata and WebAssembly. Also returns the entry's text.
fn index_complete(server: &Server) -> (String, Result<(), String>) {
    let entry = server.get("/pagefind/pagefind-entry.json");
    if !entry.status.starts_with("HTTP/1.1 200") {
        return (entry.body, Err(format!("pagefind-entry.json: {}", entry.status)));
    }
    let json: serde_json::Value = match serde_json::from_str(&entry.body) {
        Ok(json) => json,
        Err(e) => return (entry.body, Err(format!("pagefind-entry.json: {e}"))),
    };
    let languages = json["languages"].as_object().cloned().unwrap_or_default();
    if languages.is_empty() {
        return (entry.body, Err("no languages".to_owned()));
    }
    for (lang, index) in languages {
        let hash = index["hash"].as_str().unwrap_or_default();
        let wasm = index["wasm"].as_str().unwrap_or(&lang);
        for path in [format!("/pagefind/pagefind.{hash}.pf_meta"), format!("/pagefind/wasm.{wasm}.pagefind")] {
            let got = server.get(&path);
            if !got.status.starts_with("HTTP/1.1 200") {
                return (entry.body, Err(format!("{path}: {}", got.status)));
            }
        }
    }
    (entry.body, Ok(()))
}

/// Waits until `ready` holds, polling; panics with `what` after a minute (a hang, not a timing).
fn wait_for<T>(what: &str, mut ready: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(value) = ready() {
            return value;
        }
        assert!(Instant::now() < deadline, "gave up waiting: {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn an_edited_page_is_served_before_its_search_index_which_switches_whole() {
    let hold_dir = tempfile::tempdir().unwrap();
    let hold = hold_dir.path().join("tahan");
    std::fs::write(&hold, "").unwrap();
    let server = Server::start_with_env(|_, _| {}, &[(site_gen::serve::HOLD_VARIABLE, hold.to_str().unwrap())]);
    let root = server._dir.path().join("situs");
    let (old_entry, complete) = index_complete(&server);
    complete.expect("the first index is served from the start");
    // Every file of the first index, as the server wrote it.
    let indexes = root.join(".data/search");
    let folders: Vec<_> = std::fs::read_dir(&indexes).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
    let old_files: Vec<String> = walkdir::WalkDir::new(&folders[0])
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| format!("/{}", e.path().strip_prefix(&folders[0]).unwrap().to_str().unwrap()))
        .collect();
    assert!(old_files.iter().any(|f| f.ends_with(".pf_fragment")), "{old_files:?}");

    // One word added to one page: the page changes while the index is held back.
    let page = root.join("content/kebijakan-privasi.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\nKata baru: zirkonium.\n")).unwrap();
    wait_for("the edited page", || server.get("/kebijakan-privasi/").body.contains("zirkonium").then_some(()));
    let (entry, complete) = index_complete(&server);
    complete.expect("the previous index stays whole while the new one is made");
    assert_eq!(entry, old_entry, "the page was served before its index was made");

    // The index is let go: whatever is served meanwhile is a whole index, old or new.
    std::fs::remove_file(&hold).unwrap();
    let new_entry = wait_for("the new index", || {
        let (entry, complete) = index_complete(&server);
        if let Err(e) = complete {
            panic!("a half index was served: {e}\n{entry}");
        }
        (entry != old_entry).then_some(entry)
    });
    assert!(new_entry.contains("\"languages\""), "{new_entry}");
    // A search page opened before the switch still gets the files its index names.
    for file in &old_files {
        let got = server.get(file);
        assert!(got.status.starts_with("HTTP/1.1 200"), "{file}: {}", got.status);
    }
    assert!(server.stderr().contains("Indeks pencarian diperbarui"), "{}", server.stderr());
}

#[test]
fn the_api_answers_compressed_to_whoever_accepts_it_and_plain_to_others() {
    let server = Server::start();
    let header =
        |headers: &[(String, String)], name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let path = "/api/lacak?nomor=PGD-2026-00001&kode=AAAA-BBBB-CCCC";
    let (plain_headers, plain) = server.get_raw(path, &[]);
    assert_eq!(header(&plain_headers, "content-encoding"), None);
    let plain = String::from_utf8(plain).unwrap();
    assert!(plain.contains("<html") && plain.contains("Lacak"), "{plain}");

    let (headers, gzipped) = server.get_raw(path, &[("Accept-Encoding", "gzip")]);
    assert_eq!(header(&headers, "content-encoding").as_deref(), Some("gzip"));
    assert!(header(&headers, "vary").is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")));
    assert!(gzipped.len() < plain.len() / 2, "{} bytes compressed of {}", gzipped.len(), plain.len());
    let mut page = String::new();
    flate2::read::GzDecoder::new(&gzipped[..]).read_to_string(&mut page).unwrap();
    assert_eq!(page, plain, "the same page, decoded");
    // The security headers stay on the compressed answer.
    assert!(header(&headers, "content-security-policy").is_some());

    // The console's pages too.
    let (headers, _) = server.get_raw("/staf/masuk", &[("Accept-Encoding", "gzip")]);
    assert_eq!(header(&headers, "content-encoding").as_deref(), Some("gzip"));
}

#[test]
fn the_search_page_answers_a_query_without_javascript_with_the_pages_that_match() {
    let server = Server::start();
    let all = server.get("/cari/");
    assert!(all.body.contains("Semua halaman") && all.body.contains("href=\"/lacak/\""), "{}", all.body);

    let found = server.get("/cari/?q=Biaya+pengaduan");
    assert!(found.status.starts_with("HTTP/1.1 200"), "{}", found.status);
    assert!(
        found.body.contains("Hasil pencarian</h2>") && found.body.contains("memuat “Biaya pengaduan”"),
        "{}",
        found.body
    );
    let list = found.body.split("daftar-halaman\">").nth(1).unwrap().split("</ul>").next().unwrap();
    assert!(list.contains("href=\"/layanan/informasi-dan-pengaduan/\""), "{list}");
    assert!(list.matches("<li>").count() < all.body.matches("<li><a").count(), "not every page: {list}");
    assert!(!list.contains("href=\"/en/"), "pages of the search page's language only");
    assert!(found.body.contains("name=\"q\" value=\"Biaya pengaduan\""), "the query stays in the box");
    assert!(found.header("content-security-policy").is_some(), "the site's headers");

    let none = server.get("/cari/?q=%3Cscript%3Ezzqx");
    assert!(none.body.contains("Tidak ada halaman yang memuat “&lt;script&gt;zzqx”"), "{}", none.body);
    assert!(!none.body.contains("<script>zzqx"));

    let english = server.get("/en/search/?q=fee");
    assert!(english.body.contains("Search results</h2>") && english.body.contains("href=\"/en/"), "{}", english.body);
    let left = pengaduan_core::terms::unmarked_terms(&english.body, pengaduan_core::terms::INDONESIAN_TERMS);
    assert!(left.is_empty(), "{left:?}");

    // The header's box sends its query to the API (issue 23), as on AWS: the same answer.
    assert!(all.body.contains("action=\"/api/cari\"") && all.body.contains("name=\"lang\" value=\"id\""));
    let api = server.get("/api/cari?q=Biaya+pengaduan&lang=id");
    assert!(api.status.starts_with("HTTP/1.1 200"), "{}", api.status);
    assert_eq!(api.body, found.body);
    // The answer is final and loads no search index: the API's own policy, no WebAssembly.
    let csp = api.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("wasm"), "{csp}");
    let api = server.get("/api/cari?q=fee&lang=en");
    assert_eq!(api.body, english.body);
    assert!(server.get("/api/cari?q=&lang=en").status.starts_with("HTTP/1.1 303"));
}
