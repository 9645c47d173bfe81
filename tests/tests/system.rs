//! The whole chain, as a project uses it: the example project's Makefile targets, the dev
//! shell's start-up (nix/startup.sh sourced in bash and zsh, its exec form nix/shell-hook.sh,
//! the template's .envrc), run for real with bash, make, the built tools, the
//! machine's Python and pip (offline, from a local wheel dir), and the fake Ollama server.

use e2e::fake_ollama::{FakeOllama, Reply};
use e2e::{run_command, Output, TestDir};
use pretty_assertions::assert_eq;
use serde_json::Value;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A copy of examples/python-project in a temp dir.
fn example_project() -> TestDir {
    let dir = TestDir::new();
    let src = e2e::workspace_root().join("examples/python-project");
    for entry in fs::read_dir(&src)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        fs::copy(entry.path(), dir.path().join(entry.file_name()))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    dir
}

/// An executable script in `dir/name`.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    fs::write(&path, body).unwrap_or_else(|e| panic!("{e}"));
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap_or_else(|e| panic!("{e}"));
    path
}

/// A `python3` that logs each call, then runs Debian's Python: proves a warm start runs none.
fn logging_python3(dir: &TestDir) -> PathBuf {
    let bin = dir.path().join("fakebin");
    let log = dir.path().join("python-calls.log");
    script(
        &bin,
        "python3",
        &format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec /usr/bin/python3 \"$@\"\n",
            log.display()
        ),
    );
    bin
}

fn calls(dir: &TestDir) -> String {
    fs::read_to_string(dir.path().join("python-calls.log")).unwrap_or_default()
}

/// PATH with our tools (and `extra`) first.
fn path_with(extra: &Path) -> String {
    format!(
        "{}:{}:{}",
        extra.display(),
        e2e::bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn sha256(text: &str) -> String {
    let out = run_command(
        Command::new("python3").args([
            "-c",
            "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())",
            text,
        ]),
        None,
    );
    format!("sha256:{}", out.stdout.trim())
}

fn make(dir: &TestDir, args: &[&str], stdin: Option<&str>, venv_opts: &str) -> Output {
    let mut cmd = Command::new("make");
    cmd.arg("--no-print-directory")
        .args(args)
        .arg(format!("VENV_OPTS={venv_opts}"))
        .current_dir(dir.path());
    cmd.env("PATH", path_with(&dir.path().join("fakebin")))
        .env("JUPYTER_DATA_DIR", dir.path().join("jupyter-data"))
        .env("UV_CACHE_DIR", dir.path().join("uv-cache"))
        // `make ask`'s ollama-chat logs here, never into the user's own log.
        .env("XDG_DATA_HOME", dir.path().join(".data"));
    for var in [
        "OLLAMA_HOST",
        "OLLAMA_API_URL",
        "OLLAMA_MODEL",
        "PIP_FIND_LINKS",
        "PYTHONPATH",
        "MAKEFLAGS",
    ] {
        cmd.env_remove(var);
    }
    run_command(&mut cmd, stdin.map(str::as_bytes))
}

const TOKEN: &str = "s3cr3t 'quoted' \"both\" #not-a-comment";

#[test]
fn the_example_projects_makefile_chains_the_tools() {
    let server = FakeOllama::start(Reply::Echo);
    let dir = example_project();
    let python = logging_python3(&dir).join("python3");
    let opts = format!(
        "--python {} --offline --find-links {}",
        python.display(),
        e2e::python::dotenv_wheels().display()
    );
    let answers = format!("{}/api/chat\nqwen3\n{TOKEN}\n", server.url());

    // A new user: make setup asks for the three keys (answers on stdin) and builds the venv.
    let out = make(&dir, &["setup"], Some(&answers), &opts);
    out.assert_success();
    let env_file = dir.path().join(".env");
    assert_eq!(
        fs::metadata(&env_file)
            .map(|m| m.permissions().mode() & 0o777)
            .ok(),
        Some(0o600)
    );
    let got = |key: &str| {
        run_command(
            Command::new(e2e::bin("envget"))
                .args(["-f", ".env", key])
                .current_dir(dir.path()),
            None,
        )
        .stdout
    };
    assert_eq!(
        got("OLLAMA_API_URL"),
        format!("{}/api/chat\n", server.url())
    );
    assert_eq!(got("OLLAMA_MODEL"), "qwen3\n");
    assert_eq!(got("EXAMPLE_API_TOKEN"), format!("{TOKEN}\n"));
    assert!(!out.stdout.contains("s3cr3t") && !out.stderr.contains("s3cr3t"));
    assert!(dir.path().join(".nix-venv/.venv-bootstrap-stamp").exists());

    // A returning user: nothing asked, nothing printed, no Python, no pip.
    fs::remove_file(dir.path().join("python-calls.log")).unwrap_or_else(|e| panic!("{e}"));
    let out = make(&dir, &["setup"], None, &opts);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (Some(0), "", "")
    );
    assert_eq!(
        calls(&dir),
        "",
        "a second make setup runs no Python and no pip"
    );

    // make ask: the model and URL come from .env.
    let out = make(&dir, &["ask", "Q=why is the sky blue?"], None, &opts);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "echo: why is the sky blue?\n"),
        "{}",
        out.stderr
    );
    assert_eq!(server.last_chat()["model"], "qwen3");

    // make run: python-dotenv in app.py sees exactly what envset wrote; so does its environment.
    let out = make(&dir, &["run"], None, &opts);
    out.assert_success();
    let v: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    for section in ["dotenv", "environ"] {
        assert_eq!(
            v[section]["OLLAMA_API_URL"],
            format!("{}/api/chat", server.url()),
            "{section}"
        );
        assert_eq!(v[section]["OLLAMA_MODEL"], "qwen3", "{section}");
        assert_eq!(v[section]["EXAMPLE_API_TOKEN"], sha256(TOKEN), "{section}");
    }
    assert_eq!(
        v["venv"],
        dir.path().join(".nix-venv").to_string_lossy().as_ref()
    );
}

