//! One face for the four tools: the same `--help` layout (usage lines as in the README,
//! options in groups, examples, exit codes, `--generate` listed), man pages with proper
//! sections that read cleanly at 80 columns, completions, and argument errors that name the
//! tool and exit 2.

use e2e::run_command;
use pretty_assertions::assert_eq;
use std::process::Command;

const TOOLS: [&str; 5] = [
    "envget",
    "envset",
    "venv-bootstrap",
    "ollama-chat",
    "envscan",
];

fn run(tool: &str, args: &[&str]) -> e2e::Output {
    run_command(Command::new(e2e::bin(tool)).args(args), None)
}

#[test]
fn every_help_has_the_same_layout_and_lists_generate() {
    let readme = std::fs::read_to_string(e2e::workspace_root().join("README.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    for tool in TOOLS {
        let help = run(tool, &["--help"]);
        assert_eq!((help.code, help.stderr.as_str()), (Some(0), ""), "{tool}");
        assert_eq!(
            run(tool, &["-h"]).stdout,
            help.stdout,
            "{tool}: -h is --help"
        );
        let text = &help.stdout;
        let usage = text
            .split_once("\nUsage: ")
            .map(|(_, rest)| rest.split("\n\n").next().unwrap_or_default())
            .unwrap_or_else(|| panic!("{tool}: no usage in\n{text}"));
        for line in usage.lines().map(str::trim) {
            assert!(line.starts_with(tool), "{tool}: usage line {line:?}");
            assert!(
                readme.lines().any(|l| l.starts_with(line)),
                "{tool}: the README shows the usage line {line:?}"
            );
        }
        let order = [
            "Usage: ",
            "\nOther:\n",
            "\nExamples:\n",
            "\nExit status:\n  0  ",
        ];
        let mut at = 0;
        for part in order {
            let found = text[at..]
                .find(part)
                .unwrap_or_else(|| panic!("{tool}: {part:?} missing or out of order:\n{text}"));
            at += found + part.len();
        }
        assert!(
            text.contains(
                "\n      --generate <KIND>  Print a man page or a shell completion script"
            ),
            "{tool}:\n{text}"
        );
        assert!(
            !text.contains("\n\n\n"),
            "{tool}: no double blank lines:\n{text}"
        );
    }
}

#[test]
fn every_man_page_has_its_sections_and_reads_cleanly_at_80_columns() {
    for tool in TOOLS {
        let page = run(tool, &["--generate", "man"]);
        page.assert_success();
        assert!(
            page.stdout.starts_with(&format!(
                ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH {tool} 1"
            )),
            "{tool}"
        );
        assert_eq!(
            page.stdout.matches(".ie \\n(.g").count(),
            1,
            "{tool}: one preamble"
        );
        let dir = e2e::TestDir::new();
        let file = dir.write(&format!("{tool}.1"), &page.stdout);
        let mut man = Command::new("man");
        man.arg("-l")
            .arg(&file)
            .env("MANWIDTH", "80")
            .env("MAN_KEEP_FORMATTING", "0");
        man.env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("LANG", "C.UTF-8");
        let shown = run_command(&mut man, None);
        assert_eq!(
            (shown.code, shown.stderr.as_str()),
            (Some(0), ""),
            "{tool}: man -l (install man-db)"
        );
        let text = &plain(&shown.stdout);
        let sections: Vec<&str> = text
            .lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
            .collect();
        for wanted in ["NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "EXAMPLES"] {
            assert!(
                sections.contains(&wanted),
                "{tool}: {wanted} in {sections:?}"
            );
        }
        assert!(!sections.contains(&"EXTRA"), "{tool}: {sections:?}");
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(widest <= 80, "{tool}: a line of {widest} columns:\n{text}");
        let synopsis = text
            .split("\nSYNOPSIS\n")
            .nth(1)
            .and_then(|s| s.split("\n\n").next())
            .unwrap_or_default();
        assert!(
            synopsis.contains(&format!("       {tool} [")),
            "{tool}: SYNOPSIS with argument names:\n{synopsis}"
        );
        assert!(!synopsis.contains("|--"), "{tool}: {synopsis}");
    }
}

#[test]
fn every_tool_prints_its_completions() {
    for tool in TOOLS {
        let bash = run(tool, &["--generate", "complete-bash"]).stdout;
        assert!(
            bash.contains(&format!("complete -F _{}", tool.replace('-', "__"))),
            "{tool}"
        );
        let zsh = run(tool, &["--generate", "complete-zsh"]).stdout;
        assert!(zsh.starts_with(&format!("#compdef {tool}")), "{tool}");
        let fish = run(tool, &["--generate", "complete-fish"]).stdout;
        assert!(fish.contains(&format!("complete -c {tool}")), "{tool}");
    }
}

#[test]
fn argument_errors_name_the_tool_and_exit_2() {
    for tool in TOOLS {
        let out = run(tool, &["--no-such-flag"]);
        assert_eq!(out.code, Some(2), "{tool}");
        assert!(
            out.stderr.starts_with(&format!(
                "{tool}: error: unexpected argument '--no-such-flag' found"
            )),
            "{tool}: {}",
            out.stderr
        );
        assert!(out.stderr.contains(&format!("Usage: {tool} ")), "{tool}");
        assert_eq!(out.stdout, "");
        let version = run(tool, &["--version"]);
        assert_eq!(
            (version.code, version.stdout.as_str()),
            (
                Some(0),
                format!("{tool} {}\n", env!("CARGO_PKG_VERSION")).as_str()
            )
        );
    }
}

/// Text without nroff's overstrike (bold is `X\bX`, underline `_\bX`).
fn plain(text: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c == '\u{8}' {
            out.pop();
        } else {
            out.push(c);
        }
    }
    out.into_iter().collect()
}

