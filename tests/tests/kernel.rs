//! venv-bootstrap's Jupyter kernel, end to end, driven by the real jupyter_client and nbclient
//! (tests/fixtures/kernel_driver.py) the way JupyterLab and VS Code drive kernels: registered
//! with `--kernel`, started by name from another folder, its messages read one by one. The
//! project venvs install ipykernel offline, with uv, from a folder of its wheels
//! (`e2e::python::kernel_wheels`). Jupyter's and IPython's folders are inside the test's.

use e2e::{run_command, Output, TestDir};
use pretty_assertions::assert_eq;
use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python the project venvs are built from (as in venv_bootstrap.rs).
const PYTHON: &str = "/usr/bin/python3";
const KEY: &str = "sk-live-0123456789abcdefXYZ";
const REDACTED: &str = "[redacted:OPENAI_API_KEY]";
const NEW_KEY: &str = "sk-rotated-9876543210zyxwv";
const OTHER_KEY: &str = "sk-other-project-key-000111";
/// Every secret value of the tests.
const SECRETS: [&str; 3] = [KEY, NEW_KEY, OTHER_KEY];

/// A project folder of a test.
struct Project<'a> {
    dir: &'a TestDir,
    path: PathBuf,
}

/// A project at `rel` in `dir`: `.env` with the secret `key`, an example that also requires
/// HF_TOKEN (which `.env` lacks), no requirements, and a wheel folder (ipykernel's wheels and
/// tinypkg 1.0).
fn project<'a>(dir: &'a TestDir, rel: &str, key: &str) -> Project<'a> {
    let path = dir.path().join(rel);
    let wheels = path.join("wheels");
    fs::create_dir_all(&wheels).unwrap_or_else(|e| panic!("{e}"));
    for entry in fs::read_dir(e2e::python::kernel_wheels(PYTHON)).unwrap_or_else(|e| panic!("{e}"))
    {
        let from = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let to = wheels.join(from.file_name().unwrap_or_default());
        if fs::hard_link(&from, &to).is_err() {
            fs::copy(&from, &to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
        }
    }
    e2e::wheels::make_wheel(&wheels, "tinypkg", "1.0");
    let p = Project { dir, path };
    p.write(".env", &format!("OPENAI_API_KEY={key}\nMODEL=llama3\n"));
    p.write(
        ".env.example",
        "# @defaultRequired=false\n# ---\n# @required\nOPENAI_API_KEY=\nMODEL=llama3\n# @required\nHF_TOKEN=\n",
    );
    p.write("requirements.txt", "");
    p
}

