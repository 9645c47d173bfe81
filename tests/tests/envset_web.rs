//! `envset --web`: the one-shot page, driven through raw HTTP (every security rule) and in a
//! real browser (headless Chromium through WebDriver, with Python's selenium).

use e2e::{run_command, TestDir};
use pretty_assertions::assert_eq;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const EXAMPLE: &str = "# The model to use\nOLLAMA_MODEL=llama3.1\n\n# Your token for the API\n# (never committed)\nAPI_TOKEN=\n";

/// envset --web running in `dir`, and the URL it printed.
struct Page {
    child: Child,
    url: String,
    port: u16,
    path: String,
}

fn start(dir: &TestDir, args: &[&str]) -> Page {
    let mut child = dir
        .command("envset")
        .arg("--web")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut line = String::new();
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("{e}"));
    let url = line.trim().to_string();
    let rest = url
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("URL {url:?}"));
    let (port, path) = rest
        .split_once('/')
        .unwrap_or_else(|| panic!("URL {url:?}"));
    Page {
        port: port.parse().unwrap_or_else(|e| panic!("{e}")),
        path: format!("/{path}"),
        url,
        child,
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Page {
    /// Send `head` (the request line and headers, without the blank line) and `body`; the
    /// status, the whole response head and its body.
    fn raw(&self, head: &str, body: &[u8]) -> (u16, String, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap_or_else(|e| panic!("{e}"));
        let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
        let req = format!(
            "{head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        s.write_all(req.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        let _ = s.write_all(body);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let text = String::from_utf8_lossy(&out).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, head.to_string(), body.to_string())
    }

    /// Send `bytes` as they are; the status and the response head.
    fn send(&self, bytes: &[u8]) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap_or_else(|e| panic!("{e}"));
        let _ = s.set_read_timeout(Some(Duration::from_secs(20)));
        let _ = s.write_all(bytes);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let text = String::from_utf8_lossy(&out).into_owned();
        let head = text.split("\r\n\r\n").next().unwrap_or("").to_string();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, head)
    }

    fn get(&self, path: &str, host: &str) -> (u16, String, String) {
        self.raw(&format!("GET {path} HTTP/1.1\r\nHost: {host}"), b"")
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The form's anti-CSRF value.
    fn csrf(&self) -> String {
        let (_, _, body) = self.get(&self.path, &self.host());
        let at = body
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("{body}"))
            + 19;
        body[at..at + 32].to_string()
    }

    fn post(&self, form: &str, extra: &str) -> (u16, String, String) {
        self.raw(
            &format!(
                "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded{extra}",
                self.path,
                self.host()
            ),
            form.as_bytes(),
        )
    }

    /// Wait for envset to end: its exit status and stderr.
    fn finish(mut self) -> (Option<i32>, String) {
        let status = self.child.wait().unwrap_or_else(|e| panic!("{e}"));
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        (status.code(), err)
    }
}

#[test]
fn only_the_token_path_at_our_host_serves_and_every_response_is_locked_down() {
    let dir = TestDir::new();
    dir.write(".env.example", EXAMPLE);
    let page = start(&dir, &["--from-example", ".env.example", "--timeout", "30"]);
    assert!(
        page.path.len() == 34 && page.path.ends_with('/'),
        "a 128-bit token: {}",
        page.path
    );
    let (status, head, body) = page.get(&page.path, &page.host());
    assert_eq!(status, 200);
    for h in [
        "Cache-Control: no-store",
        "Referrer-Policy: no-referrer",
        "Content-Security-Policy: default-src 'none'",
        "X-Frame-Options: DENY",
    ] {
        assert!(head.contains(h), "{h} in\n{head}");
    }
    assert!(
        body.contains(
            "<label for=\"OLLAMA_MODEL\">OLLAMA_MODEL <span class=\"need\">(optional)</span></label>"
        ),
        "{body}"
    );
    assert!(body.contains("Your token for the API") && body.contains("type=\"password\""));
    assert!(!body.contains("<script"), "no script");
    // Wrong token (one digit off, a prefix, the root), wrong Host: nothing revealed.
    let mut wrong = page.path.clone().into_bytes();
    wrong[5] = if wrong[5] == b'0' { b'1' } else { b'0' };
    let wrong = String::from_utf8(wrong).unwrap_or_default();
    for path in [wrong.as_str(), &page.path[..20], "/", "/favicon.ico"] {
        let (status, _, body) = page.get(path, &page.host());
        assert_eq!(status, 404, "{path}");
        assert!(
            !body.contains("csrf") && !body.contains("OLLAMA_MODEL"),
            "{body}"
        );
    }
    let port = page.port;
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1:{}", port + 1),
        String::new(),
    ] {
        let (status, _, body) = page.get(&page.path, &host);
        assert_eq!(status, 403, "Host {host:?}");
        assert!(!body.contains("csrf"), "{body}");
    }
    assert_eq!(page.get(&page.path, &format!("localhost:{port}")).0, 200);
    drop(page);
}

