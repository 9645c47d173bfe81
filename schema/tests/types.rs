//! Every type and option with values the @env-spec reference counts valid and invalid.

use envtools_schema::decorators;
use envtools_schema::Type;

fn ty(decl: &str) -> Type {
    let (d, _) = decorators::parse(&format!("@type={decl}")).unwrap();
    Type::parse(&d[0].value).unwrap().unwrap()
}

fn check(decl: &str, good: &[&str], bad: &[&str]) {
    let t = ty(decl);
    for v in good {
        assert!(
            t.check(v).is_ok(),
            "{decl}: {v:?} should pass: {:?}",
            t.check(v)
        );
    }
    for v in bad {
        let why = t.check(v);
        assert!(why.is_err(), "{decl}: {v:?} should fail");
        if v.len() > 3 {
            assert!(
                !why.unwrap_err().contains(v),
                "{decl}: the reason never holds the value"
            );
        }
    }
}

#[test]
fn every_type_and_option() {
    check("string", &["", "anything"], &[]);
    check(
        "string(minLength=3, maxLength=5)",
        &["abc", "abcde"],
        &["ab", "abcdef"],
    );
    check("string(isLength=4)", &["abcd"], &["abc"]);
    check(
        "string(startsWith=sk-, endsWith=.x)",
        &["sk-1.x"],
        &["pk-1.x", "sk-1.y"],
    );
    check("string(matches=\"^[a-z]+$\")", &["abc"], &["ab1"]);
    check("number", &["1", "-2.5", "1e3"], &["one", "NaN", "inf", ""]);
    check("number(min=1, max=10)", &["1", "10"], &["0", "10.5"]);
    check("number(isInt=true)", &["4"], &["4.5"]);
    check("number(precision=2)", &["1.25"], &["1.255"]);
    check("number(isDivisibleBy=5)", &["15"], &["12"]);
    check(
        "boolean",
        &["true", "F", "yes", "off", "1", "0"],
        &["tru", "2"],
    );
    check(
        "url",
        &["https://example.org/x", "http://127.0.0.1:11434/api"],
        &["example.org", "https://", "http://a b"],
    );
    check("url(prependHttps=true)", &["example.org"], &[]);
    check(
        "url(allowedDomains=\"a.com,b.com\")",
        &["https://a.com/x"],
        &["https://c.com"],
    );
    check(
        "url(noTrailingSlash=true)",
        &["https://a.com"],
        &["https://a.com/"],
    );
    check("enum(dev, prod)", &["dev", "prod"], &["test", "Dev"]);
    check("email", &["a@b.co"], &["a@b", "@b.co", "a b@c.d"]);
    check("port", &["0", "8080", "65535"], &["70000", "-1", "http"]);
    check("port(min=1024, max=2048)", &["1024"], &["80"]);
    check("ip", &["127.0.0.1", "::1"], &["256.1.1.1", "host"]);
    check("ip(version=4)", &["10.0.0.1"], &["::1"]);
    check(
        "semver",
        &["1.2.3", "1.0.0-rc.1+build.5"],
        &["1.2", "01.2.3", "1.2.3-"],
    );
    check(
        "isoDate",
        &[
            "2026-12-07",
            "2024-02-29",
            "2026-12-07T10:30:00Z",
            "2026-12-07T10:30:00.5+01:00",
        ],
        &["2026-13-01", "2023-02-29", "2026-12-07T25:00", "07/12/2026"],
    );
    check(
        "uuid",
        &["123e4567-e89b-12d3-a456-426614174000"],
        &["123e4567e89b12d3a456426614174000"],
    );
    check(
        "md5",
        &["d41d8cd98f00b204e9800998ecf8427e"],
        &["d41d8cd98f00b204e9800998ecf8427"],
    );
}

#[test]
fn bad_declarations_are_errors_not_panics() {
    let (d, _) = decorators::parse("@type=enum()").unwrap();
    assert!(Type::parse(&d[0].value).is_err());
    let (d, _) = decorators::parse("@type=string(matches=\"(unclosed\")").unwrap();
    assert!(Type::parse(&d[0].value).is_err());
    let (d, _) = decorators::parse("@type=number(min=low)").unwrap();
    assert!(Type::parse(&d[0].value).is_err());
    let (d, _) = decorators::parse("@type=duration").unwrap();
    assert!(
        Type::parse(&d[0].value).unwrap().is_none(),
        "not checked: a warning, not an error"
    );
}