/// Jupyter's, IPython's and uv's folders inside the test's, and the tests' uv on PATH.
fn jupyter_env(cmd: &mut Command, dir: &TestDir) {
    let uv = e2e::python::uv();
    let path = format!(
        "{}:{}",
        uv.parent().unwrap_or(Path::new("/")).display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let d = dir.path();
    cmd.env("JUPYTER_DATA_DIR", d.join("jupyter-data"))
        .env("JUPYTER_RUNTIME_DIR", d.join("jupyter-runtime"))
        .env("JUPYTER_CONFIG_DIR", d.join("jupyter-config"))
        .env("IPYTHONDIR", d.join("ipython"))
        .env("UV_CACHE_DIR", d.join("uv-cache"))
        .env("TMPDIR", dir.tmp())
        .env("PATH", path)
        .env_remove("JUPYTER_PATH")
        // The kernel's private file goes to TMPDIR, the test's, where it is looked for.
        .env_remove("XDG_RUNTIME_DIR")
        .env_remove("PYTHONPATH")
        .env_remove("OPENAI_API_KEY");
}

impl Project<'_> {
    fn write(&self, name: &str, text: &str) {
        fs::write(self.path.join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }

    /// venv-bootstrap in the project, with the tests' installer options.
    fn vb(&self, args: &[&str]) -> Output {
        let mut cmd = self.dir.command("venv-bootstrap");
        cmd.current_dir(&self.path)
            .args(["--python", PYTHON, "--offline", "--find-links", "wheels"])
            .args(["--installer", "uv", "--no-upgrade-pip"])
            .args(args);
        jupyter_env(&mut cmd, self.dir);
        run_command(&mut cmd, None)
    }

    /// `--kernel` (succeeding), and the name of the kernel it registered, as
    /// `jupyter kernelspec list --json` lists it.
    fn register(&self) -> String {
        self.vb(&["--kernel"]).assert_success();
        let mut cmd = Command::new(e2e::python::python());
        cmd.args(["-m", "jupyter", "kernelspec", "list", "--json"]);
        jupyter_env(&mut cmd, self.dir);
        let out = run_command(&mut cmd, None);
        out.assert_success();
        let listed: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
        let ours: Vec<&String> = listed["kernelspecs"]
            .as_object()
            .unwrap_or_else(|| panic!("{listed}"))
            .iter()
            .filter(|(_, s)| {
                s.pointer("/spec/metadata/venv_bootstrap/project") == Some(&json!(self.path))
            })
            .map(|(name, _)| name)
            .collect();
        assert_eq!(ours.len(), 1, "{listed}");
        ours[0].clone()
    }

    /// Whether the project's venv has `module` (found, not imported: importing IPython would
    /// make ~/.ipython).
    fn venv_imports(&self, module: &str) -> bool {
        let code = format!(
            "import importlib.util, sys; sys.exit(importlib.util.find_spec('{module}') is None)"
        );
        Command::new(self.path.join(".nix-venv/bin/python"))
            .args(["-c", &code])
            .status()
            .is_ok_and(|s| s.success())
    }
}

/// Run the driver in `cwd` with `request`; its answer. What the kernels wrote to their own
/// standard output and error (the Jupyter server's log) holds no secret either.
fn drive(dir: &TestDir, cwd: &Path, request: Value) -> Value {
    drive_logged(dir, cwd, request).0
}

/// [`drive`], and the kernels' log.
fn drive_logged(dir: &TestDir, cwd: &Path, request: Value) -> (Value, String) {
    let script = e2e::workspace_root().join("tests/fixtures/kernel_driver.py");
    let mut cmd = Command::new(e2e::python::python());
    cmd.arg(script).current_dir(cwd);
    jupyter_env(&mut cmd, dir);
    let out = run_command(&mut cmd, Some(request.to_string().as_bytes()));
    out.assert_success();
    let mut answer: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    let log = format!("{}{}", answer["stdout"].as_str().unwrap_or(""), out.stderr);
    for secret in SECRETS {
        assert!(
            !log.contains(secret),
            "a secret reached the kernel's log: {log}"
        );
    }
    (answer["answer"].take(), log)
}

/// The messages of one run of type `kind`.
fn of_type<'a>(run: &'a Value, kind: &str) -> Vec<&'a Value> {
    run.as_array()
        .unwrap_or_else(|| panic!("{run}"))
        .iter()
        .filter(|m| m["type"] == kind)
        .map(|m| &m["content"])
        .collect()
}

/// The text a run wrote to the stream `name`, as a notebook shows it.
fn stream(run: &Value, name: &str) -> String {
    of_type(run, "stream")
        .into_iter()
        .filter(|c| c["name"] == name)
        .filter_map(|c| c["text"].as_str())
        .collect()
}

fn reversed(s: &str) -> String {
    s.chars().rev().collect()
}

