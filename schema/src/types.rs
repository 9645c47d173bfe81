//! The @env-spec data types we check, with the reference's options: a value is checked, never
//! rewritten, and a refusal gives the reason, never the value.

use crate::decorators::Value;

/// A type with its options.
#[derive(Debug, Clone)]
pub enum Type {
    String {
        min_len: Option<usize>,
        max_len: Option<usize>,
        is_len: Option<usize>,
        starts_with: Option<String>,
        ends_with: Option<String>,
        matches: Option<regex::Regex>,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
        precision: Option<usize>,
        is_int: bool,
        divisible_by: Option<f64>,
    },
    Boolean,
    Url {
        prepend_https: bool,
        allowed_domains: Vec<String>,
        no_trailing_slash: bool,
    },
    Enum(Vec<String>),
    Email,
    Port {
        min: u32,
        max: u32,
    },
    Ip {
        version: Option<u8>,
    },
    Semver,
    IsoDate,
    Uuid,
    Md5,
}

/// The most a `matches` pattern may compile to (a hostile example cannot eat the memory).
const REGEX_SIZE: usize = 1 << 20;

impl Type {
    /// The type a `@type=` value names; `Ok(None)` for a type we do not check (the caller
    /// warns and treats the key as text).
    pub fn parse(v: &Value) -> Result<Option<Type>, String> {
        let (name, args) = match v {
            Value::Text(t) => (t.as_str(), &[][..]),
            Value::Call(n, a) => (n.as_str(), a.as_slice()),
        };
        let o = Options { name, args };
        Ok(Some(match name {
            "string" => Type::String {
                min_len: o.count("minLength")?,
                max_len: o.count("maxLength")?,
                is_len: o.count("isLength")?,
                starts_with: o.get("startsWith").map(str::to_string),
                ends_with: o.get("endsWith").map(str::to_string),
                matches: o.get("matches").map(compile).transpose()?,
            },
            "number" => Type::Number {
                min: o.num("min")?,
                max: o.num("max")?,
                precision: o.count("precision")?,
                is_int: o.flag("isInt"),
                divisible_by: o.num("isDivisibleBy")?,
            },
            "boolean" => Type::Boolean,
            "url" => Type::Url {
                prepend_https: o.flag("prependHttps"),
                allowed_domains: o.list("allowedDomains"),
                no_trailing_slash: o.flag("noTrailingSlash"),
            },
            "enum" if args.is_empty() => return Err("enum() needs at least one value".into()),
            "enum" => Type::Enum(args.iter().map(|(_, v)| v.clone()).collect()),
            "email" => Type::Email,
            "port" => Type::Port {
                min: o.num("min")?.map_or(0, |n| n as u32),
                max: o.num("max")?.map_or(65535, |n| n as u32),
            },
            "ip" => Type::Ip {
                version: o.num("version")?.map(|v| v as u8),
            },
            "semver" => Type::Semver,
            "isoDate" => Type::IsoDate,
            "uuid" => Type::Uuid,
            "md5" => Type::Md5,
            _ => return Ok(None),
        }))
    }

