//! A tiny harness for end-to-end tests: build the workspace's binaries once, run them in a
//! fresh temp dir with chosen stdin and environment, and look at what they did.
//!
//! Each test then reads like a user session:
//! ```no_run
//! let dir = e2e::TestDir::new();
//! dir.write(".env", "A=1\n");
//! let out = dir.run("envget", &["A"]);
//! assert_eq!(out.stdout, "1\n");
//! ```

use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub mod fake_ollama;
pub mod python;
pub mod raw_server;
pub mod wheels;

/// The folder holding the built binaries of the profile these tests were built with
/// (`target/debug` for `cargo test`, `target/release` for `cargo test --release`), built on
/// first use.
///
/// `cargo test` builds only the binaries of the package under test, and our binaries live in
/// other packages, so the harness asks cargo to build them, for the same profile and into the
/// same target folder as this test executable: never a stale binary of another profile (a
/// no-op when they are fresh).
pub fn bin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // The test executable is <target>/<profile>/deps/<name>.
        let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current_exe: {e}"));
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .unwrap_or_else(|| panic!("no profile folder above {}", exe.display()))
            .to_path_buf();
        let target_dir = profile_dir
            .parent()
            .unwrap_or_else(|| panic!("no target folder above {}", profile_dir.display()));
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") => "dev",
            Some(other) => other,
            None => panic!("profile folder {}", profile_dir.display()),
        };
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "--workspace",
                "--bins",
                "--profile",
                profile,
            ])
            .arg("--target-dir")
            .arg(target_dir)
            .current_dir(workspace_root())
            .status()
            .unwrap_or_else(|e| panic!("cannot run cargo build: {e}"));
        assert!(
            status.success(),
            "cargo build --profile {profile} of the tools failed"
        );
        assert!(
            profile_dir.join("envget").exists(),
            "no envget in {}",
            profile_dir.display()
        );
        profile_dir
    })
}

/// The repository root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Path to a built binary of this workspace.
pub fn bin(name: &str) -> PathBuf {
    bin_dir().join(name)
}

/// What a finished process did.
#[derive(Debug)]
pub struct Output {
    /// Exit code; `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub stdout_bytes: Vec<u8>,
}

impl Output {
    /// Assert exit status 0, showing everything the process printed when it was not.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        self.assert_code(0)
    }

    /// Assert exit status `code`, showing everything the process printed when it was not.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert!(
            self.code == Some(code),
            "exit status {:?}, expected {code}\n--- stdout\n{}--- stderr\n{}",
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Assert the exit status and both outputs at once, with a diff of what differs.
    #[track_caller]
    pub fn assert_output(&self, code: i32, stdout: &str, stderr: &str) {
        pretty_assertions::assert_eq!(
            (self.code, self.stdout.as_str(), self.stderr.as_str()),
            (Some(code), stdout, stderr)
        );
    }
}

/// `/dev/shm` when it is a writable folder (a tmpfs on Linux).
fn scratch_root() -> Option<&'static Path> {
    static ROOT: OnceLock<Option<PathBuf>> = OnceLock::new();
    ROOT.get_or_init(|| {
        let shm = PathBuf::from("/dev/shm");
        tempfile::tempdir_in(&shm).ok().map(|_| shm)
    })
    .as_deref()
}

/// A fresh temporary working directory, removed at the end of the test.
pub struct TestDir {
    dir: tempfile::TempDir,
    /// `TMPDIR` for what runs here, beside the directory (so listing it shows only what the
    /// tools made), removed with it.
    tmp: tempfile::TempDir,
}

impl Default for TestDir {
    fn default() -> Self {
        Self::new()
    }
}

