//! The LLM agent: an OpenAI-compatible chat model (gpt-4.1 by default)
//! with tool calling over the [`crate::tools`] layer.
//!
//! One turn: a Spanish system prompt built from the business's data
//! ([`prompt`]), the windowed history as user/assistant messages, the
//! inbound text, and the tools the routed actor may use ([`catalog`]).
//! The model's tool calls run as the actor routing decided
//! ([`Actor::from_turn`], never anything the model says), and their
//! results go back as compact JSON ([`dispatch`]), for at most
//! [`MAX_STEPS`] model calls within the configured turn budget.
//!
//! Failure (timeout, HTTP error, malformed tool call, no answer within the
//! steps) is an error, so [`FallbackAgent`] lets the rule agent answer the
//! turn instead: a customer never meets silence. Except after a change:
//! once a tool has changed something (booked, cancelled…), a later failure
//! answers with the fixed Spanish confirmation of what was done instead of
//! failing. The rule agent would start that request over from the text
//! and could book again with other arguments (another staff member: a
//! different derived id, so a second appointment), which is the one way a
//! fallback could double-book. Changes themselves are idempotent per
//! MessageSid (ids derive from the turn key and the arguments), so an SQS
//! redelivery replaying the same calls creates nothing twice.
//!
//! The budget bounds the model calls (async-openai's own retries of a 429
//! or 5xx, three with backoff, included) and the prompt's reads; a tool call
//! that has started is never cut off halfway (a booking whose write went
//! out must be known to have happened): the deadline is checked before
//! each tool call instead.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_openai::config::OpenAIConfig;
use async_openai::types::chat::{
    ChatCompletionMessageToolCalls, ChatCompletionRequestAssistantMessageArgs,
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestToolMessageArgs, ChatCompletionRequestUserMessage, ChatCompletionTool,
    ChatCompletionTools, CreateChatCompletionRequestArgs, FunctionObject,
};
use async_openai::Client;
use parlo_core::es::fuzzy::normalize;
use parlo_core::routing::Route;
use parlo_core::{Direction, SenderType};
use parlo_store::Store;
use parlo_telemetry::{count, names};
use tokio::sync::OnceCell;
use tokio::time::Instant;

use super::rules::RuleAgent;
use super::{Agent, AgentError, AgentReply, TurnContext};
use crate::tools::{Actor, Notification, Tools};
use parlo_app::config::LlmConfig;
use parlo_app::schedules::Schedules;
use parlo_app::services::Services;

pub mod catalog;
pub mod dispatch;
pub mod fallback;
pub mod prompt;
pub mod proposal;

pub use fallback::FallbackAgent;

use catalog::Call;
use prompt::{Person, PromptData};

/// Model calls one turn may make.
pub const MAX_STEPS: usize = 6;
/// Tool calls one turn may make (a model may ask for several at once).
pub const MAX_TOOL_CALLS: usize = 12;
/// Longest answer (spec/001: max_tokens 1024).
const MAX_COMPLETION_TOKENS: u32 = 1024;
/// Low temperature: a scheduling assistant, not a writer.
const TEMPERATURE: f32 = 0.3;

/// Why the LLM could not answer a turn.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("no actor for this route")]
    NoActor,
    #[error("no API key configured")]
    NotConfigured,
    #[error("configuration: {0}")]
    Config(String),
    #[error("turn budget of {0:?} exhausted")]
    Timeout(Duration),
    #[error("model request failed: {0}")]
    Request(String),
    #[error("malformed tool call: {0}")]
    MalformedToolCall(String),
    #[error("no final answer within {0} steps")]
    StepsExhausted(usize),
    #[error("the model answered nothing")]
    EmptyAnswer,
    #[error("the model's answer is not a message for a person: {0}")]
    NotAMessage(&'static str),
    #[error("{0}")]
    Data(AgentError),
}

#[derive(Clone)]
pub struct LlmAgent {
    store: Store,
    /// The only writer (the same as the rule agent's).
    services: Services,
    config: LlmConfig,
    max_steps: usize,
    /// Built on the first turn (the key may come from SSM): no network at
    /// init.
    client: Arc<OnceCell<Client<OpenAIConfig>>>,
}