/// The hook as the flake runs it, with a fake `$SHELL` that records the environment it got.
fn hook(dir: &TestDir, args: &[&str], stdin: Option<&str>) -> Output {
    let record = dir.path().join("shell-env.txt");
    let shell = script(
        &dir.path().join("fakeshell"),
        "myshell",
        &format!(
            "#!/bin/sh\nenv > '{}'\necho 'the shell ran'\n",
            record.display()
        ),
    );
    let mut cmd = Command::new("bash");
    cmd.arg(e2e::workspace_root().join("nix/shell-hook.sh"))
        .args(args)
        .current_dir(dir.path());
    cmd.env("PATH", path_with(&dir.path().join("fakebin")))
        .env("SHELL", shell);
    // pip reads these: installs come from the local wheel dir, with no index.
    cmd.env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", e2e::python::dotenv_wheels());
    cmd.env_remove("PYTHONPATH").env_remove("OLLAMA_HOST");
    run_command(&mut cmd, stdin.map(str::as_bytes))
}

#[test]
fn the_start_up_hook_asks_once_then_starts_the_shell_in_the_venv_in_milliseconds() {
    let dir = example_project();
    logging_python3(&dir);
    let out = hook(&dir, &[], Some("\n\nmy-token\n"));
    out.assert_success();
    assert_eq!(out.stdout, "the shell ran\n");
    let recorded = fs::read_to_string(dir.path().join("shell-env.txt")).unwrap_or_default();
    let venv = dir.path().join(".nix-venv");
    assert!(
        recorded.contains(&format!("VIRTUAL_ENV={}\n", venv.display())),
        "{recorded}"
    );
    assert!(
        recorded.contains(&format!("PATH={}/bin:", venv.display())),
        "{recorded}"
    );
    let envget = |key: &str| {
        run_command(
            Command::new(e2e::bin("envget"))
                .arg(key)
                .current_dir(dir.path()),
            None,
        )
        .stdout
    };
    assert_eq!(
        envget("OLLAMA_MODEL"),
        "llama3.1\n",
        "Enter took the example's default"
    );
    assert_eq!(envget("EXAMPLE_API_TOKEN"), "my-token\n");

    // Second start: asks nothing, prints nothing of its own, runs no Python.
    fs::remove_file(dir.path().join("python-calls.log")).unwrap_or_else(|e| panic!("{e}"));
    let out = hook(&dir, &[], None);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (Some(0), "the shell ran\n", "")
    );
    assert_eq!(calls(&dir), "");

    // With a command, the hook runs it in the venv instead of the shell; its status passes.
    let out = hook(
        &dir,
        &[
            "python",
            "-c",
            "import dotenv, sys; print(sys.prefix); sys.exit(3)",
        ],
        None,
    );
    assert_eq!(
        (out.code, out.stdout.trim()),
        (Some(3), venv.to_string_lossy().as_ref()),
        "{}",
        out.stderr
    );
}

