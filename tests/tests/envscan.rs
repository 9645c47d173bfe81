//! envscan as a user meets it: secret values of `.env` planted in every form a file gives
//! them (as is, JSON-escaped in a notebook, URL-encoded, base64 at each alignment, inside a
//! binary file), in staged-only and history-only versions, the pre-commit hook blocking a
//! commit, and `--redact` on a stream written in parts with delays and on random bytes.

use base64::Engine;
use e2e::{run_command, Output, TestDir};
use pretty_assertions::assert_eq;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

const TOKEN: &str = "ghp_s3cret/Value+42\"x";
const OTHER: &str = "another-long-secret";

/// A git repository with a `.env` holding two secrets and a short one.
fn repo() -> TestDir {
    let dir = TestDir::new();
    git(&dir, &["init", "-q"]);
    git(&dir, &["config", "user.email", "t@example.com"]);
    git(&dir, &["config", "user.name", "t"]);
    dir.write(
        ".env",
        format!("GITHUB_TOKEN='{TOKEN}'\nAPI_KEY={OTHER}\nDB_PASSWORD=pw-1234\nMODEL=llama3.1-long-name\n"),
    );
    dir.write(".gitignore", ".env\n.env.lock\nignored/\n");
    dir
}

fn git(dir: &TestDir, args: &[&str]) -> Output {
    let out = run_command(Command::new("git").args(args).current_dir(dir.path()), None);
    out.assert_success();
    out
}

fn scan(dir: &TestDir, args: &[&str]) -> Output {
    dir.run("envscan", args)
}

/// The findings' lines, sorted.
fn lines(out: &Output) -> Vec<String> {
    let mut l: Vec<String> = out.stdout.lines().map(str::to_string).collect();
    l.sort();
    l
}

#[test]
fn every_form_in_text_notebooks_and_binary_files_is_found_and_named_without_the_value() {
    let dir = repo();
    let json = serde_json::to_string(TOKEN).unwrap_or_default();
    let b64 = |prefix: &str, engine: &base64::engine::GeneralPurpose| {
        engine.encode(format!("{prefix}{TOKEN}"))
    };
    let std = base64::engine::general_purpose::STANDARD;
    let url = base64::engine::general_purpose::URL_SAFE;
    dir.write(
        "plain.txt",
        format!("a\nb {TOKEN} and {OTHER} on one line\n"),
    );
    dir.write(
        "db.txt",
        "postgres://u:ghp_s3cret%2FValue%2B42%22x@h/db\nlower ghp_s3cret%2fValue%2b42%22x\n",
    );
    dir.write(
        "auth.log",
        format!(
            "{}\n{}\n{}\n{}\n",
            b64("", &std),
            b64("u:", &std),
            b64("us:", &url),
            b64("ann:", &std)
        ),
    );
    let notebook = format!(
        r#"{{"cells": [{{"cell_type": "code", "source": ["print(1)"], "outputs": []}},
            {{"cell_type": "code", "source": ["import os"], "outputs": [{{"output_type": "stream", "text": ["{}\n"]}}]}}],
          "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}}"#,
        json.trim_matches('"')
    );
    dir.write("nb.ipynb", notebook);
    let mut binary = vec![0u8, 159, 146, 150, 255];
    binary.extend_from_slice(OTHER.as_bytes());
    binary.extend_from_slice(&[0, 1, 2]);
    dir.write("blob.bin", binary);
    let out = scan(&dir, &[]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    // A URL-safe text that holds neither - nor _ is the standard one, and is named so.
    let mut found = lines(&out);
    if found[2] == "auth.log:3: GITHUB_TOKEN (base64)" {
        found[2] = "auth.log:3: GITHUB_TOKEN (base64 (URL-safe))".into();
    }
    assert_eq!(
        found,
        [
            "auth.log:1: GITHUB_TOKEN (base64)",
            "auth.log:2: GITHUB_TOKEN (base64)",
            "auth.log:3: GITHUB_TOKEN (base64 (URL-safe))",
            "auth.log:4: GITHUB_TOKEN (base64)",
            "blob.bin:1: API_KEY (as is)",
            "db.txt:1: GITHUB_TOKEN (URL-encoded)",
            "db.txt:2: GITHUB_TOKEN (URL-encoded (lower case))",
            "nb.ipynb: cell 2 output: GITHUB_TOKEN (JSON-escaped)",
            "plain.txt:2: API_KEY (as is)",
            "plain.txt:2: GITHUB_TOKEN (as is)",
        ]
    );
    assert_eq!(
        out.stderr,
        "envscan: warning: not looked for (values shorter than 8 characters): DB_PASSWORD\n"
    );
    for part in ["s3cret", "another", "pw-1234"] {
        assert!(
            !out.stdout.contains(part) && !out.stderr.contains(part),
            "{part}"
        );
    }
    // JSON for CI, the same findings.
    let out = scan(&dir, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_default();
    assert_eq!(
        v["findings"].as_array().map(Vec::len),
        Some(10),
        "{}",
        out.stdout
    );
    assert_eq!(v["skipped_short"][0], "DB_PASSWORD");
}

#[test]
fn the_env_files_ignored_files_git_and_fifos_are_left_out_unless_asked() {
    let dir = repo();
    dir.write("ignored/dump.txt", format!("{TOKEN}\n"));
    let made = Command::new("mkfifo")
        .arg(dir.path().join("pipe"))
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(made.success());
    dir.write("clean.py", "print('hello')\n");
    let out = scan(&dir, &[]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), ""),
        "{}",
        out.stderr
    );
    let out = scan(&dir, &["--all"]);
    assert_eq!(out.code, Some(1));
    assert_eq!(lines(&out), ["ignored/dump.txt:1: GITHUB_TOKEN (as is)"]);
    // Outside a repository: the folder, walked.
    let plain = TestDir::new();
    plain.write(".env", format!("GITHUB_TOKEN='{TOKEN}'\n"));
    plain.write("sub/notes.md", format!("x {TOKEN}\n"));
    let out = scan(&plain, &[]);
    assert_eq!(lines(&out), ["sub/notes.md:1: GITHUB_TOKEN (as is)"]);
}