/// What the tools changed so far in a turn.
#[derive(Debug, Default)]
struct Progress {
    done: Vec<String>,
    notifications: Vec<Notification>,
    model_calls: usize,
    tool_calls: usize,
    /// Guards of the turn: what changed so far.
    handed_off: bool,
    changed: bool,
    booked: Vec<String>,
    /// Times check_availability listed this turn (offered to the customer).
    offered: Vec<chrono::NaiveDateTime>,
    /// Parlo's question for a change waiting for the customer's yes.
    proposal: Option<String>,
}

async fn within<F: Future>(
    deadline: Instant,
    budget: Duration,
    f: F,
) -> Result<F::Output, LlmError> {
    tokio::time::timeout_at(deadline, f)
        .await
        .map_err(|_| LlmError::Timeout(budget))
}

impl LlmAgent {
    pub fn new(store: Store, config: LlmConfig) -> Self {
        Self {
            services: Services::mock(store.clone()),
            store,
            config,
            max_steps: MAX_STEPS,
            client: Arc::new(OnceCell::new()),
        }
    }

    pub fn with_schedules(mut self, schedules: Schedules) -> Self {
        self.services.schedules = schedules;
        self
    }

    pub fn with_services(mut self, services: Services) -> Self {
        self.store = services.store.clone();
        self.services = services;
        self
    }

    pub fn with_max_steps(mut self, steps: usize) -> Self {
        self.max_steps = steps.max(1);
        self
    }

    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    /// The turns the model answers: customers, and staff managing their
    /// business. Onboarding (a state machine with fixed questions),
    /// redirects and closed businesses stay with the rule agent.
    pub fn handles(turn: &TurnContext) -> bool {
        matches!(
            turn.route,
            Route::Customer { .. }
                | Route::ManagementFromCentral { .. }
                | Route::BusinessManagement { .. }
        ) && Actor::from_turn(turn).is_some()
    }

    async fn client(&self) -> Result<&Client<OpenAIConfig>, LlmError> {
        self.client
            .get_or_try_init(|| async {
                let key = self
                    .config
                    .api_key
                    .get()
                    .await
                    .map_err(|e| LlmError::Config(e.to_string()))?
                    .ok_or(LlmError::NotConfigured)?;
                let mut config = OpenAIConfig::new().with_api_key(key.expose());
                if let Some(base) = &self.config.base_url {
                    config = config.with_api_base(base);
                }
                Ok(Client::with_config(config))
            })
            .await
    }

    /// The system prompt and the tool definitions a turn would send (for
    /// measuring the prompt; reads the store).
    pub async fn prompt_for(
        &self,
        turn: &TurnContext,
    ) -> Result<(String, Vec<catalog::ToolDef>), LlmError> {
        let actor = Actor::from_turn(turn).ok_or(LlmError::NoActor)?;
        let data = PromptData::load(&self.store, turn, &actor)
            .await
            .map_err(LlmError::Data)?;
        Ok((data.system_prompt(), catalog::offered(level(&data))))
    }