#[test]
fn the_fake_servers_help_prints_help_and_starts_nothing() {
    let fake = env!("CARGO_BIN_EXE_fake-ollama");
    for flag in ["--help", "-h"] {
        let out = run_command(Command::new(fake).arg(flag), None);
        assert_eq!((out.code, out.stderr.as_str()), (Some(0), ""), "{flag}");
        assert!(
            out.stdout.starts_with("A fake Ollama server"),
            "{}",
            out.stdout
        );
        assert!(
            !out.stdout.contains("http://"),
            "no server URL: {}",
            out.stdout
        );
    }
    let out = run_command(Command::new(fake).arg("bogus"), None);
    assert_eq!(out.code, Some(2));
    assert!(out
        .stderr
        .starts_with("fake-ollama: error: unknown reply 'bogus'"));
}

#[test]
fn the_harness_runs_the_binaries_of_the_profile_under_test() {
    // Cargo names the fake server of this package for the profile being tested; the tools
    // the harness runs must come from the same folder (never another profile's, maybe stale).
    let fake = std::path::Path::new(env!("CARGO_BIN_EXE_fake-ollama"));
    assert_eq!(Some(e2e::bin_dir()), fake.parent());
    for tool in TOOLS {
        assert!(e2e::bin(tool).starts_with(e2e::bin_dir()), "{tool}");
    }
}

