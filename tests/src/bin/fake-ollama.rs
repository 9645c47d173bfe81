//! The tests' fake Ollama server as a process, for benchmarks and manual trials:
//! `fake-ollama [answer|huge MB|timestamps N]`; prints its URL, serves until killed.

use e2e::fake_ollama::{FakeOllama, Reply};
use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num =
        |i: usize, default: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(default);
    let reply = match args.first().map(String::as_str) {
        Some("huge") => Reply::Huge {
            total: num(1, 50) * 1_000_000,
            piece: 4096,
        },
        Some("timestamps") => Reply::Timestamps {
            count: num(1, 200),
            interval: Duration::from_millis(5),
        },
        _ => Reply::answer(&["Hello", "! How", " can I", " help?"]),
    };
    let server = FakeOllama::start(reply);
    println!("{}", server.url());
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
