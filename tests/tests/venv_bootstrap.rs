//! venv-bootstrap, end to end, with the machine's real Python, pip and uv, installing wheels
//! from a local folder (`--offline --find-links`), so no index is needed.
//!
//! Tests of what venv-bootstrap itself decides (stamps, rebuilds, locks, removal, activation)
//! build their venvs with uv, which does in a tenth of a second what pip's ensurepip does in
//! two (pip is still put into each venv, from a real pip wheel). Tests of the pip path, the
//! default without uv, use pip: the first build, a failing install, hand installs, an
//! editable project, hash checking, the online timeout.

use e2e::{run_command, Output, TestDir};
use pretty_assertions::assert_eq;
use std::fs;
use std::path::{Path, PathBuf};

/// The Python the tests build venvs from (Debian's; `.ci/run` installs python3-venv).
const PYTHON: &str = "/usr/bin/python3";

/// A project folder with a wheel dir holding tinypkg 1.0 and 2.0, extrapkg 0.1, and pip.
fn project() -> TestDir {
    let dir = TestDir::new();
    let wheels = dir.path().join("wheels");
    e2e::wheels::make_wheel(&wheels, "tinypkg", "1.0");
    e2e::wheels::make_wheel(&wheels, "tinypkg", "2.0");
    e2e::wheels::make_wheel(&wheels, "extrapkg", "0.1");
    let pip = e2e::wheels::pip_wheel();
    let name = pip
        .file_name()
        .unwrap_or_else(|| panic!("{}", pip.display()));
    fs::copy(pip, wheels.join(name)).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// The installer a test's venv-bootstrap runs.
#[derive(Clone, Copy, Debug)]
enum Installer {
    Pip,
    Uv,
}

/// venv-bootstrap with the tests' usual options, and no PIP_*/PYTHONPATH from the caller.
fn vb_command_with(dir: &TestDir, python: &str, installer: Installer) -> std::process::Command {
    let mut cmd = dir.command("venv-bootstrap");
    cmd.args(["--python", python, "--no-upgrade-pip"]).args([
        "--offline",
        "--find-links",
        "wheels",
    ]);
    match installer {
        Installer::Pip => cmd.args(["--installer", "pip"]),
        Installer::Uv => cmd
            .args(["--installer", "uv"])
            .env("PATH", path_with_uv())
            .env("UV_CACHE_DIR", dir.path().join("uv-cache")),
    };
    cmd.env_remove("PYTHONPATH").env_remove("PIP_FIND_LINKS");
    cmd
}

/// PATH with the tests' uv first.
fn path_with_uv() -> String {
    let uv = e2e::python::uv();
    let dir = uv.parent().unwrap_or_else(|| panic!("uv has no folder"));
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// venv-bootstrap for a test of its own decisions: uv builds the venv.
fn vb_command(dir: &TestDir, python: &str) -> std::process::Command {
    vb_command_with(dir, python, Installer::Uv)
}

fn vb_with(dir: &TestDir, python: &str, args: &[&str]) -> Output {
    run_command(vb_command(dir, python).args(args), None)
}

fn vb(dir: &TestDir, args: &[&str]) -> Output {
    vb_with(dir, PYTHON, args)
}

/// venv-bootstrap for a test of the pip path.
fn vb_pip(dir: &TestDir, args: &[&str]) -> Output {
    run_command(
        vb_command_with(dir, PYTHON, Installer::Pip).args(args),
        None,
    )
}

fn stamp(dir: &TestDir) -> String {
    fs::read_to_string(dir.path().join(".nix-venv/.venv-bootstrap-stamp")).unwrap_or_default()
}

/// A `--python` wrapper that logs every call, to prove the warm path runs no Python.
fn logging_python(dir: &TestDir, real: &str) -> PathBuf {
    let log = dir.path().join("python-calls.log");
    let script = format!(
        "#!/bin/sh\necho \"$*\" >> '{}'\nexec {real} \"$@\"\n",
        log.display()
    );
    let path = dir.write("bin/python3", script);
    fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    path
}

fn calls(dir: &TestDir) -> String {
    fs::read_to_string(dir.path().join("python-calls.log")).unwrap_or_default()
}

const SHOW: &[&str] = &[
    "--",
    "python",
    "-c",
    "import tinypkg, sys; print(tinypkg.VERSION, sys.prefix)",
];

#[test]
fn first_build_installs_the_requirements_and_runs_the_command_inside() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\n");
    let out = vb_pip(&dir, SHOW);
    out.assert_success();
    let venv = dir.path().join(".nix-venv");
    assert_eq!(out.stdout, format!("1.0 {}\n", venv.display()));
    assert!(out.stderr.contains("creating"), "{}", out.stderr);
    assert!(stamp(&dir).contains("tinypkg==1.0"));
}

#[test]
fn the_warm_path_runs_no_python_and_prints_nothing() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\n");
    let py = logging_python(&dir, PYTHON);
    let py = py.to_string_lossy();
    assert_eq!(vb_with(&dir, &py, &[]).code, Some(0));
    assert!(
        !calls(&dir).is_empty(),
        "the cold build ran Python through the wrapper"
    );
    fs::remove_file(dir.path().join("python-calls.log")).unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..3 {
        let out = vb_with(&dir, &py, &["--", "true"]);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (Some(0), "", "")
        );
    }
    assert_eq!(calls(&dir), "", "no Python on the warm path");
}