    /// Answers one turn. Once a tool changed something, a later failure
    /// still answers (with the confirmation of the change).
    pub async fn run(&self, turn: &TurnContext) -> Result<AgentReply, LlmError> {
        let started = Instant::now();
        let actor = Actor::from_turn(turn).ok_or(LlmError::NoActor)?;
        let mut progress = Progress::default();
        // Boxed: the loop's future (the HTTP client's included) is large,
        // and deep on a 2 MiB thread stack in debug builds.
        let result = Box::pin(self.tool_loop(
            turn,
            &actor,
            started + self.config.turn_timeout,
            &mut progress,
        ))
        .await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let reply = match result {
            // Something changed: what tells the person is Parlo's own
            // sentence from the committed record, never the model's prose
            // (its dates and weekdays may not be so).
            Ok(_) if !progress.done.is_empty() => {
                tracing::info!(
                    model_calls = progress.model_calls,
                    tool_calls = progress.tool_calls,
                    elapsed_ms,
                    "llm turn changed something; Parlo's confirmation is sent"
                );
                Ok(AgentReply {
                    replies: vec![progress.done.join("\n")],
                    notifications: progress.notifications,
                })
            }
            // A change waits for the customer's yes: Parlo asks, in its
            // own words, what will be done.
            Ok(_) if progress.proposal.is_some() => Ok(AgentReply {
                replies: progress.proposal.take().into_iter().collect(),
                notifications: progress.notifications,
            }),
            Ok(text) => match not_a_message(&text)
                .or_else(|| repeats_itself(turn, &text))
                .or_else(|| claims_a_change(&text))
            {
                // Tool-call JSON, another language, an essay: never sent;
                // the rule agent answers the turn instead (fallback).
                Some(why) => Err(LlmError::NotAMessage(why)),
                None => {
                    tracing::info!(
                        model_calls = progress.model_calls,
                        tool_calls = progress.tool_calls,
                        elapsed_ms,
                        "llm turn answered"
                    );
                    Ok(AgentReply {
                        replies: split_for_whatsapp(&text, WHATSAPP_MAX_CHARS),
                        notifications: progress.notifications,
                    })
                }
            },
            Err(e) if progress.done.is_empty() => Err(e),
            Err(e) => {
                tracing::warn!(
                    error = %e,
                    model_calls = progress.model_calls,
                    tool_calls = progress.tool_calls,
                    elapsed_ms,
                    "llm failed after a change; confirming the change instead of falling back"
                );
                Ok(AgentReply {
                    replies: vec![progress.done.join("\n")],
                    notifications: progress.notifications,
                })
            }
        }?;
        self.forget_rule_flow(turn).await;
        Ok(reply)
    }

    /// The model answered this turn, so a rule-agent flow left on the
    /// conversation by an earlier fallback turn is stale: a later fallback
    /// must not resume it ("Seguíamos con…") over what the model did since.
    /// Best effort: the answer stands (a change may already be made), so a
    /// failed delete is logged, not turned into a fallback.
    async fn forget_rule_flow(&self, turn: &TurnContext) {
        // A proposal made this turn waits for the customer's answer.
        if let Ok(super::rules::flow::Loaded::Active(f)) =
            super::rules::flow::load_fresh(&self.store, turn).await
        {
            if f.flow_type == parlo_core::FlowType::Proposal && f.updated_at == turn.now {
                return;
            }
        }
        if let Err(e) = super::rules::flow::clear(&self.store, turn).await {
            tracing::warn!(error = %e, "could not clear the rule agent's flow after an llm turn");
        }
    }

