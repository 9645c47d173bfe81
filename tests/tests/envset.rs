//! envset, end to end: every item of the issue, run as a user runs it.

use e2e::{run_command, sh, TestDir};
use pretty_assertions::assert_eq;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

fn mode(dir: &TestDir, name: &str) -> u32 {
    fs::metadata(dir.path().join(name))
        .map(|m| m.permissions().mode() & 0o7777)
        .unwrap_or(0)
}

#[test]
fn sets_keys_and_creates_the_file_0600_whatever_the_umask() {
    let dir = TestDir::new();
    let out = sh(
        dir.path(),
        &format!(
            "umask 000; {} A=1 B='two words'",
            e2e::bin("envset").display()
        ),
        &[],
    );
    out.assert_success();
    assert_eq!(out.stdout, "");
    assert_eq!(dir.read(".env"), b"A=1\nB='two words'\n");
    assert_eq!(mode(&dir, ".env"), 0o600);
    assert_eq!(dir.run("envget", &["B"]).stdout, "two words\n");
}

#[test]
fn keys_without_a_value_read_one_line_each_from_stdin() {
    let dir = TestDir::new();
    let out = dir.run_stdin(
        "envset",
        &["API_TOKEN", "OTHER"],
        "s3cr3t-token\r\nsecond value\n",
    );
    out.assert_success();
    assert_eq!(out.stdout, "");
    assert!(!out.stderr.contains("s3cr3t"));
    assert_eq!(
        dir.run("envget", &["API_TOKEN", "OTHER"]).stdout,
        "s3cr3t-token\nsecond value\n"
    );
}

#[test]
fn stdin_all_takes_a_multi_line_value() {
    let dir = TestDir::new();
    let pem = "-----BEGIN KEY-----\nabc+/=\n-----END KEY-----\n";
    let out = dir.run_stdin("envset", &["--stdin-all", "TLS_KEY"], pem);
    out.assert_success();
    assert_eq!(
        dir.run("envget", &["-0", "TLS_KEY"]).stdout,
        format!("{pem}\0")
    );
}

#[test]
fn an_empty_answer_keeps_the_old_value_or_fails_without_one() {
    let dir = TestDir::new();
    dir.write(".env", "A=old\n");
    let out = dir.run_stdin("envset", &["A"], "\n");
    out.assert_success();
    assert_eq!(dir.read(".env"), b"A=old\n");
    let out = dir.run_stdin("envset", &["NEW"], "\n");
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr,
        "envset: no value for NEW: the answer was empty\n"
    );
    assert_eq!(dir.read(".env"), b"A=old\n");
    let out = dir.run("envset", &["NEW"]);
    assert_eq!(out.code, Some(1), "no stdin at all");
    assert!(
        out.stderr.contains("standard input ended"),
        "{}",
        out.stderr
    );
}

