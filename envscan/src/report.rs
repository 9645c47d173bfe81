//! The findings: one line each on stdout (`FILE:LINE: KEY (FORM)`), or one JSON object; a
//! finding names where, the key and the form, never any part of the value. The exit status
//! says whether anything was found.

use crate::cli::Format;
use crate::exit_codes;
use envtools_cli::Failure;
use envtools_secrets::Found;

/// Where a finding is: a file and line, a notebook's cell, a staged file, a commit.
#[derive(Debug, Clone)]
pub struct Place {
    /// `src/app.py`, `nb.ipynb`, `src/app.py (staged)`, `1a2b3c4d:src/app.py`.
    pub file: String,
    /// `:12` (a line) or `: cell 7 output` (a notebook's cell).
    pub at: String,
}

/// The findings of a run.
pub struct Findings {
    format: Format,
    skipped: Vec<String>,
    list: Vec<(Place, String, &'static str)>,
    lines: envtools_cli::out::Lines,
}

impl Findings {
    pub fn new(format: Format, skipped: Vec<String>) -> Findings {
        if !skipped.is_empty() {
            envtools_cli::warn::warn(
                "envscan",
                format_args!(
                    "not looked for (values shorter than {} characters): {}",
                    envtools_secrets::rule::MIN_LEN,
                    skipped.join(", ")
                ),
            );
        }
        Findings {
            format,
            skipped,
            list: Vec::new(),
            lines: envtools_cli::out::Lines::default(),
        }
    }

    /// Add `found` at `place`; in text, printed at once.
    pub fn add(&mut self, place: Place, found: &Found) -> Result<(), Failure> {
        let form = found.form.name();
        if self.format == Format::Text {
            let line = format!("{}{}: {} ({form})", place.file, place.at, found.key);
            self.lines.line(&line)?;
        }
        self.list.push((place, found.key.clone(), form));
        Ok(())
    }

    /// Print what is left; the exit status: 1 when anything was found.
    pub fn finish(mut self) -> Result<u8, Failure> {
        if self.format == Format::Json {
            let findings: Vec<serde_json::Value> = self
                .list
                .iter()
                .map(|(p, key, form)| {
                    serde_json::json!({"file": p.file, "at": p.at.trim_start_matches([':', ' ']), "key": key, "form": form})
                })
                .collect();
            let v = serde_json::json!({"findings": findings, "skipped_short": self.skipped});
            self.lines.line(&v.to_string())?;
        }
        self.lines.flush()?;
        Ok(if self.list.is_empty() {
            exit_codes::SUCCESS
        } else {
            exit_codes::FOUND
        })
    }
}