#[test]
fn a_kernel_started_by_name_elsewhere_has_the_projects_venv_and_keys_and_redacts_every_output() {
    let dir = TestDir::new();
    let p = project(&dir, "app", KEY);
    let name = p.register();
    let kernel_json = fs::read_to_string(
        dir.path()
            .join("jupyter-data/kernels")
            .join(&name)
            .join("kernel.json"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(!kernel_json.contains(KEY), "{kernel_json}");
    let spec: Value = serde_json::from_str(&kernel_json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(spec["argv"][0], json!(e2e::bin("venv-bootstrap")));
    let argv: Vec<&str> = spec["argv"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        argv[argv.len() - 4..],
        [
            "--kernel-start",
            &name,
            p.path.to_str().unwrap_or(""),
            "{connection_file}"
        ]
    );
    assert!(
        spec["display_name"]
            .as_str()
            .is_some_and(|d| d.starts_with("app (Python 3.")),
        "{spec}"
    );

    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap_or_else(|e| panic!("{e}"));
    let cells = [
        "import os, sys; print(os.getcwd()); print(sys.prefix); print(os.environ['OPENAI_API_KEY'])",
        "v = os.environ['OPENAI_API_KEY']; print(v[:6], end=''); sys.stdout.flush(); print(v[6:]); print(v[::-1])",
        "v",
        "from IPython.display import display, HTML\ndisplay(HTML('<b>' + v + '</b>'))\ndisplay({'application/json': {'key': v}}, raw=True)",
        "import logging; logging.getLogger('app').warning('using %s', v)",
        // ipykernel forwards what a subprocess writes from a thread of its own: the pause lets
        // it arrive before the cell ends.
        "import subprocess, time; subprocess.run(['sh', '-c', 'echo \"$OPENAI_API_KEY\"']); time.sleep(1)",
        "raise RuntimeError('bad key ' + v)",
        // What reached the kernel besides its environment: argv, and its standard input.
        "print(v in open('/proc/self/cmdline', 'rb').read().decode(), os.fstat(0).st_size, [k for k in os.environ if 'patterns' in os.environ[k]])",
    ];
    let steps: Vec<Value> = cells.iter().map(|c| json!({"run": c})).collect();
    let (runs, log) = drive_logged(&dir, &elsewhere, json!({"kernel": name, "steps": steps}));
    // What ipykernel echoes to the server's log (the subprocess's line) arrives, redacted.
    assert!(log.contains(REDACTED), "{log}");
    let all = runs.to_string();
    assert!(!all.contains(KEY), "a secret left the kernel: {all}");
    let project = p.path.display();
    assert_eq!(
        stream(&runs[0], "stdout"),
        format!("{project}\n{project}/.nix-venv\n{REDACTED}\n")
    );
    // The example's missing key is the first cell's warning, and only the first's.
    let warning = "venv-bootstrap: warning: HF_TOKEN: missing (required) (.env.example:7)\n";
    assert_eq!(stream(&runs[0], "stderr"), warning);
    assert_eq!(stream(&runs[1], "stderr"), "");
    // Cut across two messages, still redacted; inside the kernel the value is whole.
    assert_eq!(
        stream(&runs[1], "stdout"),
        format!("{REDACTED}\n{}\n", reversed(KEY))
    );
    assert_eq!(
        of_type(&runs[2], "execute_result")[0]["data"]["text/plain"],
        json!(format!("'{REDACTED}'"))
    );
    let shown = of_type(&runs[3], "display_data");
    assert_eq!(
        shown[0]["data"]["text/html"],
        json!(format!("<b>{REDACTED}</b>"))
    );
    assert_eq!(
        shown[1]["data"]["application/json"],
        json!({"key": REDACTED})
    );
    assert_eq!(stream(&runs[4], "stderr"), format!("using {REDACTED}\n"));
    assert_eq!(stream(&runs[5], "stdout"), format!("{REDACTED}\n"));
    let error = of_type(&runs[6], "error")[0];
    assert_eq!(error["evalue"], json!(format!("bad key {REDACTED}")));
    assert!(error["traceback"].to_string().contains(REDACTED), "{error}");
    assert_eq!(
        of_type(&runs[6], "reply")[0]["evalue"],
        json!(format!("bad key {REDACTED}"))
    );
    // The patterns came on standard input, which is /dev/null by now; nothing of it is left.
    assert_eq!(stream(&runs[7], "stdout"), "False 0 []\n");
    let left: Vec<_> = fs::read_dir(dir.tmp())
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".venv-bootstrap-kernel-")
        })
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_notebook_executed_and_saved_holds_no_secret_and_envscan_finds_none() {
    let dir = TestDir::new();
    let p = project(&dir, "app", KEY);
    let name = p.register();
    let notebook = p.path.join("analysis.ipynb");
    let cells = [
        "import os\nprint(os.environ)",
        "os.environ['OPENAI_API_KEY']",
        "import json; print(json.dumps({'headers': {'Authorization': 'Bearer ' + os.environ['OPENAI_API_KEY']}}))",
        "import base64; print(base64.b64encode(('user:' + os.environ['OPENAI_API_KEY']).encode()).decode())",
        "import urllib.parse; print(urllib.parse.quote('k=' + os.environ['OPENAI_API_KEY'] + '/'))",
    ];
    drive(
        &dir,
        &p.path,
        json!({"kernel": name, "notebook": notebook, "cells": cells}),
    );
    let saved = fs::read_to_string(&notebook).unwrap_or_else(|e| panic!("{e}"));
    assert!(!saved.contains(KEY), "{saved}");
    assert!(saved.matches(REDACTED).count() >= 5, "{saved}");
    let scan = p
        .dir
        .command("envscan")
        .current_dir(&p.path)
        .arg("analysis.ipynb")
        .output();
    let scan = scan.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        scan.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&scan.stdout)
    );
    // The same notebook with the value put back is found: the scan can fail.
    p.write("leaked.ipynb", &saved.replace(REDACTED, KEY));
    let scan = p
        .dir
        .command("envscan")
        .current_dir(&p.path)
        .arg("leaked.ipynb")
        .output();
    let scan = scan.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(scan.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&scan.stdout).contains("OPENAI_API_KEY"));
}

