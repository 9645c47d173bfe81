//! Ctrl-C as an event, for as long as a guard lives: while a hidden prompt holds the terminal
//! raw (envset) or an answer streams (ollama-chat), SIGINT only sets a flag that the code
//! polls, so the terminal is restored and the program decides what to do. Dropping the guard
//! puts back exactly the disposition that was there before (default, ignored, or another
//! handler), so a Ctrl-C afterwards does what it did before.

use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_: nix::libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Catches SIGINT until dropped. Create one at a time (they share one flag).
pub struct CtrlC {
    previous: Option<SigAction>,
}

impl CtrlC {
    /// Catch SIGINT from now on; forget any earlier Ctrl-C. When SIGINT was ignored (a
    /// background job of a non-interactive shell), it stays ignored.
    pub fn catch() -> CtrlC {
        INTERRUPTED.store(false, Ordering::SeqCst);
        // No SA_RESTART: a blocking read returns EINTR, so a prompt notices at once.
        let action = SigAction::new(
            SigHandler::Handler(on_sigint),
            SaFlags::empty(),
            SigSet::empty(),
        );
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        let previous = unsafe { sigaction(Signal::SIGINT, &action) }.ok();
        if let Some(old) = previous.as_ref() {
            if matches!(old.handler(), SigHandler::SigIgn) {
                // SAFETY: puts back the disposition that was there a moment ago.
                let _ = unsafe { sigaction(Signal::SIGINT, old) };
                return CtrlC { previous: None };
            }
        }
        CtrlC { previous }
    }

    /// True (once) if Ctrl-C was pressed since the guard was made or this was last called.
    pub fn take(&self) -> bool {
        INTERRUPTED.swap(false, Ordering::SeqCst)
    }
}

impl Drop for CtrlC {
    fn drop(&mut self) {
        if let Some(old) = self.previous.take() {
            // SAFETY: puts back the disposition that was there before the guard.
            let _ = unsafe { sigaction(Signal::SIGINT, &old) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_catches_then_puts_back_the_previous_disposition() {
        // SAFETY: test-only; reads the current disposition by swapping and swapping back.
        let current = || unsafe {
            let probe = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
            let old = sigaction(Signal::SIGINT, &probe).unwrap();
            sigaction(Signal::SIGINT, &old).unwrap();
            old.handler()
        };
        let before = format!("{:?}", current());
        {
            let guard = CtrlC::catch();
            assert!(matches!(current(), SigHandler::Handler(_)));
            nix::sys::signal::raise(Signal::SIGINT).unwrap();
            assert!(guard.take());
            assert!(!guard.take(), "taken once");
        }
        assert_eq!(format!("{:?}", current()), before);
    }
}
