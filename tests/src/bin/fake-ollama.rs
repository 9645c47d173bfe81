//! The tests' fake Ollama server as a process, for benchmarks and manual trials:
//! `fake-ollama [answer|huge MB|timestamps N]`; prints its URL, serves until killed.

use e2e::fake_ollama::{FakeOllama, Reply};
use std::time::Duration;

const HELP: &str = "\
A fake Ollama server on 127.0.0.1 (a free port), for benchmarks and manual trials.

Usage: fake-ollama [answer]         answer \"Hello! How can I help?\" in four chunks
       fake-ollama huge [MB]        stream an answer of MB megabytes (default 50)
       fake-ollama timestamps [N]   N chunks 5 ms apart, each its send time (default 200)
       fake-ollama longline [MB]    one reply line of MB megabytes that never ends (default 200)

Prints its URL on stdout, then serves until killed.";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num =
        |i: usize, default: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(default);
    let reply = match args.first().map(String::as_str) {
        Some("-h" | "--help") => {
            println!("{HELP}");
            return;
        }
        Some("huge") => Reply::Huge {
            total: num(1, 50) * 1_000_000,
            piece: 4096,
        },
        Some("longline") => Reply::LongLine {
            total: num(1, 200) * 1_000_000,
        },
        Some("timestamps") => Reply::Timestamps {
            count: num(1, 200),
            interval: Duration::from_millis(5),
        },
        None | Some("answer") => Reply::answer(&["Hello", "! How", " can I", " help?"]),
        Some(other) => {
            eprintln!("fake-ollama: error: unknown reply '{other}'\n\n{HELP}");
            std::process::exit(2);
        }
    };
    let server = FakeOllama::start(reply);
    println!("{}", server.url());
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
