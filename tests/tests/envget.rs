//! envget, end to end: every behaviour of the issue, run as a user runs it.

use e2e::{sh, TestDir};
use pretty_assertions::assert_eq;
use std::ffi::OsStr;

#[test]
fn prints_raw_values_one_per_line_in_the_order_asked() {
    let dir = TestDir::new();
    dir.write(
        ".env",
        "A=1\nB='hello world'\nC=\"say \\\"hi\\\"\"\nexport D=x\n",
    );
    let out = dir.run("envget", &["C", "A", "B", "D"]);
    out.assert_success();
    assert_eq!(out.stdout, "say \"hi\"\n1\nhello world\nx\n");
    assert_eq!(out.stderr, "");
}

#[test]
fn default_file_is_dot_env_here_with_no_search_of_parent_folders() {
    let dir = TestDir::new();
    dir.write(".env", "A=parent\n");
    dir.write("sub/keep", "");
    let out = e2e::run_command(
        dir.command("envget")
            .arg("A")
            .current_dir(dir.path().join("sub")),
        None,
    );
    assert_eq!(out.code, Some(2));
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .starts_with("envget: .env: No such file or directory"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1);
}

#[test]
fn later_files_win_and_dash_reads_stdin() {
    let dir = TestDir::new();
    dir.write("base.env", "A=base\nB=base\n");
    dir.write("local.env", "B=local\n");
    let out = dir.run("envget", &["-f", "base.env", "-f", "local.env", "A", "B"]);
    assert_eq!(out.stdout, "base\nlocal\n");
    let out = dir.run_stdin(
        "envget",
        &["-f", "base.env", "-f", "-", "A", "B"],
        "A=stdin\n",
    );
    assert_eq!(out.stdout, "stdin\nbase\n");
    out.assert_success();
}

#[test]
fn a_big_file_reads_the_same_whether_plain_or_not() {
    // Big enough to be scanned in several chunks; the last value of a key wins wherever it
    // falls, and a line only dotenvy can read, near the end, sends envget the whole-file way
    // with the same answers and the line number of a rejected line.
    let mut text = String::from("\u{feff}# generated\n");
    for i in 0..20_000 {
        text.push_str(&format!("KEY_{i:05}=value-{i}/{}\n", "x".repeat(i % 40)));
        if i % 7_000 == 0 {
            text.push_str(&format!("DUP=v{i}\n\n"));
        }
    }
    let dir = TestDir::new();
    dir.write("plain.env", &text);
    let quoted = format!("{text}Q='quoted value'\nBAD=a b\n");
    dir.write("mixed.env", &quoted);
    let bad_line = quoted.lines().count();
    for file in ["plain.env", "mixed.env"] {
        let out = dir.run(
            "envget",
            &["-f", file, "DUP", "KEY_00000", "KEY_19999", "KEY_12345"],
        );
        out.assert_success();
        assert_eq!(
            out.stdout,
            format!(
                "v14000\nvalue-0/\nvalue-19999/{}\nvalue-12345/{}\n",
                "x".repeat(19999 % 40),
                "x".repeat(12345 % 40)
            ),
            "{file}"
        );
    }
    let out = dir.run("envget", &["-f", "mixed.env", "Q"]);
    assert_eq!(out.stdout, "quoted value\n");
    assert!(
        out.stderr
            .contains(&format!("mixed.env:{bad_line}: unquoted whitespace")),
        "{}",
        out.stderr
    );
    assert_eq!(dir.run("envget", &["-f", "plain.env", "Q"]).code, Some(1));
}

#[test]
fn null_terminates_values_that_hold_newlines() {
    let dir = TestDir::new();
    dir.write(".env", "CERT='line1\nline2'\nB=2\n");
    let out = dir.run("envget", &["-0", "CERT", "B"]);
    assert_eq!(out.stdout_bytes, b"line1\nline2\x002\x00");
    let out = dir.run("envget", &["--null", "--format", "names"]);
    assert_eq!(out.stdout_bytes, b"CERT\x00B\x00");
}

#[test]
fn a_missing_key_is_reported_after_the_keys_that_are_set() {
    let dir = TestDir::new();
    dir.write(".env", "A=1\nEMPTY=\n");
    let out = dir.run("envget", &["A", "NOPE", "EMPTY"]);
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stdout, "1\n\n");
    assert_eq!(out.stderr, "envget: NOPE is not set in .env\n");
}

