//! ollama-chat, end to end, against the fake Ollama server of the tests crate.

use e2e::fake_ollama::{FakeOllama, Reply};
use e2e::{run_command, Output, TestDir};
use pretty_assertions::assert_eq;
use serde_json::{json, Value};
use std::time::Duration;

fn chat_with(server: &FakeOllama, dir: &TestDir, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = dir.command("ollama-chat");
    cmd.arg("--url").arg(server.url()).args(args);
    run_command(&mut cmd, stdin.map(str::as_bytes))
}

fn chat(server: &FakeOllama, args: &[&str]) -> Output {
    chat_with(server, &TestDir::new(), args, None)
}

fn answer_with_last(pieces: &[&str], last: &str, reason: &str) -> Reply {
    Reply::Answer {
        pieces: pieces.iter().map(|s| s.to_string()).collect(),
        last: last.into(),
        done_reason: reason.into(),
        delay: Duration::ZERO,
    }
}

#[test]
fn single_shot_streams_the_answer_and_nothing_else_to_stdout() {
    let server = FakeOllama::start(answer_with_last(&["The sky", " is", " blue"], ".", "stop"));
    let out = chat(
        &server,
        &["-m", "llama3.1", "why", "is", "the", "sky", "blue?"],
    );
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (Some(0), "The sky is blue.\n", "")
    );
    let body = server.last_chat();
    assert_eq!(body["model"], "llama3.1");
    assert_eq!(body["stream"], true);
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": "why is the sky blue?"}])
    );
    assert_eq!(server.requests()[0].path, "/api/chat");
}

#[test]
fn stdin_is_the_message_or_follows_the_prompt_after_a_blank_line() {
    let server = FakeOllama::start(Reply::Echo);
    let dir = TestDir::new();
    let out = chat_with(
        &server,
        &dir,
        &["-m", "m", "write a commit message"],
        Some("diff --git a b\n+x\n"),
    );
    out.assert_success();
    assert_eq!(
        server.last_chat()["messages"][0]["content"],
        "write a commit message\n\ndiff --git a b\n+x\n"
    );
    let out = chat_with(&server, &dir, &["-m", "m"], Some("just stdin"));
    assert_eq!(out.stdout, "echo: just stdin\n");
    let out = chat_with(&server, &dir, &["-m", "m"], Some("  \n"));
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("nothing to send"), "{}", out.stderr);
}

#[test]
fn an_answer_that_ends_with_a_newline_gets_no_second_one() {
    let server = FakeOllama::start(Reply::answer(&["line one\n", "line two\n"]));
    assert_eq!(
        chat(&server, &["-m", "m", "hi"]).stdout,
        "line one\nline two\n"
    );
}

#[test]
fn a_length_cut_gets_a_warning() {
    let server = FakeOllama::start(answer_with_last(&["partial"], "", "length"));
    let out = chat(&server, &["-m", "m", "hi"]);
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), "partial\n"));
    assert!(
        out.stderr.contains("cut at the token limit"),
        "{}",
        out.stderr
    );
}

#[test]
fn no_stream_asks_for_one_object() {
    let server = FakeOllama::start(answer_with_last(&["whole", " answer"], "", "stop"));
    let out = chat(&server, &["-m", "m", "--no-stream", "hi"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "whole answer\n"),
        "{}",
        out.stderr
    );
    assert_eq!(server.last_chat()["stream"], false);
}

#[test]
fn json_prints_the_servers_objects_as_ndjson() {
    let server = FakeOllama::start(Reply::answer(&["a", "b"]));
    let out = chat(&server, &["-m", "m", "--json", "hi"]);
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["message"]["content"], "a");
    assert_eq!(lines[2]["done"], true);
    assert_eq!(lines[2]["eval_count"], 12);
}

#[test]
fn stats_go_to_stderr_from_the_final_chunks_counters() {
    let server = FakeOllama::start(Reply::answer(&["ok"]));
    let out = chat(&server, &["-m", "m", "--stats", "hi"]);
    assert_eq!(out.stdout, "ok\n");
    for needle in [
        "prompt tokens:  26",
        "answer tokens:  12",
        "10.00 tokens/s",
        "load time:      0.500 s",
        "total time:     2.500 s",
    ] {
        assert!(out.stderr.contains(needle), "{needle}: {}", out.stderr);
    }
}

#[test]
fn system_options_format_keep_alive_and_think_are_sent() {
    let server = FakeOllama::start(Reply::answer(&["{}"]));
    let dir = TestDir::new();
    dir.write(
        "schema.json",
        r#"{"type":"object","properties":{"n":{"type":"integer"}}}"#,
    );
    let args = [
        "-m",
        "m",
        "-s",
        "be brief",
        "-o",
        "temperature=0",
        "-o",
        "num_ctx=8192",
        "-o",
        "stop=[\"END\"]",
        "--format",
        "schema.json",
        "--keep-alive",
        "5m",
        "--think",
        "hi",
    ];
    let out = chat_with(&server, &dir, &args, None);
    out.assert_success();
    let body = server.last_chat();
    assert_eq!(
        body["messages"],
        json!([{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}])
    );
    assert_eq!(
        body["options"],
        json!({"temperature": 0, "num_ctx": 8192, "stop": ["END"]})
    );
    assert_eq!(body["format"]["properties"]["n"]["type"], "integer");
    assert_eq!(body["keep_alive"], "5m");
    assert_eq!(body["think"], true);
    chat_with(
        &server,
        &dir,
        &["-m", "m", "--format", "json", "--keep-alive", "0", "hi"],
        None,
    );
    assert_eq!(server.last_chat()["format"], "json");
    assert_eq!(server.last_chat()["keep_alive"], 0);
}