#[test]
fn a_changed_env_and_a_changed_requirement_are_seen_at_the_next_restart() {
    let dir = TestDir::new();
    let p = project(&dir, "app", KEY);
    let name = p.register();
    let new_key = NEW_KEY;
    let env = p.path.join(".env");
    let reqs = p.path.join("requirements.txt");
    let show = "import os; print(os.environ['MODEL'], os.environ['OPENAI_API_KEY'][::-1]); print(os.environ['OPENAI_API_KEY'])";
    let runs = drive(
        &dir,
        dir.path(),
        json!({"kernel": name, "steps": [
            {"run": show},
            {"run": "import importlib.util; print(importlib.util.find_spec('tinypkg') is None)"},
            {"write": [env, format!("OPENAI_API_KEY={new_key}\nMODEL=mistral\n")]},
            {"write": [reqs, "tinypkg==1.0\n"]},
            {"restart": true},
            {"run": show},
            {"run": "import tinypkg; print(tinypkg.VERSION)"},
            {"interrupt": "import time; time.sleep(60)"},
            {"run": "print('still here')"},
        ]}),
    );
    assert_eq!(
        stream(&runs[0], "stdout"),
        format!("llama3 {}\n{REDACTED}\n", reversed(KEY))
    );
    assert_eq!(stream(&runs[1], "stdout"), "True\n");
    assert_eq!(
        stream(&runs[2], "stdout"),
        format!("mistral {}\n{REDACTED}\n", reversed(new_key))
    );
    assert_eq!(stream(&runs[3], "stdout"), "1.0\n");
    // Jupyter's interrupt (SIGINT to the kernel) reaches the kernel's Python itself.
    assert_eq!(
        of_type(&runs[4], "error")[0]["ename"],
        json!("KeyboardInterrupt")
    );
    assert_eq!(stream(&runs[5], "stdout"), "still here\n");
    assert!(!runs.to_string().contains(new_key), "{runs}");
}

#[test]
fn two_projects_of_the_same_name_get_two_kernels() {
    let dir = TestDir::new();
    let other_key = OTHER_KEY;
    let one = project(&dir, "one/app", KEY);
    let two = project(&dir, "two/app", other_key);
    let (a, b) = (one.register(), two.register());
    assert_ne!(a, b);
    assert!(a.starts_with("app-") && b.starts_with("app-"), "{a} {b}");
    let show = "import os; print(os.getcwd(), os.environ['OPENAI_API_KEY'][::-1])";
    for (name, p, key) in [(&a, &one, KEY), (&b, &two, other_key)] {
        let runs = drive(
            &dir,
            dir.path(),
            json!({"kernel": name, "steps": [{"run": show}]}),
        );
        assert_eq!(
            stream(&runs[0], "stdout"),
            format!("{} {}\n", p.path.display(), reversed(key))
        );
    }
}