/// `pip install PKG` inside the venv, by hand, from the local wheels.
fn pip_by_hand(dir: &TestDir, package: &str) {
    let pip = dir.path().join(".nix-venv/bin/pip");
    let out = run_command(
        std::process::Command::new(&pip)
            .args(["install", "-q", "--no-index", "--find-links", "wheels"])
            .arg(package)
            .current_dir(dir.path()),
        None,
    );
    out.assert_success();
}

/// The distributions installed in the venv, by name (asking its Python directly).
fn installed(dir: &TestDir) -> Vec<String> {
    let out = run_command(
        std::process::Command::new(dir.path().join(".nix-venv/bin/python")).args([
            "-c",
            "from importlib import metadata as m; print(*sorted(d.metadata['Name'] for d in m.distributions()))",
        ]),
        None,
    );
    out.assert_success();
    out.stdout.split_whitespace().map(str::to_string).collect()
}

#[test]
fn a_changed_requirements_file_reinstalls_and_hand_installed_packages_stay() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\n");
    assert_eq!(vb_pip(&dir, &[]).code, Some(0));
    // The user installs something by hand; warm starts must leave it alone.
    pip_by_hand(&dir, "extrapkg");
    dir.write("requirements.txt", "tinypkg==2.0\n");
    let out = vb_pip(&dir, SHOW);
    out.assert_success();
    assert!(out.stdout.starts_with("2.0 "), "{}", out.stdout);
    assert!(
        out.stderr.contains("the requirements changed"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("removing"), "{}", out.stderr);
    let out = vb_pip(
        &dir,
        &[
            "--",
            "python",
            "-c",
            "import extrapkg; print(extrapkg.VERSION)",
        ],
    );
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("0.1\n", ""));
}

/// A project whose wheels also hold toppkg and handpkg, which both depend on deppkg.
fn project_with_dependencies() -> TestDir {
    let dir = project();
    let wheels = dir.path().join("wheels");
    e2e::wheels::make_wheel_requiring(&wheels, "toppkg", "1.0", &["deppkg"]);
    e2e::wheels::make_wheel_requiring(&wheels, "handpkg", "1.0", &["deppkg"]);
    e2e::wheels::make_wheel(&wheels, "deppkg", "1.0");
    dir
}

#[test]
fn a_package_dropped_from_the_requirements_is_removed_with_what_only_it_needed() {
    let dir = project_with_dependencies();
    dir.write("requirements.txt", "tinypkg==1.0\ntoppkg\n");
    assert_eq!(vb(&dir, &[]).code, Some(0));
    pip_by_hand(&dir, "extrapkg");
    let before = installed(&dir);
    for name in ["tinypkg", "toppkg", "deppkg", "extrapkg", "pip"] {
        assert!(before.iter().any(|n| n == name), "{name}: {before:?}");
    }
    dir.write("requirements.txt", "tinypkg==1.0\n");
    let out = vb(&dir, &[]);
    out.assert_success();
    assert!(
        out.stderr
            .contains("removing what the requirements no longer need: deppkg, toppkg"),
        "{}",
        out.stderr
    );
    let after = installed(&dir);
    let gone: Vec<&String> = before.iter().filter(|n| !after.contains(n)).collect();
    assert_eq!(
        gone,
        ["deppkg", "toppkg"],
        "hand-installed extrapkg and pip stay"
    );
    assert_eq!(vb(&dir, &["--check"]).code, Some(0));
    // Added back, it is installed again (and owned again).
    dir.write("requirements.txt", "tinypkg==1.0\ntoppkg\n");
    assert_eq!(vb(&dir, &[]).code, Some(0));
    assert_eq!(installed(&dir), before);
}

#[test]
fn what_a_hand_installed_package_needs_is_never_removed() {
    let dir = project_with_dependencies();
    dir.write("requirements.txt", "toppkg\n");
    assert_eq!(vb(&dir, &[]).code, Some(0));
    pip_by_hand(&dir, "handpkg"); // needs deppkg, which toppkg brought
    dir.write("requirements.txt", "tinypkg==1.0\n");
    let out = vb(&dir, &[]);
    out.assert_success();
    assert!(
        out.stderr
            .contains("removing what the requirements no longer need: toppkg\n"),
        "{}",
        out.stderr
    );
    let now = installed(&dir);
    for name in ["deppkg", "handpkg", "tinypkg"] {
        assert!(now.iter().any(|n| n == name), "{name}: {now:?}");
    }
    assert!(!now.iter().any(|n| n == "toppkg"), "{now:?}");
}

#[test]
fn a_requirement_that_names_no_package_makes_removal_too_risky() {
    let dir = project_with_dependencies();
    let wheel = "./wheels/toppkg-1.0-py3-none-any.whl";
    dir.write("requirements.txt", format!("extrapkg==0.1\n{wheel}\n"));
    assert_eq!(vb(&dir, &[]).code, Some(0));
    dir.write("requirements.txt", format!("{wheel}\n"));
    let out = vb(&dir, &["-v"]);
    out.assert_success();
    assert!(out.stderr.contains("names no package"), "{}", out.stderr);
    assert!(!out.stderr.contains("removing"), "{}", out.stderr);
    let now = installed(&dir);
    for name in ["deppkg", "toppkg", "extrapkg"] {
        assert!(now.iter().any(|n| n == name), "{name}: {now:?}");
    }
}