#[test]
fn help_warns_that_command_line_values_are_visible_in_ps() {
    let out = TestDir::new().run("envset", &["--help"]);
    assert!(
        out.stdout.contains("visible to other users"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Exit status:"));
}

#[test]
fn if_unset_leaves_set_keys_and_reads_nothing_for_them() {
    let dir = TestDir::new();
    dir.write(".env", "A=keep\nEMPTY=\n");
    let out = dir.run_stdin(
        "envset",
        &["--if-unset", "A", "EMPTY", "B=2"],
        "for-empty\n",
    );
    out.assert_success();
    assert_eq!(
        out.stderr,
        "envset: A is already set in .env; left as it is\n"
    );
    assert_eq!(dir.read(".env"), b"A=keep\nEMPTY=for-empty\nB=2\n");
    let out = dir.run("envset", &["--if-unset", "A=other"]);
    out.assert_success();
    assert_eq!(dir.read(".env"), b"A=keep\nEMPTY=for-empty\nB=2\n");
}

const EXAMPLE: &str = "# Where Ollama listens\nOLLAMA_API_URL=http://127.0.0.1:11434/api/chat\n\n# Your model\nOLLAMA_MODEL=llama3.1\n# Your Hugging Face token (secret)\nHF_TOKEN=\n";

#[test]
fn from_example_asks_for_missing_keys_in_order_with_defaults() {
    let dir = TestDir::new();
    dir.write(".env.example", EXAMPLE);
    dir.write(".env", "OLLAMA_MODEL=qwen3\n");
    // Enter accepts the default URL; the model is set, so it is skipped; then the token.
    let out = dir.run_stdin(
        "envset",
        &["--from-example", ".env.example"],
        "\nhf_secret\n",
    );
    out.assert_success();
    assert!(!out.stderr.contains("hf_secret") && !out.stdout.contains("hf_secret"));
    assert_eq!(
        dir.read(".env"),
        b"OLLAMA_MODEL=qwen3\nOLLAMA_API_URL=http://127.0.0.1:11434/api/chat\nHF_TOKEN=hf_secret\n"
    );
}

#[test]
fn from_example_with_nothing_missing_prints_nothing_and_reads_nothing() {
    let dir = TestDir::new();
    dir.write(".env.example", EXAMPLE);
    dir.write(".env", "OLLAMA_API_URL=x\nOLLAMA_MODEL=y\nHF_TOKEN=z\n");
    let before = fs::metadata(dir.path().join(".env"))
        .map(|m| m.mtime_nsec())
        .ok();
    let script = format!(
        "{} --from-example .env.example; echo rc=$?; cat",
        e2e::bin("envset").display()
    );
    let out = run_command(
        std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(dir.path()),
        Some(b"leftover\n"),
    );
    assert_eq!(out.stdout, "rc=0\nleftover\n", "stdin must not be read");
    assert_eq!(out.stderr, "");
    assert_eq!(
        fs::metadata(dir.path().join(".env"))
            .map(|m| m.mtime_nsec())
            .ok(),
        before
    );
}

#[test]
fn from_example_without_a_default_and_an_empty_answer_fails_untouched() {
    let dir = TestDir::new();
    dir.write(".env.example", "HF_TOKEN=\n");
    let out = dir.run_stdin("envset", &["--from-example", ".env.example"], "\n");
    assert_eq!(out.code, Some(1));
    assert!(!dir.path().join(".env").exists());
}

#[test]
fn unset_removes_every_line_of_a_key_and_a_missing_key_is_a_note() {
    let dir = TestDir::new();
    dir.write(".env", "# c\nA=1\nCERT='l1\nl2'\nB=2\nA=3\n");
    let out = dir.run("envset", &["-u", "A", "CERT", "NOPE"]);
    out.assert_success();
    assert_eq!(
        out.stderr,
        "envset: NOPE is not set in .env; nothing to remove\n"
    );
    assert_eq!(dir.read(".env"), b"# c\nB=2\n");
}

#[test]
fn lossless_export_prefix_inline_comments_crlf_bom_and_invalid_lines() {
    let dir = TestDir::new();
    let original =
        "\u{feff}# header\r\nexport A=1 # the a\r\n\r\nnot a valid line\r\nB='x' # bee\r\nA=dup";
    dir.write(".env", original);
    let out = dir.run("envset", &["A=new value", "C=3"]);
    out.assert_success();
    assert_eq!(
        String::from_utf8_lossy(&dir.read(".env")),
        "\u{feff}# header\r\nexport A='new value' # the a\r\n\r\nnot a valid line\r\nB='x' # bee\r\nA='new value'\r\nC=3\r\n"
    );
    // The style is kept, and what a shell will make of it is said once each.
    assert_eq!(
        out.stderr,
        "envset: warning: .env:4: expected '=' after the key (line kept as it is)\n\
         envset: warning: .env has CRLF line endings: a POSIX shell sourcing it reads every value with a trailing CR (envget and python-dotenv do not)\n\
         envset: warning: .env starts with a byte-order mark: a POSIX shell sourcing it cannot read its first line (envget and python-dotenv skip the mark)\n"
    );
}

#[test]
fn a_crlf_file_reads_with_a_trailing_cr_in_sh_as_the_warning_says() {
    let dir = TestDir::new();
    dir.write(".env", "A=1\r\n");
    let out = dir.run("envset", &["B=2"]);
    out.assert_success();
    assert_eq!(
        out.stderr.matches("CRLF").count(),
        1,
        "said once: {}",
        out.stderr
    );
    assert_eq!(dir.read(".env"), b"A=1\r\nB=2\r\n");
    let got = sh(dir.path(), "set -a; . ./.env; printf '%s|' \"$B\"", &[]);
    assert_eq!(got.stdout, "2\r|");
    // A plain LF file gets no such warning.
    let lf = TestDir::new();
    lf.run("envset", &["B=2"]).assert_output(0, "", "");
}

#[test]
fn portable_encoding_choices() {
    let dir = TestDir::new();
    let out = dir.run(
        "envset",
        &[
            "BARE=abc-1.2",
            "SQ=a b $HOME",
            "DQ=it's \\ \"q\"",
            "ML=l1\nl2",
        ],
    );
    out.assert_success();
    assert_eq!(
        String::from_utf8_lossy(&dir.read(".env")),
        "BARE=abc-1.2\nSQ='a b $HOME'\nDQ=\"it's \\\\ \\\"q\\\"\"\nML='l1\nl2'\n"
    );
}

#[test]
fn unportable_values_are_refused_without_showing_them_unless_asked() {
    let dir = TestDir::new();
    dir.write(".env", "A=1\n");
    for (value, needle) in [
        ("x${HIDDEN}y", "'${...}'"),
        ("it's $SECRETVAL", "both ' and $"),
        ("cr\rhere", "carriage return"),
        ("back`cmdx`s'q", "a backtick"),
    ] {
        let out = dir.run("envset", &[&format!("K={value}")]);
        assert_eq!(out.code, Some(1), "{value:?}");
        assert!(out.stderr.contains(needle), "{value:?}: {}", out.stderr);
        assert!(out.stderr.contains("--unportable"));
        for secret in ["HIDDEN", "SECRETVAL", "here", "cmdx"] {
            assert!(!out.stderr.contains(secret), "{}", out.stderr);
        }
        assert_eq!(dir.read(".env"), b"A=1\n", "file untouched");
    }
    let out = run_command(
        dir.command("envset")
            .args(["--unportable", "K=x${HIDDEN}y"])
            .env_remove("HIDDEN"),
        None,
    );
    out.assert_success();
    assert!(
        out.stderr
            .contains("K: envget and sh read it back exactly; python-dotenv reads it differently"),
        "{}",
        out.stderr
    );
    let got = run_command(dir.command("envget").arg("K").env_remove("HIDDEN"), None);
    assert_eq!(got.stdout, "x${HIDDEN}y\n");
}

#[test]
fn a_nul_byte_is_always_refused() {
    let dir = TestDir::new();
    for args in [&["K"][..], &["--unportable", "K"]] {
        let out = dir.run_stdin("envset", args, b"a\0b\n".as_slice());
        assert_eq!(out.code, Some(1), "{args:?}");
        assert!(out.stderr.contains("NUL"), "{}", out.stderr);
    }
    assert!(!dir.path().join(".env").exists());
}

#[test]
fn invalid_key_names_are_refused() {
    let dir = TestDir::new();
    for key in ["9X=1", "A-B=1", "A.B=1", "=1", "A B=1"] {
        let out = dir.run("envset", &[key]);
        assert_eq!(out.code, Some(1), "{key}");
        assert!(out.stderr.contains("invalid key name"), "{}", out.stderr);
    }
    assert!(!dir.path().join(".env").exists());
}

#[test]
fn a_symlinked_env_stays_a_symlink_and_mode_and_owner_are_kept() {
    let dir = TestDir::new();
    dir.write("shared/real.env", "A=1\n");
    let real = dir.path().join("shared/real.env");
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap_or_else(|e| panic!("{e}"));
    // Root can give the file away; envset must give it back to its owner after the rename.
    let can_chown = std::os::unix::fs::chown(&real, Some(4321), Some(4321)).is_ok();
    std::os::unix::fs::symlink("shared/real.env", dir.path().join(".env"))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.run("envset", &["B=2"]);
    out.assert_success();
    assert!(fs::symlink_metadata(dir.path().join(".env"))
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false));
    assert_eq!(fs::read(&real).unwrap_or_default(), b"A=1\nB=2\n");
    assert_eq!(mode(&dir, "shared/real.env"), 0o640);
    if can_chown {
        let m = fs::metadata(&real).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((m.uid(), m.gid()), (4321, 4321));
    }
}

#[test]
fn a_file_that_is_not_utf8_is_refused_and_untouched() {
    let dir = TestDir::new();
    dir.write(".env", b"A=1\nB=\xff\n".as_slice());
    let out = dir.run("envset", &["C=1"]);
    assert_eq!(out.code, Some(2));
    assert_eq!(
        out.stderr,
        "envset: .env:2: not valid UTF-8; nothing written\n"
    );
    assert_eq!(dir.read(".env"), b"A=1\nB=\xff\n");
}

#[test]
fn no_temp_files_are_left_behind() {
    let dir = TestDir::new();
    for i in 0..5 {
        dir.run("envset", &[&format!("K{i}=v")]);
    }
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec![".env", ".env.lock"]);
}