#[test]
fn a_missing_key_suggests_the_closest_key_of_the_files_but_never_a_value() {
    let dir = TestDir::new();
    // A plain file (read by the chunked scan) and one that is not (read whole): both suggest.
    dir.write(".env", "OLLAMA_MODEL=secret-model-name\nHF_TOKEN=hf_123\n");
    dir.write("other.env", "OLLAMA_HOST='127.0.0.1:11434'\n");
    let out = dir.run("envget", &["OLAMA_MODEL"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (
            Some(1),
            "",
            "envget: OLAMA_MODEL is not set in .env (did you mean OLLAMA_MODEL?)\n"
        )
    );
    let out = dir.run(
        "envget",
        &["-f", ".env", "-f", "other.env", "ollama_host", "HF_TOKEN"],
    );
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (
            Some(1),
            "hf_123\n",
            "envget: ollama_host is not set in .env, other.env (did you mean OLLAMA_HOST?)\n"
        )
    );
    let out = dir.run("envget", &["API_URL"]);
    assert_eq!(out.stderr, "envget: API_URL is not set in .env\n");
    let out = dir.run_stdin("envget", &["-f", "-", "HF_TOKN"], "HF_TOKEN=x\n");
    assert_eq!(
        out.stderr,
        "envget: HF_TOKN is not set in <stdin> (did you mean HF_TOKEN?)\n"
    );
}

#[test]
fn an_empty_value_is_set() {
    let dir = TestDir::new();
    dir.write(".env", "EMPTY=\nQ=''\n");
    let out = dir.run("envget", &["EMPTY", "Q"]);
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), "\n\n"));
}

#[test]
fn default_value_for_a_missing_key_or_a_missing_file() {
    let dir = TestDir::new();
    let out = dir.run("envget", &["-d", "llama3.1", "OLLAMA_MODEL"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (Some(0), "llama3.1\n", "")
    );
    dir.write(".env", "OLLAMA_MODEL=qwen3\n");
    let out = dir.run(
        "envget",
        &["--default", "llama3.1", "OLLAMA_MODEL", "OTHER"],
    );
    assert_eq!(out.stdout, "qwen3\nllama3.1\n");
    out.assert_success();
}

#[test]
fn the_makefile_default_idiom_works_without_a_dot_env() {
    let dir = TestDir::new();
    let envget = e2e::bin("envget");
    dir.write(
        "Makefile",
        format!(
            "MODEL ?= $(shell {} -d llama3.1 OLLAMA_MODEL)\nshow:\n\t@echo model=$(MODEL)\n",
            envget.display()
        ),
    );
    let out = sh(dir.path(), "make -s show", &[]);
    assert_eq!(out.stdout, "model=llama3.1\n", "{}", out.stderr);
}

#[test]
fn missing_or_unreadable_file_exits_2_naming_file_and_os_error() {
    let dir = TestDir::new();
    let out = dir.run("envget", &["-f", "nope.env", "A"]);
    assert_eq!(out.code, Some(2));
    assert_eq!(out.stderr, "envget: nope.env: No such file or directory\n");
    std::fs::create_dir(dir.path().join("adir")).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.run("envget", &["-f", "adir", "-d", "x", "A"]);
    assert_eq!(out.code, Some(2), "--default forgives only a missing file");
    assert_eq!(out.stderr, "envget: adir: not a regular file\n");
    // A device or a FIFO (no writer) is refused without being read: no hang, no memory.
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("fifo"))
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(made.success());
    let huge = std::fs::File::create(dir.path().join("huge.env")).unwrap_or_else(|e| panic!("{e}"));
    huge.set_len((64 << 20) + 1)
        .unwrap_or_else(|e| panic!("{e}"));
    for (file, why) in [
        ("/dev/zero", "not a regular file"),
        ("fifo", "not a regular file"),
        ("huge.env", "larger than 64 MiB (the cap)"),
    ] {
        for args in [&["-f", file, "A"][..], &["-f", file, "--format", "json"]] {
            let (out, peak) = e2e::run_measured(dir.command("envget").args(args));
            assert_eq!(out.code, Some(2), "{args:?}");
            assert_eq!(out.stderr, format!("envget: {file}: {why}\n"));
            assert!(peak < 30 << 20, "{args:?}: {} MB", peak >> 20);
        }
    }
}