#[test]
fn nested_requirement_files_are_part_of_the_stamp() {
    let dir = project();
    dir.write("requirements.txt", "-r reqs/base.txt\n");
    dir.write("reqs/base.txt", "-c pins.txt\ntinypkg\n");
    dir.write("reqs/pins.txt", "tinypkg==1.0\n");
    assert_eq!(vb(&dir, SHOW).stdout.split(' ').next(), Some("1.0"));
    dir.write("reqs/pins.txt", "tinypkg==2.0\n");
    assert_eq!(vb(&dir, &["--check"]).code, Some(1));
    assert_eq!(vb(&dir, SHOW).stdout.split(' ').next(), Some("2.0"));
    fs::remove_file(dir.path().join("reqs/pins.txt")).unwrap_or_else(|e| panic!("{e}"));
    let out = vb(&dir, &[]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("pins.txt (named in ") && out.stderr.contains("base.txt:1"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_dangling_interpreter_link_rebuilds() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\n");
    assert_eq!(vb(&dir, &[]).code, Some(0));
    // As when Nix garbage-collects the store path the venv was built from.
    let link = dir.path().join(".nix-venv/bin/python3");
    fs::remove_file(&link).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("/nix/store/gone-python3/bin/python3", &link)
        .unwrap_or_else(|e| panic!("{e}"));
    let out = vb(&dir, SHOW);
    out.assert_success();
    assert!(out.stderr.contains("no longer exists"), "{}", out.stderr);
    assert!(out.stdout.starts_with("1.0 "));
}

#[test]
fn a_different_python_version_rebuilds() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\n");
    let other = run_command(
        std::process::Command::new("python3").args(["-c", "import sys; print(sys.executable)"]),
        None,
    );
    let other = other.stdout.trim().to_string();
    let version =
        |py: &str| run_command(std::process::Command::new(py).arg("--version"), None).stdout;
    assert_ne!(
        version(&other),
        version(PYTHON),
        "this test needs two Python versions ({other}, {PYTHON})"
    );
    // The same --python path now runs another Python, as after an upgrade in place.
    let wrapper = dir.write("bin/py", format!("#!/bin/sh\nexec {PYTHON} \"$@\"\n"));
    fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let w = wrapper.to_string_lossy().into_owned();
    assert_eq!(vb_with(&dir, &w, &[]).code, Some(0));
    fs::write(
        &wrapper,
        format!("#!/bin/sh\nexec {other} \"$@\" # upgraded\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = vb_with(&dir, &w, &["--", "python", "--version"]);
    out.assert_success();
    assert!(
        out.stderr.contains("Python changed from 3.11.2 to"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, version(&other));
    // And a different --python path rebuilds too, saying so.
    let out = vb_with(&dir, PYTHON, &["--", "python", "--version"]);
    assert!(out.stderr.contains("it was built from"), "{}", out.stderr);
    assert_eq!(out.stdout, version(PYTHON));
}

#[test]
fn a_venv_killed_mid_creation_is_rebuilt() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\n");
    // With uv the venv is made, then pip put in, in a few hundred ms: these land in each step.
    for delay_ms in [20u64, 80, 200] {
        let _ = fs::remove_dir_all(dir.path().join(".nix-venv"));
        // In its own process group, killed as a whole, as Ctrl-C or a closed terminal does.
        let mut cmd = vb_command(&dir, PYTHON);
        std::os::unix::process::CommandExt::process_group(cmd.arg("-q"), 0);
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{e}"));
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let group = format!("-{}", child.id());
        let _ = std::process::Command::new("kill")
            .args(["-KILL", "--", &group])
            .status();
        let _ = child.wait();
        // Whatever the kill left (nothing, a bare folder, a venv without pip or without
        // stamp), the next start ends with a working venv.
        let out = vb(&dir, SHOW);
        assert_eq!(
            out.code,
            Some(0),
            "killed after {delay_ms} ms: {}",
            out.stderr
        );
        assert!(out.stdout.starts_with("1.0 "), "{}", out.stdout);
        assert_eq!(vb(&dir, &["--check"]).code, Some(0));
    }
}

#[test]
fn two_concurrent_starts_leave_one_good_venv() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\n");
    let spawn = || {
        let mut cmd = vb_command(&dir, PYTHON);
        cmd.args(SHOW)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        cmd.spawn().unwrap_or_else(|e| panic!("{e}"))
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output(), b.wait_with_output());
    let (a, b) = (
        a.unwrap_or_else(|e| panic!("{e}")),
        b.unwrap_or_else(|e| panic!("{e}")),
    );
    assert!(a.status.success() && b.status.success());
    assert!(String::from_utf8_lossy(&a.stdout).starts_with("1.0 "));
    assert!(String::from_utf8_lossy(&b.stdout).starts_with("1.0 "));
    let creations = [&a.stderr, &b.stderr]
        .iter()
        .filter(|e| String::from_utf8_lossy(e).contains("creating"))
        .count();
    assert_eq!(creations, 1, "the second waited, then took the fast path");
    assert_eq!(vb(&dir, &["--check"]).code, Some(0));
}

#[test]
fn a_failing_install_exits_non_zero_runs_nothing_and_is_retried() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==9.9\n");
    let out = vb_pip(&dir, &["--", "touch", "ran"]);
    assert_eq!(out.code, Some(4), "{}", out.stderr);
    assert!(
        out.stderr.contains("pip install failed (exit status: 1)"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("ran").exists());
    assert!(
        !stamp(&dir).contains("tinypkg==9.9"),
        "no stamp claims the failed inputs"
    );
    assert_eq!(vb_pip(&dir, &["--check"]).code, Some(1));
    // Retried next time, in the same venv (not rebuilt); --on-error warn still runs COMMAND.
    let out = vb_pip(&dir, &["-q", "--on-error", "warn", "--", "touch", "ran"]);
    out.assert_success();
    assert!(
        !out.stderr.contains("creating") && !out.stderr.contains("rebuilding"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("warning: pip install failed"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("tinypkg==9.9"),
        "-q shows the installer's last lines: {}",
        out.stderr
    );
    assert!(dir.path().join("ran").exists());
    dir.write("requirements.txt", "tinypkg==1.0\n");
    assert!(vb_pip(&dir, SHOW).stdout.starts_with("1.0 "));
}

#[test]
fn command_gets_the_venv_environment_and_its_exit_status_passes_through() {
    let dir = project();
    let venv = dir.path().join(".nix-venv");
    let script = "printf '%s|%s|%s|%s' \"$VIRTUAL_ENV\" \"${PATH%%:*}\" \"$VIRTUAL_ENV_PROMPT\" \"${PYTHONHOME-unset}\"";
    let mut cmd = dir.command("venv-bootstrap");
    cmd.args([
        "--python",
        PYTHON,
        "--no-upgrade-pip",
        "--offline",
        "--",
        "sh",
        "-c",
        script,
    ]);
    cmd.env("PYTHONHOME", "/nix/store/x")
        .env_remove("PYTHONPATH");
    let out = run_command(&mut cmd, None);
    assert_eq!(
        out.stdout,
        format!("{}|{}/bin|.nix-venv|unset", venv.display(), venv.display()),
        "{}",
        out.stderr
    );
    assert_eq!(vb(&dir, &["--", "sh", "-c", "exit 7"]).code, Some(7));
    assert_eq!(vb(&dir, &["--", "no-such-command-xyz"]).code, Some(127));
}

#[test]
fn pythonpath_is_warned_about_or_removed() {
    let dir = project();
    assert_eq!(vb(&dir, &[]).code, Some(0));
    let run = |extra: &[&str]| {
        let mut cmd = dir.command("venv-bootstrap");
        cmd.args(["--python", PYTHON, "--no-upgrade-pip", "--offline"])
            .args(extra);
        cmd.args(["--", "sh", "-c", "printf %s \"${PYTHONPATH-unset}\""])
            .env("PYTHONPATH", "/nix/site");
        run_command(&mut cmd, None)
    };
    let out = run(&[]);
    assert_eq!(out.stdout, "/nix/site");
    assert!(out.stderr.contains("PYTHONPATH is set"), "{}", out.stderr);
    let out = run(&["--clean-pythonpath"]);
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("unset", ""));
}

#[test]
fn installs_run_with_a_source_date_epoch_wheels_accept() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\n");
    // A stand-in uv records what it was given.
    let log = dir.path().join("uv.log");
    let uv = dir.write(
        "fakebin/uv",
        format!(
            "#!/bin/sh\necho \"SDE=$SOURCE_DATE_EPOCH args=$*\" >> '{}'\n",
            log.display()
        ),
    );
    fs::set_permissions(&uv, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = uv_command(&dir, &dir.path().join("fakebin"), "auto");
    cmd.env("SOURCE_DATE_EPOCH", "1");
    let out = run_command(&mut cmd, None);
    out.assert_success();
    let logged = fs::read_to_string(&log).unwrap_or_default();
    assert!(
        logged.starts_with("SDE=315532800 args=pip install --python "),
        "{logged}"
    );
    assert!(
        logged.contains("--offline --no-index --find-links"),
        "{logged}"
    );
    assert!(stamp(&dir).contains("installer uv"));
}

/// venv-bootstrap offline from the local wheels with `--installer INSTALLER`, the folder
/// `uv_dir` first on PATH.
fn uv_command(dir: &TestDir, uv_dir: &Path, installer: &str) -> std::process::Command {
    let path = format!(
        "{}:{}",
        uv_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = dir.command("venv-bootstrap");
    cmd.args(["--python", PYTHON, "--installer", installer])
        .args(["--offline", "--find-links", "wheels"])
        .env("PATH", path)
        .env_remove("PYTHONPATH")
        .env_remove("PIP_FIND_LINKS");
    cmd
}

/// venv-bootstrap with a real uv (offline, from the local wheels, with a cache of its own).
fn vb_uv(dir: &TestDir, args: &[&str]) -> Output {
    let uv = e2e::python::uv();
    let uv_dir = uv.parent().unwrap_or_else(|| panic!("uv has no folder"));
    let mut cmd = uv_command(dir, uv_dir, "uv");
    cmd.args(args)
        .env("UV_CACHE_DIR", dir.path().join("uv-cache"));
    run_command(&mut cmd, None)
}

#[test]
fn uv_builds_a_venv_users_can_still_pip_install_into() {
    let dir = project_with_dependencies();
    dir.write("requirements.txt", "tinypkg==1.0\ntoppkg\n");
    let out = vb_uv(&dir, SHOW);
    out.assert_success();
    assert!(out.stdout.starts_with("1.0 "), "{}", out.stdout);
    assert!(stamp(&dir).contains("installer uv"));
    // Offline, with no pip in the wheels or uv's cache, ensurepip put pip in.
    pip_by_hand(&dir, "extrapkg");
    let out = vb_uv(&dir, &["--", "true"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (Some(0), "", ""),
        "the warm path"
    );
    // A dropped requirement goes (uv uninstalls it); the hand-installed package stays.
    dir.write("requirements.txt", "tinypkg==1.0\n");
    let out = vb_uv(&dir, &[]);
    out.assert_success();
    let now = installed(&dir);
    for name in ["tinypkg", "extrapkg", "pip"] {
        assert!(now.iter().any(|n| n == name), "{name}: {now:?}");
    }
    for name in ["toppkg", "deppkg"] {
        assert!(!now.iter().any(|n| n == name), "{name}: {now:?}");
    }
}

#[test]
fn uv_puts_pip_in_itself_when_it_can_get_it() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\n");
    // A pip uv can find: then ensurepip (seconds) is not run.
    e2e::wheels::make_wheel(&dir.path().join("wheels"), "pip", "99.0");
    let out = vb_uv(
        &dir,
        &[
            "-v",
            "--",
            "python",
            "-c",
            "from importlib.metadata import version; print(version('pip'))",
        ],
    );
    out.assert_success();
    assert_eq!(out.stdout, "99.0\n");
    assert!(!out.stderr.contains("ensurepip"), "{}", out.stderr);
}

#[test]
fn a_folder_that_is_not_a_venv_is_never_touched() {
    let dir = project();
    dir.write(".nix-venv/precious.txt", "keep me");
    let out = vb(&dir, &[]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr
            .contains("not a venv (no pyvenv.cfg); not touching it"),
        "{}",
        out.stderr
    );
    assert_eq!(
        fs::read(dir.path().join(".nix-venv/precious.txt")).unwrap_or_default(),
        b"keep me"
    );
    let out = vb(&dir, &["--force"]);
    assert_eq!(out.code, Some(2), "not even with --force");
    dir.write("afile", "x");
    let out = vb(&dir, &["--venv", "afile"]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("is not a folder"), "{}", out.stderr);
}

#[test]
fn force_rebuilds_a_good_venv() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\n");
    assert_eq!(vb(&dir, &[]).code, Some(0));
    dir.write(".nix-venv/marker-of-the-old-venv", "");
    let out = vb(&dir, &["--force", "--", "true"]);
    out.assert_success();
    assert!(
        out.stderr.contains("rebuilding") && out.stderr.contains("--force"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join(".nix-venv/marker-of-the-old-venv").exists());
    assert_eq!(vb(&dir, &["--check"]).code, Some(0));
}

#[test]
fn online_installs_get_a_short_timeout_and_one_retry() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\n");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .map(|l| l.local_addr().map(|a| a.port()))
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or(1);
    let mut cmd = dir.command("venv-bootstrap");
    cmd.args([
        "--python",
        PYTHON,
        "--no-upgrade-pip",
        "--installer",
        "pip",
        "-v",
    ]);
    cmd.env("PIP_INDEX_URL", format!("http://127.0.0.1:{closed}/simple"))
        .env_remove("PIP_FIND_LINKS")
        .env_remove("PIP_TIMEOUT")
        .env_remove("PIP_DEFAULT_TIMEOUT")
        .env_remove("PIP_RETRIES")
        .env_remove("PYTHONPATH");
    let out = run_command(&mut cmd, None);
    assert_eq!(
        out.code,
        Some(4),
        "an index that refuses connections fails the install: {}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("\"--timeout\" \"10\" \"--retries\" \"1\""),
        "{}",
        out.stderr
    );
    // A timeout the user chose is kept.
    cmd.env("PIP_DEFAULT_TIMEOUT", "3");
    let out = run_command(&mut cmd, None);
    assert_eq!(out.code, Some(4), "{}", out.stderr);
    assert!(
        out.stderr.contains("\"pip\" \"install\"") && !out.stderr.contains("\"--timeout\""),
        "{}",
        out.stderr
    );
}

#[test]
fn check_reports_without_changing_anything() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\n");
    let out = vb(&dir, &["--check"]);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("does not exist"), "{}", out.stderr);
    assert!(!dir.path().join(".nix-venv").exists());
    assert_eq!(vb(&dir, &[]).code, Some(0));
    assert_eq!(vb(&dir, &["--check"]).code, Some(0));
    // The index variables are inputs too: another index means another install.
    let mut cmd = vb_command(&dir, PYTHON);
    cmd.args(["--check"])
        .env("PIP_INDEX_URL", "http://127.0.0.1:9/simple");
    assert_eq!(run_command(&mut cmd, None).code, Some(1));
}