#[test]
fn a_submit_needs_the_csrf_value_our_origin_and_a_bounded_body() {
    let dir = TestDir::new();
    dir.write(".env.example", EXAMPLE);
    let page = start(&dir, &["--from-example", ".env.example", "--timeout", "30"]);
    let csrf = page.csrf();
    let good = format!("csrf={csrf}&OLLAMA_MODEL=&API_TOKEN=tok");
    assert_eq!(
        page.post("OLLAMA_MODEL=&API_TOKEN=tok", "").0,
        403,
        "no CSRF value"
    );
    assert_eq!(
        page.post("csrf=00000000000000000000000000000000&API_TOKEN=tok", "")
            .0,
        403,
        "wrong CSRF value"
    );
    assert_eq!(
        page.post(&good, "\r\nOrigin: http://evil.example").0,
        403,
        "foreign Origin"
    );
    assert_eq!(
        page.post(
            &good,
            &format!("\r\nOrigin: http://127.0.0.2:{}", page.port)
        )
        .0,
        403
    );
    let big = format!("csrf={csrf}&API_TOKEN={}", "x".repeat(2 << 20));
    assert_eq!(page.post(&big, "").0, 413, "over 1 MiB");
    assert!(!dir.path().join(".env").exists(), "nothing written yet");
    // A slow client holding a connection open does not block the real one.
    let mut slow = TcpStream::connect(("127.0.0.1", page.port)).unwrap_or_else(|e| panic!("{e}"));
    let _ = slow.write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nab");
    let (status, _, body) = page.post(
        &good,
        &format!("\r\nOrigin: http://127.0.0.1:{}", page.port),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Saved 2 keys to .env"), "{body}");
    assert!(!body.contains("tok") || !body.contains("API_TOKEN=tok"));
    let port = page.port;
    let (code, stderr) = page.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("tok\n"), "{stderr}");
    assert_eq!(dir.read(".env"), b"OLLAMA_MODEL=llama3.1\nAPI_TOKEN=tok\n");
    let mode = std::fs::metadata(dir.path().join(".env"))
        .map(|m| m.permissions().mode() & 0o777)
        .ok();
    assert_eq!(mode, Some(0o600));
    // One use: the token is spent and the server gone.
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "a second submit finds no server"
    );
}

