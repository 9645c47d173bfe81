//! Where to send the chat and with what: flags, then the process environment, then the `.env`
//! file (read with the same reader as envget), then defaults.

use crate::cli::{ApiChoice, Cli};
use crate::exit_codes;
use crate::template::{self, Template};
use envtools_cli::{Context, Failure};
use serde_json::{Map, Value};
use std::path::Path;

/// The protocol spoken with the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// Ollama's `/api/chat`: NDJSON stream.
    Ollama,
    /// OpenAI's `/v1/chat/completions`: SSE stream.
    OpenAi,
}

/// Everything resolved.
#[derive(Debug, Clone)]
pub struct Config {
    /// The chat endpoint URL (without a user or password: those are in `basic`, so that no
    /// message or log shows them).
    pub endpoint: String,
    /// `USER:PASSWORD` of the URL, base64, for `Authorization: Basic`.
    pub basic: Option<String>,
    pub api: Api,
    pub model: Option<String>,
    /// `OPENAI_API_KEY`, sent as a bearer token to OpenAI-compatible servers.
    pub api_key: Option<String>,
    /// `OLLAMA_API_KEY`, sent as a bearer token on Ollama's own `/api/*` routes (hosted models,
    /// auth proxies).
    pub ollama_api_key: Option<String>,
    /// Typed `-o` options.
    pub options: Map<String, Value>,
    /// `--timeout`, in seconds.
    pub timeout: u64,
    /// The secret values to take out of what is sent (empty with `--no-redact`).
    pub redactor: crate::redact::Redactor,
    /// The system message: `-s`, else the template's.
    pub system: Option<String>,
    /// What this call specified (`-s`, `-m`, `-o`, over `-t`'s): what `--save` stores.
    pub specified: Template,
}

impl Config {
    /// The `Authorization` header of this protocol's requests, if any (never printed): the
    /// bearer token, else the user and password the URL held.
    pub fn authorization(&self) -> Option<String> {
        let key = match self.api {
            Api::OpenAi => self.api_key.as_deref(),
            Api::Ollama => self.ollama_api_key.as_deref(),
        };
        match (key, &self.basic) {
            (Some(k), _) => Some(format!("Bearer {k}")),
            (None, Some(b)) => Some(format!("Basic {b}")),
            (None, None) => None,
        }
    }

    /// Where requests go, for error messages.
    pub fn server(&self) -> crate::stream::Server<'_> {
        crate::stream::Server {
            endpoint: &self.endpoint,
            api: self.api,
            timeout: self.timeout,
        }
    }
}

/// Ollama's default server.
pub const DEFAULT_HOST: &str = "http://127.0.0.1:11434";

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
        endpoint,
        basic,
        api,
        model,
        api_key,
        ollama_api_key,
        options: specified.options.clone(),
        timeout: cli.timeout.max(1),
        redactor,
        system: specified.system.clone(),
        specified,
    })
}

/// The URL without `USER:PASSWORD@`, and those (base64) for `Authorization: Basic`.
fn split_userinfo(url: &str) -> (String, Option<String>) {
    use base64::Engine;
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None);
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            let basic = base64::engine::general_purpose::STANDARD.encode(userinfo);
            (format!("{scheme}://{}", &rest[at + 1..]), Some(basic))
        }
        None => (url.to_string(), None),
    }
}