    async fn tool_loop(
        &self,
        turn: &TurnContext,
        actor: &Actor,
        deadline: Instant,
        progress: &mut Progress,
    ) -> Result<String, LlmError> {
        let budget = self.config.turn_timeout;
        let data = within(
            deadline,
            budget,
            Box::pin(PromptData::load(&self.store, turn, actor)),
        )
        .await?
        .map_err(LlmError::Data)?;
        let tools: Vec<ChatCompletionTools> = catalog::offered(level(&data))
            .into_iter()
            .map(|d| {
                ChatCompletionTools::Function(ChatCompletionTool {
                    function: FunctionObject {
                        name: d.name.to_string(),
                        description: Some(d.description.to_string()),
                        parameters: Some(d.parameters),
                        strict: None,
                    },
                })
            })
            .collect();
        let mut messages = vec![ChatCompletionRequestMessage::System(
            ChatCompletionRequestSystemMessage::from(data.system_prompt()),
        )];
        messages.extend(history(turn));
        messages.push(ChatCompletionRequestMessage::User(
            ChatCompletionRequestUserMessage::from(turn.text.as_str()),
        ));
        let kit = Tools::new(self.store.clone(), turn.now, turn.message_sid.clone())
            .with_services(self.services.clone())
            .with_business(turn.business.clone())
            .with_catalogue(turn.catalogue.clone())
            .with_customer(turn.customer.clone())
            .with_deferred(turn.deferred.clone());
        let client = within(deadline, budget, self.client()).await??;

        for _ in 0..self.max_steps {
            let request = CreateChatCompletionRequestArgs::default()
                .model(self.config.model.clone())
                .messages(messages.clone())
                .tools(tools.clone())
                .max_completion_tokens(MAX_COMPLETION_TOKENS)
                .temperature(TEMPERATURE)
                .build()
                .map_err(|e| LlmError::Request(e.to_string()))?;
            progress.model_calls += 1;
            count(names::LLM_CALLS, 1);
            let asked = Instant::now();
            let response = within(deadline, budget, Box::pin(client.chat().create(request)))
                .await
                .and_then(|r| r.map_err(|e| LlmError::Request(e.to_string())))
                .inspect_err(|_| count(names::LLM_ERRORS, 1))?;
            parlo_telemetry::millis(names::LLM_LATENCY, asked.elapsed().as_millis() as u64);
            if let Some(usage) = &response.usage {
                count(names::LLM_PROMPT_TOKENS, usage.prompt_tokens.into());
                count(names::LLM_COMPLETION_TOKENS, usage.completion_tokens.into());
            }
            let message = response
                .choices
                .into_iter()
                .next()
                .ok_or(LlmError::EmptyAnswer)?
                .message;
            let calls = message.tool_calls.clone().unwrap_or_default();
            if calls.is_empty() {
                let text = message.content.unwrap_or_default().trim().to_string();
                return if text.is_empty() {
                    Err(LlmError::EmptyAnswer)
                } else {
                    Ok(text)
                };
            }
            // Every call of the batch is parsed before any runs: a
            // malformed one fails the turn with nothing changed by it.
            let mut parsed = Vec::with_capacity(calls.len());
            for call in &calls {
                match call {
                    ChatCompletionMessageToolCalls::Function(f) => {
                        let c = Call::parse(&f.function.name, &f.function.arguments)
                            .map_err(|e| LlmError::MalformedToolCall(e.to_string()))?;
                        parsed.push((f.id.clone(), c));
                    }
                    ChatCompletionMessageToolCalls::Custom(c) => {
                        return Err(LlmError::MalformedToolCall(format!(
                            "custom tool {:?}",
                            c.custom_tool.name
                        )))
                    }
                }
            }
            if progress.tool_calls + parsed.len() > MAX_TOOL_CALLS {
                return Err(LlmError::StepsExhausted(progress.model_calls));
            }
            let mut assistant = ChatCompletionRequestAssistantMessageArgs::default();
            assistant.tool_calls(calls);
            if let Some(content) = message.content.filter(|c| !c.trim().is_empty()) {
                assistant.content(content);
            }
            messages.push(ChatCompletionRequestMessage::Assistant(
                assistant
                    .build()
                    .map_err(|e| LlmError::Request(e.to_string()))?,
            ));
            for (id, call) in parsed {
                if Instant::now() >= deadline {
                    return Err(LlmError::Timeout(budget));
                }
                progress.tool_calls += 1;
                count(names::TOOL_CALLS, 1);
                let outcome = match refused_by_turn_guards(progress, &call) {
                    Some(refusal) => dispatch::Outcome {
                        result: refusal,
                        ..dispatch::Outcome::default()
                    },
                    None => match proposal::gate(
                        &self.store,
                        &kit,
                        turn,
                        actor,
                        &call,
                        &progress.offered,
                    )
                    .await
                    .map_err(|e| LlmError::Data(AgentError(e)))?
                    {
                        proposal::Gate::Commit => dispatch::execute(&kit, actor, &call).await,
                        proposal::Gate::Refuse(result) => dispatch::Outcome {
                            result,
                            ..dispatch::Outcome::default()
                        },
                        proposal::Gate::Propose { question, result } => {
                            progress.changed = true;
                            progress.proposal = Some(question);
                            dispatch::Outcome {
                                result,
                                ..dispatch::Outcome::default()
                            }
                        }
                    },
                };
                if matches!(call, Call::CheckAvailability(_)) {
                    progress.offered.extend(offered_times(&outcome.result));
                }
                if outcome.done.is_some() {
                    match &call {
                        Call::HandoffToHuman(_) => progress.handed_off = true,
                        Call::BookAppointment(_) => {
                            progress.changed = true;
                            if let Some(id) =
                                serde_json::from_str::<serde_json::Value>(&outcome.result)
                                    .ok()
                                    .and_then(|v| {
                                        v.get("appointment_id")
                                            .and_then(|i| i.as_str())
                                            .map(str::to_string)
                                    })
                            {
                                progress.booked.push(id);
                            }
                        }
                        Call::CancelAppointment(_)
                        | Call::RescheduleAppointment(_)
                        | Call::BookForCustomer(_)
                        | Call::CloseBusiness(_) => progress.changed = true,
                        _ => {}
                    }
                }
                progress.notifications.extend(outcome.notifications);
                progress.done.extend(outcome.done);
                messages.push(ChatCompletionRequestMessage::Tool(
                    ChatCompletionRequestToolMessageArgs::default()
                        .tool_call_id(id)
                        .content(outcome.result)
                        .build()
                        .map_err(|e| LlmError::Request(e.to_string()))?,
                ));
            }
        }
        Err(LlmError::StepsExhausted(self.max_steps))
    }
}

