//! The man page: clap_mangen's title, NAME, DESCRIPTION and OPTIONS (from the same derive as
//! `--help`), with SYNOPSIS, the notes, EXIT STATUS and EXAMPLES from the tool's [`Page`], so
//! nothing is re-flowed from pre-wrapped help text and every section has its proper name.

use crate::page::Page;
use clap_mangen::Man;
use roff::{bold, roman, Roff};
use std::io::{self, Write};

/// What roff needs at the top of a page, once (each `render_*` of clap_mangen repeats it).
const PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";

/// Write the man page of `cmd` (already carrying `page`) to `out`.
pub fn render(cmd: &clap::Command, page: &Page, out: &mut dyn Write) -> io::Result<()> {
    let man = Man::new(cmd.clone());
    let mut text = String::from(PREAMBLE);
    let mut part = |f: &dyn Fn(&mut Vec<u8>) -> io::Result<()>| -> io::Result<()> {
        let mut buf = Vec::new();
        f(&mut buf)?;
        let s = String::from_utf8_lossy(&buf);
        text.push_str(s.strip_prefix(PREAMBLE).unwrap_or(&s));
        Ok(())
    };
    part(&|b| man.render_title(b))?;
    part(&|b| man.render_name_section(b))?;
    part(&|b| synopsis(page).to_writer(b))?;
    part(&|b| man.render_description_section(b))?;
    part(&|b| man.render_options_section(b))?;
    part(&|b| sections(page).to_writer(b))?;
    out.write_all(text.as_bytes())
}

/// SYNOPSIS: the usage lines, the tool's name in bold.
fn synopsis(page: &Page) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["SYNOPSIS"]);
    for line in page.usage {
        let (name, rest) = line.split_once(' ').unwrap_or((line, ""));
        roff.text([bold(name), roman(format!(" {rest}"))]);
        roff.control("br", [] as [&str; 0]);
    }
    roff
}

/// The notes (one section each), EXIT STATUS and EXAMPLES.
fn sections(page: &Page) -> Roff {
    let mut roff = Roff::new();
    for (title, body) in page.notes {
        roff.control("SH", [title.to_uppercase().as_str()]);
        prose(&mut roff, body);
    }
    roff.control("SH", ["EXIT STATUS"]);
    for (code, what) in page.exit_status {
        roff.control("TP", [] as [&str; 0]);
        roff.text([bold(code.to_string())]);
        roff.text([roman(*what)]);
    }
    roff.control("SH", ["EXAMPLES"]);
    for (command, what) in page.examples {
        roff.control("TP", [] as [&str; 0]);
        roff.text([bold(*command)]);
        roff.text([roman(*what)]);
    }
    roff
}

/// Paragraphs re-flow; lines indented by two spaces stay as they are.
fn prose(roff: &mut Roff, body: &str) {
    for paragraph in body.split("\n\n") {
        roff.control("PP", [] as [&str; 0]);
        let mut flowing: Vec<&str> = Vec::new();
        let mut literal: Vec<&str> = Vec::new();
        for line in paragraph.lines() {
            if let Some(code) = line.strip_prefix("  ") {
                if !flowing.is_empty() {
                    roff.text([roman(flowing.join(" "))]);
                    flowing.clear();
                }
                literal.push(code);
            } else {
                if !literal.is_empty() {
                    literal_block(roff, &literal);
                    literal.clear();
                }
                flowing.push(line.trim());
            }
        }
        if !flowing.is_empty() {
            roff.text([roman(flowing.join(" "))]);
        }
        if !literal.is_empty() {
            literal_block(roff, &literal);
        }
    }
}

fn literal_block(roff: &mut Roff, lines: &[&str]) {
    roff.control("RS", ["4"]);
    roff.control("nf", [] as [&str; 0]);
    for line in lines {
        roff.text([roman(*line)]);
    }
    roff.control("fi", [] as [&str; 0]);
    roff.control("RE", [] as [&str; 0]);
}
