//! Where values come from when they are not on the command line: a hidden prompt at a
//! terminal, or standard input (one line per key, or all of it with `--stdin-all`).

use crate::exit_codes;
use envtools_cli::interrupt::CtrlC;
use envtools_cli::Failure;
use std::io::{self, BufRead, IsTerminal, Read, Write};

/// What to ask for one key.
pub struct Question<'a> {
    pub key: &'a str,
    /// The key already has a value: an empty answer keeps it.
    pub has_old: bool,
    /// Offered as the answer to an empty reply (from `.env.example`).
    pub default: Option<&'a str>,
    /// Comment lines shown before the prompt (from `.env.example`).
    pub explanation: &'a [String],
    /// Echo what is typed (else hidden).
    pub visible: bool,
    /// An empty answer is not a value: at a terminal the key is skipped, from standard input
    /// it is refused. An optional key is skipped either way.
    pub required: bool,
    /// The type an answer must have (from `.env.example`'s `@type`).
    pub ty: Option<&'a envtools_schema::Type>,
}

/// An answer: a value, or "keep what the file has".
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    Value(String),
    KeepOld,
    /// No value: the key is left for later (`.env.example`'s keys only).
    Skip,
}

/// The source of answers for this run.
pub struct Answers {
    terminal: bool,
    stdin_all: bool,
    confirm: bool,
    stdin: io::StdinLock<'static>,
}

impl Answers {
    /// Answers from a terminal if standard input is one, else from standard input.
    pub fn new(stdin_all: bool, confirm: bool) -> Self {
        let stdin = io::stdin();
        Answers {
            terminal: stdin.is_terminal(),
            stdin_all,
            confirm,
            stdin: stdin.lock(),
        }
    }

    /// Ask one question.
    pub fn ask(&mut self, q: &Question) -> Result<Answer, Failure> {
        if self.stdin_all {
            let mut value = String::new();
            self.stdin
                .read_to_string(&mut value)
                .map_err(|e| stdin_error(q.key, &e))?;
            return settle(q, value).ok_or_else(|| no_value(q.key));
        }
        if !self.terminal {
            let mut line = String::new();
            let n = self
                .stdin
                .read_line(&mut line)
                .map_err(|e| stdin_error(q.key, &e))?;
            if n == 0 {
                return Err(Failure::new(
                    exit_codes::REFUSED,
                    format!("no value for {}: standard input ended", q.key),
                ));
            }
            let value = line.strip_suffix('\n').unwrap_or(&line);
            let value = value.strip_suffix('\r').unwrap_or(value).to_string();
            let answer = settle(q, value).ok_or_else(|| no_value(q.key))?;
            return match malformed(q, &answer) {
                Some(why) => Err(Failure::new(
                    exit_codes::REFUSED,
                    format!("{}: malformed: {why}; nothing written", q.key),
                )),
                None => Ok(answer),
            };
        }
        self.ask_terminal(q)
    }

    fn ask_terminal(&mut self, q: &Question) -> Result<Answer, Failure> {
        for line in q.explanation {
            eprintln!("{line}");
        }
        let prompt = match (q.default, q.has_old) {
            // A secret's default is not shown: it is hidden like the answer.
            (Some(d), _) if !d.is_empty() && q.visible => format!("{} [{d}]: ", q.key),
            (Some(d), _) if !d.is_empty() => {
                format!("{} (Enter keeps the example's value): ", q.key)
            }
            (_, true) => format!("{} (Enter keeps the current value): ", q.key),
            _ if q.ty.is_some() || q.default.is_some() => format!("{} (Enter skips): ", q.key),
            _ => format!("{}: ", q.key),
        };
        loop {
            let first = read_terminal(&mut self.stdin, &prompt, q.visible)?;
            // At a terminal, Enter on a key of the example skips it (it is asked again by a
            // later `envset --from-example`).
            let answer = match settle(q, first.clone()) {
                Some(a) => a,
                None if q.default.is_some() => Answer::Skip,
                None => {
                    eprintln!("envset: a value is required for {}", q.key);
                    continue;
                }
            };
            if let Some(why) = malformed(q, &answer) {
                eprintln!("envset: {}: malformed: {why}; try again", q.key);
                continue;
            }
            if self.confirm && answer != Answer::KeepOld {
                let again =
                    read_terminal(&mut self.stdin, &format!("{} (again): ", q.key), q.visible)?;
                if again != first {
                    eprintln!("envset: the answers do not match; try again");
                    continue;
                }
            }
            return Ok(answer);
        }
    }
}

/// An empty reply takes the default, else keeps the old value, else skips an optional key,
/// else is no answer (`None`).
pub fn settle(q: &Question, value: String) -> Option<Answer> {
    if !value.is_empty() {
        return Some(Answer::Value(value));
    }
    match q.default {
        Some(d) if !d.is_empty() => Some(Answer::Value(d.to_string())),
        _ if q.has_old => Some(Answer::KeepOld),
        _ if !q.required => Some(Answer::Skip),
        _ => None,
    }
}

/// Why `answer` is not of the question's type (never the value), if it is not.
pub fn malformed(q: &Question, answer: &Answer) -> Option<String> {
    match (answer, q.ty) {
        (Answer::Value(v), Some(t)) => t.check(v).err(),
        _ => None,
    }
}

fn no_value(key: &str) -> Failure {
    Failure::new(
        exit_codes::REFUSED,
        format!("no value for {key}: the answer was empty"),
    )
}

fn stdin_error(key: &str, e: &io::Error) -> Failure {
    Failure::new(
        exit_codes::ERROR,
        format!("cannot read the value for {key} from standard input: {e}"),
    )
}

/// Read one answer at the terminal, hidden unless `visible`. Ctrl-C restores the terminal
/// and fails with exit 130 (rpassword raises SIGINT while the terminal is still raw, so the
/// default action would leave the user's terminal without echo).
fn read_terminal(stdin: &mut impl BufRead, prompt: &str, visible: bool) -> Result<String, Failure> {
    let interrupted = || Failure::new(exit_codes::INTERRUPTED, "interrupted");
    let ctrl_c = CtrlC::catch();
    let result = if visible {
        eprint!("{prompt}");
        let _ = io::stderr().flush();
        let mut line = String::new();
        stdin
            .read_line(&mut line)
            .map(|n| {
                if n == 0 {
                    Err(io::Error::from(io::ErrorKind::UnexpectedEof))
                } else {
                    Ok(line.trim_end_matches(['\n', '\r']).to_string())
                }
            })
            .and_then(|r| r)
    } else {
        rpassword::prompt_password(prompt)
    };
    let was_interrupted = ctrl_c.take();
    drop(ctrl_c);
    if was_interrupted {
        eprintln!();
        return Err(interrupted());
    }
    match result {
        Ok(s) => Ok(s),
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(interrupted()),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            eprintln!();
            Err(Failure::new(
                exit_codes::REFUSED,
                "no answer (end of input)",
            ))
        }
        Err(e) => Err(Failure::new(
            exit_codes::ERROR,
            format!("cannot read from the terminal: {e}"),
        )),
    }
}
