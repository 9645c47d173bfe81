//! The context guard. Ollama cuts a prompt longer than `num_ctx` without a word, and the
//! answer is then about the wrong text. Before a long prompt is sent, the server is asked
//! once (`/api/show`) for the model's context length and its Modelfile's `num_ctx`; the
//! prompt's tokens are estimated; with `--fit-context`, `num_ctx` is raised for this call to
//! fit. After the answer, the server's `prompt_eval_count` tells whether it read the whole
//! prompt: when it read clearly less than was sent and the prompt was longer than `num_ctx`,
//! one warning gives the numbers and the fix.
//!
//! Short prompts (up to [`SMALLEST_DEFAULT`] tokens, which fit every default Ollama ever had)
//! cost no extra request. On the OpenAI route, which has no `num_ctx`, the guard is skipped.

use crate::server::http::Client;
use crate::server::protocol::Message;
use crate::server::wire::{ShowReply, ShowRequest};
use crate::server::{Api, Server};
use serde_json::{Map, Value};

/// The smallest default `num_ctx` Ollama has had: shorter prompts fit whatever the server.
pub const SMALLEST_DEFAULT: u64 = 2048;

/// Ollama's default `num_ctx` when neither the call nor the Modelfile sets one (a server's
/// `OLLAMA_CONTEXT_LENGTH` may differ: the after-answer check does not rely on it alone).
pub const OLLAMA_DEFAULT: u64 = 4096;

/// The most `/api/show`'s reply may hold (a Modelfile with a long licence is tens of KiB).
const MAX_SHOW_REPLY: u64 = 4 << 20;

/// Tokens from characters: about four characters a token for English text and code, plus a
/// few for each message's role and template markers.
pub fn estimate_tokens(messages: &[Message]) -> u64 {
    messages
        .iter()
        .map(|m| m.content.chars().count() as u64 / 4 + 4)
        .sum()
}

/// What `/api/show` says about a model's context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Model {
    /// The longest context the model was trained for (`model_info.*.context_length`).
    pub max: Option<u64>,
    /// The Modelfile's `num_ctx` parameter, if it sets one.
    pub num_ctx: Option<u64>,
}

impl Model {
    /// Read an `/api/show` reply.
    pub fn from_show(reply: &ShowReply) -> Model {
        let max = reply
            .model_info
            .iter()
            .find(|(k, _)| k.ends_with(".context_length"))
            .and_then(|(_, v)| v.as_u64());
        let num_ctx = reply.parameters.as_deref().and_then(|params| {
            params.lines().find_map(|line| {
                let mut words = line.split_whitespace();
                (words.next() == Some("num_ctx"))
                    .then(|| words.next()?.parse().ok())
                    .flatten()
            })
        });
        Model { max, num_ctx }
    }
}

/// The guard of one call: what was estimated and decided before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    /// The prompt's estimated tokens.
    pub estimate: u64,
    /// The `num_ctx` the call runs with.
    pub num_ctx: u64,
    pub model: Model,
    /// `num_ctx` raised by `--fit-context`, to send in the options.
    pub raised: Option<u64>,
}

/// The `num_ctx` a prompt of `estimate` tokens wants: room for the estimate's error (a
/// quarter) and an answer (1024), rounded up to a power of two so that calls of similar size
/// ask for the same value (Ollama reloads a model when `num_ctx` changes); at most `max`.
pub fn wanted_num_ctx(estimate: u64, max: Option<u64>) -> u64 {
    let want = (estimate + estimate / 4 + 1024).next_power_of_two();
    max.map_or(want, |m| want.min(m))
}

/// The `-o num_ctx=N` of the call, if given.
fn option_num_ctx(options: &Map<String, Value>) -> Option<u64> {
    options.get("num_ctx").and_then(Value::as_u64)
}

/// What `/api/show` said, per model, in one run (one of these lives in each call's
/// settings): a REPL session asks once per model, not once per turn.
#[derive(Debug, Default)]
pub struct Shown(std::cell::RefCell<Vec<(String, Option<Model>)>>);

impl Shown {
    /// [`ask`], once per model.
    fn ask_once(&self, client: &Client, server: &Server, model: &str) -> Option<Model> {
        let known = self
            .0
            .borrow()
            .iter()
            .find(|(m, _)| m == model)
            .map(|(_, i)| *i);
        if let Some(info) = known {
            return info;
        }
        let info = ask(client, server, model);
        self.0.borrow_mut().push((model.to_string(), info));
        info
    }
}

/// Ask `/api/show` about `model`; `None` when the server cannot say (an old server, a proxy).
fn ask(client: &Client, server: &Server, model: &str) -> Option<Model> {
    let url = format!("{}/api/show", server.base());
    let body = serde_json::to_string(&ShowRequest { model }).unwrap_or_default();
    let (status, text) = client
        .post_small(
            &url,
            body,
            server.authorization().as_deref(),
            MAX_SHOW_REPLY,
        )
        .ok()?;
    let reply: ShowReply = (status == 200).then(|| serde_json::from_str(&text).ok())??;
    Some(Model::from_show(&reply))
}