#[test]
fn thinking_goes_to_stderr_and_no_escape_codes_reach_a_pipe() {
    let server = FakeOllama::start(Reply::Thinking {
        thinking: vec!["hmm, ".into(), "let me see".into()],
        pieces: vec!["42".into()],
    });
    let out = chat(&server, &["-m", "m", "--think", "answer?"]);
    assert_eq!(out.stdout, "42\n");
    assert!(out.stderr.contains("hmm, let me see"), "{}", out.stderr);
    assert!(!out.stderr.contains('\x1b') && !out.stdout.contains('\x1b'));
}

#[test]
fn configuration_flags_then_environment_then_dot_env_then_defaults() {
    let server = FakeOllama::start(Reply::Echo);
    let other = FakeOllama::start(Reply::Echo);
    let dir = TestDir::new();
    dir.write(
        ".env",
        format!(
            "OLLAMA_API_URL={}/api/chat\nOLLAMA_MODEL=from-dotenv\n",
            server.url()
        ),
    );
    let run = |args: &[&str], env: &[(&str, String)]| {
        let mut cmd = dir.command("ollama-chat");
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run_command(&mut cmd, None)
    };
    assert_eq!(run(&["hi"], &[]).code, Some(0));
    assert_eq!(server.last_chat()["model"], "from-dotenv");
    run(&["hi"], &[("OLLAMA_MODEL", "from-env".into())]);
    assert_eq!(server.last_chat()["model"], "from-env");
    run(
        &["-m", "from-flag", "hi"],
        &[("OLLAMA_MODEL", "from-env".into())],
    );
    assert_eq!(server.last_chat()["model"], "from-flag");
    // OLLAMA_HOST in the environment beats .env's OLLAMA_API_URL; quotes and spaces stripped.
    let out = run(
        &["hi"],
        &[("OLLAMA_HOST", format!(" \"127.0.0.1:{}\" ", other.port))],
    );
    out.assert_success();
    assert_eq!(other.requests().len(), 1);
    run(&["--host", &format!(":{}", other.port), "hi"], &[]);
    assert_eq!(other.requests().len(), 2, "--host :PORT means loopback");
    run(&["--url", &format!("{}/api/", other.url()), "hi"], &[]);
    assert_eq!(other.requests().len(), 3, "a trailing /api/ is tolerated");
    dir.write(
        "other.env",
        format!(
            "OLLAMA_HOST=http://127.0.0.1:{}\nOLLAMA_MODEL=o\n",
            other.port
        ),
    );
    run(&["--env-file", "other.env", "hi"], &[]);
    assert_eq!(other.last_chat()["model"], "o");
    let out = run(&["--env-file", "missing.env", "hi"], &[]);
    assert_eq!(
        out.code,
        Some(2),
        "an --env-file that is missing is an error"
    );
}

#[test]
fn no_model_lists_the_installed_ones() {
    let server = FakeOllama::start(Reply::Echo);
    let out = chat(&server, &["hi"]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("no model configured")
            && out.stderr.contains("llama3.1:latest, qwen3:8b"),
        "{}",
        out.stderr
    );
    assert!(
        server.requests().iter().all(|r| r.method == "GET"),
        "no chat was sent"
    );
}

#[test]
fn list_shows_name_size_and_date_or_raw_json() {
    let server = FakeOllama::start(Reply::Echo);
    let out = chat(&server, &["--list"]);
    out.assert_success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("llama3.1:latest")
            && lines[0].contains("4.9 GB")
            && lines[0].ends_with("2026-10-01"),
        "{}",
        lines[0]
    );
    let raw: Value = serde_json::from_str(&chat(&server, &["--list", "--json"]).stdout)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(raw["models"][1]["name"], "qwen3:8b");
}

