//! Where to send the chat and with what: flags, then the process environment, then the `.env`
//! file (read with the same reader as envget), then defaults.

use crate::chat::redact::Redactor;
use crate::cli::{ApiChoice, Cli};
use crate::exit_codes;
use crate::files::template::{self, Template};
use crate::server::endpoint::{endpoint_from_url, host_url, split_userinfo};
use crate::server::options::parse_options;
use crate::server::{Api, Server, DEFAULT_HOST};
use envtools_cli::{Context, Failure};
use serde_json::{Map, Value};
use std::path::Path;

/// Everything resolved.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where requests go, how, and with which credentials.
    pub server: Server,
    pub model: Option<String>,
    /// Typed `-o` options.
    pub options: Map<String, Value>,
    /// The secret values to take out of what is sent (empty with `--no-redact`).
    pub redactor: Redactor,
    /// The system message: `-s`, else the template's.
    pub system: Option<String>,
    /// What this call specified (`-s`, `-m`, `-o`, over `-t`'s): what `--save` stores.
    pub specified: Template,
}

/// Look a variable up in the environment, then in the `.env` file's variables.
struct Lookup {
    file: envfile::Vars<'static>,
}

impl Lookup {
    fn get(&self, key: &str) -> Option<String> {
        std::env::var(key)
            .ok()
            .or_else(|| self.file.get(key).map(str::to_string))
            .filter(|v| !v.trim().is_empty())
    }
}

fn read_env_file(cli: &Cli) -> Result<envfile::Vars<'static>, Failure> {
    let (path, must_exist) = match &cli.env_file {
        Some(p) => (p.as_path(), true),
        None => (Path::new(".env"), false),
    };
    let bytes = match envtools_cli::input::read_file(path, envtools_cli::input::SETTINGS_CAP) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
            return Ok(envfile::Vars::new())
        }
        read => read.with_path(exit_codes::USAGE, path)?,
    };
    let parsed = envfile::parse(&bytes).map_err(|e| {
        Failure::at_line(exit_codes::USAGE, path.display(), e.line, "not valid UTF-8")
    })?;
    for p in &parsed.problems {
        envtools_cli::warn::at_line("ollama-chat", false, path.display(), p.line, &p.reason);
    }
    let mut vars = envfile::Vars::new();
    vars.extend_from(parsed);
    Ok(vars.into_owned())
}

/// Resolve the configuration from the command line, the environment and the `.env` file.
pub fn resolve(cli: &Cli) -> Result<Config, Failure> {
    let env = Lookup {
        file: read_env_file(cli)?,
    };
    let (endpoint, api) = route(cli, &env);
    let (endpoint, basic) = split_userinfo(&endpoint);
    let api_key = env.get("OPENAI_API_KEY");
    let ollama_api_key = env.get("OLLAMA_API_KEY");
    let redactor = redactor(cli, &env, &api_key, &ollama_api_key);
    let template = match &cli.template {
        Some(name) => template::load(name)?,
        None => Template::default(),
    };
    let mut specified = Template {
        system: cli.system.clone().or(template.system),
        model: cli.model.clone().or(template.model),
        options: template::merge_options(&template.options, parse_options(&cli.options)?),
    };
    // What is sent, and what --save keeps, holds no secret of .env.
    specified.system = specified.system.map(|s| redactor.redact_and_say(&s));
    redactor.redact_json_and_say(&mut specified.options);
    let model = specified.model.clone().or_else(|| env.get("OLLAMA_MODEL"));
    Ok(Config {
        server: Server {
            endpoint,
            basic,
            api,
            api_key,
            ollama_api_key,
            timeout: cli.timeout.max(1),
        },
        model,
        options: specified.options.clone(),
        redactor,
        system: specified.system.clone(),
        specified,
    })
}

/// The redactor of what is sent: the secret-looking values of `.env` and the API keys;
/// nothing with `--no-redact`.
fn redactor(
    cli: &Cli,
    env: &Lookup,
    api_key: &Option<String>,
    ollama_api_key: &Option<String>,
) -> Redactor {
    if cli.no_redact {
        Redactor::default()
    } else {
        let keys = [
            ("OPENAI_API_KEY", &api_key),
            ("OLLAMA_API_KEY", &ollama_api_key),
        ];
        let from_env = keys
            .iter()
            .filter_map(|(k, v)| v.as_deref().map(|v| (*k, v)));
        let schema = example_beside(cli.env_file.as_deref());
        Redactor::with_rule(env.file.iter().chain(from_env), |k| schema.is_sensitive(k))
    }
}

/// The `.env.example` beside the `.env` read, as a schema (which keys are sensitive); none
/// when there is no readable one (the name rule alone).
fn example_beside(env_file: Option<&Path>) -> envtools_schema::Schema {
    let dir = env_file
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty());
    let path = dir.map_or_else(
        || Path::new(".env.example").to_path_buf(),
        |d| d.join(".env.example"),
    );
    envtools_cli::input::read_file(&path, envtools_cli::input::SETTINGS_CAP)
        .ok()
        .map(|b| envtools_schema::parse(&String::from_utf8_lossy(&b)))
        .unwrap_or_default()
}

/// Where requests go and in which protocol: flags, then the environment, then `.env`
/// (`OLLAMA_API_URL` before `OLLAMA_HOST` in each), then the default.
fn route(cli: &Cli, env: &Lookup) -> (String, Api) {
    let endpoint = if let Some(url) = &cli.url {
        endpoint_from_url(url)
    } else if let Some(host) = &cli.host {
        endpoint_from_url(&host_url(host))
    } else if let Some(url) = std::env::var("OLLAMA_API_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        endpoint_from_url(&url)
    } else if let Some(host) = std::env::var("OLLAMA_HOST")
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        endpoint_from_url(&host_url(&host))
    } else if let Some(url) = env
        .file
        .get("OLLAMA_API_URL")
        .filter(|v| !v.trim().is_empty())
    {
        endpoint_from_url(url)
    } else if let Some(host) = env.file.get("OLLAMA_HOST").filter(|v| !v.trim().is_empty()) {
        endpoint_from_url(&host_url(host))
    } else {
        endpoint_from_url(DEFAULT_HOST)
    };
    let api = match cli.api {
        ApiChoice::Ollama => Api::Ollama,
        ApiChoice::Openai => Api::OpenAi,
        ApiChoice::Auto
            if endpoint
                .trim_end_matches('/')
                .ends_with("/v1/chat/completions") =>
        {
            Api::OpenAi
        }
        ApiChoice::Auto => Api::Ollama,
    };
    // `--api openai` with a server URL (no chat path given): the OpenAI route.
    let endpoint = match endpoint.strip_suffix("/api/chat") {
        Some(base) if api == Api::OpenAi => format!("{base}/v1/chat/completions"),
        _ => endpoint,
    };
    (endpoint, api)
}
