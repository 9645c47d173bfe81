//! Nothing we write runs or expands anything in a POSIX shell that sources it: no file envset
//! writes (with or without `--unportable`) and no text `envget --format dotenv|shell` prints,
//! whatever the values, makes dash or bash run a command or expand a variable. Each value is
//! read back exactly, or was refused.

use e2e::{run_command, TestDir};
use pretty_assertions::assert_eq;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use std::process::Command;

/// Values made of what a shell would run or expand, among other characters.
fn values(count: usize) -> Vec<String> {
    let atoms = prop::sample::select(vec![
        "`touch RAN1`",
        "$(touch RAN2)",
        "$X",
        "${X}",
        "${X:-d}",
        "$(",
        "`",
        "'",
        "\"",
        "\\",
        "\\\\",
        "a",
        " ",
        "\n",
        "\r",
        "\t",
        "!",
        "#",
        ";",
        "&",
        "|",
        "*",
        "é",
        "$",
        "{",
        "}",
        "~",
        "=",
    ]);
    let strategy = prop::collection::vec(atoms, 1..7).prop_map(|v| v.concat());
    let mut runner = TestRunner::new(Config::default());
    (0..count)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .unwrap_or_else(|e| panic!("{e}"))
                .current()
        })
        .collect()
}

/// Source `file` with `shell` (as `set -a; . ./FILE`) with X set, and print each of `keys`
/// NUL-terminated; then fail the test if any command ran.
fn source(dir: &TestDir, shell: &str, file: &str, keys: &[String]) -> Vec<String> {
    let mut script = format!("set -a; . ./{file}; set +a");
    for k in keys {
        script.push_str(&format!("; printf '%s\\0' \"${k}\""));
    }
    let out = run_command(
        Command::new(shell)
            .arg("-c")
            .arg(&script)
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("X", "EXPANDED"),
        None,
    );
    for marker in ["RAN1", "RAN2"] {
        assert!(
            !dir.path().join(marker).exists(),
            "{shell} ran a command sourcing {file}"
        );
    }
    let mut got: Vec<String> = out.stdout.split('\0').map(str::to_string).collect();
    got.truncate(keys.len());
    got
}

#[test]
fn nothing_envset_writes_or_envget_prints_runs_or_expands_in_sh() {
    let values = values(250);
    for flags in [&[][..], &["--unportable"]] {
        let dir = TestDir::new();
        let mut keys = Vec::new();
        let mut accepted = Vec::new();
        for v in &values {
            let key = format!("K{}", keys.len());
            let out = run_command(
                dir.command("envset")
                    .args(flags)
                    .args(["--stdin-all", &key])
                    .env_remove("X"),
                Some(v.as_bytes()),
            );
            match out.code {
                Some(0) => {
                    keys.push(key);
                    accepted.push(v.clone());
                }
                Some(1) => {}
                other => panic!("{flags:?} {v:?}: exit {other:?}: {}", out.stderr),
            }
        }
        assert!(
            accepted.len() > 50,
            "{flags:?}: {} accepted",
            accepted.len()
        );
        // What envset wrote, and what envget prints from it in both formats.
        let envget = |format: &str| {
            let out = run_command(
                dir.command("envget")
                    .args(["--format", format])
                    .env_remove("X"),
                None,
            );
            out.assert_success();
            out.stdout
        };
        dir.write("printed.env", envget("dotenv"));
        dir.write("printed.sh", envget("shell"));
        for file in [".env", "printed.env", "printed.sh"] {
            for shell in ["dash", "bash"] {
                let got = source(&dir, shell, file, &keys);
                for (i, v) in accepted.iter().enumerate() {
                    assert_eq!(&got[i], v, "{shell} {file} {flags:?} K{i}");
                }
            }
        }
    }
}
