//! The pages `envset --web` serves: the form, and what follows a submit. Plain HTML with one
//! inline style sheet: no script, no external asset, no value ever written into a page.

use crate::plan::Ask;

/// What a field shows after a submit that was refused.
pub struct FieldNote<'a> {
    pub key: &'a str,
    pub reason: &'a str,
}

/// Text made safe inside HTML (element content and quoted attributes).
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}\
h1{font-size:1.4rem}label{display:block;font-weight:600;margin-top:1.2rem;font-family:ui-monospace,monospace}\
.note{margin:.1rem 0;color:#555;font-size:.9rem}.hint{color:#555;font-size:.85rem}\
input{width:100%;box-sizing:border-box;padding:.45rem;font:inherit;border:1px solid #888;border-radius:4px}\
.refused{color:#a40000;font-size:.9rem}.banner{background:#fff3cd;padding:.6rem;border-radius:4px}\
button{margin-top:1.5rem;padding:.55rem 1.4rem;font:inherit;border-radius:4px;border:1px solid #333;background:#1b4f8a;color:#fff}";

/// A whole page around `body`.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n{body}\n</body></html>\n",
        esc(title)
    )
}

/// The form: one field per key, in order, with the comment lines above it in the example.
/// Hidden inputs unless `visible`; a default shown as a hint only when visible.
pub fn form(file: &str, asks: &[Ask], csrf: &str, visible: bool, notes: &[FieldNote]) -> String {
    let mut body = format!(
        "<h1>Keys for {}</h1>\n<p>Stored in <code>{}</code> on this machine only. Nothing is sent anywhere else.</p>\n",
        esc(file),
        esc(file)
    );
    if !notes.is_empty() {
        body.push_str("<p class=\"banner\">Nothing was saved: see the reasons below. Please enter the values again.</p>\n");
    }
    body.push_str("<form method=\"post\" autocomplete=\"off\">\n");
    body.push_str(&format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">\n",
        esc(csrf)
    ));
    for ask in asks {
        body.push_str(&field(ask, visible, notes));
    }
    body.push_str("<button type=\"submit\">Save</button>\n</form>");
    page(&format!("envset: keys for {file}"), &body)
}

fn field(ask: &Ask, visible: bool, notes: &[FieldNote]) -> String {
    let key = esc(&ask.key);
    let visible = visible || !ask.sensitive;
    let need = if ask.required { "required" } else { "optional" };
    let mut out =
        format!("<label for=\"{key}\">{key} <span class=\"need\">({need})</span></label>\n");
    for line in &ask.explanation {
        let text = line.trim_start_matches('#').trim();
        out.push_str(&format!("<p class=\"note\">{}</p>\n", esc(text)));
    }
    use envtools_schema::Type;
    let kind = match (&ask.ty, visible) {
        (_, false) => "password",
        (Some(Type::Url { .. }), _) => "url",
        (Some(Type::Email), _) => "email",
        (Some(Type::Number { .. } | Type::Port { .. }), _) => "number",
        _ => "text",
    };
    let placeholder = match (&ask.default, visible) {
        (Some(d), true) if !d.is_empty() => format!(" placeholder=\"{}\"", esc(d)),
        _ => String::new(),
    };
    out.push_str(&format!(
        "<input id=\"{key}\" name=\"{key}\" type=\"{kind}\"{placeholder} spellcheck=\"false\">\n"
    ));
    let hint = match (&ask.default, ask.has_old) {
        (Some(d), _) if !d.is_empty() => Some("Leave empty for the example's default."),
        (_, true) => Some("Leave empty to keep the current value."),
        _ => None,
    };
    if let Some(h) = hint {
        out.push_str(&format!("<p class=\"hint\">{h}</p>\n"));
    }
    for n in notes.iter().filter(|n| n.key == ask.key) {
        out.push_str(&format!("<p class=\"refused\">{}</p>\n", esc(n.reason)));
    }
    out
}

/// After a successful save.
pub fn saved(count: usize, file: &str) -> String {
    let s = if count == 1 { "" } else { "s" };
    page(
        "envset: saved",
        &format!(
            "<h1>Saved {count} key{s} to {}</h1>\n<p>You can close this page. This link no longer works.</p>",
            esc(file)
        ),
    )
}

/// A short page for an error status.
pub fn message(title: &str, text: &str) -> String {
    page(
        title,
        &format!("<h1>{}</h1>\n<p>{}</p>", esc(title), esc(text)),
    )
}
