//! envset against hostile paths: device nodes, FIFOs, folders, a symlinked lock file, a file
//! of another user, a lock held by someone else, temp files that are not ours. Each is
//! refused (or waited for) without touching anything, and never hangs.

use e2e::{run_command, Output, TestDir};
use pretty_assertions::assert_eq;
use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Run `cmd`, killing it (and failing the test) if it is still running after `limit`.
fn run_within(mut cmd: Command, limit: Duration) -> Output {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{e}"));
    let start = Instant::now();
    while child.try_wait().ok().flatten().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {limit:?}: it blocked");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    Output {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        stdout_bytes: out.stdout,
    }
}

/// These tests make device nodes and files of another user: they need root, as CI runs. Not
/// root is a failure that says so, never a test that skips itself and passes.
fn need_root(why: &str) {
    let id = run_command(Command::new("id").arg("-u"), None);
    assert_eq!(
        id.stdout.trim(),
        "0",
        "this test needs root ({why}); CI runs as root"
    );
}

#[test]
fn a_device_node_is_refused_and_left_as_it_is() {
    need_root("mknod");
    let dir = TestDir::new();
    let made = run_command(
        Command::new("mknod")
            .args(["n", "c", "1", "3"])
            .current_dir(dir.path()),
        None,
    );
    made.assert_success();
    let out = run_within(
        {
            let mut c = dir.command("envset");
            c.args(["-f", "n", "A=1"]);
            c
        },
        Duration::from_secs(10),
    );
    out.assert_output(2, "", "envset: n is not a regular file\n");
    let meta = fs::symlink_metadata(dir.path().join("n")).unwrap_or_else(|e| panic!("{e}"));
    assert!(meta.file_type().is_char_device(), "still the device node");
    // A symlink to it is followed, then refused just the same.
    std::os::unix::fs::symlink("n", dir.path().join(".env")).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.run("envset", &["A=1"]);
    out.assert_output(2, "", "envset: n is not a regular file\n");
}

#[test]
fn a_fifo_or_a_folder_is_refused_at_once_without_blocking() {
    let dir = TestDir::new();
    let made = run_command(
        Command::new("mkfifo").arg(".env").current_dir(dir.path()),
        None,
    );
    made.assert_success();
    for args in [&["A=1"][..], &["--if-unset", "A=1"], &["-u", "A"], &["A"]] {
        let mut cmd = dir.command("envset");
        cmd.args(args);
        let out = run_within(cmd, Duration::from_secs(10));
        out.assert_output(2, "", "envset: .env is not a regular file\n");
    }
    fs::create_dir(dir.path().join("folder")).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.run("envset", &["-f", "folder", "A=1"]);
    out.assert_output(2, "", "envset: folder is not a regular file\n");
    assert!(fs::read_dir(dir.path().join("folder"))
        .map(|mut d| d.next().is_none())
        .unwrap_or(false));
}

#[test]
fn a_symlinked_lock_file_is_refused_and_its_target_never_created() {
    let dir = TestDir::new();
    let target = dir.path().join("elsewhere");
    std::os::unix::fs::symlink(&target, dir.path().join(".env.lock"))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.run("envset", &["A=1"]);
    out.assert_output(2, "", "envset: .env.lock is not a regular file\n");
    assert!(!target.exists(), "the link was not followed");
    assert!(!dir.path().join(".env").exists(), "nothing written");
}