#[test]
fn history_carries_a_conversation_across_invocations() {
    let server = FakeOllama::start(Reply::Echo);
    let dir = TestDir::new();
    let out = chat_with(
        &server,
        &dir,
        &["-m", "m", "--history", "chat.json", "first"],
        None,
    );
    assert_eq!(out.stdout, "echo: first\n");
    chat_with(
        &server,
        &dir,
        &["-m", "m", "--history", "chat.json", "second"],
        None,
    );
    assert_eq!(
        server.last_chat()["messages"],
        json!([{"role": "user", "content": "first"}, {"role": "assistant", "content": "echo: first"}, {"role": "user", "content": "second"}])
    );
    let saved: Value =
        serde_json::from_slice(&dir.read("chat.json")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(saved.as_array().map(Vec::len), Some(4));
    assert_eq!(
        saved[3],
        json!({"role": "assistant", "content": "echo: second"})
    );
    // A failed turn saves nothing.
    server.set_reply(Reply::CutOff {
        pieces: vec!["par".into()],
    });
    let out = chat_with(
        &server,
        &dir,
        &["-m", "m", "--history", "chat.json", "third"],
        None,
    );
    assert_eq!(out.code, Some(5));
    assert_eq!(
        serde_json::from_slice::<Value>(&dir.read("chat.json")).ok(),
        Some(saved)
    );
}

#[test]
fn a_malformed_or_unreadable_history_is_an_error_and_left_untouched() {
    let server = FakeOllama::start(Reply::Echo);
    let dir = TestDir::new();
    dir.write("bad.json", "[{\"role\": \"user\"}]");
    let out = chat_with(
        &server,
        &dir,
        &["-m", "m", "--history", "bad.json", "hi"],
        None,
    );
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr
            .contains("bad.json: message 1 has no role or content"),
        "{}",
        out.stderr
    );
    assert_eq!(dir.read("bad.json"), b"[{\"role\": \"user\"}]");
    std::fs::create_dir(dir.path().join("adir")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        chat_with(&server, &dir, &["-m", "m", "--history", "adir", "hi"], None).code,
        Some(2)
    );
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[test]
fn a_bad_option_is_a_usage_error() {
    let server = FakeOllama::start(Reply::Echo);
    for opt in ["temperature=warm", "num_ctx=1.5", "novalue"] {
        let out = chat(&server, &["-m", "m", "-o", opt, "hi"]);
        assert_eq!(out.code, Some(2), "{opt}");
        assert!(out.stderr.starts_with("ollama-chat: -o "), "{}", out.stderr);
    }
}

mod errors {
    use super::*;
    use pretty_assertions::assert_eq;

    fn status(code: u16, body: &str, content_type: &str) -> Reply {
        Reply::Status {
            code,
            body: body.into(),
            content_type: content_type.into(),
        }
    }

    #[test]
    fn unreachable_server_names_the_url_and_suggests_ollama_serve() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .map(|l| l.local_addr().map(|a| a.port()))
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or(1);
        let out = run_command(
            TestDir::new().command("ollama-chat").args([
                "--host",
                &format!("127.0.0.1:{port}"),
                "-m",
                "m",
                "hi",
            ]),
            None,
        );
        assert_eq!(out.code, Some(3));
        assert_eq!(out.stderr, format!("ollama-chat: cannot connect to http://127.0.0.1:{port}: connection refused (is the server running? try: ollama serve)\n"));
        assert_eq!(out.stdout, "");
    }

    #[test]
    fn a_name_that_does_not_resolve() {
        let out = run_command(
            TestDir::new().command("ollama-chat").args([
                "--host",
                "no-such-host.invalid",
                "-m",
                "m",
                "hi",
            ]),
            None,
        );
        assert_eq!(out.code, Some(3));
        assert!(out.stderr.contains("does not resolve"), "{}", out.stderr);
    }

    #[test]
    fn no_first_byte_within_the_timeout() {
        let server = FakeOllama::start(Reply::SlowStart {
            pause: Duration::from_secs(4),
        });
        let out = chat(&server, &["-m", "m", "--timeout", "1", "hi"]);
        assert_eq!(out.code, Some(4), "{}", out.stderr);
        assert!(out.stderr.contains("raise --timeout"), "{}", out.stderr);
    }

    #[test]
    fn a_stream_that_stalls_mid_answer() {
        let server = FakeOllama::start(Reply::Stall {
            pieces: vec!["so far".into()],
            pause: Duration::from_secs(4),
        });
        let out = chat(&server, &["-m", "m", "--timeout", "1", "hi"]);
        assert_eq!(out.code, Some(4), "{}", out.stderr);
        assert_eq!(out.stdout, "so far\n", "the partial answer stays");
        assert!(out.stderr.contains("stalled"), "{}", out.stderr);
    }

    #[test]
    fn unknown_model_suggests_ollama_pull() {
        let server = FakeOllama::start(status(
            404,
            r#"{"error":"model \"nope\" not found, try pulling it first"}"#,
            "application/json",
        ));
        let out = chat(&server, &["-m", "nope", "hi"]);
        assert_eq!(out.code, Some(6));
        assert_eq!(
            out.stderr,
            "ollama-chat: model \"nope\" not found, try pulling it first (run: ollama pull nope)\n"
        );
    }

    #[test]
    fn a_plain_text_404_means_a_wrong_url() {
        let server = FakeOllama::start(Reply::Echo);
        let url = format!("{}/v2/chat", server.url());
        let out = run_command(
            TestDir::new()
                .command("ollama-chat")
                .args(["--url", &url, "-m", "m", "hi"]),
            None,
        );
        assert_eq!(out.code, Some(1));
        assert!(
            out.stderr.contains("HTTP 404")
                && out.stderr.contains("404 page not found")
                && out.stderr.contains("wrong URL"),
            "{}",
            out.stderr
        );
    }

    #[test]
    fn bad_requests_and_server_errors_show_the_servers_words() {
        for (code, text, hint) in [
            (400, "model is required", ""),
            (400, "\\\"m\\\" does not support thinking", "drop --think"),
            (400, "\\\"m\\\" does not support chat", ""),
            (500, "an error was encountered while running the model", ""),
            (
                503,
                "server busy, please try again.  maximum pending requests exceeded",
                "server busy (HTTP 503)",
            ),
        ] {
            let server = FakeOllama::start(status(
                code,
                &format!("{{\"error\":\"{text}\"}}"),
                "application/json",
            ));
            let out = chat(&server, &["-m", "m", "hi"]);
            assert_eq!(out.code, Some(1), "{code} {text}");
            assert!(
                out.stderr.contains(&text.replace("\\\"", "\"")),
                "{}",
                out.stderr
            );
            assert!(out.stderr.contains(hint), "{}", out.stderr);
            assert_eq!(out.stderr.lines().count(), 1);
        }
    }

    #[test]
    fn an_error_line_after_some_chunks_keeps_the_partial_answer() {
        let server = FakeOllama::start(Reply::ErrorAfter {
            pieces: vec!["Once upon".into()],
            error: "an error was encountered while running the model".into(),
        });
        let out = chat(&server, &["-m", "m", "hi"]);
        assert_eq!((out.code, out.stdout.as_str()), (Some(1), "Once upon\n"));
        assert_eq!(
            out.stderr,
            "ollama-chat: server error: an error was encountered while running the model\n"
        );
    }

    #[test]
    fn a_malformed_line_is_a_protocol_error() {
        let server = FakeOllama::start(Reply::Malformed {
            pieces: vec!["ok".into()],
        });
        let out = chat(&server, &["-m", "m", "hi"]);
        assert_eq!(out.code, Some(5));
        assert!(
            out.stderr.contains("line 2 of the reply is not JSON"),
            "{}",
            out.stderr
        );
    }

    #[test]
    fn a_reply_that_is_not_ndjson_is_named() {
        let server = FakeOllama::start(Reply::Raw {
            content_type: "application/json".into(),
            body: r#"{"id":"x","object":"chat.completion","choices":[]}"#.into(),
        });
        let out = chat(&server, &["-m", "m", "hi"]);
        assert_eq!(out.code, Some(5));
        assert!(
            out.stderr
                .contains("OpenAI-style reply to an Ollama endpoint"),
            "{}",
            out.stderr
        );
        server.set_reply(Reply::Raw {
            content_type: "text/event-stream".into(),
            body: "data: {}\n\n".into(),
        });
        let out = chat(&server, &["-m", "m", "hi"]);
        assert_eq!(out.code, Some(5));
        assert!(out.stderr.contains("SSE stream"), "{}", out.stderr);
    }

    #[test]
    fn a_stream_cut_off_or_reset_keeps_the_partial_answer_and_says_so() {
        let server = FakeOllama::start(Reply::CutOff {
            pieces: vec!["half an".into(), " answer".into()],
        });
        let out = chat(&server, &["-m", "m", "hi"]);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (Some(5), "half an answer\n")
        );
        assert!(out.stderr.contains("cut off"), "{}", out.stderr);
        server.set_reply(Reply::Reset {
            pieces: vec!["half".into()],
        });
        let out = chat(&server, &["-m", "m", "hi"]);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (Some(5), "half\n"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("cut off"), "{}", out.stderr);
    }
}