/// Run `tool` in a fresh folder with its stdout on `stdout` (and `HOME` and the XDG folders
/// inside that folder); its exit code and stderr.
fn run_into(tool: &str, args: &[&str], stdout: std::process::Stdio) -> (Option<i32>, String) {
    let dir = e2e::TestDir::new();
    dir.write(".data/ollama-chat/log.jsonl", LOG_LINE);
    dir.write(
        ".config/ollama-chat/templates/t.json",
        "{\"system\": \"be brief\"}\n",
    );
    let out = dir
        .command(tool)
        .args(args)
        .env("XDG_DATA_HOME", dir.path().join(".data"))
        .env("XDG_CONFIG_HOME", dir.path().join(".config"))
        .stdin(std::process::Stdio::null())
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const LOG_LINE: &str = "{\"cid\":\"c1\",\"time\":\"2026-01-01T00:00:00Z\",\"url\":\"u\",\"model\":\"m\",\"prompt\":\"p\",\"answer\":\"a\"}\n";

fn dev_full() -> std::process::Stdio {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .map(std::process::Stdio::from)
        .unwrap_or_else(|e| panic!("/dev/full: {e}"))
}

/// A pipe whose reader is already gone: every write fails with EPIPE.
fn closed_pipe() -> std::process::Stdio {
    let (reader, writer) = std::io::pipe().unwrap_or_else(|e| panic!("pipe: {e}"));
    drop(reader);
    std::process::Stdio::from(writer)
}

#[test]
fn a_full_disk_is_one_line_and_exit_2_and_a_closed_pipe_is_success() {
    let mut cases: Vec<(&str, Vec<&str>)> = Vec::new();
    for tool in TOOLS {
        for kind in ["man", "complete-bash", "complete-zsh", "complete-fish"] {
            cases.push((tool, vec!["--generate", kind]));
        }
    }
    cases.push(("ollama-chat", vec!["--templates"]));
    cases.push(("ollama-chat", vec!["--logs"]));
    cases.push(("ollama-chat", vec!["--logs", "--json"]));
    for (tool, args) in &cases {
        let (code, stderr) = run_into(tool, args, dev_full());
        assert_eq!(
            (code, stderr.as_str()),
            (
                Some(2),
                format!("{tool}: cannot write to standard output: No space left on device\n")
                    .as_str()
            ),
            "{tool} {args:?} > /dev/full"
        );
        let (code, stderr) = run_into(tool, args, closed_pipe());
        assert_eq!(
            (code, stderr.as_str()),
            (Some(0), ""),
            "{tool} {args:?} | (closed)"
        );
    }
    let (code, stderr) = run_into("envset", &["--web", "TOKEN", "--timeout", "5"], dev_full());
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "envset: cannot write to standard output: No space left on device\n"
    );
}

#[test]
fn waits_too_long_for_a_clock_are_argument_errors_not_panics() {
    for (tool, args) in [
        ("envset", &["--web", "--timeout", "1e30", "A"][..]),
        (
            "envset",
            &["--web", "--timeout", "18446744073709551615", "A"],
        ),
        ("envset", &["--lock-timeout", "18446744073709551616", "A=1"]),
        ("envset", &["--lock-timeout", "1e30", "A=1"]),
        ("envset", &["--lock-timeout", "NaN", "A=1"]),
        (
            "ollama-chat",
            &["--timeout", "18446744073709551615", "-m", "x", "hi"],
        ),
        ("ollama-chat", &["--timeout", "1e30", "-m", "x", "hi"]),
    ] {
        let (code, stderr) = run_into(tool, args, std::process::Stdio::null());
        assert_eq!(code, Some(2), "{tool} {args:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!("{tool}: error: invalid value"))
                && stderr.contains("seconds"),
            "{tool} {args:?}: {stderr}"
        );
    }
}

/// The rows of the README's exit table for `tool`: (code, meaning), backticks dropped.
fn readme_exit_table(readme: &str, tool: &str) -> Vec<(String, String)> {
    let mut lines = readme
        .lines()
        .skip_while(|l| !l.starts_with(&format!("| exit | {tool}")))
        .skip(2);
    let mut rows = Vec::new();
    for line in lines.by_ref() {
        let Some(row) = line.strip_prefix("| ").and_then(|l| l.strip_suffix(" |")) else {
            break;
        };
        let (code, what) = row.split_once(" | ").unwrap_or((row, ""));
        rows.push((code.to_string(), what.replace('`', "")));
    }
    rows
}