#[test]
fn remove_kernel_unregisters_it_and_drops_ipykernel_unless_the_requirements_want_it() {
    let dir = TestDir::new();
    let p = project(&dir, "app", KEY);
    let name = p.register();
    assert!(p.venv_imports("ipykernel"));
    // The venv's kernel is part of what it is built from: a plain start keeps it, warm.
    p.vb(&["--check"]).assert_success();
    p.vb(&["-q", "--", "true"]).assert_output(0, "", "");
    assert!(p.venv_imports("ipykernel"));
    let out = p.vb(&["--remove-kernel"]);
    out.assert_success();
    assert!(
        out.stderr.contains(&format!("removed the kernel {name}")),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("jupyter-data/kernels").join(&name).exists());
    assert!(!p.venv_imports("ipykernel"), "ipykernel stayed");
    p.vb(&["--check"]).assert_success();
    // Wanted by the requirements, it stays.
    p.write("requirements.txt", "ipykernel\n");
    p.register();
    p.vb(&["--remove-kernel"]).assert_success();
    assert!(
        p.venv_imports("ipykernel"),
        "a required ipykernel was removed"
    );
    // Again: nothing to remove, said so.
    let out = p.vb(&["--remove-kernel"]);
    out.assert_success();
    assert!(out.stderr.contains("no kernel"), "{}", out.stderr);
}

#[test]
fn a_kernel_that_is_not_this_projects_is_never_replaced_or_removed() {
    let dir = TestDir::new();
    let p = project(&dir, "app", KEY);
    let foreign = dir.path().join("jupyter-data/kernels/shared/kernel.json");
    fs::create_dir_all(foreign.parent().unwrap_or(Path::new("/")))
        .unwrap_or_else(|e| panic!("{e}"));
    let theirs = r#"{"argv": ["python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "Theirs", "language": "python"}"#;
    fs::write(&foreign, theirs).unwrap_or_else(|e| panic!("{e}"));
    for args in [["--kernel", "shared"], ["--remove-kernel", "shared"]] {
        let out = p.vb(&args);
        out.assert_code(2);
        assert!(
            out.stderr
                .contains("kernel shared is not registered by venv-bootstrap"),
            "{}",
            out.stderr
        );
        assert_eq!(fs::read_to_string(&foreign).unwrap_or_default(), theirs);
    }
    // Another project's, by name: refused too, naming that project.
    let other = project(&dir, "other", KEY);
    other.vb(&["--kernel", "mine"]).assert_success();
    let out = p.vb(&["--kernel", "Mine"]);
    out.assert_code(2);
    assert!(
        out.stderr
            .contains(&format!("is the kernel of {}", other.path.display())),
        "{}",
        out.stderr
    );
    // Names Jupyter would not keep, and contradictions, are usage errors.
    p.vb(&["--kernel", "no/slash"]).assert_code(2);
    p.vb(&["--kernel", "--check"]).assert_code(2);
    p.vb(&["--remove-kernel", "--", "true"]).assert_code(2);
}

#[test]
fn a_kernel_whose_venv_cannot_be_updated_still_starts_and_says_why_in_its_first_output() {
    let dir = TestDir::new();
    let p = project(&dir, "app", KEY);
    let name = p.register();
    p.write("requirements.txt", "nosuchpackage==9.9\n");
    p.write(
        ".env",
        &format!("OPENAI_API_KEY={KEY}\nHF_TOKEN=hf_abcdefghijkl\nPORT=eighty\nBROKEN='{KEY}\n"),
    );
    let example = fs::read_to_string(p.path.join(".env.example")).unwrap_or_default();
    p.write(
        ".env.example",
        &format!("{example}# @type=port\nPORT=8080\n"),
    );
    let runs = drive(
        &dir,
        dir.path(),
        json!({"kernel": name, "steps": [
            {"run": "print('ok')"},
            {"run": "print('again')"},
        ]}),
    );
    assert_eq!(stream(&runs[0], "stdout"), "ok\n");
    let warnings = stream(&runs[0], "stderr");
    assert!(
        warnings.contains("venv-bootstrap: warning: uv install failed"),
        "{warnings}"
    );
    assert!(
        warnings.contains("the kernel runs with the venv as it is"),
        "{warnings}"
    );
    assert!(
        warnings.contains("venv-bootstrap: warning: .env:4: "),
        "{warnings}"
    );
    assert!(
        warnings.contains("venv-bootstrap: warning: PORT: malformed: ")
            && warnings.contains("(.env.example:9)"),
        "{warnings}"
    );
    assert!(!warnings.contains("HF_TOKEN"), "{warnings}");
    assert!(!runs.to_string().contains(KEY), "{runs}");
    assert_eq!(stream(&runs[1], "stderr"), "");
}