mod openai {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn the_openai_route_streams_sse_with_the_bearer_key() {
        let server = FakeOllama::start(answer_with_last(&["Hello", " there"], "!", "stop"));
        let url = format!("{}/v1/chat/completions", server.url());
        let out = run_command(
            TestDir::new()
                .command("ollama-chat")
                .args(["--url", &url, "-m", "gpt", "--stats", "hi"])
                .env("OPENAI_API_KEY", "sk-test"),
            None,
        );
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (Some(0), "Hello there!\n"),
            "{}",
            out.stderr
        );
        let req = &server.requests()[0];
        assert_eq!(req.path, "/v1/chat/completions");
        assert_eq!(req.header("authorization"), Some("Bearer sk-test"));
        assert_eq!(req.body["stream"], true);
        assert!(out.stderr.contains("prompt tokens:  26"), "{}", out.stderr);
        let out = run_command(
            TestDir::new().command("ollama-chat").args([
                "--url",
                &url,
                "-m",
                "gpt",
                "--no-stream",
                "hi",
            ]),
            None,
        );
        assert_eq!(out.stdout, "Hello there!\n");
        assert_eq!(
            server.requests()[1].header("authorization"),
            None,
            "no key, no header"
        );
    }

    #[test]
    fn api_openai_with_a_base_url_and_a_mid_stream_error() {
        let server = FakeOllama::start(Reply::ErrorAfter {
            pieces: vec!["par".into()],
            error: "context overflow".into(),
        });
        let url = format!("{}/v1", server.url());
        let out = run_command(
            TestDir::new()
                .command("ollama-chat")
                .args(["--url", &url, "-m", "gpt", "hi"]),
            None,
        );
        assert_eq!((out.code, out.stdout.as_str()), (Some(1), "par\n"));
        assert!(out.stderr.contains("context overflow"), "{}", out.stderr);
        let out = chat(&server, &["--api", "openai", "--list"]);
        assert!(out.stdout.contains("qwen3:8b"), "{}", out.stdout);
    }
}

mod repl {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn a_scripted_session_through_dash_i() {
        let server = FakeOllama::start(Reply::Echo);
        let dir = TestDir::new();
        let script = "hello\n/system be brief\nsecond\n/model qwen3\n\"\"\"\nmulti\nline\n\"\"\"\n/save conv.json\nBYE\nnot sent\n";
        let out = chat_with(&server, &dir, &["-m", "llama3.1", "-i"], Some(script));
        out.assert_success();
        assert_eq!(out.stdout, "echo: hello\necho: second\necho: multi\nline\n");
        // Lines from a pipe: no prompt chrome anywhere (a terminal session shows `>>> `).
        assert!(
            !out.stderr.contains(">>>") && !out.stdout.contains(">>>"),
            "{}",
            out.stderr
        );
        let chats: Vec<Value> = server
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .map(|r| r.body)
            .collect();
        assert_eq!(chats.len(), 3);
        assert_eq!(
            chats[1]["messages"],
            json!([
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "hello"}, {"role": "assistant", "content": "echo: hello"},
            {"role": "user", "content": "second"}])
        );
        assert_eq!(
            (chats[1]["model"].as_str(), chats[2]["model"].as_str()),
            (Some("llama3.1"), Some("qwen3"))
        );
        let saved: Value =
            serde_json::from_slice(&dir.read("conv.json")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(saved.as_array().map(Vec::len), Some(7));
    }

    #[test]
    fn a_failed_turn_leaves_no_dangling_message_and_clear_and_load_work() {
        let server = FakeOllama::start(Reply::Echo);
        let dir = TestDir::new();
        dir.write(
            "old.json",
            r#"[{"role":"user","content":"old q"},{"role":"assistant","content":"old a"}]"#,
        );
        let script = "one\nplease fail\ntwo\n/clear\nthree\n/load old.json\nfour\n/unknown\nexit\n";
        let out = chat_with(&server, &dir, &["-m", "m", "-i"], Some(script));
        // The session goes on after a failed turn, and its exit status says one failed.
        out.assert_code(1);
        assert!(
            out.stderr.contains("an error was encountered"),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.ends_with("ollama-chat: 1 of 5 turns failed\n"),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("Unknown command /unknown"),
            "{}",
            out.stderr
        );
        let chats: Vec<Value> = server.requests().into_iter().map(|r| r.body).collect();
        let contents = |i: usize| -> Vec<String> {
            chats[i]["messages"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| m["content"].as_str().unwrap_or("").to_string())
                .collect()
        };
        assert_eq!(
            contents(2),
            ["one", "echo: one", "two"],
            "the failed question is gone"
        );
        assert_eq!(contents(3), ["three"], "/clear");
        assert_eq!(contents(4), ["old q", "old a", "four"], "/load");
    }