#[test]
fn print_env_for_sh_fish_and_json() {
    let dir = project();
    let venv = dir.path().join(".nix-venv");
    let out = vb(&dir, &["-q", "--print-env"]);
    out.assert_success();
    dir.write("env.sh", &out.stdout);
    let got = e2e::sh(
        dir.path(),
        ". ./env.sh; printf '%s %s' \"$VIRTUAL_ENV\" \"$(command -v python)\"",
        &[],
    );
    assert_eq!(
        got.stdout,
        format!("{} {}/bin/python", venv.display(), venv.display())
    );
    let out = vb(&dir, &["--print-env", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["set"]["VIRTUAL_ENV"], venv.to_string_lossy().as_ref());
    assert_eq!(v["unset"][0], "PYTHONHOME");
    let out = vb(&dir, &["--print-env", "fish"]);
    assert!(
        out.stdout
            .starts_with(&format!("set -gx VIRTUAL_ENV '{}'\n", venv.display())),
        "{}",
        out.stdout
    );
}

#[test]
fn no_python_and_unreadable_requirements_are_clear_errors() {
    let dir = project();
    let out = vb_with(&dir, "/nonexistent/python3", &[]);
    assert_eq!(out.code, Some(3));
    assert!(
        out.stderr
            .starts_with("venv-bootstrap: Python /nonexistent/python3: No such file"),
        "{}",
        out.stderr
    );
    let out = vb(&dir, &["-r", "missing.txt"]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("missing.txt: No such file"),
        "{}",
        out.stderr
    );
    assert!(!Path::new(&dir.path().join(".nix-venv")).exists());
}

#[test]
fn a_requirements_path_that_is_not_a_regular_file_is_an_error_and_removes_nothing() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\n");
    vb(&dir, &[]).assert_success();
    fs::remove_file(dir.path().join("requirements.txt")).unwrap_or_else(|e| panic!("{e}"));
    fs::create_dir(dir.path().join("requirements.txt")).unwrap_or_else(|e| panic!("{e}"));
    let out = vb(&dir, SHOW);
    out.assert_code(2);
    assert!(
        out.stderr.contains("requirements.txt: not a regular file"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("removing"), "{}", out.stderr);
    assert!(
        installed(&dir).iter().any(|p| p == "tinypkg"),
        "nothing uninstalled"
    );
    // A FIFO is refused at once, never read (reading it would block for ever).
    let fifo = run_command(
        std::process::Command::new("mkfifo")
            .arg("pins.fifo")
            .current_dir(dir.path()),
        None,
    );
    fifo.assert_success();
    let start = std::time::Instant::now();
    let out = vb(&dir, &["-r", "pins.fifo"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("pins.fifo: not a regular file"),
        "{}",
        out.stderr
    );
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "it did not block"
    );
}

/// A tiny random generator for the kill loop's delays (the seed is printed on failure).
fn next_delay(state: &mut u64) -> u64 {
    *state = state
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (*state >> 33) % 400
}

#[test]
fn a_rebuild_or_force_killed_at_any_moment_is_finished_by_the_next_run() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\n");
    vb(&dir, &[]).assert_success();
    // Another path to the same interpreter: switching --python to it forces a rebuild.
    let other = dir.write("bin/python3", format!("#!/bin/sh\nexec {PYTHON} \"$@\"\n"));
    fs::set_permissions(&other, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    let other = other.to_string_lossy().into_owned();
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    let first_seed = seed;
    for round in 0..30 {
        let python = if round % 2 == 0 {
            PYTHON
        } else {
            other.as_str()
        };
        let delay = next_delay(&mut seed);
        // --force on even rounds; on odd ones the switch of --python makes it rebuild.
        let mut cmd = vb_command(&dir, python);
        cmd.arg("-q");
        if round % 4 == 0 {
            cmd.arg("--force");
        }
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{e}"));
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = std::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .status();
        let _ = child.wait();
        let out = vb_with(&dir, python, SHOW);
        assert_eq!(
            out.code,
            Some(0),
            "round {round}, killed after {delay} ms (seed {first_seed}): {}",
            out.stderr
        );
        assert!(out.stdout.starts_with("1.0 "), "{}", out.stdout);
    }
    let leftovers: Vec<String> = fs::read_dir(dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("trash"))
        .collect();
    assert!(leftovers.is_empty(), "trash left: {leftovers:?}");
}

/// A pyproject project in `dir`: tinypkg as a dependency, extrapkg as the extra `more`,
/// grouppkg in the group `dev` (which includes the group `lint`: lintpkg).
fn pyproject_project(build_system: bool) -> TestDir {
    let dir = project();
    for name in ["grouppkg", "lintpkg"] {
        e2e::wheels::make_wheel(&dir.path().join("wheels"), name, "1.0");
    }
    let mut text = String::from(
        "[project]\nname = \"inproject\"\nversion = \"0.1\"\nrequires-python = \">=3.8\"\n\
         dependencies = [\"tinypkg==1.0\"]\n\
         [project.optional-dependencies]\nmore = [\"extrapkg\"]\n\
         [dependency-groups]\nlint = [\"lintpkg\"]\ndev = [{include-group = \"lint\"}, \"grouppkg\"]\n",
    );
    if build_system {
        text.push_str("[build-system]\nrequires = []\nbuild-backend = \"inproject_backend\"\nbackend-path = [\".\"]\n");
        dir.write(
            "inproject_backend.py",
            include_str!("../fixtures/inproject_backend.py"),
        );
        dir.write("src/inproject.py", "GREETING = 'hello'\n");
    }
    dir.write("pyproject.toml", text);
    dir
}

#[test]
fn a_pyproject_installs_its_dependencies_groups_and_extras_and_drops_what_it_no_longer_lists() {
    let dir = pyproject_project(false);
    dir.write("requirements.txt", "nothing-here==9\n"); // pyproject.toml comes first
    vb(&dir, &["-q"]).assert_success();
    assert_eq!(
        installed(&dir)
            .iter()
            .filter(|p| p.ends_with("pkg"))
            .count(),
        1,
        "{:?}",
        installed(&dir)
    );
    let out = vb(&dir, &["-q", "--group", "dev", "--extra", "more"]);
    out.assert_success();
    let got = installed(&dir);
    for name in ["tinypkg", "extrapkg", "grouppkg", "lintpkg"] {
        assert!(got.iter().any(|p| p == name), "{name} in {got:?}");
    }
    // The stamp covers the pyproject's bytes and the selection: a warm start runs nothing.
    let warm = vb(&dir, &["--group", "dev", "--extra", "more", "--check"]);
    warm.assert_success();
    // Dropping the extra and the group removes what only they needed.
    let out = vb(&dir, &[]);
    out.assert_success();
    let got = installed(&dir);
    assert!(got.iter().any(|p| p == "tinypkg"), "{got:?}");
    for name in ["extrapkg", "grouppkg", "lintpkg"] {
        assert!(!got.iter().any(|p| p == name), "{name} removed: {got:?}");
    }
    let out = vb(&dir, &["--group", "nope"]);
    out.assert_code(2);
    assert!(
        out.stderr
            .contains("pyproject.toml: no group 'nope' in [dependency-groups]"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_project_with_a_build_system_is_installed_editable() {
    let dir = pyproject_project(true);
    let show = [
        "--",
        "python",
        "-c",
        "import inproject, tinypkg; print(inproject.GREETING)",
    ];
    for installer in [Installer::Pip, Installer::Uv] {
        let _ = fs::remove_dir_all(dir.path().join(".nix-venv"));
        let out = run_command(vb_command_with(&dir, PYTHON, installer).args(show), None);
        out.assert_success();
        assert_eq!(out.stdout, "hello\n");
    }
    // An edit to the source is seen at once, without a reinstall.
    dir.write("src/inproject.py", "GREETING = 'edited'\n");
    let out = vb(&dir, &show);
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("edited\n", ""));
    // --no-project leaves it out.
    let out = vb(
        &dir,
        &[
            "-q",
            "--no-project",
            "--",
            "python",
            "-c",
            "import inproject",
        ],
    );
    out.assert_code(1);
}

#[test]
fn the_python_pin_is_checked_before_anything_is_built() {
    let dir = pyproject_project(false);
    let text = String::from_utf8(dir.read("pyproject.toml")).unwrap_or_default();
    dir.write("pyproject.toml", text.replace(">=3.8", ">=3.99"));
    let out = vb(&dir, &[]);
    out.assert_code(3);
    assert!(
        out.stderr.starts_with(&format!(
            "venv-bootstrap: Python 3.11.2 ({PYTHON}) does not match requires-python '>=3.99' ("
        )),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join(".nix-venv").exists(), "nothing built");
    dir.write("pyproject.toml", text);
    dir.write(".python-version", "3.12\n");
    let out = vb(&dir, &[]);
    out.assert_code(3);
    assert!(
        out.stderr.contains("does not match '3.12' ("),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(".python-version)"), "{}", out.stderr);
    dir.write(".python-version", "3.11\n");
    vb(&dir, &["-q"]).assert_success();
}

#[test]
fn a_wrong_hash_is_exit_4_with_the_installers_reason() {
    let dir = project();
    dir.write(
        "requirements.txt",
        format!("tinypkg==1.0 --hash=sha256:{}\n", "0".repeat(64)),
    );
    for installer in [Installer::Pip, Installer::Uv] {
        let _ = fs::remove_dir_all(dir.path().join(".nix-venv"));
        let out = run_command(vb_command_with(&dir, PYTHON, installer).arg("-q"), None);
        out.assert_code(4);
        let said = out.stderr.to_lowercase();
        assert!(said.contains("hash"), "{installer:?}: {}", out.stderr);
        assert!(!installed(&dir).iter().any(|p| p == "tinypkg"));
    }
}

/// Make `uv.lock` for the project in `dir` with uv, offline, from its wheel folder.
fn lock_with_uv(dir: &TestDir) {
    e2e::python::uv_lock(dir.path(), PYTHON, &dir.path().join("uv-cache"), &dir.tmp());
}

#[test]
fn a_uv_lock_is_installed_exactly_as_locked_and_needs_uv() {
    let dir = pyproject_project(false);
    lock_with_uv(&dir);
    let lock = String::from_utf8(dir.read("uv.lock")).unwrap_or_default();
    assert!(
        lock.contains("name = \"tinypkg\"\nversion = \"1.0\""),
        "{lock}"
    );
    // The pyproject now allows 2.0, which the wheel folder has: --frozen keeps the lock's 1.0.
    let text = String::from_utf8(dir.read("pyproject.toml")).unwrap_or_default();
    dir.write(
        "pyproject.toml",
        text.replace("tinypkg==1.0", "tinypkg>=1.0"),
    );
    dir.write("requirements.txt", "nothing-here==9\n");
    let out = vb(
        &dir,
        &[
            "--group",
            "dev",
            "--",
            "python",
            "-c",
            "import tinypkg, lintpkg; print(tinypkg.VERSION)",
        ],
    );
    out.assert_success();
    assert_eq!(out.stdout, "1.0\n");
    assert!(
        installed(&dir).iter().any(|p| p == "pip"),
        "pip stays (inexact sync)"
    );
    vb(&dir, &["--group", "dev", "--check"]).assert_success();
    // Without uv: a clear error and the way out.
    let _ = fs::remove_dir_all(dir.path().join(".nix-venv"));
    let out = run_command(
        vb_command_with(&dir, PYTHON, Installer::Pip).arg("-q"),
        None,
    );
    out.assert_code(2);
    assert!(
        out.stderr
            .contains("uv.lock is installed with uv, and there is no uv on PATH: install uv"),
        "{}",
        out.stderr
    );
}

#[test]
fn long_work_shows_one_plain_line_per_step_and_the_installers_output_only_with_v() {
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\nextrapkg\n");
    let out = vb(&dir, &[]);
    out.assert_success();
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stderr);
    assert!(
        lines[0].starts_with("venv-bootstrap: creating ") && lines[0].ends_with("(3.11.2)"),
        "{}",
        out.stderr
    );
    assert_eq!(
        lines[1],
        "venv-bootstrap: installing requirements.txt with uv"
    );
    dir.write("requirements.txt", "tinypkg==2.0\n");
    let out = vb(&dir, &["-v"]);
    out.assert_success();
    assert!(
        out.stderr.contains("+ tinypkg==2.0"),
        "-v shows uv's own output: {}",
        out.stderr
    );
}

#[test]
fn at_a_terminal_a_cold_build_keeps_one_live_status_line() {
    use rexpect::session::spawn_command;
    let dir = project();
    dir.write("requirements.txt", "tinypkg==1.0\nextrapkg\n");
    let mut cmd = vb_command_with(&dir, PYTHON, Installer::Pip);
    cmd.arg("--");
    cmd.arg("true");
    let mut p = spawn_command(cmd, Some(60_000)).unwrap_or_else(|e| panic!("pty: {e}"));
    let screen = p.exp_eof().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        screen.contains("\r\x1b[2Kvenv-bootstrap: installing with pip: "),
        "{screen:?}"
    );
    assert!(screen.contains(" s"), "elapsed time: {screen:?}");
    assert!(
        !screen.contains("Successfully installed"),
        "pip's own output held back: {screen:?}"
    );
    assert!(installed(&dir).iter().any(|p| p == "tinypkg"));
}

#[test]
fn inputs_that_cannot_be_installed_are_exit_2_before_anything_is_built() {
    let venv_made = |dir: &TestDir| dir.path().join(".nix-venv").exists();
    // An unknown group: exit 2 before the venv is built, and --check says 2 as well.
    let dir = pyproject_project(false);
    for args in [
        &["-q", "--group", "nope"][..],
        &["--check", "--group", "nope"],
    ] {
        let out = vb(&dir, args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("no group 'nope'"), "{}", out.stderr);
        assert!(!venv_made(&dir), "{args:?}");
    }
    // A uv.lock that is not TOML, or not UTF-8; a pyproject.toml that is not UTF-8.
    let pyproject = dir.read("pyproject.toml");
    let mut bad_utf8 = pyproject.clone();
    bad_utf8.extend_from_slice(b"# caf\xe9\n");
    for (file, bytes, why) in [
        (
            "uv.lock",
            b"version = 1\n[[package]\nname = \"a\"\n".to_vec(),
            "uv.lock: not valid",
        ),
        (
            "uv.lock",
            b"version = 1\n# \xff\xfe\n".to_vec(),
            "uv.lock: not valid UTF-8",
        ),
        (
            "pyproject.toml",
            bad_utf8,
            "pyproject.toml: not valid UTF-8",
        ),
    ] {
        dir.write("pyproject.toml", &pyproject);
        let _ = fs::remove_file(dir.path().join("uv.lock"));
        dir.write(file, bytes);
        let out = vb(&dir, &["-q"]);
        assert_eq!(out.code, Some(2), "{why}: {}", out.stderr);
        assert!(out.stderr.contains(why), "{why}: {}", out.stderr);
        assert!(!venv_made(&dir), "{why}");
    }
    let _ = fs::remove_file(dir.path().join("uv.lock"));
    // A NUL in requires-python is never echoed raw.
    let text = String::from_utf8_lossy(&pyproject).replace(">=3.8", ">=3.8\\u0000evil");
    dir.write("pyproject.toml", text);
    let out = vb(&dir, &["-q"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        !out.stderr.contains('\0') && out.stderr.contains("evil"),
        "{:?}",
        out.stderr
    );
}

#[test]
fn a_huge_pin_and_a_diamond_of_groups_cost_little() {
    let dir = project();
    // 2^40 paths through 41 groups.
    let mut text = String::from(
        "[project]\nname = \"d\"\nversion = \"0\"\n[dependency-groups]\ng0 = [\"a\"]\n",
    );
    for n in 1..=40 {
        let m = n - 1;
        text.push_str(&format!(
            "g{n} = [{{include-group = \"g{m}\"}}, {{include-group = \"g{m}\"}}, \"b{n}\"]\n"
        ));
    }
    dir.write("pyproject.toml", text);
    let (out, peak) =
        e2e::run_measured(vb_command(&dir, PYTHON).args(["--check", "--group", "g40"]));
    assert_eq!(
        out.code,
        Some(1),
        "not up to date, and no error: {}",
        out.stderr
    );
    assert!(peak < 40 << 20, "peak memory {} MB", peak >> 20);
    let pin =
        fs::File::create(dir.path().join(".python-version")).unwrap_or_else(|e| panic!("{e}"));
    pin.set_len(300 << 20).unwrap_or_else(|e| panic!("{e}"));
    let (out, peak) = e2e::run_measured(vb_command(&dir, PYTHON).arg("-q"));
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr
            .contains(".python-version: larger than 64 KiB (the cap)"),
        "{}",
        out.stderr
    );
    assert!(peak < 40 << 20, "peak memory {} MB", peak >> 20);
}