/// A small deterministic generator (xorshift), so a failure is the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// One case: secrets, and a text made of junk, their values in every form, and their starts.
fn case(rng: &mut Rng) -> (Vec<envtools_secrets::Secret>, String) {
    const VALUES: &[&str] = &[
        "sk-abc123DEF456ghi",
        "p@ss w/rd+\"quoted\"\\x",
        "ünïcødé-sécret-✓",
        "abcabcabcabcabc",
        "sk-abc123DEF456ghi-and-longer",
        "line1\nline2-secret",
    ];
    const JUNK: &[&str] = &[
        "", " ", "\n", "x", "sk-", "abc", "%2F", "=", "ü", "Zm9v", "\"", "p@",
    ];
    let secrets: Vec<envtools_secrets::Secret> = (0..1 + rng.below(3))
        .map(|i| envtools_secrets::Secret {
            key: format!("K{i}_TOKEN"),
            value: rng.pick(VALUES).to_string(),
        })
        .collect();
    let matcher = envtools_secrets::Matcher::new(&secrets, false);
    let patterns: Vec<String> = matcher
        .patterns()
        .map(|(_, p)| String::from_utf8_lossy(p).into_owned())
        .collect();
    let mut text = String::new();
    for _ in 0..rng.below(12) {
        match rng.below(3) {
            0 => text.push_str(rng.pick(JUNK)),
            1 => text.push_str(&patterns[rng.below(patterns.len())]),
            _ => {
                let p: Vec<char> = patterns[rng.below(patterns.len())].chars().collect();
                text.extend(&p[..rng.below(p.len())]);
            }
        }
    }
    (secrets, text)
}

/// `text` cut into pieces at character boundaries.
fn chunks(rng: &mut Rng, text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let n = 1 + rng.below(8);
        out.push(chars[at..(at + n).min(chars.len())].iter().collect());
        at += n;
    }
    out
}

const COMPARE: &str = r#"
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("launcher", sys.argv[1])
launcher = importlib.util.module_from_spec(spec)
spec.loader.exec_module(launcher)
out = []
for case in json.load(sys.stdin):
    red = launcher.Redactor(case["patterns"])
    held, streamed = "", ""
    for chunk in case["chunks"]:
        now, held = red.split(held + chunk)
        streamed += red.text(now)
    out.append([red.text(case["text"]), streamed + red.text(held)])
json.dump(out, sys.stdout)
"#;

#[test]
fn the_launchers_redactor_replaces_exactly_what_envtools_secrets_replaces() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    let mut with_a_value = 0;
    for _ in 0..400 {
        let (secrets, text) = case(&mut rng);
        let matcher = envtools_secrets::Matcher::new(&secrets, false);
        let whole = String::from_utf8_lossy(&matcher.redact(text.as_bytes()).0).into_owned();
        let pieces = chunks(&mut rng, &text);
        let mut redactor = envtools_secrets::stream::Redactor::new(&matcher);
        let mut streamed: Vec<u8> = pieces
            .iter()
            .flat_map(|c| redactor.feed(c.as_bytes()))
            .collect();
        streamed.extend(redactor.finish());
        with_a_value += usize::from(whole != text);
        let patterns: Vec<(&str, String)> = matcher
            .patterns()
            .map(|(k, p)| (k, String::from_utf8_lossy(p).into_owned()))
            .collect();
        cases.push(json!({"patterns": patterns, "text": text, "chunks": pieces}));
        expected.push(json!([whole, String::from_utf8_lossy(&streamed)]));
    }
    assert!(with_a_value > 200, "only {with_a_value} cases hold a value");
    let launcher = e2e::workspace_root().join("venv-bootstrap/src/kernel/launcher.py");
    let mut cmd = Command::new(e2e::python::python());
    cmd.arg("-c").arg(COMPARE).arg(launcher);
    let out = run_command(
        &mut cmd,
        Some(Value::from(cases.clone()).to_string().as_bytes()),
    );
    out.assert_success();
    let got: Vec<Value> = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.len(), expected.len());
    for ((case, want), got) in cases.iter().zip(&expected).zip(&got) {
        assert_eq!(got, want, "{case}");
    }
}

