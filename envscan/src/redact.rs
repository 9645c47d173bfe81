//! `--redact`: standard input to standard output with every secret value replaced by
//! `[redacted:KEY]`, as it arrives (only a tail that may begin a value waits for the next
//! bytes), byte for byte everywhere else, in bounded memory. A closed output ends it quietly.

use crate::exit_codes;
use envtools_cli::out::{print, Flow};
use envtools_cli::{Context, Failure};
use envtools_secrets::stream::Redactor;
use envtools_secrets::Matcher;
use std::io::Read;

pub fn run(matcher: &Matcher) -> Result<u8, Failure> {
    let mut redactor = Redactor::new(matcher);
    let mut stdin = std::io::stdin().lock();
    let mut chunk = vec![0u8; 64 << 10];
    loop {
        let n = match stdin.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).context(exit_codes::ERROR, || "cannot read standard input"),
        };
        let out = if n == 0 {
            redactor.finish()
        } else {
            redactor.feed(&chunk[..n])
        };
        if !out.is_empty() && print(&out)? == Flow::Closed {
            return Ok(exit_codes::SUCCESS);
        }
        if n == 0 {
            return Ok(exit_codes::SUCCESS);
        }
    }
}