/// The rows of `--help`'s exit statuses: (code, meaning), wrapped lines joined.
fn help_exit_table(help: &str) -> Vec<(String, String)> {
    let table = help.split("\nExit status:\n").nth(1).unwrap_or("");
    let mut rows: Vec<(String, String)> = Vec::new();
    for line in table.lines() {
        let text = line.trim();
        match rows.last_mut() {
            Some((_, what)) if line.starts_with("   ") => {
                what.push(' ');
                what.push_str(text);
            }
            _ => {
                let (code, what) = text.split_once(' ').unwrap_or((text, ""));
                rows.push((code.to_string(), what.trim().to_string()));
            }
        }
    }
    rows
}

#[test]
fn each_tools_exit_table_is_the_same_in_help_man_and_readme() {
    let readme = std::fs::read_to_string(e2e::workspace_root().join("README.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    for tool in TOOLS {
        let help = help_exit_table(&run(tool, &["--help"]).stdout);
        assert!(help.len() >= 3, "{tool}: {help:?}");
        assert_eq!(
            readme_exit_table(&readme, tool),
            help,
            "{tool}: README vs --help"
        );
        let man = run(tool, &["--generate", "man"]).stdout;
        let man_section = man.split(".SH \"EXIT STATUS\"").nth(1).unwrap_or("");
        for (code, _) in &help {
            assert!(
                man_section.contains(&format!("\\fB{code}\\fR")),
                "{tool}: the man page lists {code}"
            );
        }
    }
}

/// Each file of a crate's `src` as a module path (`chat::repl`; `crate` for main.rs or
/// lib.rs), with its text before its tests.
fn modules(src: &std::path::Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            // A binary's main.rs that only calls its library is no module of the library.
            if path == src.join("main.rs") && src.join("lib.rs").exists() {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap_or(&path).with_extension("");
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "main" | "lib")
            ) {
                parts.pop();
            }
            let name = if parts.is_empty() {
                "crate".into()
            } else {
                parts.join("::")
            };
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let text = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
            out.push((name, text));
        }
    }
    out
}