/// Before sending: estimate, and for a long prompt on Ollama's protocol ask the server and
/// (with `fit`) raise `num_ctx`. `None` when there is nothing to guard.
pub fn before(
    client: &Client,
    server: &Server,
    model: &str,
    messages: &[Message],
    options: &Map<String, Value>,
    fit: bool,
    shown: &Shown,
) -> Option<Guard> {
    if server.api != Api::Ollama {
        return None;
    }
    let estimate = estimate_tokens(messages);
    let asked = option_num_ctx(options);
    if estimate <= asked.unwrap_or(SMALLEST_DEFAULT).min(SMALLEST_DEFAULT) {
        return None;
    }
    let info = shown.ask_once(client, server, model)?;
    let num_ctx = asked.or(info.num_ctx).unwrap_or(OLLAMA_DEFAULT);
    let mut guard = Guard {
        estimate,
        num_ctx,
        model: info,
        raised: None,
    };
    if fit {
        guard.fit();
    }
    Some(guard)
}

impl Guard {
    /// `--fit-context`: raise `num_ctx` when the prompt and an answer may not fit, and say so.
    fn fit(&mut self) {
        let wanted = wanted_num_ctx(self.estimate, self.model.max);
        if wanted > self.num_ctx {
            self.num_ctx = wanted;
            self.raised = Some(wanted);
            eprintln!(
                "ollama-chat: num_ctx raised to {wanted} for this call (the prompt is about {} \
                 tokens)",
                self.estimate
            );
        }
        if let Some(max) = self.model.max.filter(|&m| m < self.estimate) {
            envtools_cli::warn::warn(
                "ollama-chat",
                format_args!(
                    "the prompt (about {} tokens) is longer than the model's context ({max} \
                     tokens): it will be cut; send less",
                    self.estimate
                ),
            );
        }
    }

    /// After a whole answer: the warning to give when the server read clearly less than was
    /// sent (`prompt_eval_count` under three quarters of the estimate) and the prompt was
    /// longer than `num_ctx`. `None` when it fit, or the server did not say.
    pub fn after(&self, prompt_eval_count: Option<u64>) -> Option<String> {
        let read = prompt_eval_count?;
        if self.estimate <= self.num_ctx || read >= self.estimate / 4 * 3 {
            return None;
        }
        let fix = match self.model.max {
            Some(max) if max < self.estimate => {
                format!("the model takes at most {max} tokens: send less")
            }
            max => format!(
                "try -o num_ctx={} or --fit-context",
                wanted_num_ctx(self.estimate, max)
            ),
        };
        Some(format!(
            "the prompt did not fit the context: about {} tokens sent, the server read {read} \
             (num_ctx {}); the answer is about a cut text. {fix}",
            self.estimate, self.num_ctx
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn show_replies_give_the_maximum_and_the_modelfiles_num_ctx() {
        let reply = json!({
            "parameters": "stop                           \"<|eot_id|>\"\nnum_ctx                        2048",
            "model_info": {"general.architecture": "llama", "llama.context_length": 131072}
        });
        let m = Model::from_show(&serde_json::from_value(reply).unwrap());
        assert_eq!(
            m,
            Model {
                max: Some(131072),
                num_ctx: Some(2048)
            }
        );
        assert_eq!(
            Model::from_show(&serde_json::from_value(json!({})).unwrap()),
            Model {
                max: None,
                num_ctx: None
            }
        );
    }

    #[test]
    fn the_wanted_num_ctx_is_a_power_of_two_with_room_and_at_most_the_maximum() {
        assert_eq!(wanted_num_ctx(5000, Some(131072)), 8192);
        assert_eq!(wanted_num_ctx(5000, Some(6000)), 6000);
        assert_eq!(wanted_num_ctx(100, None), 2048);
    }

    #[test]
    fn after_warns_only_when_the_server_read_clearly_less_than_a_prompt_too_long() {
        let model = Model {
            max: Some(8192),
            num_ctx: Some(2048),
        };
        let guard = Guard {
            estimate: 5000,
            num_ctx: 2048,
            model,
            raised: None,
        };
        let said = guard.after(Some(2048)).unwrap_or_default();
        assert!(
            said.contains("about 5000 tokens sent, the server read 2048 (num_ctx 2048)"),
            "{said}"
        );
        assert!(
            said.ends_with("try -o num_ctx=8192 or --fit-context"),
            "{said}"
        );
        assert_eq!(
            guard.after(Some(4990)),
            None,
            "read it all: the server's default was larger"
        );
        assert_eq!(guard.after(None), None);
        let fits = Guard {
            num_ctx: 8192,
            ..guard.clone()
        };
        assert_eq!(fits.after(Some(300)), None, "a cached prefix is not a cut");
    }
}