/// The local starts of a check_availability result (`slots[].local`).
fn offered_times(result: &str) -> Vec<chrono::NaiveDateTime> {
    serde_json::from_str::<serde_json::Value>(result)
        .ok()
        .and_then(|v| v.get("slots").and_then(|s| s.as_array()).cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.get("local")?.as_str()?.parse().ok())
        .collect()
}

/// Refuses, whatever the model asks, what one turn must never do: a
/// second handoff (one notice per turn), a second change of appointments
/// (the model proposes one change per turn), or cancelling or moving the
/// appointment it just booked. `Some(JSON for the model)` when refused.
fn refused_by_turn_guards(progress: &Progress, call: &Call) -> Option<String> {
    let refuse = |code: &str, message: &str| {
        Some(serde_json::json!({"error": code, "message": message}).to_string())
    };
    match call {
        Call::HandoffToHuman(_) if progress.handed_off => refuse(
            "already_handed_off",
            "Ya se avisó al equipo en este turno; no lo repitas.",
        ),
        Call::CancelAppointment(a) if progress.booked.contains(&a.appointment_id) => refuse(
            "just_booked",
            "Esa cita se acaba de agendar en este turno; no se cancela en el mismo turno.",
        ),
        Call::RescheduleAppointment(a) if progress.booked.contains(&a.appointment_id) => refuse(
            "just_booked",
            "Esa cita se acaba de agendar en este turno; no se mueve en el mismo turno.",
        ),
        Call::BookAppointment(_)
        | Call::CancelAppointment(_)
        | Call::RescheduleAppointment(_)
        | Call::BookForCustomer(_)
        | Call::CloseBusiness(_)
            if progress.changed =>
        {
            refuse(
                "one_change_per_turn",
                "Ya se hizo un cambio en este turno; confirma ese con el cliente antes de otro.",
            )
        }
        _ => None,
    }
}

/// The model asking again what it asked in one of its last two answers:
/// a small model that loses the thread loops («¿Para qué día…?», «¿En qué
/// servicio…?», again) while the customer already said both. The rule
/// agent answers that turn instead.
fn repeats_itself(turn: &TurnContext, text: &str) -> Option<&'static str> {
    let said = normalize(text);
    turn.history
        .iter()
        .rev()
        .filter(|m| m.direction == Direction::Outbound && m.sender_type == SenderType::Ai)
        .take(2)
        .any(|m| normalize(&m.content) == said)
        .then_some("repeats its own question")
}

/// Model prose telling of a change when none was committed this turn
/// (a committed one is told by Parlo's own sentence instead): «Cancelé tu
/// cita…», «ha sido cancelada», «quedó agendada».
fn claims_a_change(text: &str) -> Option<&'static str> {
    const CLAIMS: &[&str] = &[
        "cancele",
        "he cancelado",
        "ha sido cancelada",
        "quedo cancelada",
        "esta cancelada",
        "agende tu",
        "te agende",
        "he agendado",
        "ha sido agendada",
        "quedo agendada",
        "esta agendada",
        "quedo confirmada",
        "ha sido confirmada",
        "reserve tu",
        "he reservado",
        "ha sido reservada",
        "reagende",
        "he movido",
        "ha sido movida",
        "quedo movida",
        "cambie tu cita",
    ];
    let n = format!(" {}", normalize(text));
    // «¿Quieres que te agende…?», «¿que la cancele?» ask; they claim nothing.
    let asks = |before: &str| {
        let b = before.trim_end();
        b.ends_with(" que") || b.ends_with(" que la") || b.ends_with(" que lo")
    };
    CLAIMS
        .iter()
        .any(|c| {
            let pat = format!(" {c}");
            n.match_indices(&pat).any(|(at, _)| !asks(&n[..at]))
        })
        .then_some("tells of a change not made")
}