    /// `Ok` when `value` is of this type, else why not (never the value).
    pub fn check(&self, value: &str) -> Result<(), String> {
        let fail = |why: &str| Err(why.to_string());
        match self {
            Type::String { .. } => self.check_string(value),
            Type::Number { .. } => self.check_number(value),
            Type::Boolean => match value.to_ascii_lowercase().as_str() {
                "t" | "true" | "yes" | "on" | "1" | "f" | "false" | "no" | "off" | "0" => Ok(()),
                _ => fail("not a boolean (true/false, yes/no, on/off, 1/0)"),
            },
            Type::Url { .. } => self.check_url(value),
            Type::Enum(values) if values.iter().any(|v| v == value) => Ok(()),
            Type::Enum(values) => Err(format!("not one of {}", values.join(", "))),
            Type::Email => email(value)
                .then_some(())
                .ok_or_else(|| "not an email address".into()),
            Type::Port { min, max } => match value.parse::<u32>() {
                Ok(p) if p >= *min && p <= *max => Ok(()),
                _ => Err(format!("not a port from {min} to {max}")),
            },
            Type::Ip { version } => {
                let ok = match version {
                    Some(4) => value.parse::<std::net::Ipv4Addr>().is_ok(),
                    Some(6) => value.parse::<std::net::Ipv6Addr>().is_ok(),
                    _ => value.parse::<std::net::IpAddr>().is_ok(),
                };
                ok.then_some(()).ok_or_else(|| "not an IP address".into())
            }
            Type::Semver => semver(value)
                .then_some(())
                .ok_or_else(|| "not a semantic version (1.2.3)".into()),
            Type::IsoDate => iso_date(value)
                .then_some(())
                .ok_or_else(|| "not an ISO date (2026-12-07)".into()),
            Type::Uuid => uuid(value).then_some(()).ok_or_else(|| "not a UUID".into()),
            Type::Md5 => (value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()))
                .then_some(())
                .ok_or_else(|| "not an MD5 digest (32 hex digits)".into()),
        }
    }

    fn check_string(&self, value: &str) -> Result<(), String> {
        let Type::String {
            min_len,
            max_len,
            is_len,
            starts_with,
            ends_with,
            matches,
        } = self
        else {
            return Ok(());
        };
        let n = value.chars().count();
        let bound = |b: &Option<usize>| b.unwrap_or(0);
        if min_len.is_some_and(|m| n < m) {
            return Err(format!("shorter than {} characters", bound(min_len)));
        }
        if max_len.is_some_and(|m| n > m) {
            return Err(format!("longer than {} characters", bound(max_len)));
        }
        if is_len.is_some_and(|m| n != m) {
            return Err(format!("not {} characters long", bound(is_len)));
        }
        if let Some(p) = starts_with.as_deref().filter(|p| !value.starts_with(p)) {
            return Err(format!("does not start with '{p}'"));
        }
        if let Some(p) = ends_with.as_deref().filter(|p| !value.ends_with(p)) {
            return Err(format!("does not end with '{p}'"));
        }
        if matches.as_ref().is_some_and(|r| !r.is_match(value)) {
            return Err("does not match the pattern".into());
        }
        Ok(())
    }

    fn check_number(&self, value: &str) -> Result<(), String> {
        let Type::Number {
            min,
            max,
            precision,
            is_int,
            divisible_by,
        } = self
        else {
            return Ok(());
        };
        let n: f64 = value
            .trim()
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite())
            .ok_or("not a number")?;
        if *is_int && n.fract() != 0.0 {
            return Err("not a whole number".into());
        }
        if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
            let range = |b: Option<f64>| b.map_or("-".into(), |b| b.to_string());
            return Err(format!("out of range ({} to {})", range(*min), range(*max)));
        }
        let decimals = value.split_once('.').map_or(0, |(_, d)| d.len());
        if precision.is_some_and(|p| decimals > p) {
            return Err(format!("more than {} decimals", precision.unwrap_or(0)));
        }
        if divisible_by.is_some_and(|d| d != 0.0 && (n / d).fract() != 0.0) {
            return Err(format!("not divisible by {}", divisible_by.unwrap_or(1.0)));
        }
        Ok(())
    }

    fn check_url(&self, value: &str) -> Result<(), String> {
        let Type::Url {
            prepend_https,
            allowed_domains,
            no_trailing_slash,
        } = self
        else {
            return Ok(());
        };
        let with_scheme = match value.split_once("://") {
            Some((scheme, _))
                if !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
            {
                value.to_string()
            }
            _ if *prepend_https && !value.contains("://") => format!("https://{value}"),
            _ => return Err("not a URL (it needs a scheme, such as https://)".into()),
        };
        let rest = with_scheme.split_once("://").map_or("", |(_, r)| r);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = authority.rsplit('@').next().unwrap_or("");
        let host = host
            .rsplit_once(':')
            .filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()))
            .map_or(host, |(h, _)| h);
        if host.is_empty() || value.chars().any(char::is_whitespace) {
            return Err("not a URL (no host)".into());
        }
        if !allowed_domains.is_empty() && !allowed_domains.iter().any(|d| d == host) {
            return Err(format!(
                "not at an allowed domain ({})",
                allowed_domains.join(", ")
            ));
        }
        if *no_trailing_slash && value.ends_with('/') {
            return Err("ends with '/'".into());
        }
        Ok(())
    }
}

