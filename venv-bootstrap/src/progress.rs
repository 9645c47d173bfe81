//! Long work, shown the way uv shows it: at a terminal, one live status line on stderr (the
//! step, packages done of total, elapsed time), redrawn in place and cleared at the end;
//! without a terminal, nothing but the one plain line per step the caller prints. The
//! installer's own output is held back (shown with -v, or its last lines when it fails).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Counts what an installer reports, from its output lines.
#[derive(Default)]
pub struct Counter {
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Counter {
    /// Take one line of installer output: pip names each distribution it collects or
    /// processes; uv says how many packages it resolved and installed.
    pub fn line(&self, line: &str) {
        let l = line.trim_start();
        if l.starts_with("Collecting ")
            || l.starts_with("Processing ")
            || l.starts_with("Obtaining ")
        {
            self.done.fetch_add(1, Ordering::Relaxed);
        }
        let count = |prefix: &str| {
            l.strip_prefix(prefix)
                .and_then(|r| r.split_whitespace().next())
                .and_then(|n| n.parse::<usize>().ok())
        };
        if let Some(n) = count("Resolved ") {
            self.total.store(n, Ordering::Relaxed);
        }
        if let Some(n) = count("Installed ").or_else(|| count("Prepared ")) {
            self.done.store(n, Ordering::Relaxed);
        }
    }

    fn describe(&self) -> String {
        let (done, total) = (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        );
        match (done, total) {
            (_, 0) => format!("{done} done"),
            (d, t) => format!("{} of {t}", d.min(t)),
        }
    }
}

/// A live status line at a terminal, for as long as it lives.
pub struct Live {
    stop: Arc<AtomicBool>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

impl Live {
    /// Show `step` with `counter`'s progress and the elapsed time, when stderr is a terminal
    /// and neither `-q` nor `-v` was given; otherwise do nothing.
    pub fn start(step: &str, counter: &Arc<Counter>, quiet: bool, verbose: bool) -> Live {
        let stop = Arc::new(AtomicBool::new(false));
        let line = envtools_cli::status::StatusLine::new(!quiet && !verbose);
        if !line.is_live() {
            return Live { stop, ticker: None };
        }
        let (step, counter, flag) = (step.to_string(), Arc::clone(counter), Arc::clone(&stop));
        let started = Instant::now();
        let ticker = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                let secs = started.elapsed().as_secs_f64();
                let what = counter.describe();
                line.show(&format!("venv-bootstrap: {step}: {what}, {secs:.1} s"));
                std::thread::sleep(Duration::from_millis(100));
            }
            line.clear();
        });
        Live {
            stop,
            ticker: Some(ticker),
        }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_pip_and_uv_lines() {
        let pip = Counter::default();
        for l in [
            "Looking in links: w",
            "Collecting tinypkg==1.0",
            "Processing ./w/x.whl",
            "Installing collected packages: x",
        ] {
            pip.line(l);
        }
        assert_eq!(pip.describe(), "2 done");
        let uv = Counter::default();
        for l in [
            "Resolved 5 packages in 3ms",
            "Prepared 2 packages in 1ms",
            "Installed 5 packages in 4ms",
        ] {
            uv.line(l);
        }
        assert_eq!(uv.describe(), "5 of 5");
    }
}