/// Why the model's final text must not go to a person, if it must not:
/// a tool call written as text, code, an essay, or not Spanish.
pub fn not_a_message(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Some("empty");
    }
    let squashed: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if (t.starts_with('{') || t.starts_with('['))
        || squashed.contains("\"name\":")
        || squashed.contains("\"arguments\":")
        || squashed.contains("\"tool_calls\"")
        || t.contains("```")
        || t.contains("<tool_call>")
        || t.contains("</function")
    {
        return Some("tool call or code");
    }
    if t.chars().count() > MAX_MESSAGE_CHARS {
        return Some("over-long");
    }
    if !reads_as_spanish(t) {
        return Some("not Spanish");
    }
    None
}

/// Longest answer a person is sent in one turn (characters): an agenda of
/// a busy day fits; an essay does not.
const MAX_MESSAGE_CHARS: usize = 2400;

/// A rough language check: among the common function words of the text,
/// Spanish ones must not be outnumbered by English ones. Short answers
/// ("Listo ✓", "10:00 AM") pass.
fn reads_as_spanish(text: &str) -> bool {
    const ES: &[&str] = &[
        "el", "la", "los", "las", "de", "que", "y", "en", "un", "una", "para", "con", "tu", "te",
        "es", "por", "a", "se", "lo", "del", "al", "tienes", "cita", "hola", "gracias", "si",
    ];
    const EN: &[&str] = &[
        "the",
        "you",
        "your",
        "is",
        "are",
        "and",
        "to",
        "of",
        "for",
        "with",
        "have",
        "i",
        "it",
        "this",
        "that",
        "will",
        "can",
        "please",
        "appointment",
        "thank",
    ];
    let words: Vec<String> = parlo_core::es::fuzzy::normalize(text)
        .split(' ')
        .map(str::to_string)
        .collect();
    let es = words.iter().filter(|w| ES.contains(&w.as_str())).count();
    let en = words.iter().filter(|w| EN.contains(&w.as_str())).count();
    en < 3 || es >= en
}

/// Longest WhatsApp message Twilio sends (characters).
pub const WHATSAPP_MAX_CHARS: usize = 1600;