/// A type's options (`name=value` arguments of its call), read with the reason when wrong.
struct Options<'a> {
    name: &'a str,
    args: &'a [(String, String)],
}

impl Options<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn flag(&self, key: &str) -> bool {
        self.get(key).is_some_and(|v| v == "true")
    }

    fn num(&self, key: &str) -> Result<Option<f64>, String> {
        let name = self.name;
        self.get(key)
            .map(|v| {
                v.parse::<f64>()
                    .map_err(|_| format!("{name}({key}=...) is not a number"))
            })
            .transpose()
    }

    fn count(&self, key: &str) -> Result<Option<usize>, String> {
        let name = self.name;
        self.get(key)
            .map(|v| {
                v.parse::<usize>()
                    .map_err(|_| format!("{name}({key}=...) is not a whole number"))
            })
            .transpose()
    }

    /// A list option: `a,b` or `[a, "b"]`.
    fn list(&self, key: &str) -> Vec<String> {
        self.get(key).map_or_else(Vec::new, |d| {
            d.trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .map(|s| s.trim().trim_matches('"').to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
    }
}

fn compile(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE)
        .build()
        .map_err(|_| "string(matches=...) is not a pattern that compiles".to_string())
}

fn email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn semver(v: &str) -> bool {
    let core_end = v.find(['-', '+']).unwrap_or(v.len());
    let parts: Vec<&str> = v[..core_end].split('.').collect();
    let number = |p: &&str| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && (p.len() == 1 || !p.starts_with('0'))
    };
    let tail_ok = v[core_end..]
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-.+".contains(c))
        && !v.ends_with(['-', '+', '.']);
    parts.len() == 3 && parts.iter().all(number) && tail_ok
}

fn iso_date(v: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let (date, time) = v.split_once('T').map_or((v, None), |(d, t)| (d, Some(t)));
    let d: Vec<&str> = date.split('-').collect();
    if d.len() != 3 || !digits(d[0], 4) || !digits(d[1], 2) || !digits(d[2], 2) {
        return false;
    }
    let (y, m, day) = (
        d[0].parse::<u32>().unwrap_or(0),
        d[1].parse::<u32>().unwrap_or(0),
        d[2].parse::<u32>().unwrap_or(0),
    );
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || day == 0 || day > days[(m - 1) as usize] {
        return false;
    }
    let Some(time) = time else { return true };
    let time = time.strip_suffix('Z').unwrap_or(time);
    let time = match time.rfind(['+', '-']) {
        Some(i) if digits(&time[i + 1..].replace(':', ""), 4) => &time[..i],
        _ => time,
    };
    let time = time.split_once('.').map_or(time, |(t, frac)| {
        if digits(frac, frac.len()) && !frac.is_empty() {
            t
        } else {
            "x"
        }
    });
    let t: Vec<&str> = time.split(':').collect();
    let ok = |s: &str, max: u32| digits(s, 2) && s.parse::<u32>().is_ok_and(|n| n <= max);
    (t.len() == 2 || t.len() == 3)
        && ok(t[0], 23)
        && ok(t[1], 59)
        && t.get(2).is_none_or(|s| ok(s, 60))
}

fn uuid(v: &str) -> bool {
    let groups: Vec<&str> = v.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}