#[test]
fn format_json_is_one_object_in_file_order() {
    let dir = TestDir::new();
    dir.write(".env", "Z=1\nA='two words'\nM=\"x\ny\"\nZ=3\n");
    let out = dir.run("envget", &["--format", "json"]);
    assert_eq!(
        out.stdout,
        "{\"Z\":\"3\",\"A\":\"two words\",\"M\":\"x\\ny\"}\n"
    );
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["M"], "x\ny");
    let out = dir.run("envget", &["--format", "json", "A", "Z"]);
    assert_eq!(out.stdout, "{\"A\":\"two words\",\"Z\":\"3\"}\n");
}

#[test]
fn format_names_and_dotenv() {
    let dir = TestDir::new();
    dir.write(".env", "# comment\nB=2\nexport A='a b'\nB=3\n");
    assert_eq!(dir.run("envget", &["--format", "names"]).stdout, "B\nA\n");
    assert_eq!(dir.run("envget", &[]).stdout, "B=3\nA='a b'\n");
    assert_eq!(
        dir.run("envget", &["--format", "dotenv", "A"]).stdout,
        "A='a b'\n"
    );
}

#[test]
fn format_shell_evals_in_sh_bash_and_zsh_like_shells() {
    let dir = TestDir::new();
    dir.write(
        ".env",
        "Q=\"it's \\\"quoted\\\" \\$ \\\\ `x`\"\nN='l1\nl2'\n",
    );
    let out = dir.run("envget", &["--format", "shell"]);
    out.assert_success();
    dir.write("exports.sh", &out.stdout);
    for shell in ["sh", "bash"] {
        let got = e2e::run_command(
            std::process::Command::new(shell)
                .arg("-c")
                .arg(". ./exports.sh; printf '%s|%s' \"$Q\" \"$N\"")
                .current_dir(dir.path()),
            None,
        );
        assert_eq!(got.stdout, "it's \"quoted\" $ \\ `x`|l1\nl2", "{shell}");
    }
}

#[test]
fn duplicates_last_wins_and_bom_is_ignored() {
    let dir = TestDir::new();
    dir.write(".env", "\u{feff}A=first\nB=1\nA=last\n");
    let out = dir.run("envget", &["A"]);
    assert_eq!(out.stdout, "last\n");
    assert_eq!(dir.run("envget", &["--format", "names"]).stdout, "A\nB\n");
    assert_eq!(out.stderr, "");
}