/// Splits a long answer into messages of at most `max` characters, at
/// paragraph breaks, else line breaks, else spaces, else anywhere.
pub fn split_for_whatsapp(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while rest.chars().count() > max {
        let byte_at = |n: usize| rest.char_indices().nth(n).map_or(rest.len(), |(i, _)| i);
        // A break right after the first `max` characters still counts.
        let (limit, window) = (byte_at(max), &rest[..byte_at(max + 1)]);
        let cut = ["\n\n", "\n", " "]
            .iter()
            .find_map(|sep| window.rfind(sep).filter(|i| *i > 0 && *i <= limit))
            .unwrap_or(limit);
        out.push(rest[..cut].trim_end().to_string());
        rest = rest[cut..].trim_start();
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

fn level(data: &PromptData) -> Option<parlo_core::PermissionLevel> {
    match &data.person {
        Person::Staff(s) => Some(s.permission_level),
        Person::Customer { .. } => None,
    }
}

/// The windowed history: the person's messages as `user`, ours (the
/// assistant's and staff replies during a handoff) as `assistant`.
fn history(turn: &TurnContext) -> Vec<ChatCompletionRequestMessage> {
    turn.history
        .iter()
        .filter(|m| !m.content.trim().is_empty())
        .map(|m| match m.direction {
            Direction::Inbound => ChatCompletionRequestMessage::User(
                ChatCompletionRequestUserMessage::from(m.content.as_str()),
            ),
            Direction::Outbound => {
                ChatCompletionRequestMessage::Assistant(m.content.as_str().into())
            }
        })
        .collect()
}

impl Agent for LlmAgent {
    async fn respond(&self, turn: &TurnContext) -> Result<AgentReply, AgentError> {
        self.run(turn)
            .await
            .map_err(|e| AgentError(format!("llm: {e}")))
    }
}

/// The turn function's agent: the rule agent alone without an API key;
/// with one, the LLM for the turns it handles with the rule agent as its
/// fallback, and the rule agent for the rest.
pub enum TurnAgent {
    Rules(Box<RuleAgent>),
    Llm(Box<FallbackAgent<LlmAgent, RuleAgent>>),
}

impl TurnAgent {
    /// Builds no client and reads no secret: that happens on the first
    /// LLM turn.
    pub fn from_config(rules: RuleAgent, config: LlmConfig) -> Self {
        if !config.is_configured() {
            return TurnAgent::Rules(Box::new(rules));
        }
        let llm = LlmAgent::new(rules.store.clone(), config).with_services(rules.services.clone());
        TurnAgent::Llm(Box::new(FallbackAgent::new(llm, rules)))
    }
}

/// A flow a scheduled job opened on the conversation (the review
/// request's rating) is waiting for this answer: the rule agent that owns
/// it answers, whichever agent is configured, so a «5» is stored as the
/// rating instead of being read as a new request.
async fn job_flow_waiting(store: &parlo_store::Store, turn: &TurnContext) -> bool {
    if !matches!(turn.route, parlo_core::routing::Route::Customer { .. }) {
        return false;
    }
    // Any flow but the LLM's own proposal: one the rule agent opened (as
    // the fallback of an earlier turn, e.g. a booking summary waiting for
    // its «sí») is finished by the rule agent, which knows its state.
    matches!(
        super::rules::flow::load(store, turn).await,
        Ok(super::rules::flow::Loaded::Active(f)) if f.flow_type != parlo_core::FlowType::Proposal
    )
}

impl Agent for TurnAgent {
    async fn respond(&self, turn: &TurnContext) -> Result<AgentReply, AgentError> {
        // Which agent answered (the fallback counts itself when it steps in).
        match self {
            TurnAgent::Rules(rules) => {
                count(names::AGENT_RULES, 1);
                Box::pin(rules.respond(turn)).await
            }
            TurnAgent::Llm(agent)
                if LlmAgent::handles(turn)
                    && !turn.awaiting_person()
                    && !job_flow_waiting(&agent.fallback.store, turn).await
                    && !super::rules::staff_relay::answers_relay(turn) =>
            {
                count(names::AGENT_LLM, 1);
                Box::pin(agent.respond(turn)).await
            }
            TurnAgent::Llm(agent) => {
                count(names::AGENT_RULES, 1);
                Box::pin(agent.fallback.respond(turn)).await
            }
        }
    }

    fn services(&self) -> Option<&parlo_app::services::Services> {
        match self {
            TurnAgent::Rules(rules) => rules.services(),
            TurnAgent::Llm(agent) => agent.fallback.services(),
        }
    }

    fn transcriber(&self) -> Option<&parlo_app::transcription::Transcriber> {
        match self {
            TurnAgent::Rules(rules) => rules.transcriber(),
            TurnAgent::Llm(agent) => agent.fallback.transcriber(),
        }
    }

    fn wants_history(&self, turn: &TurnContext) -> bool {
        match self {
            TurnAgent::Rules(rules) => rules.wants_history(turn),
            // The model reads the conversation (and its fallback may
            // answer the same turn).
            TurnAgent::Llm(_) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_answers_split_at_natural_breaks() {
        assert_eq!(split_for_whatsapp("  hola  ", 10), vec!["hola"]);
        assert_eq!(
            split_for_whatsapp("uno dos\n\ntres cuatro", 12),
            vec!["uno dos", "tres cuatro"]
        );
        assert_eq!(
            split_for_whatsapp("aaaa bbbb cccc", 9),
            vec!["aaaa bbbb", "cccc"]
        );
        assert_eq!(split_for_whatsapp("ñññññ", 2), vec!["ññ", "ññ", "ñ"]);
        let long = "línea de agenda 10:00 AM\n".repeat(200);
        let parts = split_for_whatsapp(&long, WHATSAPP_MAX_CHARS);
        assert!(parts.len() > 1);
        assert!(parts
            .iter()
            .all(|p| p.chars().count() <= WHATSAPP_MAX_CHARS));
        assert_eq!(parts.join("\n").replace('\n', ""), long.replace('\n', ""));
    }
}
