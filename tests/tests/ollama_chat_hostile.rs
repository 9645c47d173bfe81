//! ollama-chat against servers that misbehave the ways real ones (llama-server, proxies,
//! broken or hostile endpoints) do, each played by a raw-socket server on 127.0.0.1: bounded
//! memory, the event-stream rules, redirects, non-HTTP replies, invalid UTF-8, closed
//! kept-alive connections, error bodies of every shape, and concurrent histories.

use e2e::fake_ollama::{FakeOllama, Reply};
use e2e::raw_server::{head, Part, RawServer, Request};
use e2e::{run_command, run_measured, Output, TestDir};
use pretty_assertions::assert_eq;
use serde_json::Value;

fn chat(url: &str, args: &[&str]) -> Output {
    run_command(
        TestDir::new()
            .command("ollama-chat")
            .args(["--url", url, "-m", "m", "--timeout", "5"])
            .args(args),
        None,
    )
}

fn bytes(s: &str) -> Part {
    Part::from(s)
}

/// An Ollama stream: `pieces` then a final chunk.
fn ndjson(pieces: &[&str]) -> Vec<Part> {
    let mut out = vec![head("application/x-ndjson")];
    for p in pieces {
        out.push(bytes(&format!(
            "{}\n",
            serde_json::json!({"message": {"role": "assistant", "content": p}, "done": false})
        )));
    }
    out.push(bytes(
        "{\"message\":{\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}\n",
    ));
    out
}

#[test]
fn a_huge_reply_line_fails_at_the_cap_in_bounded_memory() {
    // 40 MB with no newline: the first 16 MiB are read, then it fails.
    let server = RawServer::start(|_: &Request| {
        let mut out = vec![head("application/x-ndjson")];
        out.extend((0..40).map(|_| Part::Send(vec![b'a'; 1 << 20])));
        out
    });
    let dir = TestDir::new();
    let (out, kib) =
        run_measured(
            dir.command("ollama-chat")
                .args(["--url", &server.url(), "-m", "m", "hi"]),
        );
    out.assert_output(
        5,
        "",
        "ollama-chat: a line of the reply is longer than 16 MiB (the cap)\n",
    );
    assert!(kib < 80 * 1024, "peak {kib} KiB for a 16 MiB cap");
}

#[test]
fn a_huge_whole_reply_fails_at_the_cap_in_bounded_memory() {
    let server = RawServer::start(|_: &Request| {
        let mut out = vec![head("application/json")];
        out.extend((0..70).map(|_| Part::Send(vec![b' '; 1 << 20])));
        out
    });
    let dir = TestDir::new();
    let (out, kib) = run_measured(dir.command("ollama-chat").args([
        "--url",
        &server.url(),
        "-m",
        "m",
        "--no-stream",
        "hi",
    ]));
    out.assert_output(
        5,
        "",
        "ollama-chat: the reply is longer than 64 MiB (the cap)\n",
    );
    assert!(kib < 200 * 1024, "peak {kib} KiB for a 64 MiB cap");
}

#[test]
fn an_openai_stream_is_read_by_the_event_stream_rules() {
    // Comments, retry, id, event and unknown fields; a data event over two lines; CRLF and
    // CR-only line ends; [DONE] with no blank line after it.
    let server = RawServer::start(|_: &Request| {
        vec![
            head("text/event-stream"),
            bytes(": keep-alive\r\nretry: 3000\r\nid: 1\r\nevent: chunk\r\nx-vendor: 7\r\n"),
            bytes("data: {\"choices\":\r\ndata: [{\"delta\":{\"content\":\"Hel\"}}]}\r\n\r\n"),
            bytes("data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\r\r"),
            bytes(
                "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]",
            ),
        ]
    });
    let url = format!("{}/v1/chat/completions", server.url());
    chat(&url, &["hi"]).assert_output(0, "Hello\n", "");
}