#[test]
fn sixty_four_concurrent_writers_lose_nothing() {
    let dir = TestDir::new();
    dir.write(".env", "# shared\n");
    let children: Vec<_> = (0..64)
        .map(|i| {
            dir.command("envset")
                .arg(format!("KEY_{i}=value {i}"))
                .stdin(std::process::Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    for mut c in children {
        assert!(c.wait().map(|s| s.success()).unwrap_or(false));
    }
    let names = dir.run("envget", &["--format", "names"]).stdout;
    assert_eq!(names.lines().count(), 64, "{names}");
    for i in 0..64 {
        assert_eq!(
            dir.run("envget", &[&format!("KEY_{i}")]).stdout,
            format!("value {i}\n")
        );
    }
}

#[test]
fn kill_9_at_any_moment_leaves_the_old_or_the_new_file_whole() {
    kill_rounds(0..20);
}

#[test]
fn kill_9_at_any_moment_leaves_the_old_or_the_new_file_whole_later_moments() {
    kill_rounds(20..40);
}

/// Rounds of `kill -9` at moments that differ by round (run in two halves side by side).
fn kill_rounds(rounds: std::ops::Range<u64>) {
    let dir = TestDir::new();
    let mut body = String::new();
    for i in 0..20000 {
        body.push_str(&format!("FILLER_{i}='some value number {i}'\n"));
    }
    body.push_str("TARGET=old\n");
    dir.write(".env", &body);
    let mut seen_new = 0;
    for round in rounds {
        let value = format!("new{round}");
        let mut child = dir
            .command("envset")
            .arg(format!("TARGET={value}"))
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        // Kill at a different moment each round, from before start-up to after the rename.
        std::thread::sleep(std::time::Duration::from_micros((round * 397) % 9000));
        let _ = child.kill();
        let _ = child.wait();
        let out = dir.run(
            "envget",
            &["--strict", "TARGET", "FILLER_0", "FILLER_19999"],
        );
        out.assert_success();
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(
            &lines[1..],
            ["some value number 0", "some value number 19999"]
        );
        assert!(
            lines[0] == "old" || lines[0].starts_with("new"),
            "round {round}: {}",
            lines[0]
        );
        if lines[0] == value {
            seen_new += 1;
        }
        assert_eq!(
            dir.run("envget", &["--format", "names"])
                .stdout
                .lines()
                .count(),
            20001
        );
    }
    // A later run is not tripped by anything a killed one left, and cleans its temp files.
    let out = dir.run("envset", &["TARGET=final"]);
    out.assert_success();
    assert_eq!(dir.run("envget", &["TARGET"]).stdout, "final\n");
    let temps = fs::read_dir(dir.path())
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .count();
    assert_eq!(temps, 0);
    eprintln!("rounds where the new value landed before the kill: {seen_new}");
}

#[test]
fn a_messy_real_world_file_survives_many_edits_byte_for_byte() {
    let messy = concat!(
        "\u{feff}# Project settings -- DO NOT COMMIT\r\n",
        "#\r\n",
        "export   DATABASE_URL=\"postgres://u:p@localhost/db\"   # local only\r\n",
        "\r\n",
        "   \r\n",
        "  INDENTED = 'yes'\r\n",
        "MULTI='line one\r\nline two'\r\n",
        "broken line without equals\r\n",
        "EMPTY=\r\n",
        "QUOTED=\"a \\\"quote\\\"\" #c\r\n",
        "DUP=first\r\n",
        "UNI=ünïcødé # ok\r\n",
        "DUP=second\r\n",
        "# trailing comment without newline",
    );
    let dir = TestDir::new();
    dir.write(".env", messy);
    for round in 0..30 {
        let out = dir.run(
            "envset",
            &[
                &format!("EDITED=round {round}"),
                &format!("ROUND_{}={round}", round % 3),
            ],
        );
        out.assert_success();
    }
    dir.run("envset", &["-u", "ROUND_0", "ROUND_1", "ROUND_2", "EDITED"]);
    assert_eq!(
        String::from_utf8_lossy(&dir.read(".env")),
        format!("{messy}\r\n")
    );
}

#[test]
fn creating_an_unignored_env_in_a_git_work_tree_warns_and_gitignore_fixes_it() {
    let dir = TestDir::new();
    let git = sh(dir.path(), "git init -q . && echo ok", &[]);
    if git.stdout != "ok\n" {
        panic!("git is needed for this test: {}", git.stderr);
    }
    let out = dir.run("envset", &["A=1"]);
    out.assert_success();
    assert!(
        out.stderr.contains("git would track .env and .env.lock"),
        "{}",
        out.stderr
    );
    let out = dir.run("envset", &["--gitignore", "B=1"]);
    assert!(
        out.stderr.contains("added .env and .env.lock"),
        "{}",
        out.stderr
    );
    assert_eq!(dir.read(".gitignore"), b"/.env\n/.env.lock\n");
    let status = sh(dir.path(), "git status --porcelain", &[]);
    assert_eq!(status.stdout, "?? .gitignore\n");
    fs::remove_file(dir.path().join(".env")).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.run("envset", &["C=1"]);
    assert_eq!(out.stderr, "", "now ignored: no warning");
}

#[test]
fn bad_usage_exits_2() {
    let dir = TestDir::new();
    for args in [
        &[][..],
        &["-u", "A=1"],
        &["--stdin-all", "A", "B"],
        &["--from-example", "x", "A"],
    ] {
        let out = dir.run("envset", args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
    }
}

mod readers_agree {
    use super::*;
    use pretty_assertions::assert_eq;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    use std::cell::RefCell;

    fn value() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "a", "Z9", " ", "  ", "\t", "\n", "'", "\"", "\\", "\\\\", "$", "$X", "#", " #", "`",
            "=", "é", "😀", "!", ";", "&", "*", "~", "%", "{", "}", "(", "-", ".", "/", ":",
        ]);
        prop::collection::vec(atoms, 0..8).prop_map(|v| v.concat())
    }

    /// Thousands of values (1,500, in two halves that run side by side): each one envset
    /// accepts reads back exactly through envget, python-dotenv and sh; each one it refuses
    /// leaves the file untouched.
    #[test]
    fn every_accepted_value_reads_back_exactly_through_all_three_readers() {
        readers_agree_on(750);
    }

    #[test]
    fn every_accepted_value_reads_back_exactly_through_all_three_readers_second_half() {
        readers_agree_on(750);
    }

    fn readers_agree_on(cases: u32) {
        let dir = TestDir::new();
        let accepted: RefCell<Vec<String>> = RefCell::new(Vec::new());
        let refused = RefCell::new(0);
        let mut runner = TestRunner::new(Config {
            cases,
            ..Config::default()
        });
        let result = runner.run(&value(), |v| {
            let before = fs::read(dir.path().join(".env")).unwrap_or_default();
            let key = format!("K{}", accepted.borrow().len());
            let out = run_command(
                dir.command("envset")
                    .arg(format!("{key}={v}"))
                    .env_remove("X"),
                None,
            );
            match out.code {
                Some(0) => accepted.borrow_mut().push(v),
                Some(1) => {
                    *refused.borrow_mut() += 1;
                    prop_assert_eq!(
                        fs::read(dir.path().join(".env")).unwrap_or_default(),
                        before
                    );
                }
                other => prop_assert!(false, "exit {:?}: {}", other, out.stderr),
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        let accepted = accepted.into_inner();
        assert!(
            accepted.len() as u32 > cases * 2 / 3,
            "most values are portable ({} accepted)",
            accepted.len()
        );

        let json = run_command(
            dir.command("envget")
                .args(["--format", "json"])
                .env_remove("X"),
            None,
        );
        let ours: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&json.stdout).unwrap_or_else(|e| panic!("{e}"));
        let py = e2e::python::dotenv_values(&[dir.path().join(".env")], &[]);
        let mut script = String::from("set -a; . ./.env; set +a");
        for i in 0..accepted.len() {
            script.push_str(&format!("; printf '%s\\0' \"$K{i}\""));
        }
        let shell = sh(
            dir.path(),
            &script,
            &[("PATH", OsStr::new("/usr/bin:/bin"))],
        );
        let from_sh: Vec<&str> = shell.stdout.split('\0').collect();
        for (i, v) in accepted.iter().enumerate() {
            let key = format!("K{i}");
            assert_eq!(
                ours.get(&key).and_then(|x| x.as_str()),
                Some(v.as_str()),
                "envget {key}"
            );
            assert_eq!(
                py[0][i],
                (key.clone(), Some(v.clone())),
                "python-dotenv {key}"
            );
            assert_eq!(from_sh[i], v, "sh {key}");
        }
    }
}

/// envset refuses a `${` exactly where python-dotenv would expand it, and no more.
mod dollar_brace {
    use super::*;
    use envfile::encode::{portable, Unportable};
    use pretty_assertions::assert_eq;
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRunner};

    #[test]
    fn dollar_brace_is_refused_exactly_where_python_dotenv_expands_it() {
        let atoms = prop::sample::select(vec![
            "${", "${X}", "${X:-d}", "}", ":", ":-", "-", "X", "a b", "$", "{", "$X", "}}", "\"",
            "\n", "é",
        ]);
        let values = prop::collection::vec(atoms, 1..6).prop_map(|v| v.concat());
        let mut runner = TestRunner::new(Config {
            cases: 2000,
            ..Config::default()
        });
        let (mut written, mut expected) = (String::new(), Vec::new());
        let (mut accepted, mut refused) = (0, 0);
        for _ in 0..2000 {
            let v = values
                .new_tree(&mut runner)
                .unwrap_or_else(|e| panic!("{e}"))
                .current();
            let key = format!("K{}", expected.len());
            match portable(&v) {
                Ok(text) => {
                    accepted += 1;
                    written.push_str(&format!("{key}={text}\n"));
                    expected.push((key, Ok(v)));
                }
                Err(Unportable::DollarBrace) => {
                    refused += 1;
                    // Single quotes are as literal as it gets: python-dotenv must still
                    // change this value, or the refusal was needless.
                    written.push_str(&format!("{key}='{v}'\n"));
                    expected.push((key, Err(v)));
                }
                Err(_) => {}
            }
        }
        assert!(
            accepted > 500 && refused > 300,
            "{accepted} accepted, {refused} refused"
        );
        let dir = TestDir::new();
        dir.write(".env", &written);
        let py = e2e::python::dotenv_values(&[dir.path().join(".env")], &[]);
        for (i, (key, want)) in expected.iter().enumerate() {
            let got = &py[0][i];
            assert_eq!(&got.0, key);
            match want {
                Ok(v) => assert_eq!(got.1.as_deref(), Some(v.as_str()), "{key} was accepted"),
                Err(v) => assert_ne!(
                    got.1.as_deref(),
                    Some(v.as_str()),
                    "{key} was refused needlessly"
                ),
            }
        }
    }
}

/// Hidden prompts driven in a real pseudo-terminal, as a person at a keyboard.
mod terminal {
    use super::*;
    use pretty_assertions::assert_eq;
    use rexpect::process::wait::WaitStatus;
    use rexpect::session::{spawn_command, PtySession};

    fn spawn(cmd: std::process::Command) -> PtySession {
        spawn_command(cmd, Some(10_000)).unwrap_or_else(|e| panic!("pty: {e}"))
    }

    /// envset in a pty with echo on, as a user's terminal is (rexpect turns echo off at spawn,
    /// which would hide a secret whether or not envset hides it).
    fn spawn_envset(dir: &TestDir, args: &[&str]) -> PtySession {
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c")
            .arg("stty echo; exec \"$@\"")
            .arg("sh")
            .arg(e2e::bin("envset"))
            .args(args);
        cmd.current_dir(dir.path());
        spawn(cmd)
    }

    #[test]
    fn the_terminal_in_these_tests_does_echo() {
        // Guards the tests below: a plain `read` at this terminal shows what is typed.
        let dir = TestDir::new();
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c")
            .arg("stty echo; echo ready; read x; echo done")
            .current_dir(dir.path());
        let mut p = spawn(cmd);
        p.exp_string("ready").unwrap_or_else(|e| panic!("{e}"));
        p.send_line("visible-typing")
            .unwrap_or_else(|e| panic!("{e}"));
        let screen = p.exp_eof().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            screen.contains("visible-typing") && screen.contains("done"),
            "{screen:?}"
        );
    }

    fn exit_code(p: &PtySession) -> Option<i32> {
        match p.process.wait() {
            Ok(WaitStatus::Exited(_, code)) => Some(code),
            _ => None,
        }
    }

    #[test]
    fn the_secret_is_not_echoed_and_is_saved() {
        let dir = TestDir::new();
        let mut p = spawn_envset(&dir, &["API_KEY"]);
        let mut screen = p.exp_string("API_KEY: ").unwrap_or_else(|e| panic!("{e}"));
        p.send_line("pty-secret-123")
            .unwrap_or_else(|e| panic!("{e}"));
        screen += &p.exp_eof().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(exit_code(&p), Some(0));
        assert!(!screen.contains("pty-secret-123"), "echoed: {screen:?}");
        assert_eq!(dir.read(".env"), b"API_KEY=pty-secret-123\n");
    }

    #[test]
    fn an_empty_answer_with_no_old_value_asks_again() {
        let dir = TestDir::new();
        let mut p = spawn_envset(&dir, &["TOKEN"]);
        p.exp_string("TOKEN: ").unwrap_or_else(|e| panic!("{e}"));
        p.send_line("").unwrap_or_else(|e| panic!("{e}"));
        let screen = p.exp_string("TOKEN: ").unwrap_or_else(|e| panic!("{e}"));
        assert!(
            screen.contains("a value is required for TOKEN"),
            "{screen:?}"
        );
        p.send_line("given").unwrap_or_else(|e| panic!("{e}"));
        p.exp_eof().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(exit_code(&p), Some(0));
        assert_eq!(dir.read(".env"), b"TOKEN=given\n");
    }

    #[test]
    fn visible_from_example_answers_are_echoed() {
        let dir = TestDir::new();
        dir.write(".env.example", "# Your model\nOLLAMA_MODEL=llama3.1\n");
        let mut p = spawn_envset(&dir, &["--visible", "--from-example", ".env.example"]);
        p.exp_string("OLLAMA_MODEL [llama3.1]: ")
            .unwrap_or_else(|e| panic!("{e}"));
        p.send_line("mistral-visible")
            .unwrap_or_else(|e| panic!("{e}"));
        let rest = p.exp_eof().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            rest.contains("mistral-visible"),
            "typed text is shown: {rest:?}"
        );
        assert_eq!(dir.read(".env"), b"OLLAMA_MODEL=mistral-visible\n");
    }

    #[test]
    fn confirm_asks_twice_until_the_answers_match() {
        let dir = TestDir::new();
        let mut p = spawn_envset(&dir, &["--confirm", "TOKEN"]);
        let mut screen = String::new();
        for (prompt, answer) in [
            ("TOKEN: ", "one"),
            ("TOKEN (again): ", "two"),
            ("TOKEN: ", "same"),
            ("TOKEN (again): ", "same"),
        ] {
            screen += &p.exp_string(prompt).unwrap_or_else(|e| panic!("{e}"));
            p.send_line(answer).unwrap_or_else(|e| panic!("{e}"));
        }
        screen += &p.exp_eof().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(exit_code(&p), Some(0));
        assert!(screen.contains("do not match"), "{screen:?}");
        assert!(
            !screen.contains("same") && !screen.contains("two"),
            "{screen:?}"
        );
        assert_eq!(dir.read(".env"), b"TOKEN=same\n");
    }

    #[test]
    fn ctrl_c_at_the_prompt_exits_130_with_the_terminal_restored() {
        let dir = TestDir::new();
        dir.write(".env", "A=1\n");
        let script = format!(
            "stty echo; before=$(stty -g); {} SECRET; echo \"rc=$?\"; [ \"$(stty -g)\" = \"$before\" ] && echo same-modes",
            e2e::bin("envset").display()
        );
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c").arg(script).current_dir(dir.path());
        let mut p = spawn(cmd);
        p.exp_string("SECRET: ").unwrap_or_else(|e| panic!("{e}"));
        p.send("abc").unwrap_or_else(|e| panic!("{e}"));
        p.send_control('c').unwrap_or_else(|e| panic!("{e}"));
        let rest = p.exp_eof().unwrap_or_else(|e| panic!("{e}"));
        assert!(rest.contains("rc=130"), "{rest:?}");
        assert!(
            rest.contains("same-modes"),
            "terminal modes restored: {rest:?}"
        );
        assert!(!rest.contains("abc"), "{rest:?}");
        assert_eq!(dir.read(".env"), b"A=1\n");
    }

    #[test]
    fn from_example_at_a_terminal_explains_each_key_and_offers_its_default() {
        let dir = TestDir::new();
        dir.write(".env.example", EXAMPLE);
        let mut p = spawn_envset(&dir, &["--from-example", ".env.example"]);
        let screen = p
            .exp_string("OLLAMA_API_URL [http://127.0.0.1:11434/api/chat]: ")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(screen.contains("# Where Ollama listens"), "{screen:?}");
        p.send_line("").unwrap_or_else(|e| panic!("{e}"));
        let screen = p
            .exp_string("OLLAMA_MODEL [llama3.1]: ")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(screen.contains("# Your model"), "{screen:?}");
        p.send_line("qwen3").unwrap_or_else(|e| panic!("{e}"));
        // Not sensitive: typed in the clear. HF_TOKEN is (its name says so): hidden.
        let screen = p
            .exp_string("HF_TOKEN (Enter skips): ")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(screen.contains("qwen3"), "{screen:?}");
        p.send_line("hf_hidden").unwrap_or_else(|e| panic!("{e}"));
        let rest = p.exp_eof().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(exit_code(&p), Some(0));
        assert!(!rest.contains("hf_hidden"), "{rest:?}");
        assert!(rest.contains("envset: saved 3 keys to .env"), "{rest:?}");
        assert_eq!(
            dir.read(".env"),
            b"OLLAMA_API_URL=http://127.0.0.1:11434/api/chat\nOLLAMA_MODEL=qwen3\nHF_TOKEN=hf_hidden\n"
        );
    }

    const TYPED: &str = "# @type=url\nOLLAMA_API_URL=http://127.0.0.1:11434\n# @type=port\nPORT=\n# Your token\n# @type=string(startsWith=hf_)\nHF_TOKEN=\n# @optional\nEXTRA_SECRET=\n";

    #[test]
    fn a_malformed_answer_is_asked_again_a_required_key_can_be_skipped_and_not_asked_again() {
        let dir = TestDir::new();
        dir.write(".env.example", TYPED);
        let mut p = spawn_envset(&dir, &["--from-example", ".env.example"]);
        p.exp_string("OLLAMA_API_URL [http://127.0.0.1:11434]: ")
            .unwrap_or_else(|e| panic!("{e}"));
        p.send_line("localhost:1234")
            .unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("envset: OLLAMA_API_URL: malformed: not a URL (it needs a scheme, such as https://); try again")
            .unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("OLLAMA_API_URL [http://127.0.0.1:11434]: ")
            .unwrap_or_else(|e| panic!("{e}"));
        p.send_line("http://localhost:1234")
            .unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("PORT (Enter skips): ")
            .unwrap_or_else(|e| panic!("{e}"));
        p.send_line("80").unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("HF_TOKEN (Enter skips): ")
            .unwrap_or_else(|e| panic!("{e}"));
        p.send_line("").unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("EXTRA_SECRET (Enter skips): ")
            .unwrap_or_else(|e| panic!("{e}"));
        p.send_line("").unwrap_or_else(|e| panic!("{e}"));
        let rest = p.exp_eof().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(exit_code(&p), Some(0), "{rest:?}");
        assert!(
            rest.contains("envset: saved 2 keys to .env; still missing: HF_TOKEN (envset --from-example .env.example asks again)"),
            "{rest:?}"
        );
        assert_eq!(
            dir.read(".env"),
            b"OLLAMA_API_URL=http://localhost:1234\nPORT=80\nHF_TOKEN=\nEXTRA_SECRET=\n"
        );
        // The shell's start-up (--if-unset) asks nothing more, and names what is missing.
        let out = dir.run_stdin(
            "envset",
            &["--if-unset", "--from-example", ".env.example"],
            "",
        );
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        assert_eq!(
            out.stderr,
            "envset: saved 0 keys to .env; still missing: HF_TOKEN (envset --from-example .env.example asks again)\n"
        );
        // Without --if-unset it asks again.
        let mut p = spawn_envset(&dir, &["--from-example", ".env.example"]);
        p.exp_string("HF_TOKEN (Enter skips): ")
            .unwrap_or_else(|e| panic!("{e}"));
        p.send_line("hf_now").unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("EXTRA_SECRET (Enter skips): ")
            .unwrap_or_else(|e| panic!("{e}"));
        p.send_line("").unwrap_or_else(|e| panic!("{e}"));
        p.exp_eof().unwrap_or_else(|e| panic!("{e}"));
        assert!(String::from_utf8_lossy(&dir.read(".env")).contains("HF_TOKEN=hf_now\n"));
    }

    #[test]
    fn ctrl_c_at_a_question_keeps_the_answers_already_given() {
        let dir = TestDir::new();
        dir.write(".env.example", TYPED);
        let mut p = spawn_envset(&dir, &["--from-example", ".env.example"]);
        p.exp_string("OLLAMA_API_URL [http://127.0.0.1:11434]: ")
            .unwrap_or_else(|e| panic!("{e}"));
        p.send_line("").unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("PORT (Enter skips): ")
            .unwrap_or_else(|e| panic!("{e}"));
        p.send_line("8080").unwrap_or_else(|e| panic!("{e}"));
        p.exp_string("HF_TOKEN (Enter skips): ")
            .unwrap_or_else(|e| panic!("{e}"));
        p.send_control('c').unwrap_or_else(|e| panic!("{e}"));
        p.exp_eof().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(exit_code(&p), Some(130));
        assert_eq!(
            dir.read(".env"),
            b"OLLAMA_API_URL=http://127.0.0.1:11434\nPORT=8080\n"
        );
    }
}

#[test]
fn from_stdin_a_malformed_answer_is_exit_1_naming_the_key_and_nothing_is_written() {
    let dir = TestDir::new();
    dir.write(
        ".env.example",
        "# @type=port\nPORT=\n# @type=boolean @optional\nDEBUG=\n",
    );
    let out = dir.run_stdin("envset", &["--from-example", ".env.example"], "70000\n\n");
    assert_eq!(out.code, Some(1));
    assert_eq!(
        out.stderr,
        "envset: PORT: malformed: not a port from 0 to 65535; nothing written\n"
    );
    assert!(!dir.path().join(".env").exists());
    // An optional key may be left empty, from standard input too.
    let out = dir.run_stdin("envset", &["--from-example", ".env.example"], "8080\n\n");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        dir.read(".env"),
        b"PORT=8080\nDEBUG=\n",
        "the skip is remembered"
    );
}