/// The redactor of what is sent: the secret-looking values of `.env` and the API keys;
/// nothing with `--no-redact`.
fn redactor(
    cli: &Cli,
    env: &Lookup,
    api_key: &Option<String>,
    ollama_api_key: &Option<String>,
) -> crate::redact::Redactor {
    if cli.no_redact {
        crate::redact::Redactor::default()
    } else {
        let keys = [
            ("OPENAI_API_KEY", &api_key),
            ("OLLAMA_API_KEY", &ollama_api_key),
        ];
        let from_env = keys
            .iter()
            .filter_map(|(k, v)| v.as_deref().map(|v| (*k, v)));
        crate::redact::Redactor::new(env.file.iter().chain(from_env))
    }
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

/// Ollama's rules for `OLLAMA_HOST` (envconfig.Host): quotes and spaces stripped; no scheme
/// means http and port 11434; `http://host` means port 80, `https://host` 443; a path is kept;
/// `0.0.0.0` and `::` are listen addresses, reached at loopback.
pub fn host_url(raw: &str) -> String {
    let s = raw.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    let (scheme, rest, default_port) = match s.split_once("://") {
        Some(("https", rest)) => ("https", rest, "443"),
        Some(("http", rest)) => ("http", rest, "80"),
        Some((other, rest)) => (other, rest, "11434"),
        None => ("http", s, "11434"),
    };
    let (hostport, path) = match rest.split_once('/') {
        Some((hp, p)) => (hp, format!("/{p}")),
        None => (rest, String::new()),
    };
    let (host, port) = split_host_port(hostport).unwrap_or((hostport, default_port));
    let host = match host.trim_matches(|c| c == '[' || c == ']') {
        "" | "0.0.0.0" => "127.0.0.1".to_string(),
        "::" => "[::1]".to_string(),
        h if h.contains(':') => format!("[{h}]"),
        h => h.to_string(),
    };
    let port = match port.parse::<u16>() {
        Ok(p) => p.to_string(),
        Err(_) => return DEFAULT_HOST.to_string(),
    };
    format!("{scheme}://{host}:{port}{path}")
}

/// `host:port`, `[v6]:port` (as Go's net.SplitHostPort); `None` when there is no port.
fn split_host_port(s: &str) -> Option<(&str, &str)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return after.strip_prefix(':').map(|p| (host, p));
    }
    let (host, port) = s.rsplit_once(':')?;
    if host.contains(':') {
        return None; // a bare IPv6 address
    }
    Some((host, port))
}

/// The chat endpoint for a URL: a base URL (with or without a trailing `/`, `/api`, `/v1`)
/// gets the chat path; a full `/api/chat` or `/v1/chat/completions` is kept. No scheme: the
/// OLLAMA_HOST rules apply.
pub fn endpoint_from_url(url: &str) -> String {
    let url = url.trim();
    let url = if url.contains("://") {
        url.to_string()
    } else {
        host_url(url)
    };
    let base = url.trim_end_matches('/');
    if base.ends_with("/api/chat") || base.ends_with("/v1/chat/completions") {
        return base.to_string();
    }
    if let Some(b) = base.strip_suffix("/v1") {
        return format!("{b}/v1/chat/completions");
    }
    let base = base.strip_suffix("/api").unwrap_or(base);
    format!("{base}/api/chat")
}

/// The server's base URL (for `/api/tags`, `/v1/models`).
pub fn base_url(endpoint: &str) -> &str {
    endpoint
        .strip_suffix("/api/chat")
        .or_else(|| endpoint.strip_suffix("/v1/chat/completions"))
        .unwrap_or(endpoint)
}

const INTEGER_OPTIONS: &[&str] = &[
    "num_ctx",
    "num_predict",
    "seed",
    "top_k",
    "num_keep",
    "repeat_last_n",
    "num_batch",
    "num_gpu",
    "num_thread",
    "main_gpu",
    "mirostat",
];
const NUMBER_OPTIONS: &[&str] = &[
    "temperature",
    "top_p",
    "min_p",
    "typical_p",
    "repeat_penalty",
    "presence_penalty",
    "frequency_penalty",
    "mirostat_tau",
    "mirostat_eta",
];

