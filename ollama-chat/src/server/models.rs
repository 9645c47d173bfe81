//! The models a server has: `--list`, and the list an error names when no model is set.

use super::errors::{status_error, transport_error};
use super::http::Client;
use super::{wire, Api, Server};
use crate::exit_codes;
use envtools_cli::out::Flow;
use envtools_cli::Failure;

/// The installed models, and the reply's text (for `--json`).
fn installed(client: &Client, server: &Server) -> Result<(wire::ModelList, String), Failure> {
    let base = server.base();
    let url = match server.api {
        Api::Ollama => format!("{base}/api/tags"),
        Api::OpenAi => format!("{base}/v1/models"),
    };
    let (status, body) = client
        .get(&url, server.authorization().as_deref())
        .map_err(|t| transport_error(&t, server, false))?;
    if status >= 400 {
        return Err(status_error(status, &body, "", &url, server));
    }
    let list = serde_json::from_str(&body)
        .map_err(|e| Failure::new(exit_codes::PROTOCOL, format!("{url}: not JSON ({e})")))?;
    Ok((list, body))
}

/// Name, size and date of each model.
fn model_rows(list: &wire::ModelList) -> Vec<(String, String, String)> {
    list.models
        .iter()
        .chain(&list.data)
        .map(|m| {
            let name = m
                .name
                .as_ref()
                .or(m.id.as_ref())
                .map_or("?", |n| n.as_str());
            let size = m.size.map_or(String::new(), envtools_cli::size::decimal);
            let date = m
                .modified_at
                .as_deref()
                .map_or(String::new(), |d| d.chars().take(10).collect());
            (name.to_string(), size, date)
        })
        .collect()
}

pub fn list(client: &Client, server: &Server, json: bool) -> Result<(), Failure> {
    let (v, body) = installed(client, server)?;
    let mut out = envtools_cli::out::Lines::default();
    if json {
        out.line(body.trim())?;
    } else {
        for (n, s, d) in model_rows(&v) {
            if out.line(&format!("{n:<40} {s:>9}  {d}"))? == Flow::Closed {
                break;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// No model configured: say how to set one, listing what is installed when the server answers.
pub fn no_model(client: &Client, server: &Server) -> Failure {
    let hint = "give -m NAME, or set OLLAMA_MODEL (in the environment or .env)";
    let names = installed(client, server)
        .map(|(v, _)| model_rows(&v).into_iter().map(|r| r.0).collect::<Vec<_>>())
        .unwrap_or_default();
    let msg = if names.is_empty() {
        format!("no model configured: {hint}")
    } else {
        format!(
            "no model configured: {hint}; installed: {}",
            names.join(", ")
        )
    };
    Failure::new(exit_codes::USAGE, msg)
}