/// The modules `text` (of module `me`) uses: `crate::a::b`, `super::x`, and in a module
/// with children, `child::...`; each resolved to the longest module path that exists.
fn uses(me: &str, text: &str, all: &[String]) -> Vec<String> {
    let resolve = |path: &str| -> Option<String> {
        let parts: Vec<&str> = path.split("::").collect();
        (1..=parts.len())
            .rev()
            .map(|n| parts[..n].join("::"))
            .find(|p| all.contains(p))
    };
    let parent = me.rsplit_once("::").map_or("crate", |(p, _)| p).to_string();
    let mut out = Vec::new();
    for line in text.lines().map(|l| l.split("//").next().unwrap_or("")) {
        let words: Vec<&str> = line
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .filter(|w| w.contains("::"))
            .collect();
        for w in words {
            let full = if let Some(rest) = w.strip_prefix("crate::") {
                rest.to_string()
            } else if let Some(rest) = w.strip_prefix("super::") {
                if parent == "crate" {
                    rest.to_string()
                } else {
                    format!("{parent}::{rest}")
                }
            } else if me == "crate" {
                w.to_string()
            } else {
                format!("{me}::{w}")
            };
            let found = resolve(full.trim_end_matches(':')).or_else(|| {
                (w.starts_with("super::") && parent != "crate").then(|| parent.clone())
            });
            if let Some(m) = found.filter(|m| m != me) {
                out.push(m);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn no_crate_has_an_import_circle_between_its_modules() {
    let root = e2e::workspace_root();
    for krate in [
        "cli",
        "envfile",
        "store",
        "envget",
        "envset",
        "ollama-chat",
        "venv-bootstrap",
    ] {
        let mods = modules(&root.join(krate).join("src"));
        let names: Vec<String> = mods.iter().map(|(n, _)| n.clone()).collect();
        let edges: Vec<(String, Vec<String>)> = mods
            .iter()
            .map(|(n, t)| (n.clone(), uses(n, t, &names)))
            .collect();
        // A circle is a path from a module back to itself.
        for (start, _) in &edges {
            let mut seen = vec![start.clone()];
            let mut todo: Vec<Vec<String>> = vec![vec![start.clone()]];
            while let Some(path) = todo.pop() {
                let last = path.last().cloned().unwrap_or_default();
                let next = edges
                    .iter()
                    .find(|(n, _)| *n == last)
                    .map(|(_, u)| u.clone());
                for m in next.unwrap_or_default() {
                    assert!(
                        m != *start,
                        "{krate}: import circle {} -> {m}",
                        path.join(" -> ")
                    );
                    if !seen.contains(&m) {
                        seen.push(m.clone());
                        let mut longer = path.clone();
                        longer.push(m);
                        todo.push(longer);
                    }
                }
            }
        }
    }
}

#[test]
fn the_wheels_man_pages_and_completions_are_what_the_tools_print() {
    let share = e2e::workspace_root().join("python/envtools.data/data/share");
    for tool in TOOLS {
        for (kind, file) in [
            ("man", format!("man/man1/{tool}.1")),
            (
                "complete-bash",
                format!("bash-completion/completions/{tool}"),
            ),
            ("complete-zsh", format!("zsh/site-functions/_{tool}")),
            (
                "complete-fish",
                format!("fish/vendor_completions.d/{tool}.fish"),
            ),
        ] {
            let printed = run(tool, &["--generate", kind]).stdout;
            let kept = std::fs::read_to_string(share.join(&file)).unwrap_or_default();
            assert!(
                printed == kept,
                "python/envtools.data/data/share/{file} is stale: run python/generate-data"
            );
        }
    }
}

#[test]
fn the_wheel_is_the_workspaces_version_and_locks_the_same_dependencies() {
    let root = e2e::workspace_root();
    let read =
        |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let version = |text: &str, table: &str| {
        let at = text.find(table).unwrap_or_else(|| panic!("no {table}"));
        let v = text[at..]
            .lines()
            .find_map(|l| l.strip_prefix("version = \""));
        v.and_then(|v| v.strip_suffix('"'))
            .unwrap_or("")
            .to_string()
    };
    let workspace = version(&read("Cargo.toml"), "[workspace.package]");
    assert!(!workspace.is_empty());
    assert_eq!(version(&read("python/Cargo.toml"), "[package]"), workspace);
    // Every package the wheel's lock names is locked at the same version for the workspace.
    let packages = |text: &str| -> Vec<(String, String)> {
        text.split("[[package]]")
            .skip(1)
            .filter_map(|p| {
                let field = |k: &str| {
                    p.lines()
                        .find_map(|l| l.strip_prefix(&format!("{k} = \"")))
                        .map(|v| v.trim_end_matches('"').to_string())
                };
                Some((field("name")?, field("version")?))
            })
            .collect()
    };
    let all = packages(&read("Cargo.lock"));
    for (name, v) in packages(&read("python/Cargo.lock")) {
        if name != "envtools" {
            assert!(
                all.contains(&(name.clone(), v.clone())),
                "python/Cargo.lock: {name} {v}"
            );
        }
    }
}

#[test]
fn ci_installs_every_package_the_tests_python_needs() {
    let ci = std::fs::read_to_string(e2e::workspace_root().join(".ci/run"))
        .unwrap_or_else(|e| panic!("{e}"));
    let install = ci
        .lines()
        .skip_while(|l| !l.contains("/venv/bin/pip\" install"))
        .take_while(|l| !l.starts_with("export "))
        .collect::<Vec<_>>()
        .join(" ");
    for package in e2e::python::PACKAGES {
        assert!(
            install.contains(&format!("\"{package}\""))
                || install.contains(&format!(" {package} ")),
            "{package} is not in .ci/run's pip install: {install}"
        );
    }
}