#[test]
fn ipykernel_joins_hash_checked_requirements_a_pyproject_and_a_uv_lock() {
    let dir = TestDir::new();
    let p = project(&dir, "app", KEY);
    let has_both = |p: &Project| p.venv_imports("tinypkg") && p.venv_imports("ipykernel");
    // Hash-checked: the file is installed as checked, ipykernel after it.
    let wheel = p.path.join("wheels/tinypkg-1.0-py3-none-any.whl");
    let hash = Command::new("sha256sum")
        .arg(&wheel)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let hash = String::from_utf8_lossy(&hash.stdout);
    let hash = hash.split_whitespace().next().unwrap_or_default();
    p.write(
        "requirements.txt",
        &format!("tinypkg==1.0 --hash=sha256:{hash}\n"),
    );
    p.vb(&["--kernel"]).assert_success();
    assert!(has_both(&p));
    // A pyproject.toml: one resolution of its dependencies and ipykernel.
    fs::remove_file(p.path.join("requirements.txt")).unwrap_or_else(|e| panic!("{e}"));
    p.write(
        "pyproject.toml",
        "[project]\nname = \"app\"\nversion = \"0.1\"\nrequires-python = \">=3.8\"\ndependencies = [\"tinypkg\"]\n",
    );
    p.vb(&["--force", "--kernel"]).assert_success();
    assert!(has_both(&p));
    // A uv.lock: synced exactly, then ipykernel; a plain start after it stays warm.
    e2e::python::uv_lock(&p.path, PYTHON, &dir.path().join("uv-cache"), &dir.tmp());
    p.vb(&["--force", "--kernel"]).assert_success();
    assert!(has_both(&p));
    p.vb(&["-q", "--", "true"]).assert_output(0, "", "");
    p.vb(&["--remove-kernel"]).assert_success();
    assert!(p.venv_imports("tinypkg") && !p.venv_imports("ipykernel"));
}

#[test]
fn without_jupyter_data_dir_the_kernel_goes_where_jupyter_looks_for_user_kernels() {
    let dir = TestDir::new();
    let p = project(&dir, "app", KEY);
    let env = |cmd: &mut Command| {
        jupyter_env(cmd, &dir);
        cmd.env_remove("JUPYTER_DATA_DIR")
            .env("HOME", dir.path().join("home"))
            .env("XDG_DATA_HOME", dir.path().join("xdg"));
    };
    let mut vb = p.dir.command("venv-bootstrap");
    vb.current_dir(&p.path)
        .args(["--python", PYTHON, "--offline", "--find-links", "wheels"])
        .args(["--installer", "uv", "--kernel", "where-is-it"]);
    env(&mut vb);
    run_command(&mut vb, None).assert_success();
    assert!(dir
        .path()
        .join("xdg/jupyter/kernels/where-is-it/kernel.json")
        .exists());
    let mut list = Command::new(e2e::python::python());
    list.args(["-m", "jupyter", "kernelspec", "list", "--json"]);
    env(&mut list);
    let out = run_command(&mut list, None);
    out.assert_success();
    let listed: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        listed["kernelspecs"]["where-is-it"]["resource_dir"],
        json!(dir.path().join("xdg/jupyter/kernels/where-is-it"))
    );
}