#[test]
fn redirects_of_a_post_are_not_followed() {
    for code in [301, 302, 307, 308] {
        let server = RawServer::start(move |_: &Request| {
            vec![bytes(&format!("HTTP/1.1 {code} Moved\r\nLocation: http://127.0.0.1:9/elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))]
        });
        let out = chat(&server.url(), &["hi"]);
        out.assert_output(
            1,
            "",
            &format!("ollama-chat: the server redirected to http://127.0.0.1:9/elsewhere (HTTP {code}); use --url http://127.0.0.1:9/elsewhere\n"),
        );
        assert_eq!(server.requests().len(), 1, "{code}: not followed");
    }
}

#[test]
fn a_reply_that_is_not_http_is_a_protocol_error() {
    let garbage = RawServer::start(|_: &Request| vec![bytes("HELLO THERE\r\n\r\n")]);
    let out = chat(&garbage.url(), &["hi"]);
    out.assert_code(5);
    assert!(out.stderr.contains("is not HTTP"), "{}", out.stderr);
    let flood = RawServer::start(|_: &Request| {
        let mut head = String::from("HTTP/1.1 200 OK\r\n");
        for i in 0..5000 {
            head.push_str(&format!("X-Flood-{i}: {}\r\n", "y".repeat(40)));
        }
        vec![bytes(&head)]
    });
    let out = chat(&flood.url(), &["hi"]);
    out.assert_code(5);
    assert!(out.stderr.contains("is not HTTP"), "{}", out.stderr);
}

#[test]
fn invalid_utf8_in_a_reply_is_named_as_such() {
    let server = RawServer::start(|_: &Request| {
        let mut out = ndjson(&["ok "]);
        out.insert(
            2,
            Part::Send(b"{\"message\":{\"content\":\"\xff\xfe\"},\"done\":false}\n".to_vec()),
        );
        out
    });
    let out = chat(&server.url(), &["hi"]);
    out.assert_output(
        5,
        "ok \n",
        "ollama-chat: line 2 of the reply is not valid UTF-8\n",
    );
}

#[test]
fn a_server_that_closes_each_connection_after_its_answer_breaks_no_turn() {
    // As llama-server does: no "Connection: close", a Content-Length, then the socket closes.
    let server = RawServer::start(|_: &Request| {
        let body = "{\"message\":{\"content\":\"fine\"},\"done\":true}\n";
        vec![bytes(&format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ))]
    });
    let script: String = (0..20).map(|i| format!("turn {i}\n")).collect();
    let dir = TestDir::new();
    let out = run_command(
        dir.command("ollama-chat")
            .args(["--url", &server.url(), "-m", "m", "-i"]),
        Some(script.as_bytes()),
    );
    out.assert_output(0, &"fine\n".repeat(20), "");
    assert_eq!(server.requests().len(), 20);
}

#[test]
fn api_openai_with_a_server_url_uses_the_openai_route() {
    let server = FakeOllama::start(Reply::answer(&["hi ", "there"]));
    chat(&server.url(), &["--api", "openai", "hi"]).assert_output(0, "hi there\n", "");
    assert_eq!(server.requests()[0].path, "/v1/chat/completions");
}

#[test]
fn every_http_error_names_the_url_and_keeps_its_hint_whatever_the_body() {
    for (code, body, want) in [
        (
            404,
            r#"{"error":{"message":"File Not Found","type":"not_found_error"}}"#,
            "HTTP 404 from {url} (File Not Found): wrong URL, or not an Ollama server",
        ),
        (
            404,
            "404 page not found",
            "HTTP 404 from {url} (404 page not found): wrong URL, or not an Ollama server",
        ),
        (
            401,
            r#"{"detail":"Not authenticated"}"#,
            "HTTP 401 from {url}: Not authenticated (is OPENAI_API_KEY set and valid?)",
        ),
        (
            500,
            r#"{"detail":"upstream exploded"}"#,
            "server error (HTTP 500) from {url}: upstream exploded",
        ),
    ] {
        let server = RawServer::start(move |_: &Request| {
            vec![bytes(&format!("HTTP/1.1 {code} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()))]
        });
        let url = format!("{}/api/chat", server.url());
        let out = chat(&url, &["hi"]);
        out.assert_output(
            1,
            "",
            &format!("ollama-chat: {}\n", want.replace("{url}", &url)),
        );
    }
}

#[test]
fn a_generate_style_proxy_stream_is_read_and_a_chunk_without_an_answer_is_refused() {
    let proxy = RawServer::start(|_: &Request| {
        vec![
            head("application/x-ndjson"),
            bytes("{\"response\":\"from \",\"done\":false}\n{\"response\":\"proxy\",\"done\":false}\n{\"response\":\"\",\"done\":true}\n"),
        ]
    });
    let dir = TestDir::new();
    let out = run_command(
        dir.command("ollama-chat").args([
            "--url",
            &proxy.url(),
            "-m",
            "m",
            "--history",
            "h.json",
            "hi",
        ]),
        None,
    );
    out.assert_output(0, "from proxy\n", "");
    let saved: Value = serde_json::from_slice(&dir.read("h.json")).unwrap_or_default();
    assert_eq!(
        saved[1]["content"], "from proxy",
        "the history keeps the answer"
    );
    let empty = RawServer::start(|_: &Request| {
        vec![
            head("application/x-ndjson"),
            bytes("{\"model\":\"m\",\"done\":false}\n"),
        ]
    });
    let out = chat(&empty.url(), &["hi"]);
    out.assert_output(
        5,
        "",
        "ollama-chat: line 1 of the reply carries no answer (no \"message\" or \"response\")\n",
    );
}

#[test]
fn stats_on_the_openai_route_use_usage_and_llama_cpp_timings() {
    let server = RawServer::start(|_: &Request| {
        vec![
            head("text/event-stream"),
            bytes("data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\n"),
            bytes("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":20},\"timings\":{\"prompt_n\":7,\"prompt_ms\":50.0,\"predicted_n\":20,\"predicted_ms\":400.0}}\n\n"),
            bytes("data: [DONE]\n\n"),
        ]
    });
    let url = format!("{}/v1/chat/completions", server.url());
    let out = chat(&url, &["--stats", "--think", "--keep-alive", "5m", "hi"]);
    out.assert_success();
    assert_eq!(out.stdout, "ok\n");
    for line in [
        "ollama-chat: warning: --think is not sent: the OpenAI protocol has no such field\n",
        "ollama-chat: warning: --keep-alive is not sent: the OpenAI protocol has no such field\n",
        "prompt tokens:  7\n",
        "answer tokens:  20\n",
        "answer rate:    50.00 tokens/s\n",
        "total time:     0.450 s\n",
    ] {
        assert!(out.stderr.contains(line), "{line:?} in\n{}", out.stderr);
    }
}

#[test]
fn hints_fit_the_server_kind_and_a_slow_first_token_is_not_a_stall() {
    // A refused OpenAI-compatible URL: no "ollama serve" advice.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = closed.local_addr().map(|a| a.port()).unwrap_or(1);
    drop(closed);
    let url = format!("http://127.0.0.1:{port}/v1/chat/completions");
    let out = chat(&url, &["hi"]);
    out.assert_output(3, "", &format!("ollama-chat: cannot connect to http://127.0.0.1:{port}: connection refused (is the OpenAI-compatible server running at http://127.0.0.1:{port}?)\n"));
    // Headers at once, then no token: the first token is late, nothing stalled.
    let slow = RawServer::start(|_: &Request| {
        vec![
            head("application/x-ndjson"),
            Part::Pause(std::time::Duration::from_secs(3)),
        ]
    });
    let out = run_command(
        TestDir::new().command("ollama-chat").args([
            "--url",
            &slow.url(),
            "-m",
            "m",
            "--timeout",
            "1",
            "hi",
        ]),
        None,
    );
    out.assert_code(4);
    assert!(out.stderr.contains("no first token from"), "{}", out.stderr);
    assert!(!out.stderr.contains("stalled"), "{}", out.stderr);
}

#[test]
fn concurrent_sessions_on_one_history_file_lose_no_turn() {
    let server = FakeOllama::start(Reply::Echo);
    let dir = TestDir::new();
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut cmd = dir.command("ollama-chat");
            cmd.args(["--url", &server.url(), "-m", "m", "--history", "chat.json"])
                .arg(format!("question {i}"))
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped());
            cmd.spawn().unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let saved: Vec<Value> = serde_json::from_slice(&dir.read("chat.json")).unwrap_or_default();
    assert_eq!(saved.len(), 16, "8 turns of 2 messages");
    for i in 0..8 {
        let q = format!("question {i}");
        let at = saved
            .iter()
            .position(|m| m["content"] == q.as_str())
            .unwrap_or_else(|| panic!("{q} was lost"));
        assert_eq!(
            saved[at + 1]["content"],
            format!("echo: {q}"),
            "its answer follows it"
        );
    }
}

#[test]
fn ollama_api_key_is_sent_as_a_bearer_on_the_native_routes_and_never_shown() {
    let server = FakeOllama::start(Reply::answer(&["ok"]));
    let dir = TestDir::new();
    dir.write(".env", "OLLAMA_API_KEY=ol-secret-123\n");
    let out = run_command(
        dir.command("ollama-chat")
            .args(["--url", &server.url(), "-m", "m", "hi"]),
        None,
    );
    out.assert_output(0, "ok\n", "");
    let out = run_command(
        dir.command("ollama-chat")
            .args(["--url", &server.url(), "--list"]),
        None,
    );
    out.assert_success();
    assert!(!out.stdout.contains("ol-secret") && !out.stderr.contains("ol-secret"));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(
            r.header("authorization"),
            Some("Bearer ol-secret-123"),
            "{}",
            r.path
        );
    }
    // Not on the OpenAI route: that one takes OPENAI_API_KEY.
    let url = format!("{}/v1/chat/completions", server.url());
    run_command(
        dir.command("ollama-chat")
            .args(["--url", &url, "-m", "m", "hi"]),
        None,
    )
    .assert_success();
    assert_eq!(server.requests()[2].header("authorization"), None);
}

/// The smallest PNG: a 1x1 transparent pixel.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\x00\x01\x01\x01\x00\x18\xdd\x8d\xb0\0\0\0\0IEND\xaeB`\x82";

#[test]
fn attached_text_files_are_fenced_and_named_and_images_go_as_images() {
    let server = FakeOllama::start(Reply::answer(&["ok"]));
    let dir = TestDir::new();
    dir.write("notes.md", "line one\n```code```\n");
    dir.write("pixel.png", PNG);
    let out = run_command(
        dir.command("ollama-chat").args([
            "--url",
            &server.url(),
            "-m",
            "m",
            "-a",
            "notes.md",
            "-a",
            "pixel.png",
            "what is this?",
        ]),
        None,
    );
    out.assert_output(0, "ok\n", "");
    let msg = &server.last_chat()["messages"][0];
    assert_eq!(
        msg["content"],
        "what is this?\n\nFile: notes.md\n~~~~\nline one\n```code```\n~~~~"
    );
    let b64 = msg["images"][0].as_str().unwrap_or_default().to_string();
    assert!(b64.starts_with("iVBORw0KGgo"), "{b64}");
    // The OpenAI route: content parts with a data URL.
    let url = format!("{}/v1/chat/completions", server.url());
    run_command(
        dir.command("ollama-chat")
            .args(["--url", &url, "-m", "m", "-a", "pixel.png", "and this?"]),
        None,
    )
    .assert_success();
    let parts = &server.last_chat()["messages"][0]["content"];
    assert_eq!(
        parts[0],
        serde_json::json!({"type": "text", "text": "and this?"})
    );
    assert_eq!(parts[1]["type"], "image_url");
    assert_eq!(
        parts[1]["image_url"]["url"],
        format!("data:image/png;base64,{b64}")
    );
}

#[test]
fn a_binary_non_image_a_missing_file_and_an_oversized_one_are_refused_before_sending() {
    let server = FakeOllama::start(Reply::answer(&["ok"]));
    let dir = TestDir::new();
    dir.write("blob.bin", b"\x00\x01\x02binary");
    let big = std::fs::File::create(dir.path().join("big.txt")).unwrap_or_else(|e| panic!("{e}"));
    big.set_len(21 << 20).unwrap_or_else(|e| panic!("{e}"));
    for (file, said) in [
        ("blob.bin", "ollama-chat: blob.bin: a binary file that is not an image (PNG, JPEG, WebP, GIF): not sent\n"),
        ("nope.txt", "ollama-chat: nope.txt: No such file or directory\n"),
        ("big.txt", "ollama-chat: big.txt: larger than 20 MiB (the cap)\n"),
    ] {
        let out = run_command(
            dir.command("ollama-chat").args(["--url", &server.url(), "-m", "m", "-a", file, "hi"]),
            None,
        );
        out.assert_output(2, "", said);
    }
    assert!(server.requests().is_empty(), "nothing sent");
}

#[test]
fn attach_in_the_repl_goes_with_the_next_message_only() {
    let server = FakeOllama::start(Reply::Echo);
    let dir = TestDir::new();
    dir.write("a.txt", "alpha\n");
    let out = run_command(
        dir.command("ollama-chat")
            .args(["--url", &server.url(), "-m", "m", "-i"]),
        Some(b"/attach a.txt\nfirst\nsecond\n"),
    );
    out.assert_success();
    let chats: Vec<Value> = server.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(
        chats[0]["messages"][0]["content"],
        "first\n\nFile: a.txt\n```\nalpha\n```"
    );
    assert_eq!(chats[1]["messages"][2]["content"], "second");
}

#[test]
fn secret_values_of_dot_env_are_redacted_from_stdin_attachments_and_history() {
    let server = FakeOllama::start(Reply::Echo);
    let dir = TestDir::new();
    dir.write(
        ".env",
        "GITHUB_TOKEN=ghp_supersecret42\nDB_PASSWORD=pw\nOLLAMA_MODEL=llama3.1:8b-long\n",
    );
    dir.write("diff.txt", "+ token = \"ghp_supersecret42\"\n");
    let out = run_command(
        dir.command("ollama-chat").args([
            "--url",
            &server.url(),
            "-m",
            "m",
            "--history",
            "chat.json",
            "-a",
            "diff.txt",
            "review",
        ]),
        Some(b"uses ghp_supersecret42 and pw, llama3.1:8b-long"),
    );
    out.assert_success();
    let warning = "ollama-chat: warning: the values of GITHUB_TOKEN were replaced by \
                   [redacted:KEY] (--no-redact sends them)\n";
    assert_eq!(out.stderr, warning);
    assert!(!out.stdout.contains("supersecret"));
    let sent = server.last_chat()["messages"][0]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        sent,
        "review\n\nuses [redacted:GITHUB_TOKEN] and pw, llama3.1:8b-long\n\nFile: diff.txt\n```\n\
         + token = \"[redacted:GITHUB_TOKEN]\"\n```"
    );
    let history = String::from_utf8_lossy(&dir.read("chat.json")).into_owned();
    assert!(history.contains("[redacted:GITHUB_TOKEN]") && !history.contains("supersecret"));
    // In the REPL too, and OPENAI_API_KEY from the environment is a secret as well.
    let out = run_command(
        dir.command("ollama-chat")
            .env("OPENAI_API_KEY", "sk-fromtheenv99")
            .args(["--url", &server.url(), "-m", "m", "-i"]),
        Some(b"keys sk-fromtheenv99 ghp_supersecret42\n"),
    );
    out.assert_success();
    assert_eq!(
        server.last_chat()["messages"][0]["content"],
        "keys [redacted:OPENAI_API_KEY] [redacted:GITHUB_TOKEN]"
    );
    assert!(out
        .stderr
        .contains("the values of GITHUB_TOKEN, OPENAI_API_KEY were replaced"));
    // --no-redact sends it as it is, and says nothing.
    let out = run_command(
        dir.command("ollama-chat")
            .args(["--url", &server.url(), "-m", "m", "--no-redact"]),
        Some(b"uses ghp_supersecret42"),
    );
    out.assert_output(0, "echo: uses ghp_supersecret42\n", "");
}

#[test]
fn a_server_that_refuses_images_gets_a_hint_and_text_alone_does_not() {
    let refuse = Reply::Status {
        code: 400,
        body: r#"{"error":{"message":"image input is not supported"}}"#.into(),
        content_type: "application/json".into(),
    };
    let server = FakeOllama::start(refuse);
    let dir = TestDir::new();
    dir.write("pixel.png", PNG);
    let url = format!("{}/v1/chat/completions", server.url());
    let run = |args: &[&str]| {
        run_command(
            dir.command("ollama-chat")
                .args(["--url", &url, "-m", "m"])
                .args(args),
            None,
        )
    };
    let said =
        format!("ollama-chat: server error (HTTP 400) from {url}: image input is not supported");
    run(&["-a", "pixel.png", "what is it?"]).assert_output(
        1,
        "",
        &format!(
            "{said} (the request carried images: the model or server may not take them; try a \
             vision model)\n"
        ),
    );
    run(&["what is it?"]).assert_output(1, "", &format!("{said}\n"));
}