    /// The REPL at a real terminal: prompt, answer, recall with the up arrow, Ctrl-C.
    #[test]
    fn at_a_terminal_with_line_editing_and_ctrl_c() {
        use rexpect::session::spawn_command;
        let server = FakeOllama::start(Reply::Echo);
        let dir = TestDir::new();
        let mut cmd = dir.command("ollama-chat");
        cmd.args(["--url", &server.url(), "-m", "m"]);
        let mut p = spawn_command(cmd, Some(15_000)).unwrap_or_else(|e| panic!("{e}"));
        p.exp_string(">>> ").unwrap_or_else(|e| panic!("{e}"));
        p.send_line("first question")
            .unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("echo: first question")
            .unwrap_or_else(|e| panic!("{e}"));
        p.exp_string(">>> ").unwrap_or_else(|e| panic!("{e}"));
        // Up arrow recalls the earlier input; Enter sends it again.
        p.send("\x1b[A").unwrap_or_else(|e| panic!("{e}"));
        p.flush().unwrap_or_else(|e| panic!("{e}"));
        std::thread::sleep(Duration::from_millis(200));
        p.send("\r").unwrap_or_else(|e| panic!("{e}"));
        p.flush().unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("echo: first question")
            .unwrap_or_else(|e| panic!("{e}"));
        p.exp_string(">>> ").unwrap_or_else(|e| panic!("{e}"));
        let sent: Vec<String> = server
            .requests()
            .iter()
            .map(|r| {
                r.body["messages"]
                    .as_array()
                    .and_then(|m| m.last())
                    .map(|m| m["content"].to_string())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(sent, ["\"first question\"", "\"first question\""]);
        // Ctrl-C while an answer streams stops it and keeps it out of the history.
        server.set_reply(Reply::Answer {
            pieces: (0..40).map(|i| format!("w{i} ")).collect(),
            last: String::new(),
            done_reason: "stop".into(),
            delay: Duration::from_millis(100),
        });
        p.send_line("long one").unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("w1 ").unwrap_or_else(|e| panic!("{e}"));
        p.send_control('c').unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("(stopped)").unwrap_or_else(|e| panic!("{e}"));
        p.exp_string(">>> ").unwrap_or_else(|e| panic!("{e}"));
        // Ctrl-C at the prompt says how to leave.
        p.send_control('c').unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("Use Ctrl-D or /bye to leave.")
            .unwrap_or_else(|e| panic!("{e}"));
        server.set_reply(Reply::Echo);
        p.send_line("after").unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("echo: after")
            .unwrap_or_else(|e| panic!("{e}"));
        let last = server.last_chat();
        let contents: Vec<&str> = last["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["content"].as_str())
            .collect();
        assert_eq!(
            contents,
            [
                "first question",
                "echo: first question",
                "first question",
                "echo: first question",
                "after"
            ]
        );
        p.send_line("/bye").unwrap_or_else(|e| panic!("{e}"));
        p.exp_eof().unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn ctrl_c_in_single_shot_mode_exits_130() {
        let server = FakeOllama::start(Reply::Answer {
            pieces: (0..50).map(|i| format!("w{i} ")).collect(),
            last: String::new(),
            done_reason: "stop".into(),
            delay: Duration::from_millis(100),
        });
        let dir = TestDir::new();
        let mut cmd = dir.command("ollama-chat");
        cmd.args(["--url", &server.url(), "-m", "m", "hi"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let child = cmd.spawn().unwrap_or_else(|e| panic!("{e}"));
        std::thread::sleep(Duration::from_millis(700));
        let _ = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(130));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.starts_with("w0 ") && stdout.ends_with('\n') && !stdout.contains("w49"),
            "{stdout}"
        );
    }
}

mod context_guard {
    use super::*;
    use e2e::fake_ollama::Window;
    use pretty_assertions::assert_eq;

    /// A server whose model has num_ctx 2048 in its Modelfile and takes at most 8192 tokens.
    fn server() -> FakeOllama {
        let server = FakeOllama::start(Reply::answer(&["ok"]));
        server.set_window(Window {
            num_ctx: 2048,
            context_length: 8192,
        });
        server
    }

    fn paths(server: &FakeOllama) -> Vec<String> {
        server.requests().into_iter().map(|r| r.path).collect()
    }

    #[test]
    fn a_prompt_the_server_cut_is_told_with_the_numbers_and_the_fix() {
        let server = server();
        let long = "word ".repeat(4000); // 20000 characters: about 5004 tokens
        let out = chat_with(&server, &TestDir::new(), &["-m", "m"], Some(&long));
        out.assert_output(
            0,
            "ok\n",
            "ollama-chat: warning: the prompt did not fit the context: about 5004 tokens sent, \
             the server read 2048 (num_ctx 2048); the answer is about a cut text. try -o \
             num_ctx=8192 or --fit-context\n",
        );
        assert_eq!(paths(&server), ["/api/show", "/api/chat"]);
    }

    #[test]
    fn fit_context_raises_num_ctx_up_to_the_models_maximum() {
        let server = server();
        let long = "word ".repeat(4000);
        let out = chat_with(
            &server,
            &TestDir::new(),
            &["-m", "m", "--fit-context"],
            Some(&long),
        );
        out.assert_output(
            0,
            "ok\n",
            "ollama-chat: num_ctx raised to 8192 for this call (the prompt is about 5004 tokens)\n",
        );
        assert_eq!(server.last_chat()["options"]["num_ctx"], 8192);
        // Longer than the model takes: raised to its maximum, and told it will be cut.
        let longer = "word ".repeat(8000);
        let out = chat_with(
            &server,
            &TestDir::new(),
            &["-m", "m", "--fit-context"],
            Some(&longer),
        );
        out.assert_output(
            0,
            "ok\n",
            "ollama-chat: num_ctx raised to 8192 for this call (the prompt is about 10004 tokens)\n\
             ollama-chat: warning: the prompt (about 10004 tokens) is longer than the model's \
             context (8192 tokens): it will be cut; send less\n",
        );
    }

    #[test]
    fn short_prompts_and_the_openai_route_cost_no_extra_request() {
        let server = server();
        chat(&server, &["-m", "m", "hi"]).assert_output(0, "ok\n", "");
        let url = format!("{}/v1/chat/completions", server.url());
        let long = "word ".repeat(4000);
        let out = run_command(
            TestDir::new()
                .command("ollama-chat")
                .args(["--url", &url, "-m", "m", "--fit-context"]),
            Some(long.as_bytes()),
        );
        out.assert_output(0, "ok\n", "");
        assert_eq!(paths(&server), ["/api/chat", "/v1/chat/completions"]);
    }

    #[test]
    fn a_server_without_api_show_is_not_guarded_and_not_an_error() {
        let server = FakeOllama::start(Reply::answer(&["ok"]));
        let long = "word ".repeat(4000);
        let out = chat_with(
            &server,
            &TestDir::new(),
            &["-m", "m", "--fit-context"],
            Some(&long),
        );
        out.assert_output(0, "ok\n", "");
        assert_eq!(paths(&server), ["/api/show", "/api/chat"]);
    }
}

mod pull {
    use super::*;
    use pretty_assertions::assert_eq;

    fn paths(server: &FakeOllama) -> Vec<String> {
        server.requests().into_iter().map(|r| r.path).collect()
    }

    #[test]
    fn pull_fetches_a_missing_model_with_plain_progress_in_a_pipe_then_answers() {
        let server = FakeOllama::start(Reply::answer(&["ok"]));
        server.set_missing(&["m2"]);
        let out = chat(&server, &["-m", "m2", "--pull", "hi"]);
        let layer = "ollama-chat: pulling 6a0746a1ec1a";
        let mut said = vec![
            "ollama-chat: m2 is not installed: pulling it (--pull)".to_string(),
            "ollama-chat: pulling manifest".to_string(),
        ];
        said.extend((0..=5).map(|f| format!("{layer}: {}% of 4.0 GB", f * 20)));
        for s in ["verifying sha256 digest", "writing manifest", "success"] {
            said.push(format!("ollama-chat: {s}"));
        }
        out.assert_output(0, "ok\n", &(said.join("\n") + "\n"));
        assert!(!out.stderr.contains('\r') && !out.stderr.contains('\x1b'));
        assert_eq!(paths(&server), ["/api/chat", "/api/pull", "/api/chat"]);
        assert_eq!(
            server.requests()[1].body,
            json!({"model": "m2", "stream": true})
        );
    }

    #[test]
    fn without_pull_a_missing_model_is_exit_6_and_a_failed_pull_is_exit_1() {
        let server = FakeOllama::start(Reply::answer(&["ok"]));
        server.set_missing(&["m2", "absent"]);
        let out = chat(&server, &["-m", "m2", "hi"]);
        out.assert_output(
            6,
            "",
            "ollama-chat: model 'm2' not found (run: ollama pull m2)\n",
        );
        let out = chat(&server, &["-m", "absent", "--pull", "hi"]);
        out.assert_output(
            1,
            "",
            "ollama-chat: absent is not installed: pulling it (--pull)\n\
             ollama-chat: pulling manifest\n\
             ollama-chat: the pull failed: pull model manifest: file does not exist\n",
        );
        assert_eq!(paths(&server), ["/api/chat", "/api/chat", "/api/pull"]);
    }

    #[test]
    fn in_the_repl_a_missing_model_is_pulled_by_the_turn_that_needs_it() {
        let server = FakeOllama::start(Reply::Echo);
        server.set_missing(&["m2"]);
        let out = chat_with(
            &server,
            &TestDir::new(),
            &["-m", "m1", "--pull", "-i"],
            Some("a\n/model m2\nb\n"),
        );
        out.assert_success();
        assert_eq!(out.stdout, "echo: a\necho: b\n");
        assert!(
            out.stderr
                .contains("m2 is not installed: pulling it (--pull)"),
            "{}",
            out.stderr
        );
        assert_eq!(
            paths(&server),
            ["/api/chat", "/api/chat", "/api/pull", "/api/chat"]
        );
    }

    #[test]
    fn at_a_terminal_the_progress_is_one_live_line() {
        use rexpect::session::spawn_command;
        let server = FakeOllama::start(Reply::answer(&["ok"]));
        server.set_missing(&["m2"]);
        let dir = TestDir::new();
        let mut cmd = dir.command("ollama-chat");
        cmd.args(["--url", &server.url(), "-m", "m2", "--pull", "hi"]);
        let mut p = spawn_command(cmd, Some(15_000)).unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("\r\x1b[2Kpulling 6a0746a1ec1a: 100% of 4.0 GB")
            .unwrap_or_else(|e| panic!("{e}"));
        p.exp_string(" [####################]")
            .unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("\r\x1b[2Ksuccess")
            .unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("ok").unwrap_or_else(|e| panic!("{e}"));
        p.exp_eof().unwrap_or_else(|e| panic!("{e}"));
    }
}

mod templates {
    use super::*;
    use pretty_assertions::assert_eq;

    /// `ollama-chat ARGS` with its templates under `dir/cfg`.
    fn run(server: &FakeOllama, dir: &TestDir, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = dir.command("ollama-chat");
        cmd.env("XDG_CONFIG_HOME", dir.path().join("cfg"))
            .arg("--url")
            .arg(server.url())
            .args(args);
        run_command(&mut cmd, stdin.map(str::as_bytes))
    }

    #[test]
    fn save_list_and_use_a_template_with_flags_overriding_it() {
        let server = FakeOllama::start(Reply::answer(&["ok"]));
        let dir = TestDir::new();
        let save = [
            "--save",
            "review",
            "-s",
            "You review code.",
            "-m",
            "qwen3:8b",
        ];
        let out = run(
            &server,
            &dir,
            &[&save[..], &["-o", "temperature=0"]].concat(),
            None,
        );
        let file = dir.path().join("cfg/ollama-chat/templates/review.json");
        let said = format!("ollama-chat: saved template review to {}\n", file.display());
        out.assert_output(0, "", &said);
        assert!(server.requests().is_empty(), "saving sends nothing");
        let saved: Value =
            serde_json::from_slice(&dir.read("cfg/ollama-chat/templates/review.json"))
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            saved,
            json!({"system": "You review code.", "model": "qwen3:8b", "options": {"temperature": 0}})
        );
        run(&server, &dir, &["--templates"], None).assert_output(
            0,
            "review\tqwen3:8b\tYou review code.\n",
            "",
        );
        run(&server, &dir, &["-t", "review", "hi"], None).assert_output(0, "ok\n", "");
        let sent = server.last_chat();
        assert_eq!(sent["model"], "qwen3:8b");
        assert_eq!(
            sent["messages"][0],
            json!({"role": "system", "content": "You review code."})
        );
        assert_eq!(sent["options"], json!({"temperature": 0}));
        let flags = [
            "-t",
            "review",
            "-m",
            "llama3.1",
            "-o",
            "temperature=0.5",
            "-o",
            "seed=1",
            "hi",
        ];
        run(&server, &dir, &flags, None).assert_success();
        let sent = server.last_chat();
        assert_eq!(sent["model"], "llama3.1");
        assert_eq!(sent["options"], json!({"temperature": 0.5, "seed": 1}));
    }

    #[test]
    fn a_missing_template_a_bad_name_and_a_broken_file_are_usage_errors() {
        let server = FakeOllama::start(Reply::answer(&["ok"]));
        let dir = TestDir::new();
        run(&server, &dir, &["-t", "nope", "hi"], None).assert_output(
            2,
            "",
            "ollama-chat: no template nope (--templates lists them)\n",
        );
        run(&server, &dir, &["--save", "../x", "-s", "s"], None).assert_output(
            2,
            "",
            "ollama-chat: template name \"../x\": use letters, digits, '.', '_' and '-' (at most \
             64, not starting with '.')\n",
        );
        dir.write(
            "cfg/ollama-chat/templates/bad.json",
            "{\"sytem\": \"typo\"}\n",
        );
        let out = run(&server, &dir, &["-t", "bad", "hi"], None);
        out.assert_code(2);
        let file = dir.path().join("cfg/ollama-chat/templates/bad.json");
        assert!(
            out.stderr.starts_with(&format!(
                "ollama-chat: {}: not a template (unknown field `sytem`",
                file.display()
            )),
            "{}",
            out.stderr
        );
        assert!(server.requests().is_empty());
    }

    #[test]
    fn in_the_repl_save_template_and_template_switch_the_session() {
        let server = FakeOllama::start(Reply::Echo);
        let dir = TestDir::new();
        let script =
            "/system be brief\n/model m9\n/save-template brief\n/model other\n/system long\n\
                      /template brief\nhello\n";
        let out = run(
            &server,
            &dir,
            &["-m", "m1", "-o", "seed=3", "-i"],
            Some(script),
        );
        out.assert_success();
        assert!(
            out.stderr.contains("Using template brief (model m9)."),
            "{}",
            out.stderr
        );
        let sent = server.last_chat();
        assert_eq!(sent["model"], "m9");
        assert_eq!(
            sent["messages"][0],
            json!({"role": "system", "content": "be brief"})
        );
        assert_eq!(sent["options"], json!({"seed": 3}));
        let saved: Value =
            serde_json::from_slice(&dir.read("cfg/ollama-chat/templates/brief.json"))
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            saved,
            json!({"system": "be brief", "model": "m9", "options": {"seed": 3}})
        );
    }
}

mod log {
    use super::*;
    use pretty_assertions::assert_eq;
    use std::os::unix::fs::PermissionsExt;

    const LOG: &str = ".data/ollama-chat/log.jsonl";

    fn run(server: &FakeOllama, dir: &TestDir, args: &[&str]) -> Output {
        chat_with(server, dir, args, None)
    }

    fn exchanges(dir: &TestDir) -> Vec<Value> {
        String::from_utf8_lossy(&dir.read(LOG))
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    #[test]
    fn every_exchange_is_logged_privately_and_continued_with_c() {
        let server = FakeOllama::start(Reply::Echo);
        let dir = TestDir::new();
        run(
            &server,
            &dir,
            &["-m", "m1", "-s", "be brief", "-o", "seed=2", "first"],
        )
        .assert_success();
        let mode = |p: &str| {
            let meta = std::fs::metadata(dir.path().join(p)).unwrap_or_else(|e| panic!("{e}"));
            meta.permissions().mode() & 0o777
        };
        assert_eq!((mode(LOG), mode(".data/ollama-chat")), (0o600, 0o700));
        let e = &exchanges(&dir)[0];
        assert_eq!(
            (
                &e["model"],
                &e["system"],
                &e["prompt"],
                &e["answer"],
                &e["options"]
            ),
            (
                &json!("m1"),
                &json!("be brief"),
                &json!("first"),
                &json!("echo: first"),
                &json!({"seed": 2})
            )
        );
        assert_eq!(
            (e["prompt_tokens"].as_u64(), e["answer_tokens"].as_u64()),
            (Some(26), Some(12))
        );
        assert_eq!(e["url"], format!("{}/api/chat", server.url()));
        // -c: the same model, system message and options, and the conversation so far.
        run(&server, &dir, &["-c", "second"]).assert_output(0, "echo: second\n", "");
        let sent = server.last_chat();
        assert_eq!(sent["model"], "m1");
        assert_eq!(sent["options"], json!({"seed": 2}));
        let contents: Vec<&str> = sent["messages"]
            .as_array()
            .map(|m| m.iter().filter_map(|m| m["content"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(contents, ["be brief", "first", "echo: first", "second"]);
        let all = exchanges(&dir);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0]["cid"], all[1]["cid"]);
        // A failed turn is not logged, so -c goes on from the last whole one; -m overrides.
        run(&server, &dir, &["-c", "please fail"]).assert_code(1);
        run(&server, &dir, &["-c", "-m", "m2", "third"]).assert_success();
        let sent = server.last_chat();
        assert_eq!(sent["model"], "m2");
        assert_eq!(sent["messages"].as_array().map(Vec::len), Some(6));
        assert!(!sent.to_string().contains("please fail"));
    }

    #[test]
    fn logs_lists_searches_and_prints_json_and_cid_continues_a_given_one() {
        let server = FakeOllama::start(Reply::Echo);
        let dir = TestDir::new();
        run(&server, &dir, &["-m", "m1", "about apples"]).assert_success();
        run(&server, &dir, &["-m", "m2", "about pears"]).assert_success();
        let out = run(&server, &dir, &["--logs"]);
        out.assert_success();
        let lines: Vec<Vec<&str>> = out
            .stdout
            .lines()
            .map(|l| l.split('\t').collect())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            (lines[0][2], lines[0][3], lines[0][4]),
            ("m1", "1 turns", "about apples")
        );
        assert_eq!((lines[1][2], lines[1][4]), ("m2", "about pears"));
        assert!(
            lines[0][1].ends_with('Z') && lines[0][1].len() == 20,
            "{}",
            lines[0][1]
        );
        let out = run(&server, &dir, &["--logs", "--search", "APPLES"]);
        assert_eq!(out.stdout.lines().count(), 1);
        assert!(out.stdout.contains("about apples"));
        let out = run(&server, &dir, &["--logs", "--json", "--search", "pears"]);
        let e: Value = serde_json::from_str(out.stdout.trim()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e["answer"], "echo: about pears");
        let apples = lines[0][0];
        run(&server, &dir, &["--cid", apples, "more"]).assert_success();
        assert_eq!(server.last_chat()["model"], "m1");
        assert_eq!(exchanges(&dir)[2]["cid"], apples);
        run(&server, &dir, &["--cid", "nope", "x"]).assert_output(
            2,
            "",
            "ollama-chat: no conversation nope in the log (--logs lists them)\n",
        );
    }

    #[test]
    fn sixteen_concurrent_runs_keep_sixteen_whole_exchanges_and_a_cut_line_is_repaired() {
        let server = FakeOllama::start(Reply::Echo);
        let dir = TestDir::new();
        run(&server, &dir, &["-m", "m", "zero"]).assert_success();
        // A run killed mid-write left half a line.
        let path = dir.path().join(LOG);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("{e}"));
        std::io::Write::write_all(&mut f, b"{\"cid\":\"half").unwrap_or_else(|e| panic!("{e}"));
        let children: Vec<_> = (0..16)
            .map(|i| {
                let mut cmd = dir.command("ollama-chat");
                cmd.args(["--url", &server.url(), "-m", "m", &format!("q{i}")]);
                cmd.stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        for mut c in children {
            assert!(c.wait().map(|s| s.success()).unwrap_or(false));
        }
        let text = String::from_utf8_lossy(&dir.read(LOG)).into_owned();
        let whole: Vec<Value> = text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        assert_eq!(whole.len(), 17, "{text}");
        assert_eq!(text.lines().count(), 18, "only the cut line is not whole");
        let mut prompts: Vec<String> = whole[1..].iter().map(|e| e["prompt"].to_string()).collect();
        prompts.sort();
        prompts.dedup();
        assert_eq!(prompts.len(), 16);
        assert_eq!(run(&server, &dir, &["--logs"]).stdout.lines().count(), 17);
    }

    #[test]
    fn a_repl_session_is_one_conversation_and_c_continues_it_in_the_repl() {
        let server = FakeOllama::start(Reply::Echo);
        let dir = TestDir::new();
        chat_with(&server, &dir, &["-m", "m", "-i"], Some("one\ntwo\n")).assert_success();
        let all = exchanges(&dir);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0]["cid"], all[1]["cid"]);
        assert_eq!(
            (&all[1]["prompt"], &all[1]["answer"]),
            (&json!("two"), &json!("echo: two"))
        );
        chat_with(&server, &dir, &["-c", "-i"], Some("three\n")).assert_success();
        let sent = server.last_chat();
        assert_eq!(sent["messages"].as_array().map(Vec::len), Some(5));
        assert_eq!(exchanges(&dir)[2]["cid"], all[0]["cid"]);
    }

    #[test]
    fn no_log_and_ollama_chat_no_log_keep_nothing() {
        let server = FakeOllama::start(Reply::Echo);
        let dir = TestDir::new();
        run(&server, &dir, &["-m", "m", "--no-log", "hi"]).assert_success();
        let mut cmd = dir.command("ollama-chat");
        cmd.env("OLLAMA_CHAT_NO_LOG", "1")
            .args(["--url", &server.url(), "-m", "m", "hi"]);
        run_command(&mut cmd, None).assert_success();
        assert!(!dir.path().join(LOG).exists());
        run(&server, &dir, &["-c", "x"]).assert_output(
            2,
            "",
            "ollama-chat: the log holds no conversation to continue\n",
        );
    }
}

#[test]
fn a_huge_answer_is_logged_cut_at_one_mib_and_marked_cut() {
    let server = FakeOllama::start(Reply::Huge {
        total: 3 << 20,
        piece: 64 << 10,
    });
    let dir = TestDir::new();
    let out = chat_with(&server, &dir, &["-m", "m", "go"], None);
    out.assert_success();
    assert_eq!(out.stdout_bytes.len(), 3 << 20);
    let log = dir.read(".data/ollama-chat/log.jsonl");
    let e: Value = serde_json::from_slice(&log).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e["answer"].as_str().map(str::len), Some(1 << 20));
    assert_eq!(e["answer_cut"], true);
}

#[test]
fn in_the_repl_api_show_is_asked_once_per_model() {
    let server = FakeOllama::start(Reply::Echo);
    server.set_window(e2e::fake_ollama::Window {
        num_ctx: 8192,
        context_length: 8192,
    });
    let long = "word ".repeat(2000);
    let script = format!("{long}\nmore\n/model m2\nagain\n");
    let out = chat_with(&server, &TestDir::new(), &["-m", "m1", "-i"], Some(&script));
    out.assert_success();
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/api/show",
            "/api/chat",
            "/api/chat",
            "/api/show",
            "/api/chat"
        ]
    );
}