#[test]
fn a_refused_value_is_named_next_to_its_field_and_nothing_is_written() {
    let dir = TestDir::new();
    dir.write(".env", "OTHER=1\n");
    let page = start(&dir, &["A_KEY", "B_KEY", "--timeout", "30"]);
    let csrf = page.csrf();
    // python-dotenv would expand ${HOME}: refused (without --unportable); B_KEY has no value.
    let (status, _, body) = page.post(
        &format!("csrf={csrf}&A_KEY=%24%7BHOME%7Dsecretpart&B_KEY="),
        "",
    );
    assert_eq!(status, 422);
    assert!(body.contains("Nothing was saved"), "{body}");
    assert!(
        body.contains("python-dotenv expands even inside single quotes"),
        "{body}"
    );
    assert!(body.contains("A value is required."), "{body}");
    assert!(
        !body.contains("secretpart"),
        "a refused value is not echoed back"
    );
    assert_eq!(dir.read(".env"), b"OTHER=1\n", "file untouched");
    // The page still waits; a good submit saves both at once.
    let (status, _, body) = page.post(&format!("csrf={csrf}&A_KEY=a+b&B_KEY=%27q%27"), "");
    assert_eq!(status, 200, "{body}");
    let (code, stderr) = page.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(dir.read(".env"), b"OTHER=1\nA_KEY='a b'\nB_KEY=\"'q'\"\n");
}

#[test]
fn no_submit_within_the_timeout_exits_1_and_writes_nothing() {
    let dir = TestDir::new();
    let page = start(&dir, &["TOKEN", "--timeout", "1"]);
    let (code, stderr) = page.finish();
    assert_eq!(code, Some(1));
    assert!(
        stderr.ends_with("envset: no answer within 1 s; nothing written\n"),
        "{stderr}"
    );
    assert!(!dir.path().join(".env").exists());
}

#[test]
fn nothing_missing_means_no_page_at_all() {
    let dir = TestDir::new();
    dir.write(".env.example", "A=1\n");
    dir.write(".env", "A=2\n");
    let out = dir.run("envset", &["--web", "--from-example", ".env.example"]);
    out.assert_output(0, "", "envset: nothing to ask: .env has every key\n");
    let out = dir.run("envset", &["--web", "A=1"]);
    out.assert_code(2);
}

/// The page in a real browser: headless Chromium, driven through WebDriver by selenium.
#[test]
fn a_person_fills_the_page_in_chromium_and_the_file_reads_back_in_python_dotenv() {
    for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
        assert!(
            std::path::Path::new(tool).exists(),
            "{tool} is needed (apt-get install chromium chromium-driver)"
        );
    }
    let python = e2e::python::selenium_python();
    let dir = TestDir::new();
    dir.write(".env.example", EXAMPLE);
    let page = start(&dir, &["--from-example", ".env.example", "--timeout", "60"]);
    let shot = e2e::workspace_root().join("target/envset-web.png");
    let out = run_command(
        Command::new(python)
            .arg("-c")
            .arg(include_str!("../fixtures/fill_page.py"))
            .arg(&page.url)
            .arg(&shot)
            .env("SE_OFFLINE", "true"),
        None,
    );
    assert!(
        out.code == Some(0),
        "selenium: {}{}",
        out.stdout,
        out.stderr
    );
    // What the person saw: the labels and the example's comments, in order.
    assert_eq!(
        out.stdout,
        "label OLLAMA_MODEL (optional)\nnote The model to use\nlabel API_TOKEN (required)\nnote Your token for the API\nnote (never committed)\nsaid Saved 2 keys to .env\n"
    );
    let (code, stderr) = page.finish();
    assert_eq!(code, Some(0), "{stderr}");
    let py = e2e::python::dotenv_values(&[dir.path().join(".env")], &[]);
    assert_eq!(
        py[0],
        vec![
            ("OLLAMA_MODEL".to_string(), Some("qwen3:8b".to_string())),
            (
                "API_TOKEN".to_string(),
                Some("s3cr3t 'quoted' \"both\" #x".to_string())
            ),
        ]
    );
    let mode = std::fs::metadata(dir.path().join(".env"))
        .map(|m| m.permissions().mode() & 0o777)
        .ok();
    assert_eq!(mode, Some(0o600));
    assert!(shot.exists(), "the screenshot for the README");
}