impl TestDir {
    /// A new empty directory: in memory (`/dev/shm`) where the machine has it, else in the
    /// system's temp folder. Building venvs there takes half the time (pip's thousands of
    /// small files), and nothing the tests check depends on the disk.
    pub fn new() -> Self {
        let mut builder = tempfile::Builder::new();
        builder.prefix("e2e-");
        let make = |builder: &tempfile::Builder| match scratch_root() {
            Some(root) => builder.tempdir_in(root),
            None => builder.tempdir(),
        };
        let dir = make(&builder).unwrap_or_else(|e| panic!("tempdir: {e}"));
        builder.prefix("e2e-tmp-");
        let tmp = make(&builder).unwrap_or_else(|e| panic!("tempdir: {e}"));
        TestDir { dir, tmp }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write a file (relative to the directory) and return its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// Read a file as bytes.
    pub fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.path().join(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    }

    /// The temp folder of this directory (`TMPDIR` for what the tests run).
    pub fn tmp(&self) -> PathBuf {
        self.tmp.path().to_path_buf()
    }

    /// A command for one of our binaries, run in this directory with a predictable environment.
    pub fn command(&self, name: &str) -> Command {
        let mut cmd = Command::new(bin(name));
        cmd.current_dir(self.path());
        // Temp files of the tools and what they run (uv's locks, pip's builds) go here, and
        // go with this directory.
        cmd.env("TMPDIR", self.tmp());
        // Variables a developer's shell may have that would change what the tools do.
        for var in [
            "OLLAMA_HOST",
            "OLLAMA_API_URL",
            "OLLAMA_MODEL",
            "OPENAI_API_KEY",
            "OLLAMA_API_KEY",
            "NO_COLOR",
        ] {
            cmd.env_remove(var);
        }
        if name == "ollama-chat" {
            // Its log goes into this directory, never into the developer's own.
            cmd.env("XDG_DATA_HOME", self.path().join(".data"));
            cmd.env_remove("OLLAMA_CHAT_NO_LOG");
        }
        cmd
    }

    /// Run one of our binaries with `args` and no standard input.
    pub fn run(&self, name: &str, args: &[&str]) -> Output {
        run_command(self.command(name).args(args), None)
    }

    /// Run one of our binaries with `args`, feeding `stdin`.
    pub fn run_stdin(&self, name: &str, args: &[&str], stdin: impl AsRef<[u8]>) -> Output {
        run_command(self.command(name).args(args), Some(stdin.as_ref()))
    }
}

/// Run `cmd`, feeding `stdin` (or /dev/null), and capture everything.
pub fn run_command(cmd: &mut Command, stdin: Option<&[u8]>) -> Output {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {:?}: {e}", cmd.get_program()));
    if let Some(data) = stdin {
        let mut pipe = child
            .stdin
            .take()
            .unwrap_or_else(|| panic!("no stdin pipe"));
        let data = data.to_vec();
        // Write from a thread so a child that does not read cannot deadlock the test.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&data);
        });
    }
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("wait: {e}"));
    Output {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        stdout_bytes: out.stdout,
    }
}

/// Run `cmd` with no standard input, and also return its peak resident memory in KiB (from
/// `wait4`, the child's own figure: not a timing, and not disturbed by other tests).
#[allow(clippy::zombie_processes)] // reaped by wait4 below, which std's Child cannot see
pub fn run_measured(cmd: &mut Command) -> (Output, u64) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {:?}: {e}", cmd.get_program()));
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for the child we spawned; `status` and `usage` are valid pointers.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    let output = Output {
        code,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        stdout_bytes: stdout,
    };
    (output, usage.ru_maxrss as u64)
}

/// Run `sh -c script` in `dir` with extra environment, returning stdout.
pub fn sh(dir: &Path, script: &str, env: &[(&str, &OsStr)]) -> Output {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script).current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_command(&mut cmd, None)
}

/// A port on 127.0.0.1 that refuses connections for as long as this lives: bound by us (so
/// nobody else can listen there) but not listening. Tests that need "no server" use it
/// rather than Ollama's 11434, where a developer's own Ollama may well be running.
pub struct ClosedPort {
    fd: libc::c_int,
    pub port: u16,
}

impl ClosedPort {
    pub fn new() -> ClosedPort {
        // SAFETY: plain socket calls on a descriptor we own; the address struct is zeroed and
        // then filled as the kernel expects for AF_INET.
        unsafe {
            let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
            assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
            let mut addr: libc::sockaddr_in = std::mem::zeroed();
            addr.sin_family = libc::AF_INET as libc::sa_family_t;
            addr.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
            let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            let bound = libc::bind(fd, std::ptr::addr_of!(addr).cast(), len);
            assert_eq!(bound, 0, "bind: {}", std::io::Error::last_os_error());
            let mut got: libc::sockaddr_in = std::mem::zeroed();
            let mut got_len = len;
            let named = libc::getsockname(fd, std::ptr::addr_of_mut!(got).cast(), &mut got_len);
            assert_eq!(named, 0, "getsockname: {}", std::io::Error::last_os_error());
            ClosedPort {
                fd,
                port: u16::from_be(got.sin_port),
            }
        }
    }

    /// `127.0.0.1:PORT`, as OLLAMA_HOST takes it.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Default for ClosedPort {
    fn default() -> Self {
        ClosedPort::new()
    }
}

impl Drop for ClosedPort {
    fn drop(&mut self) {
        // SAFETY: our own descriptor, closed once.
        unsafe {
            libc::close(self.fd);
        }
    }
}