/// `-o KEY=VALUE` into typed JSON: integers, numbers, booleans, a JSON list (`stop=["a"]`),
/// else text. Ollama's known numeric options must be numbers.
pub fn parse_options(raw: &[String]) -> Result<Map<String, Value>, Failure> {
    let bad = |m: String| Failure::new(exit_codes::USAGE, m);
    let mut map = Map::new();
    for item in raw {
        let Some((key, value)) = item.split_once('=') else {
            return Err(bad(format!("-o {item}: expected KEY=VALUE")));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(bad(format!("-o {item}: the KEY is empty")));
        }
        let typed = if let Ok(i) = value.parse::<i64>() {
            Value::from(i)
        } else if let Some(n) = value.parse::<f64>().ok().filter(|f| f.is_finite()) {
            Value::from(n)
        } else if value == "true" || value == "false" {
            Value::from(value == "true")
        } else if value.starts_with('[') {
            serde_json::from_str(value)
                .map_err(|e| bad(format!("-o {key}: not a JSON list: {e}")))?
        } else {
            Value::from(value)
        };
        check_option(key, &typed).map_err(|why| bad(format!("-o {key}={value}: {why}")))?;
        map.insert(key.to_string(), typed);
    }
    Ok(map)
}

/// Whether `value` suits the option `key`: Ollama's known numeric options must be numbers,
/// wherever they come from (`-o`, a template, a logged conversation).
pub fn check_option(key: &str, value: &Value) -> Result<(), String> {
    if INTEGER_OPTIONS.contains(&key) && !value.is_i64() {
        return Err(format!("{key} takes a whole number"));
    }
    if NUMBER_OPTIONS.contains(&key) && !value.is_number() {
        return Err(format!("{key} takes a number"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ollama_host_rules() {
        assert_eq!(host_url("127.0.0.1:11434"), "http://127.0.0.1:11434");
        assert_eq!(host_url("0.0.0.0"), "http://127.0.0.1:11434");
        assert_eq!(host_url("1.2.3.4"), "http://1.2.3.4:11434");
        assert_eq!(host_url(":1234"), "http://127.0.0.1:1234");
        assert_eq!(host_url("http://example.org"), "http://example.org:80");
        assert_eq!(host_url("https://example.org"), "https://example.org:443");
        assert_eq!(host_url(" \"http://h:8080/proxy\" "), "http://h:8080/proxy");
        assert_eq!(host_url("'box'"), "http://box:11434");
        assert_eq!(host_url("::"), "http://[::1]:11434");
        assert_eq!(host_url("[::]:9"), "http://[::1]:9");
        assert_eq!(host_url("h:notaport"), DEFAULT_HOST);
    }

    #[test]
    fn endpoints() {
        for u in [
            "http://h:1",
            "http://h:1/",
            "http://h:1/api",
            "http://h:1/api/",
            "http://h:1/api/chat",
        ] {
            assert_eq!(endpoint_from_url(u), "http://h:1/api/chat", "{u}");
        }
        assert_eq!(
            endpoint_from_url("http://h:1/v1"),
            "http://h:1/v1/chat/completions"
        );
        assert_eq!(
            endpoint_from_url("http://h:1/v1/chat/completions"),
            "http://h:1/v1/chat/completions"
        );
        assert_eq!(
            endpoint_from_url("localhost"),
            "http://localhost:11434/api/chat"
        );
        assert_eq!(base_url("http://h:1/api/chat"), "http://h:1");
    }

    #[test]
    fn options_are_typed() {
        let m = parse_options(&[
            "temperature=0".into(),
            "num_ctx=8192".into(),
            "stop=[\"x\"]".into(),
            "flag=true".into(),
            "tag=abc".into(),
        ])
        .unwrap();
        assert_eq!(
            Value::Object(m),
            serde_json::json!({"temperature": 0, "num_ctx": 8192, "stop": ["x"], "flag": true, "tag": "abc"})
        );
        assert!(parse_options(&["temperature=hot".into()]).is_err());
        assert!(parse_options(&["num_ctx=1.5".into()]).is_err());
        assert!(parse_options(&["novalue".into()]).is_err());
        assert!(parse_options(&["=1".into()]).is_err());
    }
}
