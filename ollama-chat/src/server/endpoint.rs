//! Where a server is: Ollama's rules for `OLLAMA_HOST`, the chat endpoint a URL names, the
//! server's base URL, and a URL's user and password (kept out of every message and log).

/// Ollama's default server.
pub const DEFAULT_HOST: &str = "http://127.0.0.1:11434";

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

/// The URL without `USER:PASSWORD@`, and those (base64) for `Authorization: Basic`.
pub fn split_userinfo(url: &str) -> (String, Option<String>) {
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
}