#[test]
fn a_file_of_another_user_is_not_taken_over_unless_allowed() {
    need_root("a file of another user, and envset run as nobody");
    // A folder nobody owns, holding a root-owned 0644 .env.
    let dir = TestDir::new();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    let folder = dir.path().join("d");
    fs::create_dir(&folder).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::chown(&folder, Some(65534), Some(65534)).unwrap_or_else(|e| panic!("{e}"));
    let env = folder.join(".env");
    fs::write(&env, "A=1\n").unwrap_or_else(|e| panic!("{e}"));
    fs::set_permissions(&env, fs::Permissions::from_mode(0o644)).unwrap_or_else(|e| panic!("{e}"));
    // A copy of envset that nobody may run, wherever the checkout is.
    let envset = dir.path().join("envset");
    fs::copy(e2e::bin("envset"), &envset).unwrap_or_else(|e| panic!("{e}"));
    fs::set_permissions(&envset, fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    // Another test's fork may briefly hold the copy's write descriptor (ETXTBSY) until exec.
    for _ in 0..200 {
        match Command::new(&envset).arg("--version").output() {
            Err(e) if e.raw_os_error() == Some(26) => {
                std::thread::sleep(std::time::Duration::from_millis(10))
            }
            _ => break,
        }
    }
    let as_nobody = |args: &[&str]| {
        let mut cmd = Command::new(&envset);
        cmd.args(["-f", "d/.env"])
            .args(args)
            .current_dir(dir.path());
        std::os::unix::process::CommandExt::uid(&mut cmd, 65534);
        std::os::unix::process::CommandExt::gid(&mut cmd, 65534);
        run_command(&mut cmd, None)
    };
    let out = as_nobody(&["B=2"]);
    out.assert_output(
        2,
        "",
        "envset: d/.env belongs to user root: rewriting it would make it yours; --allow-owner-change does it anyway\n",
    );
    let meta = fs::metadata(&env).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (meta.uid(), fs::read_to_string(&env).unwrap_or_default()),
        (0, "A=1\n".into())
    );
    as_nobody(&["--allow-owner-change", "B=2"]).assert_output(0, "", "");
    let meta = fs::metadata(&env).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((meta.uid(), meta.mode() & 0o777), (65534, 0o644));
    assert_eq!(fs::read_to_string(&env).unwrap_or_default(), "A=1\nB=2\n");
}

/// Hold `.env.lock` in `dir` (as another envset would) until the returned file is dropped.
fn hold_lock(dir: &TestDir) -> fs::File {
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.path().join(".env.lock"))
        .unwrap_or_else(|e| panic!("{e}"));
    lock.lock().unwrap_or_else(|e| panic!("{e}"));
    lock
}

#[test]
fn waiting_for_the_lock_is_said_once_and_can_be_bounded() {
    let dir = TestDir::new();
    let held = hold_lock(&dir);
    let waiting = "envset: waiting for the lock .env.lock (another process is writing .env)\n";
    let out = dir.run("envset", &["--lock-timeout", "1.5", "A=1"]);
    out.assert_output(
        2,
        "",
        &format!("{waiting}envset: another process still holds the lock .env.lock after 1 s; nothing written (raise --lock-timeout)\n"),
    );
    assert!(!dir.path().join(".env").exists());
    // Without a timeout it waits, says so once, and writes when the lock is released.
    let mut cmd = dir.command("envset");
    cmd.arg("A=2").stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = cmd.spawn().unwrap_or_else(|e| panic!("{e}"));
    std::thread::sleep(Duration::from_millis(1600));
    drop(held);
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned()
        ),
        (Some(0), waiting.to_string())
    );
    assert_eq!(
        fs::read_to_string(dir.path().join(".env")).unwrap_or_default(),
        "A=2\n"
    );
}

#[test]
fn only_temp_files_of_gone_envset_runs_are_swept() {
    let dir = TestDir::new();
    let stale = ".env.tmp-2147483646-0-0123456789abcdef"; // no such process
    dir.write(stale, "SECRET=left by a killed run\n");
    dir.write(".env.tmp-notes", "mine\n");
    dir.write(".env.tmp-1-0-0123456789abcdef", "init's: alive, so kept\n");
    dir.run("envset", &["A=1"]).assert_output(0, "", "");
    assert!(
        !dir.path().join(stale).exists(),
        "the stale temp file is removed"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join(".env.tmp-notes")).unwrap_or_default(),
        "mine\n"
    );
    assert!(dir.path().join(".env.tmp-1-0-0123456789abcdef").exists());
}