#[test]
fn staged_is_what_the_index_holds_and_history_every_version() {
    let dir = repo();
    dir.write("app.py", format!("KEY = '{OTHER}'\n"));
    git(&dir, &["add", "app.py", ".gitignore"]);
    git(&dir, &["commit", "-qm", "leak"]);
    dir.write("app.py", "KEY = os.environ['API_KEY']\n");
    git(&dir, &["commit", "-qam", "fix"]);
    // Staged with a secret, working copy clean: found. Staged clean, working copy dirty: not.
    dir.write("cfg.txt", format!("t={TOKEN}\n"));
    git(&dir, &["add", "cfg.txt"]);
    dir.write("cfg.txt", "t=${GITHUB_TOKEN}\n");
    let out = scan(&dir, &["--staged"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(lines(&out), ["cfg.txt (staged):1: GITHUB_TOKEN (as is)"]);
    git(&dir, &["add", "cfg.txt"]);
    dir.write("cfg.txt", format!("t={TOKEN}\n"));
    assert_eq!(scan(&dir, &["--staged"]).code, Some(0));
    // The history: the leak in the first commit, which HEAD no longer has.
    let first = git(&dir, &["rev-parse", "--short=12", "HEAD~1"])
        .stdout
        .trim()
        .to_string();
    let out = scan(&dir, &["--history"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(lines(&out), [format!("{first}:app.py:1: API_KEY (as is)")]);
    assert_eq!(scan(&dir, &["--history", "HEAD~1..HEAD"]).code, Some(0));
}

#[test]
fn the_hook_blocks_a_commit_with_a_secret_and_passes_a_clean_one() {
    let dir = repo();
    git(&dir, &["add", ".gitignore"]);
    git(&dir, &["commit", "-qm", "start"]);
    let out = scan(&dir, &["--install-hook"]);
    out.assert_success();
    // The hook runs envscan from PATH, as a user's would.
    let path = format!(
        "{}:{}",
        e2e::bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let commit = |msg: &str| {
        run_command(
            Command::new("git")
                .args(["commit", "-qm", msg])
                .current_dir(dir.path())
                .env("PATH", &path),
            None,
        )
    };
    dir.write("leak.txt", format!("{OTHER}\n"));
    git(&dir, &["add", "leak.txt"]);
    let out = commit("leak");
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    // git shows a hook's output on its stderr.
    assert!(
        out.stderr.contains("leak.txt (staged):1: API_KEY (as is)"),
        "{}",
        out.stderr
    );
    git(&dir, &["rm", "-q", "--cached", "leak.txt"]);
    dir.write("fine.txt", "nothing to see\n");
    git(&dir, &["add", "fine.txt"]);
    commit("fine").assert_success();
    // Installing again keeps the hook as it is; an existing hook keeps its lines, ours goes
    // before its last exit.
    scan(&dir, &["--install-hook"]).assert_success();
    let hook_path = dir.path().join(".git/hooks/pre-commit");
    let hook = std::fs::read_to_string(&hook_path).unwrap_or_default();
    assert_eq!(hook.matches("envscan --staged").count(), 1, "{hook}");
    std::fs::write(&hook_path, "#!/bin/sh\necho mine\nexit 0\n").unwrap_or_else(|e| panic!("{e}"));
    scan(&dir, &["--install-hook"]).assert_success();
    let hook = std::fs::read_to_string(&hook_path).unwrap_or_default();
    assert_eq!(
        hook,
        "#!/bin/sh\necho mine\nenvscan --staged || exit $?\nexit 0\n"
    );
}

#[test]
fn redact_replaces_a_value_written_in_parts_with_delays_and_passes_all_else_byte_for_byte() {
    let dir = repo();
    let mut child = dir
        .command("envscan")
        .arg("--redact")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut stdin = child.stdin.take().unwrap_or_else(|| panic!("stdin"));
    let mut stdout = child.stdout.take().unwrap_or_else(|| panic!("stdout"));
    stdin
        .write_all(b"before ")
        .unwrap_or_else(|e| panic!("{e}"));
    // What cannot be a secret comes out before the rest is written.
    let mut got = [0u8; 7];
    stdout
        .read_exact(&mut got)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&got, b"before ");
    let (a, b) = OTHER.split_at(7);
    stdin
        .write_all(a.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    std::thread::sleep(Duration::from_millis(300));
    stdin
        .write_all(format!("{b} after").as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    drop(stdin);
    let mut rest = String::new();
    stdout
        .read_to_string(&mut rest)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rest, "[redacted:API_KEY] after");
    assert_eq!(child.wait().map(|s| s.code()).ok().flatten(), Some(0));
    // A megabyte of random bytes with a value inside: everything else exactly as it was.
    let mut random = vec![0u8; 1 << 20];
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for b in random.iter_mut() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        *b = (seed >> 24) as u8;
    }
    let mut input = random.clone();
    input.extend_from_slice(TOKEN.as_bytes());
    input.extend_from_slice(&random[..1000]);
    let out = dir.run_stdin("envscan", &["--redact"], &input);
    let mut want = random.clone();
    want.extend_from_slice(b"[redacted:GITHUB_TOKEN]");
    want.extend_from_slice(&random[..1000]);
    assert!(
        out.stdout_bytes == want,
        "byte for byte ({} vs {})",
        out.stdout_bytes.len(),
        want.len()
    );
}

#[test]
fn envget_redact_filters_each_stream_and_ends_as_the_command_ends() {
    let dir = repo();
    let sh = |script: &str, stdin: Option<&[u8]>| {
        run_command(
            dir.command("envget")
                .args(["--redact", "--", "sh", "-c", script]),
            stdin,
        )
    };
    let out = sh(
        &format!("echo \"out {OTHER}\"; echo \"err {OTHER}\" >&2; exit 7"),
        None,
    );
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (
            Some(7),
            "out [redacted:API_KEY]\n",
            "err [redacted:API_KEY]\n"
        )
    );
    // Standard input passes through to COMMAND; the variables are in its environment, whole.
    let out = sh("cat; printf '%s' \"$API_KEY\" | wc -c", Some(b"typed in\n"));
    assert_eq!(out.stdout, format!("typed in\n{}\n", OTHER.len()));
    // Killed by a signal: envget is killed by the same one.
    let out = sh("kill -TERM $$", None);
    assert_eq!(out.code, None, "killed, not exited");
    let status = dir
        .command("envget")
        .args(["--redact", "--", "sh", "-c", "kill -TERM $$"])
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(15));
    let out = dir.run("envget", &["--redact", "--", "no-such-command-here"]);
    assert_eq!(out.code, Some(127));
    let out = dir.run("envget", &["--redact", "A"]);
    assert_eq!(
        out.code,
        Some(2),
        "--redact needs a COMMAND: {}",
        out.stderr
    );
}

#[test]
fn the_example_says_which_keys_are_secret_before_their_names_do() {
    let dir = repo();
    dir.write(
        ".env.example",
        "# @sensitive\nDATABASE_URL=\n# @public\nAPI_KEY=\nGITHUB_TOKEN=\n",
    );
    dir.write(
        ".env",
        format!("DATABASE_URL=postgres://u:pw@db/app-x\nAPI_KEY={OTHER}\nGITHUB_TOKEN='{TOKEN}'\n"),
    );
    dir.write(
        "cfg.txt",
        format!("postgres://u:pw@db/app-x\n{OTHER}\n{TOKEN}\n"),
    );
    let out = scan(&dir, &["cfg.txt"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(
        lines(&out),
        [
            "cfg.txt:1: DATABASE_URL (as is)",
            "cfg.txt:3: GITHUB_TOKEN (as is)"
        ]
    );
}

#[test]
fn line_numbers_hold_past_the_first_chunk_in_files_and_in_staged_blobs() {
    let dir = repo();
    // 3 MB of lines, a value on line 50,001 and one straddling nothing, on the last line.
    let mut text = String::new();
    for i in 0..50_000 {
        text.push_str(&format!("line {i} of filler text, nothing to see here\n"));
    }
    text.push_str(&format!("found {OTHER}\n"));
    for _ in 0..20_000 {
        text.push_str("more filler text after the value, to cross another chunk\n");
    }
    text.push_str(TOKEN);
    dir.write("big.txt", &text);
    let out = scan(&dir, &["big.txt"]);
    assert_eq!(
        lines(&out),
        [
            "big.txt:50001: API_KEY (as is)",
            "big.txt:70002: GITHUB_TOKEN (as is)"
        ]
    );
    git(&dir, &["add", "big.txt"]);
    let out = scan(&dir, &["--staged"]);
    assert_eq!(
        lines(&out),
        [
            "big.txt (staged):50001: API_KEY (as is)",
            "big.txt (staged):70002: GITHUB_TOKEN (as is)"
        ]
    );
}