#[test]
fn open_starts_the_browser_and_visible_shows_the_defaults() {
    let dir = TestDir::new();
    dir.write(".env.example", EXAMPLE);
    let seen = dir.path().join("browser-got.txt");
    // The browser copies what it was given (its arguments, and the file it was pointed at)
    // and that file's mode; `%s` says where the target goes.
    let browser = dir.write(
        "fake-browser",
        format!(
            "#!/bin/sh\nf=${{2#file://}}\n{{ printf '%s|%s\\n' \"$1\" \"$2\"; stat -c %a \"$f\" \"$(dirname \"$f\")\"; cat \"$f\"; }} > '{}.part'\nmv '{0}.part' '{0}'\n",
            seen.display()
        ),
    );
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut child = dir
        .command("envset")
        .args([
            "--web",
            "--from-example",
            ".env.example",
            "--open",
            "--visible",
            "--timeout",
            "30",
        ])
        .env(
            "BROWSER",
            format!("/nonexistent/browser:{} --new-window %s", browser.display()),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut url = String::new();
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    BufReader::new(stdout)
        .read_line(&mut url)
        .unwrap_or_else(|e| panic!("{e}"));
    let url = url.trim().to_string();
    for _ in 0..100 {
        if seen.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let got = std::fs::read_to_string(&seen).unwrap_or_default();
    let mut lines = got.lines();
    let args = lines.next().unwrap_or("");
    let token = url.trim_end_matches('/').rsplit('/').next().unwrap_or("?");
    assert!(args.starts_with("--new-window|file://"), "{got}");
    assert!(
        !args.contains(token),
        "the token is in no process's arguments: {args}"
    );
    assert_eq!(
        lines.next(),
        Some("600"),
        "the redirect file is private: {got}"
    );
    assert_eq!(lines.next(), Some("700"), "in a private folder: {got}");
    assert!(
        got.contains(&format!("content=\"0;url={url}\"")),
        "the file sends the browser on to the page: {got}"
    );
    let file = args.split("file://").nth(1).unwrap_or("").to_string();
    let port: u16 = url["http://127.0.0.1:".len()..]
        .split('/')
        .next()
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    let path = format!("/{}", url.splitn(4, '/').nth(3).unwrap_or(""));
    let page = Page {
        child,
        url: url.clone(),
        port,
        path,
    };
    let (_, _, body) = page.get(&page.path, &page.host());
    assert!(
        body.contains(
            "id=\"OLLAMA_MODEL\" name=\"OLLAMA_MODEL\" type=\"text\" placeholder=\"llama3.1\""
        ),
        "{body}"
    );
    assert!(!body.contains("type=\"password\""), "{body}");
    let pid = page.child.id().to_string();
    run_command(Command::new("kill").args(["-INT", &pid]), None).assert_success();
    let (code, _) = page.finish();
    assert_eq!(code, Some(130));
    assert!(
        !std::path::Path::new(&file).exists(),
        "the redirect file is gone with envset: {file}"
    );
}

/// POST the form `body` on a thread of its own (the save may wait); the whole response.
fn submit_in_background(page: &Page, body: String) -> std::thread::JoinHandle<String> {
    let (port, path) = (page.port, page.path.clone());
    std::thread::spawn(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap_or_else(|e| panic!("{e}"));
        let req = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let _ = s.write_all(req.as_bytes());
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    })
}

/// Hold `.env`'s lock (as another envset would) until the returned child is killed.
fn hold_lock(dir: &TestDir) -> Child {
    Command::new("flock")
        .args(["-x", "-o", ".env.lock", "sleep", "30"])
        .current_dir(dir.path())
        .spawn()
        .unwrap_or_else(|e| panic!("flock: {e}"))
}

#[test]
fn ctrl_c_during_the_save_lets_it_finish_whole_and_leaves_no_temp_file() {
    let dir = TestDir::new();
    dir.write(".env.example", EXAMPLE);
    let page = start(&dir, &["--from-example", ".env.example", "--timeout", "30"]);
    let csrf = page.csrf();
    let mut holder = hold_lock(&dir);
    std::thread::sleep(Duration::from_millis(300));
    let submit = submit_in_background(
        &page,
        format!("csrf={csrf}&OLLAMA_MODEL=&API_TOKEN=sekrit-token-1"),
    );
    // The save now waits for the lock: Ctrl-C arrives in the middle of it.
    std::thread::sleep(Duration::from_millis(500));
    let pid = page.child.id().to_string();
    run_command(Command::new("kill").args(["-INT", &pid]), None).assert_success();
    std::thread::sleep(Duration::from_millis(300));
    let _ = holder.kill();
    let _ = holder.wait();
    let (code, stderr) = page.finish();
    let answer = submit.join().unwrap_or_default();
    assert_eq!(code, Some(0), "the save under way finished: {stderr}");
    assert!(!stderr.contains("nothing written"), "{stderr}");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(
        dir.read(".env"),
        b"OLLAMA_MODEL=llama3.1\nAPI_TOKEN=sekrit-token-1\n"
    );
    let temps: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
}

#[test]
fn a_flood_of_idle_connections_does_not_stop_the_page() {
    let dir = TestDir::new();
    dir.write(".env.example", EXAMPLE);
    let page = start(&dir, &["--from-example", ".env.example", "--timeout", "60"]);
    // 600 connections that never send a byte (tiny_http died at 511), all still open while
    // the real user loads the page and saves.
    let mut idle = Vec::new();
    for _ in 0..600 {
        match TcpStream::connect_timeout(
            &std::net::SocketAddr::from(([127, 0, 0, 1], page.port)),
            Duration::from_secs(5),
        ) {
            Ok(s) => idle.push(s),
            Err(e) => panic!("connection {}: {e}", idle.len()),
        }
    }
    let (status, _, body) = page.get(&page.path, &page.host());
    assert_eq!(status, 200, "{body}");
    let csrf = page.csrf();
    let (status, _, body) = page.post(&format!("csrf={csrf}&OLLAMA_MODEL=&API_TOKEN=tok"), "");
    assert_eq!(status, 200, "{body}");
    let (code, stderr) = page.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(dir.read(".env"), b"OLLAMA_MODEL=llama3.1\nAPI_TOKEN=tok\n");
    drop(idle);
}

#[test]
fn huge_heads_two_hosts_and_garbage_get_refusals_with_the_security_headers() {
    let dir = TestDir::new();
    dir.write(".env.example", EXAMPLE);
    let page = start(&dir, &["--from-example", ".env.example", "--timeout", "60"]);
    let host = page.host();
    let big_header = format!(
        "GET {} HTTP/1.1\r\nHost: {host}\r\nX-Big: {}\r\n\r\n",
        page.path,
        "a".repeat(64 << 20)
    );
    let long_url = format!(
        "GET /{} HTTP/1.1\r\nHost: {host}\r\n\r\n",
        "b".repeat(1 << 20)
    );
    let two_hosts = format!(
        "GET {} HTTP/1.1\r\nHost: evil.example\r\nHost: {host}\r\n\r\n",
        page.path
    );
    let two_hosts_ours_first = format!(
        "GET {} HTTP/1.1\r\nHost: {host}\r\nHost: evil.example\r\n\r\n",
        page.path
    );
    for (what, request, want) in [
        ("a 64 MiB header", big_header.as_bytes(), 431),
        ("a 1 MiB URL", long_url.as_bytes(), 431),
        ("two Host headers", two_hosts.as_bytes(), 400),
        (
            "two Host headers, ours first",
            two_hosts_ours_first.as_bytes(),
            400,
        ),
        ("garbage", &b"GARBAGE\r\n\r\n"[..], 400),
        (
            "a header without a colon",
            &b"GET / HTTP/1.1\r\nHost\r\n\r\n"[..],
            400,
        ),
    ] {
        let (status, head) = page.send(request);
        assert_eq!(status, want, "{what}: {head}");
        for h in [
            "Cache-Control: no-store",
            "Content-Security-Policy: default-src 'none'",
            "X-Frame-Options: DENY",
            "X-Content-Type-Options: nosniff",
        ] {
            assert!(head.contains(h), "{what}: {h} in\n{head}");
        }
    }
    // The page still serves, and its memory stayed small.
    assert_eq!(page.get(&page.path, &host).0, 200);
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", page.child.id())).unwrap_or_default();
    let rss_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(u64::MAX);
    assert!(rss_kb < 64 << 10, "peak memory {rss_kb} kB");
    drop(page);
}

#[test]
fn ctrl_c_while_the_page_waits_exits_130_and_writes_nothing() {
    let dir = TestDir::new();
    let page = start(&dir, &["TOKEN", "--timeout", "30"]);
    let pid = page.child.id().to_string();
    let sent = run_command(Command::new("kill").args(["-INT", &pid]), None);
    sent.assert_success();
    let (code, stderr) = page.finish();
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.ends_with("envset: interrupted; nothing written\n"),
        "{stderr}"
    );
    assert!(!dir.path().join(".env").exists());
}