#[test]
fn a_rejected_line_warns_with_file_and_line_but_never_its_text() {
    let dir = TestDir::new();
    dir.write(".env", "A=1\nSECRET=hunter2 and more\nB=2\n");
    let out = dir.run("envget", &["A", "B"]);
    out.assert_success();
    assert_eq!(out.stdout, "1\n2\n");
    assert!(
        out.stderr.starts_with("envget: warning: .env:2: "),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("hunter2"));
    assert_eq!(out.stderr.lines().count(), 1);

    let out = dir.run("envget", &["--strict", "A"]);
    assert_eq!(out.code, Some(2));
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains(".env:2:") && !out.stderr.contains("hunter2"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_unclosed_quote_names_where_it_starts_and_ends() {
    let dir = TestDir::new();
    dir.write(".env", "A=1\nB='open\nC=2\nD=3\n");
    let out = dir.run("envget", &["A"]);
    assert_eq!(out.stdout, "1\n");
    assert!(
        out.stderr.contains(".env:2: a quote is never closed"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("line 4"), "{}", out.stderr);
}

#[test]
fn a_file_that_is_not_utf8_exits_2_with_the_line() {
    let dir = TestDir::new();
    dir.write(".env", b"A=1\nB=caf\xe9\n".as_slice());
    let out = dir.run("envget", &["A"]);
    assert_eq!(out.code, Some(2));
    assert_eq!(out.stderr, "envget: .env:2: not valid UTF-8\n");
    assert_eq!(out.stdout, "");
}

#[test]
fn expansion_consults_the_environment_first_and_single_quotes_are_literal() {
    let dir = TestDir::new();
    dir.write(
        ".env",
        "HOST=file\nURL=http://${HOST}:1/$HOST\nLIT='${HOST}'\nDQ=\"${HOST}\"\n",
    );
    let out = dir.run("envget", &["URL", "LIT", "DQ"]);
    assert_eq!(out.stdout, "http://file:1/file\n${HOST}\nfile\n");
    assert_eq!(out.stderr, "");
    let out = e2e::run_command(
        dir.command("envget")
            .args(["URL", "LIT"])
            .env("HOST", "env"),
        None,
    );
    assert_eq!(out.stdout, "http://env:1/env\n${HOST}\n");
}

#[test]
fn exec_adds_variables_and_the_environment_wins_unless_override() {
    let dir = TestDir::new();
    dir.write(".env", "A=file\nB=file\n");
    let script = "printf '%s %s' \"$A\" \"$B\"";
    let out = e2e::run_command(
        dir.command("envget")
            .args(["--", "sh", "-c", script])
            .env("A", "env"),
        None,
    );
    assert_eq!(out.stdout, "env file");
    let out = e2e::run_command(
        dir.command("envget")
            .args(["--override", "--", "sh", "-c", script])
            .env("A", "env"),
        None,
    );
    assert_eq!(out.stdout, "file file");
}

#[test]
fn exec_replaces_the_process_and_passes_exit_status_and_signals() {
    let dir = TestDir::new();
    dir.write(".env", "A=1\n");
    let out = dir.run("envget", &["--", "sh", "-c", "exit 42"]);
    assert_eq!(out.code, Some(42));
    let out = dir.run("envget", &["--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(out.code, None, "killed by the signal, as the command was");
    // No child left behind: COMMAND runs with envget's own pid.
    let mut child = dir
        .command("envget")
        .args(["--", "sh", "-c", "echo $$"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let pid = child.id();
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut child.stdout.take().unwrap_or_else(|| panic!()),
        &mut text,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let _ = child.wait();
    assert_eq!(text.trim(), pid.to_string());
}

#[test]
fn exec_of_a_missing_or_non_executable_command() {
    let dir = TestDir::new();
    dir.write(".env", "A=1\n");
    let out = dir.run("envget", &["--", "no-such-command-xyz"]);
    assert_eq!(out.code, Some(127));
    assert_eq!(
        out.stderr,
        "envget: no-such-command-xyz: command not found\n"
    );
    dir.write("notexec", "echo hi\n");
    let out = dir.run("envget", &["--", "./notexec"]);
    assert_eq!(out.code, Some(126));
    assert!(out.stderr.contains("Permission denied"), "{}", out.stderr);
}

#[test]
fn exec_with_default_runs_even_without_a_file() {
    let dir = TestDir::new();
    let out = dir.run("envget", &["-d", "", "--", "sh", "-c", "echo ran"]);
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), "ran\n"));
}

#[test]
fn bad_usage_exits_2() {
    let dir = TestDir::new();
    dir.write(".env", "A=1\n");
    for args in [
        &["-0", "--format", "json"][..],
        &["A", "--", "true"],
        &["--format", "yaml"],
        &["-f", "-", "-f", "-"],
    ] {
        let out = dir.run("envget", args);
        assert_eq!(out.code, Some(2), "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn help_shows_examples_and_exit_codes_and_version_works() {
    let dir = TestDir::new();
    let out = dir.run("envget", &["--help"]);
    out.assert_success();
    for needle in [
        "Examples:",
        "envget -f .env.prod -- make deploy",
        "Exit status:",
        "127",
        "${VAR}",
    ] {
        assert!(out.stdout.contains(needle), "--help lacks {needle}");
    }
    let out = dir.run("envget", &["--version"]);
    assert_eq!(
        out.stdout,
        format!("envget {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn stdout_closed_early_is_not_an_error() {
    let dir = TestDir::new();
    let body: String = (0..20000).map(|i| format!("K{i}=value{i}\n")).collect();
    dir.write(".env", body);
    let envget = e2e::bin("envget");
    let script = format!(
        "{} --format names | head -1; echo \"rc=${{PIPESTATUS[0]}}\"",
        envget.display()
    );
    let out = e2e::run_command(
        std::process::Command::new("bash")
            .arg("-c")
            .arg(script)
            .current_dir(dir.path()),
        None,
    );
    assert_eq!(out.stdout, "K0\nrc=0\n");
    assert_eq!(out.stderr, "");
}

/// `v` as dotenvy reads it back exactly (double quotes; `\`, `"` and `$` escaped; a backtick
/// as it is): input files for tests of what envget prints, whatever the value.
fn dotenvy_text(v: &str) -> String {
    let mut out = String::from('"');
    for c in v.chars() {
        if matches!(c, '\\' | '"' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

mod roundtrip {
    use super::*;
    use pretty_assertions::assert_eq;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "a", "Z9", " ", "\t", "\n", "'", "\"", "\\", "\\\\", "$", "$X", "${X}", "#", " #", "`",
            "=", "é", "😀", "!", ";", "&", "*", "?", "~", "%", "{", "}", "(", ")",
        ]);
        prop::collection::vec(atoms, 0..10).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// `eval "$(envget --format shell)"` gives back every value exactly.
        #[test]
        fn shell_format_round_trips_through_sh_eval(v in value()) {
            let dir = TestDir::new();
            dir.write(".env", format!("K={}\n", dotenvy_text(&v)));
            let got = e2e::run_command(
                dir.command("envget").args(["K"]).env_remove("X"), None).stdout_bytes;
            let want = format!("{v}\n");
            prop_assert_eq!(&got[..], want.as_bytes());
            let envget = e2e::bin("envget");
            let out = sh(dir.path(), &format!("eval \"$({} --format shell)\"; printf '%s' \"$K\"", envget.display()), &[]);
            prop_assert_eq!(out.stdout, v);
        }

        /// `--format json` parses back to the same value.
        #[test]
        fn json_format_round_trips_through_a_json_parser(v in value()) {
            let dir = TestDir::new();
            dir.write(".env", format!("K={}\n", dotenvy_text(&v)));
            let out = e2e::run_command(dir.command("envget").args(["--format", "json"]).env_remove("X"), None);
            let parsed: serde_json::Value = serde_json::from_str(&out.stdout).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(parsed["K"].as_str(), Some(v.as_str()));
        }
    }

    /// `--format dotenv` output reads back unchanged through envget, python-dotenv and sh.
    #[test]
    fn dotenv_format_reads_back_through_envget_python_dotenv_and_sh() {
        let values = [
            "plain",
            "",
            "two words",
            "it's",
            "say \"hi\"",
            "back\\slash",
            "a\\\\b",
            "end\\",
            "$HOME",
            "cost $5",
            "line1\nline2",
            " lead and trail ",
            "#hash",
            "a #b",
            "tab\there",
            "é😀",
            "`cmd`",
            "'single'",
            "\"",
            "'",
            "=",
            "x=y",
            "semi;colon",
            "a\\nb",
        ];
        let dir = TestDir::new();
        let mut input = String::new();
        for (i, v) in values.iter().enumerate() {
            input.push_str(&format!("K{i}={}\n", dotenvy_text(v)));
        }
        dir.write("in.env", input);
        let out = dir.run("envget", &["-f", "in.env", "--format", "dotenv"]);
        assert_eq!(out.stderr, "", "all these values are portable");
        let written = dir.write(".env", &out.stdout);
        let py = e2e::python::dotenv_values(&[written], &[]);
        for (i, v) in values.iter().enumerate() {
            let key = format!("K{i}");
            let got = dir.run("envget", &[&key]);
            assert_eq!(got.stdout, format!("{v}\n"), "envget {key}");
            assert_eq!(
                py[0][i],
                (key.clone(), Some(v.to_string())),
                "python-dotenv {key}"
            );
            let shv = sh(
                dir.path(),
                &format!("set -a; . ./.env; printf '%s' \"${key}\""),
                &[("PATH", OsStr::new("/usr/bin:/bin"))],
            );
            assert_eq!(shv.stdout, *v, "sh {key}");
        }
    }
}

mod differential {
    use super::*;
    use pretty_assertions::assert_eq;

    /// Tricky files: (name, contents).
    const CORPUS: &[(&str, &str)] = &[
        ("plain", "A=1\nB=hello\nC=/path/to:x@y%z+,-\n"),
        (
            "single_quotes",
            "A='hello world'\nB='a\"b'\nC='  spaced  '\n",
        ),
        (
            "double_quotes",
            "A=\"hello world\"\nB=\"a\\\"b\"\nC=\"back\\\\slash\"\nD=\"it's\"\n",
        ),
        ("escaped_newline", "A=\"line1\\nline2\"\n"),
        ("export", "export A=1\nexport B='x y'\nexport   C=\"z\"\n"),
        (
            "comments",
            "# top\nA=1 # inline\nB='x' # c\nC=\"y\" #c\n   # indented\n",
        ),
        ("hash_in_value", "A=a#b\nB='#x'\nC=\"#y\"\n"),
        ("hash_first", "A=#value\n"),
        ("multiline", "A='l1\nl2'\nB=\"l1\nl2\"\nC=after\n"),
        ("crlf", "A=1\r\nB='x'\r\nC=\"y\"\r\n"),
        ("crlf_multiline", "A='l1\r\nl2'\r\nB=2\r\n"),
        ("bom", "\u{feff}A=1\nB=2\n"),
        ("duplicates", "A=1\nB=x\nA=2\n"),
        ("unicode", "A=héllo\nB='日本語 😀'\nC=\"ümlaut\"\n"),
        ("empty", "A=\nB=''\nC=\"\"\nD=   \n"),
        ("bad_line", "A=1\n!!bad\nB=2\n"),
        ("spaces_around_equals", "A = 1\nB= 2\nC =3\n"),
        ("trailing_spaces", "A=value   \nB='q'   \n"),
        ("unquoted_space", "A=hello world\n"),
        ("braced_expansion", "X=foo\nA=${X}/bar\nB=\"${X}-q\"\n"),
        ("bare_expansion", "X=foo\nA=$X/bar\n"),
        ("expansion_in_single_quotes", "X=foo\nA='${X}'\n"),
        ("double_backslash_single", "A='a\\\\b'\n"),
        ("double_backslash_bare", "A=a\\\\b\n"),
        ("escape_tab", "A=\"a\\tb\"\n"),
        ("lone_dollar", "A=\"cost $ 5\"\n"),
        ("default_syntax", "A=${NOPE:-d}\n"),
        ("python_set_key_output", "A='it\\'s'\n"),
        ("key_without_value", "A=1\nLONELY\nB=2\n"),
        ("dotted_key", "A.B=1\n"),
        (
            "dollar_name_before_closing_quote",
            "X=foo\nA=\"$X\"\nB=\"${X}\"\n",
        ),
        ("tabs", "A=\t'x'\t\n"),
        ("equals_in_value", "A=x=y\nB='k=v'\n"),
    ];

    /// (corpus file, key, why python-dotenv and dotenvy read it differently).
    const KNOWN_DISAGREEMENTS: &[(&str, &str, &str)] = &[
        (
            "hash_first",
            "A",
            "dotenvy takes `#` after `=` as a comment; python-dotenv keeps `#value`",
        ),
        (
            "crlf_multiline",
            "A",
            "python-dotenv reads in text mode (CRLF -> LF); dotenvy keeps the CR",
        ),
        (
            "unquoted_space",
            "A",
            "dotenvy rejects unquoted whitespace; python-dotenv keeps it",
        ),
        (
            "bare_expansion",
            "A",
            "python-dotenv expands only ${X}; dotenvy also expands $X",
        ),
        (
            "expansion_in_single_quotes",
            "A",
            "python-dotenv expands ${X} even in single quotes",
        ),
        (
            "double_backslash_single",
            "A",
            "python-dotenv decodes \\\\ in single quotes; dotenvy does not",
        ),
        (
            "double_backslash_bare",
            "A",
            "dotenvy decodes \\\\ in unquoted values; python-dotenv does not",
        ),
        (
            "escape_tab",
            "A",
            "python-dotenv decodes \\t; dotenvy rejects the escape",
        ),
        (
            "lone_dollar",
            "A",
            "dotenvy drops a `$` followed by a non-name character",
        ),
        (
            "default_syntax",
            "A",
            "python-dotenv supports ${X:-default}; dotenvy does not",
        ),
        (
            "python_set_key_output",
            "A",
            "python-dotenv's own \\' escape in single quotes; dotenvy rejects it",
        ),
        (
            "key_without_value",
            "LONELY",
            "python-dotenv yields None for a bare key; dotenvy rejects the line",
        ),
        (
            "dollar_name_before_closing_quote",
            "A",
            "dotenvy rejects \"$X\" (write \"${X}\"); python-dotenv keeps $X",
        ),
        (
            "bad_line",
            "!!bad",
            "python-dotenv reads `!!bad` as a key without value; dotenvy rejects it",
        ),
    ];

    fn envget_json(dir: &TestDir, file: &str) -> Vec<(String, Option<String>)> {
        let out = e2e::run_command(
            dir.command("envget")
                .args(["-f", file, "--format", "json"])
                .env_clear(),
            None,
        );
        out.assert_success();
        // A JSON object in file order: read it as an ordered list of pairs.
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{file}: {e}"));
        map.into_iter()
            .map(|(k, v)| (k, v.as_str().map(str::to_string)))
            .collect()
    }

    #[test]
    fn envget_equals_python_dotenv_except_the_listed_disagreements() {
        let dir = TestDir::new();
        let paths: Vec<_> = CORPUS
            .iter()
            .map(|(name, text)| dir.write(&format!("{name}.env"), text))
            .collect();
        let python = e2e::python::dotenv_values(&paths, &[]);
        let mut seen_disagreements = Vec::new();
        for ((name, _), py) in CORPUS.iter().zip(&python) {
            let ours = envget_json(&dir, &format!("{name}.env"));
            let mut keys: Vec<&String> = py
                .iter()
                .map(|(k, _)| k)
                .chain(ours.iter().map(|(k, _)| k))
                .collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let p = py.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
                let o = ours.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
                let known = KNOWN_DISAGREEMENTS
                    .iter()
                    .find(|(f, k, _)| f == name && k == key);
                match known {
                    Some((_, _, why)) => {
                        assert_ne!(
                            p, o,
                            "{name}/{key} is listed as a disagreement ({why}) but both read {p:?}"
                        );
                        seen_disagreements.push((*name, key.clone()));
                    }
                    None => assert_eq!(o, p, "{name}/{key}: envget vs python-dotenv"),
                }
            }
        }
        assert_eq!(
            seen_disagreements.len(),
            KNOWN_DISAGREEMENTS.len(),
            "every listed disagreement occurs"
        );
    }
}

const SCHEMA: &str = "# Settings of the demo\n# @defaultRequired=infer\n# ---\n\n# Where Ollama listens\n# @type=url\nOLLAMA_API_URL=http://127.0.0.1:11434/api/chat\n# @required @type=port\nPORT=\n# Your token, never committed\n# @sensitive @type=string(startsWith=hf_)\nHF_TOKEN=\n# @type=enum(dev, prod) @optional\nSTAGE=\n# @type=boolean\nDEBUG=false\n# @type=exec(\"op read x\") @fetchFrom=vault\nOLLAMA_MODEL=llama3.1\n";

#[test]
fn check_names_each_missing_or_malformed_key_and_its_rule_never_a_value() {
    let dir = TestDir::new();
    dir.write(".env.example", SCHEMA);
    dir.write(
        ".env",
        "OLLAMA_API_URL=127.0.0.1:11434\nPORT=70000\nHF_TOKEN=xx_secretvalue\nDEBUG=tru\nOLAMA_MODEL=qwen3\n",
    );
    let out = dir.run("envget", &["--check", ".env.example"]);
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "envget: warning: .env.example:17: @type=exec(...) is not run; ignored\n\
         envget: warning: .env.example:17: @fetchFrom is not supported; ignored\n\
         envget: OLLAMA_API_URL: malformed: not a URL (it needs a scheme, such as https://) (.env.example:7)\n\
         envget: PORT: malformed: not a port from 0 to 65535 (.env.example:9)\n\
         envget: HF_TOKEN: malformed: does not start with 'hf_' (.env.example:12)\n\
         envget: DEBUG: malformed: not a boolean (true/false, yes/no, on/off, 1/0) (.env.example:16)\n\
         envget: note: OLAMA_MODEL is set but not declared in .env.example (did you mean OLLAMA_MODEL?)\n"
    );
    assert!(!out.stderr.contains("secretvalue") && !out.stderr.contains("70000"));
    // JSON for CI; the process environment wins as in exec mode, unless --override.
    let out = e2e::run_command(
        dir.command("envget")
            .args(["--check", ".env.example", "--format", "json"])
            .env("PORT", "8080")
            .env("HF_TOKEN", "hf_fromtheenv")
            .env("DEBUG", "yes")
            .env("OLLAMA_API_URL", "http://h:1"),
        None,
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_default();
    assert_eq!(v["ok"], true);
    assert_eq!(v["undeclared"][0], "OLAMA_MODEL");
    let out = e2e::run_command(
        dir.command("envget")
            .args(["--check", ".env.example", "--override", "--format", "json"])
            .env("PORT", "8080"),
        None,
    );
    assert_eq!(out.code, Some(1));
    // No .env at all: every required key is missing, and that is exit 1, not 2.
    std::fs::remove_file(dir.path().join(".env")).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.run("envget", &["--check", ".env.example"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out
        .stderr
        .contains("envget: PORT: missing (required) (.env.example:9)\n"));
    assert!(out
        .stderr
        .contains("envget: HF_TOKEN: missing (required) (.env.example:12)\n"));
    assert!(
        !out.stderr.contains("OLLAMA_API_URL:"),
        "a key with a default may be left at it"
    );
}

#[test]
fn check_then_command_runs_the_command_only_when_all_is_well() {
    let dir = TestDir::new();
    dir.write(".env.example", SCHEMA);
    dir.write(".env", "PORT=http\nHF_TOKEN=hf_x\n");
    let out = dir.run(
        "envget",
        &["--check", ".env.example", "--", "sh", "-c", "echo ran"],
    );
    assert_eq!((out.code, out.stdout.as_str()), (Some(1), ""));
    assert!(
        out.stderr.contains("envget: PORT: malformed"),
        "{}",
        out.stderr
    );
    dir.write(".env", "PORT=8080\nHF_TOKEN=hf_x\n");
    let out = dir.run(
        "envget",
        &[
            "--check",
            ".env.example",
            "--",
            "sh",
            "-c",
            "echo ran $PORT; exit 3",
        ],
    );
    assert_eq!((out.code, out.stdout.as_str()), (Some(3), "ran 8080\n"));
    let out = dir.run("envget", &["--check", "nope.example"]);
    assert_eq!(out.code, Some(2));
    assert_eq!(
        out.stderr,
        "envget: nope.example: No such file or directory\n"
    );
    let out = dir.run("envget", &["--check", ".env.example", "PORT"]);
    assert_eq!(out.code, Some(2), "--check with KEYs is bad usage");
}

#[test]
fn format_example_writes_an_example_with_every_byte_but_the_secrets() {
    let dir = TestDir::new();
    dir.write(
        ".env",
        "# The model\nOLLAMA_MODEL=llama3.1\n\n# Your token\nexport HF_TOKEN=\"hf_real_secret\" # mine\nAPI_KEY=abcdefgh\nAPI_KEY=again\nEMPTY_TOKEN=\n",
    );
    let out = dir.run("envget", &["--format", "example"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "# The model\nOLLAMA_MODEL=llama3.1\n\n# Your token\nexport HF_TOKEN= # mine\nAPI_KEY=\nAPI_KEY=\nEMPTY_TOKEN=\n"
    );
    let out = dir.run("envget", &["--format", "example", "OLLAMA_MODEL"]);
    assert_eq!(out.code, Some(2));
}

#[test]
fn a_bad_schema_gives_warnings_naming_file_and_line_in_bounded_time_and_memory() {
    let dir = TestDir::new();
    let huge = "x".repeat(10 << 20);
    dir.write(
        ".env.example",
        format!(
            "# @type=enum()\nA=\n# @type=string(matches=\"(unclosed\")\nB=\n# @type=url(\nC=\n# {huge} @required\nD=x\n"
        ),
    );
    dir.write(".env", "A=1\nB=2\nC=3\n");
    let (out, peak) = e2e::run_measured(dir.command("envget").args(["--check", ".env.example"]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stderr,
        ".env.example:1: @type: enum() needs at least one value; the value is taken as text\n\
         .env.example:3: @type: string(matches=...) is not a pattern that compiles; the value is taken as text\n\
         .env.example:5: url( without its closing ')'\n\
         .env.example:7: a comment longer than 4096 bytes; decorators not read\n"
            .lines()
            .map(|l| format!("envget: warning: {l}\n"))
            .collect::<String>()
    );
    assert!(peak < 80 << 20, "peak memory {} MB", peak >> 20);
}