#[test]
fn a_failed_install_in_the_hook_warns_and_still_starts_the_shell() {
    let dir = example_project();
    logging_python3(&dir);
    fs::write(
        dir.path().join("requirements.txt"),
        "no-such-package-xyz==1.0\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        dir.path().join(".env"),
        "OLLAMA_API_URL=x\nOLLAMA_MODEL=y\nEXAMPLE_API_TOKEN=z\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = hook(&dir, &[], None);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(0), "the shell ran\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("warning: pip install failed"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_start_up_hook_stops_at_a_failed_question_and_starts_nothing() {
    let dir = example_project();
    logging_python3(&dir);
    // No .env and no answers: envset cannot ask, so neither the venv nor the shell starts.
    let out = hook(&dir, &[], None);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(1), ""),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("envset: no value for OLLAMA_API_URL"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join(".nix-venv").exists());
    assert!(!dir.path().join(".env").exists());
}

/// What a shell that sourced the start-up has afterwards: its status, the venv variables, and
/// whatever the script left behind.
const REPORT: &str = r#"rc=$?
printf 'status=%s\nVIRTUAL_ENV=%s\nPATH=%s\nleft=%s\nGREETING=%s\n' "$rc" "${VIRTUAL_ENV-}" "$PATH" "${__envtools_status-}${__envtools_activation-}" "${GREETING-}"
"#;

/// Run `script` (then [`REPORT`]) in `shell` in the project folder, as a shellHook or direnv
/// would: no rc files, the tools and a logging `python3` on PATH, pip offline.
fn in_shell(dir: &TestDir, shell: &str, script: &str, stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(shell);
    match shell {
        "zsh" => cmd.arg("-f"),
        _ => cmd.args(["--norc", "--noprofile"]),
    };
    // uv on PATH (venv-bootstrap's auto installer takes it): these tests are about the shell
    // start-up, not the installer, and uv builds the venv in a tenth of pip's time.
    let uvbin = dir.path().join("uvbin");
    if !uvbin.exists() {
        fs::create_dir_all(&uvbin).unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(e2e::python::uv(), uvbin.join("uv"))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let path = format!(
        "{}:{}",
        dir.path().join("fakebin").display(),
        path_with(&uvbin)
    );
    // The test's own wheel folder when it made one, else python-dotenv's.
    let own = dir.path().join("wheels");
    let wheels = match own.is_dir() {
        true => own,
        false => e2e::python::dotenv_wheels().to_path_buf(),
    };
    cmd.arg("-c")
        .arg(format!("{script}\n{REPORT}"))
        .current_dir(dir.path())
        .env("PATH", path)
        .env("STARTUP", e2e::workspace_root().join("nix/startup.sh"))
        .env("JUPYTER_DATA_DIR", dir.path().join("jupyter-data"))
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", &wheels)
        .env("UV_OFFLINE", "1")
        .env("UV_NO_INDEX", "1")
        .env("UV_FIND_LINKS", &wheels)
        .env("UV_CACHE_DIR", dir.path().join("uv-cache"))
        .env_remove("PYTHONPATH")
        .env_remove("VIRTUAL_ENV")
        .env_remove("ENVTOOLS_NO_ASK");
    run_command(&mut cmd, stdin.map(str::as_bytes))
}

/// `status=0`, the venv active in the shell, and nothing left behind.
fn assert_activated(dir: &TestDir, out: &Output) {
    let venv = dir.path().join(".nix-venv");
    assert!(
        out.stdout.starts_with("status=0\n"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.stdout
            .contains(&format!("\nVIRTUAL_ENV={}\n", venv.display())),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("\nPATH={}/bin:", venv.display())),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\nleft=\n"), "{}", out.stdout);
}

fn sourced_start_up_asks_once_then_activates_in_place(shell: &str) {
    let shell_exists = Command::new(shell).arg("-c").arg("exit 0").status();
    assert!(
        shell_exists.is_ok_and(|s| s.success()),
        "{shell} is needed for this test (apt-get install {shell})"
    );
    let dir = example_project();
    logging_python3(&dir);
    let out = in_shell(&dir, shell, r#". "$STARTUP""#, Some("\n\nmy-token\n"));
    assert_activated(&dir, &out);
    let envget = |key: &str| {
        run_command(
            Command::new(e2e::bin("envget"))
                .arg(key)
                .current_dir(dir.path()),
            None,
        )
        .stdout
    };
    assert_eq!(
        envget("OLLAMA_MODEL"),
        "llama3.1\n",
        "Enter took the default"
    );
    assert_eq!(envget("EXAMPLE_API_TOKEN"), "my-token\n");

    // Second start: asks nothing, prints nothing, runs no Python; the venv is active.
    fs::remove_file(dir.path().join("python-calls.log")).unwrap_or_else(|e| panic!("{e}"));
    let out = in_shell(&dir, shell, r#". "$STARTUP""#, None);
    assert_activated(&dir, &out);
    assert_eq!(out.stderr, "");
    assert_eq!(calls(&dir), "", "a second start runs no Python");

    // A step that fails gives its status to the shell and activates nothing.
    fs::write(dir.path().join(".env"), "OLLAMA_MODEL=\n").unwrap_or_else(|e| panic!("{e}"));
    let out = in_shell(&dir, shell, r#". "$STARTUP""#, None);
    assert!(
        out.stdout.starts_with("status=1\nVIRTUAL_ENV=\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\nleft=\n"), "{}", out.stdout);
}

/// `dir/wheels`: python-dotenv's wheels and ipykernel's (for python3 on PATH).
fn kernel_wheel_folder(dir: &TestDir) -> PathBuf {
    let wheels = dir.path().join("wheels");
    fs::create_dir(&wheels).unwrap_or_else(|e| panic!("{e}"));
    for from in [
        e2e::python::dotenv_wheels(),
        e2e::python::kernel_wheels("python3"),
    ] {
        for entry in fs::read_dir(from)
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
        {
            fs::copy(entry.path(), wheels.join(entry.file_name()))
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    wheels
}

#[test]
fn make_kernel_registers_the_projects_kernel_and_make_notebook_opens_jupyter_with_it() {
    let dir = example_project();
    let wheels = kernel_wheel_folder(&dir);
    let fakebin = dir.path().join("fakebin");
    fs::create_dir_all(&fakebin).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(e2e::python::uv(), fakebin.join("uv"))
        .unwrap_or_else(|e| panic!("{e}"));
    let record = dir.path().join("jupyter-ran.txt");
    script(
        &fakebin,
        "fake-jupyter",
        &format!(
            "#!/bin/sh\n{{ echo \"$*\"; ls \"$JUPYTER_DATA_DIR/kernels\"; }} > '{}'\n",
            record.display()
        ),
    );
    let opts = format!("--offline --find-links {}", wheels.display());
    let out = make(&dir, &["kernel"], None, &opts);
    out.assert_success();
    let name = out
        .stderr
        .split("kernel ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .unwrap_or_else(|| panic!("{}", out.stderr))
        .to_string();
    let spec = dir
        .path()
        .join("jupyter-data/kernels")
        .join(&name)
        .join("kernel.json");
    assert!(spec.exists(), "{}", out.stderr);
    let import = Command::new(dir.path().join(".nix-venv/bin/python"))
        .args(["-c", "import importlib.util as u, sys; sys.exit(not (u.find_spec('ipykernel') and u.find_spec('dotenv')))"])
        .status();
    assert!(
        import.is_ok_and(|s| s.success()),
        "the venv has the requirements and ipykernel"
    );
    let out = make(&dir, &["notebook", "JUPYTER=fake-jupyter"], None, &opts);
    out.assert_success();
    assert_eq!(
        fs::read_to_string(&record).unwrap_or_default(),
        format!("lab\n{name}\n")
    );
}

#[test]
fn the_start_up_says_once_how_to_get_a_kernel_and_refreshes_a_registered_one() {
    let dir = example_project();
    kernel_wheel_folder(&dir);
    let hint = "envtools: for notebooks (JupyterLab, VS Code) with this venv and .env, once: venv-bootstrap --kernel\n";
    let out = in_shell(&dir, "bash", r#". "$STARTUP""#, Some("\n\nmy-token\n"));
    assert_activated(&dir, &out);
    assert!(out.stderr.ends_with(hint), "{}", out.stderr);
    // Registered in the dev shell, as the hint says.
    let out = in_shell(
        &dir,
        "bash",
        r#". "$STARTUP" && venv-bootstrap --kernel"#,
        None,
    );
    assert_activated(&dir, &out);
    assert!(!out.stderr.contains(hint), "{}", out.stderr);
    let kernels = dir.path().join("jupyter-data/kernels");
    let spec_path = fs::read_dir(&kernels)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .map(|e| e.path().join("kernel.json"))
        .next()
        .unwrap_or_else(|| panic!("no kernel in {}", kernels.display()));
    let registered = fs::read_to_string(&spec_path).unwrap_or_else(|e| panic!("{e}"));
    // The flake moved on and the old store path is gone: the next start points it at this
    // shell's venv-bootstrap again, saying nothing; a start after that rewrites nothing.
    let me = e2e::bin("venv-bootstrap").display().to_string();
    fs::write(
        &spec_path,
        registered.replace(&me, "/nix/store/gone-envtools/bin/venv-bootstrap"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = in_shell(&dir, "bash", r#". "$STARTUP""#, None);
    assert_activated(&dir, &out);
    assert_eq!(out.stderr, "");
    assert_eq!(
        fs::read_to_string(&spec_path).unwrap_or_default(),
        registered
    );
    let written = fs::metadata(&spec_path).and_then(|m| m.modified()).ok();
    let out = in_shell(&dir, "bash", r#". "$STARTUP""#, None);
    assert_activated(&dir, &out);
    assert_eq!(out.stderr, "");
    assert_eq!(
        fs::metadata(&spec_path).and_then(|m| m.modified()).ok(),
        written
    );
}

#[test]
fn the_sourced_start_up_asks_once_then_activates_the_venv_in_bash() {
    sourced_start_up_asks_once_then_activates_in_place("bash");
}

#[test]
fn the_sourced_start_up_asks_once_then_activates_the_venv_in_zsh() {
    sourced_start_up_asks_once_then_activates_in_place("zsh");
}

/// The template's .envrc as direnv runs it (bash), with `use flake .#plain` standing for what
/// nix-direnv does: put the plain shell's packages on PATH and evaluate its shellHook.
#[test]
fn the_templates_envrc_asks_nothing_names_missing_keys_and_loads_env_through_envget() {
    let dir = example_project();
    logging_python3(&dir);
    let direnv = r#"use() { [ "$*" = "flake .#plain" ] || { echo "unexpected: use $*" >&2; return 2; }; . "$STARTUP"; }
watch_file() { :; }
. ./.envrc"#;
    let out = in_shell(&dir, "bash", direnv, None);
    assert_activated(&dir, &out);
    assert!(
        out.stderr.starts_with(
            "envtools: .env lacks keys that .env.example lists (or cannot be read); to answer: envset --if-unset --from-example .env.example\n"
        ),
        "{}",
        out.stderr
    );
    assert!(
        !dir.path().join(".env").exists(),
        "nothing was asked or written"
    );

    // Once the keys are answered (here, a multi-line value too), .env reaches the environment
    // exactly, which direnv's own `dotenv` would not do.
    let answers = "http://127.0.0.1:1/api/chat\nqwen3\ntoken-1\n";
    let setup = run_command(
        Command::new(e2e::bin("envset"))
            .args(["--from-example", ".env.example"])
            .current_dir(dir.path()),
        Some(answers.as_bytes()),
    );
    setup.assert_success();
    let set = run_command(
        Command::new(e2e::bin("envset"))
            .args(["--stdin-all", "GREETING"])
            .current_dir(dir.path()),
        Some(b"hello\n\"world\" #1 $HOME"),
    );
    set.assert_success();
    let out = in_shell(&dir, "bash", direnv, None);
    assert_activated(&dir, &out);
    assert_eq!(out.stderr, "");
    assert!(
        out.stdout
            .ends_with("\nGREETING=hello\n\"world\" #1 $HOME\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_flake_references_files_that_exist_and_every_tool() {
    let root = e2e::workspace_root();
    let flake = fs::read_to_string(root.join("flake.nix")).unwrap_or_else(|e| panic!("{e}"));
    for path in [
        "./nix",
        "./nix/startup.sh",
        "./examples/python-project",
        "./Cargo.lock",
        "./Cargo.toml",
    ] {
        assert!(flake.contains(path), "flake.nix names {path}");
        assert!(root.join(path).exists(), "{path} exists");
    }
    assert!(
        flake.contains("${./nix}/shell-hook.sh"),
        "the exec form runs from a copy of nix/, beside startup.sh"
    );
    assert!(
        flake.contains(". ${./nix/startup.sh}"),
        "the plain shell's shellHook sources the start-up"
    );
    assert!(
        flake.contains(r#"tools = ["envget" "envset" "venv-bootstrap" "ollama-chat" "envscan"];"#)
    );
    for tool in [
        "envget",
        "envset",
        "venv-bootstrap",
        "ollama-chat",
        "envscan",
    ] {
        assert!(
            e2e::bin(tool).exists(),
            "{tool} is a binary of the workspace"
        );
    }
    let template_dir = root.join("examples/python-project");
    let template =
        fs::read_to_string(template_dir.join("flake.nix")).unwrap_or_else(|e| panic!("{e}"));
    assert!(template.contains("envtools.devShells.${system}.default"));
    assert!(template.contains("envtools.devShells.${system}.plain"));
    let envrc = fs::read_to_string(template_dir.join(".envrc")).unwrap_or_else(|e| panic!("{e}"));
    assert!(envrc.contains("\nuse flake .#plain\n"), "{envrc}");
}

#[test]
fn the_flake_lock_pins_every_input_to_a_revision_and_hash() {
    let root = e2e::workspace_root();
    let text = fs::read_to_string(root.join("flake.lock")).unwrap_or_else(|e| panic!("{e}"));
    let lock: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lock["version"], 7);
    let nodes = lock["nodes"]
        .as_object()
        .unwrap_or_else(|| panic!("no nodes"));
    let mut wanted = vec!["nixpkgs", "flake-utils"];
    // Every input of every node is itself locked: flake-utils brings `systems`.
    let mut seen = Vec::new();
    while let Some(name) = wanted.pop() {
        let node = &nodes[name];
        let locked = &node["locked"];
        let rev = locked["rev"].as_str().unwrap_or_default();
        assert_eq!(rev.len(), 40, "{name}: rev {rev}");
        assert!(
            rev.bytes().all(|b| b.is_ascii_hexdigit()),
            "{name}: rev {rev}"
        );
        let hash = locked["narHash"].as_str().unwrap_or_default();
        assert!(
            hash.starts_with("sha256-") && hash.len() == 51,
            "{name}: narHash {hash}"
        );
        assert!(locked["lastModified"].as_u64().is_some(), "{name}");
        if let Some(inputs) = node["inputs"].as_object() {
            wanted.extend(inputs.values().filter_map(Value::as_str));
        }
        seen.push(name);
    }
    seen.sort_unstable();
    assert_eq!(seen, ["flake-utils", "nixpkgs", "systems"]);
    assert_eq!(nodes["nixpkgs"]["original"]["ref"], "nixos-unstable");
    let root_inputs = &nodes["root"]["inputs"];
    assert_eq!(root_inputs["nixpkgs"], "nixpkgs");
    assert_eq!(root_inputs["flake-utils"], "flake-utils");
}

/// The README Quickstart's first command as a new user runs it, after its
/// `cargo build --release`: in a checkout whose target/release holds the tools this test run
/// built, with pip pointed at local wheels and no Ollama running.
#[test]
fn the_readme_quickstart_runs_the_example_project_and_says_how_to_start_ollama() {
    let root = e2e::workspace_root();
    let readme = fs::read_to_string(root.join("README.md")).unwrap_or_else(|e| panic!("{e}"));
    let build = "cargo build --release && ";
    let command = readme
        .lines()
        .find_map(|l| l.strip_prefix(build))
        .unwrap_or_else(|| panic!("no Quickstart command in the README"));
    let checkout = checkout_with_release_binaries();
    std::os::unix::fs::symlink(root.join("examples"), checkout.path().join("examples"))
        .unwrap_or_else(|e| panic!("{e}"));
    let python = logging_python3(&checkout);
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(command).current_dir(checkout.path());
    cmd.env(
        "PATH",
        format!(
            "{}:{}",
            python.display(),
            std::env::var("PATH").unwrap_or_default()
        ),
    )
    .env("PIP_NO_INDEX", "1")
    .env("PIP_FIND_LINKS", e2e::python::dotenv_wheels());
    for var in [
        "OLLAMA_HOST",
        "OLLAMA_API_URL",
        "OLLAMA_MODEL",
        "PYTHONPATH",
        "MAKEFLAGS",
        "VIRTUAL_ENV",
    ] {
        cmd.env_remove(var);
    }
    // No Ollama, whatever listens on 11434 here; and the scratch folder the command makes
    // (mktemp -d) goes inside the test's own folder, removed with it.
    let no_ollama = e2e::ClosedPort::new();
    let scratch = TestDir::new();
    cmd.env("OLLAMA_HOST", no_ollama.host())
        .env("TMPDIR", scratch.path());
    let out = run_command(&mut cmd, None);
    // Every step ran; the last (make ask) found no Ollama and said how to start one.
    out.assert_code(2);
    let refused = format!(
        "cannot connect to http://{}: connection refused (is the server running? try: ollama serve)",
        no_ollama.host()
    );
    assert!(out.stderr.contains(&refused), "{}", out.stderr);
    let json = out.stdout.find('{').map_or("", |i| &out.stdout[i..]);
    let json = &json[..json.rfind('}').map_or(0, |i| i + 1)];
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    assert_eq!(v["dotenv"]["OLLAMA_MODEL"], "llama3.1");
    assert_eq!(v["dotenv"]["EXAMPLE_API_TOKEN"], sha256("my-secret-token"));
    assert_eq!(v["environ"]["EXAMPLE_API_TOKEN"], sha256("my-secret-token"));
    assert!(
        v["venv"]
            .as_str()
            .is_some_and(|p| p.ends_with("/.nix-venv")),
        "{v}"
    );
    assert!(!out.stdout.contains("my-secret-token") && !out.stderr.contains("my-secret-token"));
    // The caller's folder is left alone.
    let mut names: Vec<String> = fs::read_dir(checkout.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["examples", "fakebin", "python-calls.log", "target"]);
}

/// The fenced block of the README that follows the line `after` (its first line `fence`).
fn readme_block(after: &str, fence: &str) -> String {
    let readme = fs::read_to_string(e2e::workspace_root().join("README.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    let rest = readme
        .split_once(after)
        .map(|(_, r)| r)
        .unwrap_or_else(|| panic!("README: no {after:?}"));
    let body = rest
        .split_once(&format!("{fence}\n"))
        .and_then(|(_, r)| r.split_once("\n```\n"))
        .map(|(b, _)| b)
        .unwrap_or_else(|| panic!("README: no {fence} block after {after:?}"));
    format!("{body}\n")
}

/// A folder laid out as a checkout after `cargo build --release`: `target/release` holds the
/// tools this test run built.
fn checkout_with_release_binaries() -> TestDir {
    let dir = TestDir::new();
    fs::create_dir(dir.path().join("target")).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(e2e::bin_dir(), dir.path().join("target/release"))
        .unwrap_or_else(|e| panic!("{e}"));
    dir
}

#[test]
fn the_readme_install_snippet_works_on_a_fresh_home() {
    let checkout = checkout_with_release_binaries();
    let home = TestDir::new();
    let snippet = readme_block("**Man pages and completions without Nix**", "```sh");
    let mut cmd = Command::new("bash");
    cmd.args(["-e", "-c", &snippet])
        .current_dir(checkout.path())
        .env("HOME", home.path());
    run_command(&mut cmd, None).assert_success();
    for (path, start) in [
        (".local/share/man/man1/envget.1", ".ie \\n(.g"),
        (
            ".local/share/bash-completion/completions/venv-bootstrap",
            "_venv__bootstrap()",
        ),
        (".zfunc/_envset", "#compdef envset"),
        (
            ".config/fish/completions/ollama-chat.fish",
            "complete -c ollama-chat",
        ),
    ] {
        let text = fs::read_to_string(home.path().join(path)).unwrap_or_default();
        assert!(
            text.starts_with(start),
            "{path}: {}",
            &text[..text.len().min(60)]
        );
    }
}

#[test]
fn the_readme_makefile_snippet_gives_the_model_without_stray_spaces() {
    let dir = TestDir::new();
    let snippet = readme_block("In a Makefile:", "```make");
    dir.write(
        "Makefile",
        format!("{snippet}\nshow:\n\t@printf '[%s]' '$(MODEL)'\n"),
    );
    let make = |dir: &TestDir| {
        let mut cmd = Command::new("make");
        cmd.args(["--no-print-directory", "show"])
            .current_dir(dir.path())
            .env("PATH", path_with(Path::new("/nonexistent")))
            .env_remove("MODEL")
            .env_remove("MAKEFLAGS");
        run_command(&mut cmd, None)
    };
    make(&dir).assert_output(0, "[llama3.1]", "");
    dir.write(".env", "OLLAMA_MODEL=qwen3\n");
    make(&dir).assert_output(0, "[qwen3]", "");
}

#[test]
fn the_fhs_start_up_starts_bash_with_one_line_when_the_users_shell_is_not_there() {
    let dir = example_project();
    dir.write(
        ".env",
        "OLLAMA_API_URL=http://127.0.0.1:9/api/chat\nOLLAMA_MODEL=llama3.1\nEXAMPLE_API_TOKEN=t\n",
    );
    let mut cmd = Command::new("bash");
    cmd.arg(e2e::workspace_root().join("nix/shell-hook.sh"))
        .current_dir(dir.path())
        .env("PATH", path_with(&dir.path().join("fakebin")))
        .env("SHELL", "/nonexistent/bin/zsh")
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", e2e::python::dotenv_wheels())
        .env_remove("PYTHONPATH")
        .env_remove("OLLAMA_HOST");
    let out = run_command(
        &mut cmd,
        Some(b"echo \"bash $BASH_VERSION in $VIRTUAL_ENV\"\n"),
    );
    out.assert_success();
    assert!(
        out.stdout.starts_with("bash ") && out.stdout.trim_end().ends_with(".nix-venv"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.ends_with(
            "envtools: your shell /nonexistent/bin/zsh is not in this environment; starting bash\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_uv_lock_project_starts_with_the_dev_shells_tools() {
    // The dev shell has uv (flake.nix); a project locked with uv.lock starts through the same
    // start-up, installing exactly what the lock says.
    let dir = example_project();
    let _ = fs::remove_file(dir.path().join("requirements.txt"));
    e2e::wheels::make_wheel(&dir.path().join("wheels"), "tinypkg", "1.0");
    dir.write(
        "pyproject.toml",
        "[project]\nname = \"demo\"\nversion = \"0\"\nrequires-python = \">=3.8\"\ndependencies = [\"tinypkg\"]\n",
    );
    dir.write(
        ".env",
        "OLLAMA_API_URL=http://127.0.0.1:9/api/chat\nOLLAMA_MODEL=llama3.1\nEXAMPLE_API_TOKEN=t\n",
    );
    let uv = e2e::python::uv();
    let offline = |cmd: &mut Command| {
        cmd.env("UV_OFFLINE", "1")
            .env("UV_NO_INDEX", "1")
            .env("UV_FIND_LINKS", dir.path().join("wheels"))
            .env("UV_CACHE_DIR", dir.path().join("uv-cache"))
            .env("UV_PYTHON_DOWNLOADS", "never")
            .env("TMPDIR", dir.tmp());
    };
    let mut lock = Command::new(uv);
    lock.args(["lock", "--python", "python3"])
        .current_dir(dir.path());
    offline(&mut lock);
    run_command(&mut lock, None).assert_success();
    let uv_dir = uv.parent().unwrap_or_else(|| panic!("{}", uv.display()));
    let mut cmd = Command::new("bash");
    cmd.arg(e2e::workspace_root().join("nix/shell-hook.sh"))
        .args([
            "python",
            "-c",
            "import tinypkg; print('tinypkg', tinypkg.VERSION)",
        ])
        .current_dir(dir.path())
        .env("PATH", path_with(uv_dir))
        .env_remove("PYTHONPATH")
        .env_remove("OLLAMA_HOST");
    offline(&mut cmd);
    let out = run_command(&mut cmd, None);
    out.assert_success();
    assert_eq!(out.stdout, "tinypkg 1.0\n");
    assert!(
        out.stderr.contains("installing uv.lock with uv"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("with pip"), "{}", out.stderr);
}

#[test]
fn the_start_up_with_a_skipped_key_asks_nothing_names_it_and_starts_the_shell() {
    let dir = example_project();
    // A key skipped at an earlier start is present and empty.
    dir.write(
        ".env",
        "OLLAMA_API_URL=http://127.0.0.1:9/api/chat\nOLLAMA_MODEL=llama3.1\nEXAMPLE_API_TOKEN=\n",
    );
    let out = hook(&dir, &[], None);
    out.assert_success();
    assert_eq!(out.stdout, "the shell ran\n");
    assert!(
        out.stderr.starts_with(
            "envset: saved 0 keys to .env; still missing: EXAMPLE_API_TOKEN (envset --from-example .env.example asks again)\n"
        ),
        "{}",
        out.stderr
    );
}
