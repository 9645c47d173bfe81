//! ollama-chat against a hostile local user, a hostile server and a careless user (issue 24):
//! private files whatever the umask, a log read in bounded memory, templates checked like
//! `-o`, nothing secret sent or saved through any door, a `--pull` that cannot run forever or
//! flood the terminal, and files that are not regular refused without being read.

use e2e::fake_ollama::{FakeOllama, Reply};
use e2e::raw_server::{head, Part, RawServer, Request};
use e2e::{run_command, run_measured, TestDir};
use pretty_assertions::assert_eq;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// ollama-chat in `dir`, with its XDG folders inside it.
fn chat(dir: &TestDir) -> Command {
    let mut cmd = dir.command("ollama-chat");
    cmd.env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"));
    cmd
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

#[test]
fn the_log_the_history_and_the_templates_are_private_whatever_was_there_and_the_umask() {
    let server = FakeOllama::start(Reply::Echo);
    let dir = TestDir::new();
    let folder = dir.path().join("data/ollama-chat");
    dir.write("data/ollama-chat/log.jsonl", "");
    set_mode(&folder, 0o755);
    set_mode(&folder.join("log.jsonl"), 0o644);
    dir.write("chat.json", "[]\n");
    set_mode(&dir.path().join("chat.json"), 0o644);
    let url = server.url();
    let args = [
        "--url",
        url.as_str(),
        "-m",
        "m",
        "--history",
        "chat.json",
        "hi",
    ];
    run_command(chat(&dir).args(args), None).assert_success();
    assert_eq!(mode(&folder), 0o700);
    assert_eq!(mode(&folder.join("log.jsonl")), 0o600);
    assert_eq!(mode(&dir.path().join("chat.json")), 0o600);
    // At umask 000 the templates' folders and file are still the owner's alone.
    let sh = format!(
        "umask 000; exec '{}' -s 'be brief' --save t1",
        e2e::bin("ollama-chat").display()
    );
    let mut sh_cmd = Command::new("sh");
    sh_cmd
        .args(["-c", &sh])
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"));
    run_command(&mut sh_cmd, None).assert_success();
    assert_eq!(mode(&dir.path().join("config/ollama-chat")), 0o700);
    assert_eq!(
        mode(&dir.path().join("config/ollama-chat/templates")),
        0o700
    );
    assert_eq!(
        mode(&dir.path().join("config/ollama-chat/templates/t1.json")),
        0o600
    );
}

/// A log line of conversation `cid`.
fn log_line(cid: &str, prompt: &str) -> String {
    format!(
        "{}\n",
        serde_json::json!({"cid": cid, "time": "2026-01-01T00:00:00Z", "url": "u",
            "model": "m", "prompt": prompt, "answer": "a"})
    )
}

#[test]
fn logs_lists_the_latest_conversations_and_a_big_log_is_read_in_bounded_memory() {
    let dir = TestDir::new();
    // 40,000 conversations of one turn, then c7 gets a second turn at the very end, and a
    // damaged line in between.
    let mut log = String::new();
    for i in 0..40_000 {
        log.push_str(&log_line(&format!("c{i}"), &format!("question {i}")));
    }
    log.push_str("{\"cid\": \"broken\n");
    log.push_str(&log_line("c7", "again"));
    dir.write("data/ollama-chat/log.jsonl", &log);
    let out = run_command(chat(&dir).arg("--logs"), None);
    out.assert_success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 20, "{}", out.stdout);
    assert_eq!(lines[0].split('\t').next(), Some("c39981"));
    assert_eq!(lines[18].split('\t').next(), Some("c39999"));
    assert_eq!(
        lines[19], "c7\t2026-01-01T00:00:00Z\tm\t2 turns\tquestion 7",
        "the conversation with the newest turn is last"
    );
    let json = run_command(
        chat(&dir).args(["--logs", "--json", "--search", "AGAIN"]),
        None,
    );
    json.assert_success();
    let turns: Vec<&str> = json.stdout.lines().collect();
    assert_eq!(turns.len(), 2, "both turns of c7: {}", json.stdout);
    assert!(turns[0].contains("\"question 7\"") && turns[1].contains("\"again\""));
    // A 200 MB log: --search, --cid and -c hold one conversation, not the log.
    let big = "x".repeat(10_000);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join("data/ollama-chat/log.jsonl"))
        .unwrap_or_else(|e| panic!("{e}"));
    for i in 0..20_000 {
        std::io::Write::write_all(&mut file, log_line(&format!("b{i}"), &big).as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    drop(file);
    for args in [
        &["--logs", "--search", "again"][..],
        &[
            "--cid",
            "c7",
            "--url",
            "http://127.0.0.1:9",
            "--timeout",
            "1",
            "hi",
        ],
        &["-c", "--url", "http://127.0.0.1:9", "--timeout", "1", "hi"],
    ] {
        let (out, peak) = run_measured(chat(&dir).args(args));
        assert!(
            out.code == Some(0) || out.code == Some(3),
            "{args:?}: {}",
            out.stderr
        );
        assert!(peak < 40 << 20, "{args:?}: peak memory {} MB", peak >> 20);
    }
}

#[test]
fn templates_are_objects_with_options_that_o_would_take_and_one_bad_file_hides_no_other() {
    let server = FakeOllama::start(Reply::Echo);
    let dir = TestDir::new();
    dir.write(
        "config/ollama-chat/templates/good.json",
        "{\"system\": \"be brief\"}\n",
    );
    dir.write("config/ollama-chat/templates/list.json", "[]\n");
    dir.write(
        "config/ollama-chat/templates/hot.json",
        "{\"options\": {\"temperature\": \"hot\"}}\n",
    );
    let out = run_command(chat(&dir).arg("--templates"), None);
    out.assert_success();
    assert_eq!(out.stdout, "good\t-\tbe brief\n");
    let t = dir.path().join("config/ollama-chat/templates");
    assert_eq!(
        out.stderr,
        format!(
            "ollama-chat: warning: {0}/hot.json: not a template (option temperature takes a number)\n\
             ollama-chat: warning: {0}/list.json: not a template (not a JSON object)\n",
            t.display()
        )
    );
    for name in ["list", "hot"] {
        let url = server.url();
        let out = run_command(
            chat(&dir).args(["--url", &url, "-m", "m", "-t", name, "hi"]),
            None,
        );
        assert_eq!(out.code, Some(2), "{}", out.stderr);
        assert!(
            out.stderr.contains(&format!("{name}.json: not a template")),
            "{}",
            out.stderr
        );
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

const SECRET: &str = "ghp_supersecret42";

fn secret_dir() -> TestDir {
    let dir = TestDir::new();
    dir.write(".env", format!("GITHUB_TOKEN={SECRET}\n"));
    dir
}

#[test]
fn no_door_sends_or_saves_a_secret_of_dot_env() {
    let server = FakeOllama::start(Reply::Echo);
    let dir = secret_dir();
    let url = server.url();
    dir.write(
        "config/ollama-chat/templates/leaky.json",
        format!("{{\"system\": \"use {SECRET}\"}}\n"),
    );
    dir.write(
        "old.json",
        format!("[{{\"role\": \"user\", \"content\": \"{SECRET}\"}}]\n"),
    );
    dir.write(
        "schema.json",
        format!("{{\"type\": \"object\", \"description\": \"{SECRET}\"}}\n"),
    );
    let runs: [&[&str]; 5] = [
        &["-s", &format!("key {SECRET}"), "hi"],
        &["-t", "leaky", "hi"],
        &["--history", "old.json", "hi"],
        &["-o", &format!("stop=[\"{SECRET}\"]"), "hi"],
        &["--format", "schema.json", "hi"],
    ];
    for args in runs {
        let out = run_command(chat(&dir).args(["--url", &url, "-m", "m"]).args(args), None);
        out.assert_success();
        assert!(
            out.stderr
                .contains("the values of GITHUB_TOKEN were replaced by [redacted:KEY]"),
            "{args:?}: {}",
            out.stderr
        );
        let sent = server.last_chat().to_string();
        assert!(!sent.contains(SECRET), "{args:?} sent {sent}");
        assert!(
            sent.contains("[redacted:GITHUB_TOKEN]"),
            "{args:?} sent {sent}"
        );
    }
    let log = String::from_utf8_lossy(&dir.read("data/ollama-chat/log.jsonl")).into_owned();
    assert!(!log.contains(SECRET), "the log: {log}");
    // /system in the REPL, and the templates --save and /save-template write.
    let out = run_command(
        chat(&dir).args(["--url", &url, "-m", "m", "-i"]),
        Some(format!("/system be {SECRET}\nhello\n/save-template fromrepl\n").as_bytes()),
    );
    out.assert_success();
    assert!(!server.last_chat().to_string().contains(SECRET));
    run_command(
        chat(&dir).args(["-s", &format!("s {SECRET}"), "--save", "saved"]),
        None,
    )
    .assert_success();
    for t in ["fromrepl", "saved"] {
        let file = dir.read(&format!("config/ollama-chat/templates/{t}.json"));
        let text = String::from_utf8_lossy(&file);
        assert!(
            text.contains("[redacted:GITHUB_TOKEN]") && !text.contains(SECRET),
            "{t}: {text}"
        );
    }
    // --no-redact still sends it all as it is.
    let out = run_command(
        chat(&dir).args(["--url", &url, "-m", "m", "--no-redact", "-s", SECRET, "hi"]),
        None,
    );
    out.assert_success();
    assert!(server.last_chat().to_string().contains(SECRET));
}

#[test]
fn a_password_in_the_url_is_sent_as_basic_auth_and_shown_nowhere() {
    let server = FakeOllama::start(Reply::Echo);
    let dir = TestDir::new();
    let url = server.url().replace("http://", "http://ann:pa55word@");
    run_command(chat(&dir).args(["--url", &url, "-m", "m", "hi"]), None).assert_success();
    let req = server
        .requests()
        .pop()
        .unwrap_or_else(|| panic!("no request"));
    // base64("ann:pa55word")
    assert_eq!(req.header("authorization"), Some("Basic YW5uOnBhNTV3b3Jk"));
    let log = String::from_utf8_lossy(&dir.read("data/ollama-chat/log.jsonl")).into_owned();
    assert!(
        !log.contains("pa55word") && log.contains(&server.url()),
        "{log}"
    );
    let down = "http://ann:pa55word@127.0.0.1:9";
    let out = run_command(chat(&dir).args(["--url", down, "-m", "m", "hi"]), None);
    assert_eq!(out.code, Some(3));
    assert!(!out.stderr.contains("pa55word"), "{}", out.stderr);
    assert!(out.stderr.contains("http://127.0.0.1:9"), "{}", out.stderr);
}

/// A server whose chat says the model is missing, and whose pull answers with `pull`.
fn pull_server(pull: impl Fn() -> Vec<Part> + Send + Sync + 'static) -> RawServer {
    RawServer::start(move |req: &Request| {
        if req.line.starts_with("POST /api/pull") {
            return pull();
        }
        let body = "{\"error\":\"model \\\"m\\\" not found, try pulling it first\"}";
        vec![Part::from(format!(
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_str())]
    })
}

#[test]
fn a_pull_that_trickles_forever_stalls_out_and_one_of_endless_statuses_is_refused_quietly() {
    // The same progress again and again, every 20 ms, for as long as 200 s.
    let trickle = pull_server(|| {
        let mut parts = vec![head("application/x-ndjson")];
        for _ in 0..10_000 {
            parts.push(Part::from(
                "{\"status\":\"pulling abc\",\"total\":100,\"completed\":5}\n",
            ));
            parts.push(Part::Pause(Duration::from_millis(20)));
        }
        parts
    });
    let dir = TestDir::new();
    let url = format!("http://127.0.0.1:{}", trickle.port);
    let out = run_command(
        chat(&dir).args(["--url", &url, "-m", "m", "--pull", "--timeout", "2", "hi"]),
        None,
    );
    assert_eq!(out.code, Some(4), "{}", out.stderr);
    assert!(
        out.stderr
            .ends_with("ollama-chat: the pull stalled: no progress for 2 s\n"),
        "{}",
        out.stderr
    );
    // 50,000 distinct statuses of 200 characters, each with an escape sequence.
    let flood = pull_server(|| {
        let mut parts = vec![head("application/x-ndjson")];
        for i in 0..50_000 {
            let status = format!("\u{1b}[2J\u{1b}[Hstatus {i} {}", "y".repeat(200));
            parts.push(Part::from(
                format!("{}\n", serde_json::json!({"status": status})).as_str(),
            ));
        }
        parts
    });
    let url = format!("http://127.0.0.1:{}", flood.port);
    let out = run_command(
        chat(&dir).args(["--url", &url, "-m", "m", "--pull", "hi"]),
        None,
    );
    assert_eq!(
        out.code,
        Some(5),
        "{}",
        &out.stderr[out.stderr.len().saturating_sub(300)..]
    );
    assert!(
        out.stderr.len() < 64 << 10,
        "stderr {} bytes",
        out.stderr.len()
    );
    assert!(
        !out.stderr.contains('\u{1b}'),
        "no escape reaches the terminal"
    );
    assert!(out
        .stderr
        .ends_with("ollama-chat: the pull's reply has over 256 statuses: not a pull\n"));
    // A server's error text with escapes is shown without them.
    let nasty = pull_server(|| {
        vec![
            head("application/x-ndjson"),
            Part::from("{\"error\":\"\\u001b[2J\\u001b[1Afake prompt$ \\u0007\"}\n"),
        ]
    });
    let url = format!("http://127.0.0.1:{}", nasty.port);
    let out = run_command(
        chat(&dir).args(["--url", &url, "-m", "m", "--pull", "hi"]),
        None,
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr
            .ends_with("ollama-chat: the pull failed: [2J [1Afake prompt$\n"),
        "{:?}",
        out.stderr
    );
}

/// A FIFO at `name` in `dir` with no writer.
fn fifo(dir: &TestDir, name: &str) -> String {
    let path = dir.path().join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    let made = Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(made.success());
    path.display().to_string()
}

#[test]
fn devices_and_fifos_named_as_files_are_refused_without_being_read() {
    let server = FakeOllama::start(Reply::Echo);
    let dir = TestDir::new();
    let url = server.url();
    let pipe = fifo(&dir, "pipe");
    fifo(&dir, "config/ollama-chat/templates/fifo.json");
    let base = ["--url", url.as_str(), "-m", "m", "--timeout", "5"];
    for (file, args) in [
        ("/dev/zero", vec!["--format", "/dev/zero", "hi"]),
        ("/dev/zero", vec!["--env-file", "/dev/zero", "hi"]),
        ("/dev/zero", vec!["--history", "/dev/zero", "hi"]),
        ("/dev/zero", vec!["-a", "/dev/zero", "hi"]),
        (pipe.as_str(), vec!["--format", pipe.as_str(), "hi"]),
        (pipe.as_str(), vec!["--env-file", pipe.as_str(), "hi"]),
        (pipe.as_str(), vec!["--history", pipe.as_str(), "hi"]),
        (pipe.as_str(), vec!["-a", pipe.as_str(), "hi"]),
    ] {
        let (out, peak) = run_measured(chat(&dir).args(base).args(&args));
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(file) && out.stderr.ends_with("not a regular file\n"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(peak < 30 << 20, "{args:?}: {} MB", peak >> 20);
    }
    let out = run_command(chat(&dir).args(base).args(["-t", "fifo", "hi"]), None);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.ends_with("fifo.json: not a regular file\n"),
        "{}",
        out.stderr
    );
    let out = run_command(
        chat(&dir).args(base).arg("-i"),
        Some(format!("/load {pipe}\n/load /dev/zero\n").as_bytes()),
    );
    out.assert_success();
    assert_eq!(
        out.stderr.matches("not a regular file").count(),
        2,
        "{}",
        out.stderr
    );
    assert!(server.requests().is_empty());
}

#[test]
fn modes_that_contradict_each_other_or_a_chat_are_exit_2_naming_them() {
    let dir = TestDir::new();
    for (args, names) in [
        (
            &["--templates", "--logs", "-m", "x", "a prompt"][..],
            ["--templates", "--logs"],
        ),
        (&["--list", "--save", "t"], ["--list", "--save"]),
        (&["--logs", "a prompt"], ["PROMPT", "--logs"]),
        (&["--templates", "-i"], ["--interactive", "--templates"]),
    ] {
        let out = run_command(chat(&dir).args(args), None);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        for name in names {
            assert!(
                out.stderr.contains(name),
                "{args:?} names {name}: {}",
                out.stderr
            );
        }
        assert!(
            out.stdout.is_empty(),
            "{args:?}: nothing done: {}",
            out.stdout
        );
    }
}

/// An OpenAI-route server with a context of five messages or 2,000 bytes: more, and it
/// answers as llama-server does when the context is full.
fn small_context_server() -> RawServer {
    RawServer::start(|req: &Request| {
        let body: serde_json::Value = serde_json::from_str(&req.body).unwrap_or_default();
        let n = body["messages"].as_array().map_or(0, Vec::len);
        if n > 5 || req.body.len() > 2000 {
            let error = r#"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5000,"n_ctx":4096}}"#;
            return vec![Part::from(
                format!(
                    "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{error}",
                    error.len()
                )
                .as_str(),
            )];
        }
        let answer = serde_json::json!({"choices": [{"message": {"role": "assistant", "content": format!("answer {n}")}, "finish_reason": "stop"}]});
        let text = answer.to_string();
        vec![Part::from(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}",
                text.len()
            )
            .as_str(),
        )]
    })
}

#[test]
fn a_full_context_is_said_in_one_line_and_the_repl_drops_its_oldest_turns_to_go_on() {
    let server = small_context_server();
    let dir = TestDir::new();
    let url = format!("http://127.0.0.1:{}/v1/chat/completions", server.port);
    // The system message and two turns fit; each later turn needs the oldest turn left out.
    let out = run_command(
        chat(&dir).args([
            "--url",
            &url,
            "-m",
            "m",
            "--no-stream",
            "-s",
            "be brief",
            "-i",
        ]),
        Some(b"one\ntwo\nthree\nfour\n"),
    );
    out.assert_success();
    assert_eq!(out.stdout, "answer 2\nanswer 4\nanswer 4\nanswer 4\n");
    assert_eq!(
        out.stderr
            .matches("left out the oldest 1 turn of the conversation to fit the model's context")
            .count(),
        2,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "the conversation does not fit the model's context (5000 tokens sent, 4096 fit)"
        ),
        "{}",
        out.stderr
    );
    // Single-shot: a history's oldest turns are left out of the request (the file keeps them).
    let turns = r#"{"role":"user","content":"a"},{"role":"assistant","content":"b"}"#;
    dir.write("long.json", format!("[{turns},{turns},{turns}]"));
    let out = run_command(
        chat(&dir).args([
            "--url",
            &url,
            "-m",
            "m",
            "--no-stream",
            "--history",
            "long.json",
            "d",
        ]),
        None,
    );
    out.assert_success();
    assert!(
        out.stderr.contains("left out the oldest 1 turn"),
        "{}",
        out.stderr
    );
    let kept = String::from_utf8_lossy(&dir.read("long.json"))
        .matches("\"role\"")
        .count();
    assert_eq!(kept, 8, "the file keeps every turn, and the new one");
    // Nothing to leave out: exit 1, one line with the numbers and the way out.
    let out = run_command(
        chat(&dir).args(["--url", &url, "-m", "m", "--no-stream"]),
        Some("x".repeat(3000).as_bytes()),
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!("ollama-chat: the conversation does not fit the model's context (5000 tokens sent, 4096 fit) at {url}: /clear in the REPL, send less, or give the model a larger context (-o num_ctx=N on Ollama, --ctx-size on llama-server)\n")
    );
}

#[test]
fn the_example_says_which_values_are_secret_for_redaction_too() {
    let server = FakeOllama::start(Reply::Echo);
    let dir = TestDir::new();
    dir.write(
        ".env.example",
        "# @sensitive\nDATABASE_URL=\n# @public\nSITE_KEY=\n",
    );
    dir.write(
        ".env",
        "DATABASE_URL=postgres://u:pw@db/app-x\nSITE_KEY=public-site-key-1\n",
    );
    let url = server.url();
    let out = run_command(
        chat(&dir).args([
            "--url",
            &url,
            "-m",
            "m",
            "postgres://u:pw@db/app-x and public-site-key-1",
        ]),
        None,
    );
    out.assert_success();
    let sent = server.last_chat()["messages"][0]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(sent, "[redacted:DATABASE_URL] and public-site-key-1");
}