#[test]
fn the_page_uses_the_schemas_input_types_and_refuses_a_malformed_value_beside_its_field() {
    let dir = TestDir::new();
    dir.write(
        ".env.example",
        "# @type=url\nOLLAMA_API_URL=http://127.0.0.1:11434\n# @type=port @required\nPORT=\n# @type=email @optional\nCONTACT=\nHF_TOKEN=\n",
    );
    let page = start(&dir, &["--from-example", ".env.example", "--timeout", "30"]);
    let (_, _, body) = page.get(&page.path, &page.host());
    for want in [
        "id=\"OLLAMA_API_URL\" name=\"OLLAMA_API_URL\" type=\"url\"",
        "id=\"PORT\" name=\"PORT\" type=\"number\"",
        "id=\"CONTACT\" name=\"CONTACT\" type=\"email\"",
        "id=\"HF_TOKEN\" name=\"HF_TOKEN\" type=\"password\"",
        "PORT <span class=\"need\">(required)</span>",
        "CONTACT <span class=\"need\">(optional)</span>",
    ] {
        assert!(body.contains(want), "{want} in {body}");
    }
    let csrf = page.csrf();
    let (status, _, body) = page.post(&format!("csrf={csrf}&PORT=70000&HF_TOKEN=hf_x"), "");
    assert_eq!(status, 422);
    assert!(
        body.contains("Malformed: not a port from 0 to 65535."),
        "{body}"
    );
    assert!(!body.contains("70000") && !body.contains("hf_x"), "{body}");
    assert!(!dir.path().join(".env").exists(), "nothing written");
    let (status, _, body) = page.post(&format!("csrf={csrf}&PORT=8080&HF_TOKEN=hf_x"), "");
    assert_eq!(status, 200, "{body}");
    let (code, stderr) = page.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        dir.read(".env"),
        b"OLLAMA_API_URL=http://127.0.0.1:11434\nPORT=8080\nHF_TOKEN=hf_x\n"
    );
}

#[test]
fn ctrl_c_while_a_save_waits_for_another_writers_lock_ends_in_bounded_time_writing_nothing() {
    let dir = TestDir::new();
    dir.write(".env.example", EXAMPLE);
    let page = start(&dir, &["--from-example", ".env.example", "--timeout", "60"]);
    let csrf = page.csrf();
    let mut holder = hold_lock(&dir);
    std::thread::sleep(Duration::from_millis(300));
    let _submit = submit_in_background(&page, format!("csrf={csrf}&OLLAMA_MODEL=&API_TOKEN=tok"));
    std::thread::sleep(Duration::from_millis(500));
    let pid = page.child.id().to_string();
    run_command(Command::new("kill").args(["-INT", &pid]), None).assert_success();
    let started = std::time::Instant::now();
    let (code, stderr) = page.finish();
    let waited = started.elapsed();
    let _ = holder.kill();
    let _ = holder.wait();
    assert_eq!(code, Some(130), "{stderr}");
    assert!(waited < Duration::from_secs(20), "ended after {waited:?}");
    assert!(!dir.path().join(".env").exists(), "nothing written");
}
