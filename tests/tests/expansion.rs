//! Bounded expansion in every tool that reads `.env` (envget, envset, ollama-chat): a file
//! whose `${X}` references double a value line after line (a 654-byte file that would expand
//! to gigabytes) is read in a few MB; the lines past the cap are bad lines, named with FILE:LINE.

use e2e::{run_measured, TestDir};
use pretty_assertions::assert_eq;

/// The most a tool may take reading the bomb: a few MB (a debug build, measured peak RSS).
const BOUND_KIB: u64 = 32 * 1024;

fn bomb(lines: usize) -> String {
    let mut text = String::from("L0=xxxxxxxxxxxxxxxx\n");
    for i in 1..lines {
        text.push_str(&format!("L{i}=${{L{}}}${{L{}}}\n", i - 1, i - 1));
    }
    text
}

#[test]
fn envget_reads_an_expansion_bomb_in_bounded_memory_and_names_the_lines() {
    let dir = TestDir::new();
    dir.write(".env", bomb(40));
    let (out, kib) = run_measured(dir.command("envget").args(["--format", "names"]));
    out.assert_success();
    assert!(kib < BOUND_KIB, "envget took {kib} KiB");
    let first = "envget: warning: .env:17: expansion exceeds 1 MiB (the cap for one value)\n";
    assert!(out.stderr.starts_with(first), "{}", out.stderr);
    assert!(
        !out.stdout.contains("L16\n"),
        "the line past the cap is not read"
    );
    // A value under the cap is read whole.
    let (out, _) = run_measured(dir.command("envget").arg("L15"));
    out.assert_success();
    assert_eq!(out.stdout.len(), 16 * (1 << 15) + 1);
    // With --strict, a line past the cap is an error.
    let (out, kib) = run_measured(dir.command("envget").args(["--strict", "L1"]));
    out.assert_code(2);
    assert!(kib < BOUND_KIB, "envget --strict took {kib} KiB");
    assert!(
        out.stderr
            .contains("envget: error: .env:17: expansion exceeds 1 MiB"),
        "{}",
        out.stderr
    );
}

#[test]
fn envset_and_ollama_chat_read_the_bomb_in_bounded_memory_too() {
    let dir = TestDir::new();
    dir.write(".env", bomb(40));
    let (out, kib) = run_measured(dir.command("envset").arg("NEW=1"));
    out.assert_success();
    assert!(kib < BOUND_KIB, "envset took {kib} KiB");
    assert!(
        out.stderr
            .contains("envset: warning: .env:17: expansion exceeds 1 MiB"),
        "{}",
        out.stderr
    );
    let text = String::from_utf8(dir.read(".env")).unwrap_or_default();
    assert_eq!(
        text,
        format!("{}NEW=1\n", bomb(40)),
        "every line kept as it was"
    );
    // ollama-chat reads .env for its configuration before anything else.
    let (out, kib) = run_measured(dir.command("ollama-chat").args([
        "--url",
        "http://127.0.0.1:9/api/chat",
        "-m",
        "m",
        "hi",
    ]));
    out.assert_code(3);
    assert!(kib < BOUND_KIB, "ollama-chat took {kib} KiB");
    assert!(
        out.stderr
            .contains("ollama-chat: warning: .env:17: expansion exceeds 1 MiB"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_file_cannot_expand_past_8_mib_in_all() {
    // Each line stays under the cap for one value; together they would pass the file's cap.
    let dir = TestDir::new();
    let mut text = String::from("BIG=");
    text.push_str(&"x".repeat(900 * 1024));
    text.push('\n');
    for i in 0..12 {
        text.push_str(&format!("C{i}=\"${{BIG}}\"\n"));
    }
    dir.write(".env", &text);
    let (out, kib) = run_measured(dir.command("envget").args(["--format", "names"]));
    out.assert_success();
    assert!(kib < BOUND_KIB, "envget took {kib} KiB");
    assert!(
        out.stderr
            .contains("envget: warning: .env:11: expansion exceeds 8 MiB (the cap for one file)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("C8\n") && !out.stdout.contains("C9\n"),
        "{}",
        out.stdout
    );
}
