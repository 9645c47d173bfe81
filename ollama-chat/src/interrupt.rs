//! Ctrl-C while an answer streams: a flag the streaming loop polls, so the answer stops, the
//! terminal stays sane, and the REPL goes on (single-shot mode exits 130).

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Catch SIGINT from now on (until [`restore`]).
pub fn catch() {
    INTERRUPTED.store(false, Ordering::SeqCst);
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_sigint as *const () as libc::sighandler_t);
    }
}

/// Back to the default action for SIGINT.
pub fn restore() {
    // SAFETY: installs the default disposition.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
    }
}

/// True (once) if Ctrl-C was pressed since the last call.
pub fn take() -> bool {
    INTERRUPTED.swap(false, Ordering::SeqCst)
}
