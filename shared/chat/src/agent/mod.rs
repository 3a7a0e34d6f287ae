//! The conversation engine's seat in the turn. The turn hands an agent
//! everything routing learned and gets back the replies to send; the
//! agent's side effects go through the store with ids derived from the
//! inbound message, so a retried turn repeats none of them.
//!
//! [`GreetingAgent`] is the interim engine until the rule and LLM agents
//! land: it answers each routed case with the right Spanish message and
//! changes nothing.

use std::future::Future;

use chrono::{DateTime, Utc};
use parlo_core::routing::Route;
use parlo_core::{Conversation, Customer, Message, Organization, Staff};
use serde::{Deserialize, Serialize};

pub mod llm;
pub mod rules;

pub use crate::tools::Notification;

/// How many earlier messages of the conversation a turn carries.
pub const HISTORY_WINDOW: usize = 16;

/// What an agent knows about one turn.
#[derive(Debug, Clone)]
pub struct TurnContext {
    pub route: Route,
    pub text: String,
    pub message_sid: String,
    pub now: DateTime<Utc>,
    pub business: Option<Organization>,
    /// The business's locations, services and staff as the turn loaded
    /// them (a warm process's cache); `None` for the central number.
    pub catalogue: Option<std::sync::Arc<parlo_app::catalogue::Catalogue>>,
    pub staff: Option<Staff>,
    pub customer: Option<Customer>,
    /// Businesses a multi-business staff member should write to directly
    /// (case 2b): name and WhatsApp number.
    pub redirect_to: Vec<(String, String)>,
    /// Display name WhatsApp reports for the sender (unverified).
    pub profile_name: Option<String>,
    /// The provider's id of the message this one replies to (a staff
    /// member answering a relayed customer message).
    pub replied_to: Option<String>,
    /// The sender's conversation with the business (none for redirects).
    pub conversation: Option<Conversation>,
    /// The conversation's flow as the turn read it before deciding
    /// (`Some(None)`: none); `None` when not read (the agent reads it).
    pub flow_at_start: Option<Option<parlo_core::FlowSession>>,
    /// Up to [`HISTORY_WINDOW`] earlier messages, oldest first, without
    /// this turn's inbound message.
    pub history: Vec<Message>,
    /// Where the services leave the notices of this turn's changes, for
    /// the turn to send with its replies; `None`: each change sends its
    /// own (an agent driven outside the turn processor).
    pub notices: Option<parlo_app::services::Notices>,
}

impl TurnContext {
    /// The customer asked for a person and nobody has taken the chat yet
    /// (nor has the wait lapsed): the assistant answers only what it can
    /// safely do on its own.
    pub fn awaiting_person(&self) -> bool {
        matches!(self.route, Route::Customer { .. })
            && self.conversation.as_ref().is_some_and(|c| {
                c.status == parlo_core::ConversationStatus::HandedOff
                    && c.handed_off_until.is_some_and(|u| u > self.now)
                    && !parlo_app::services::conversations::handoff_taken(c)
            })
    }

    /// This turn reopened a chat whose request for a person lapsed
    /// unanswered: the customer is told.
    pub fn handoff_lapsed(&self) -> bool {
        self.conversation
            .as_ref()
            .is_some_and(|c| parlo_app::services::conversations::handoff_lapsed_at(c, self.now))
    }
}

/// What a turn answers: replies to the sender, in order, and messages for
/// other people (the owner told of a booking, a customer told their
/// appointment moved). Both go through the outbox with ids derived from the
/// inbound message, so a retried turn sends each once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentReply {
    pub replies: Vec<String>,
    #[serde(default)]
    pub notifications: Vec<Notification>,
}

impl AgentReply {
    pub fn text(s: impl Into<String>) -> Self {
        Self {
            replies: vec![s.into()],
            notifications: Vec::new(),
        }
    }

    pub fn silent() -> Self {
        Self::default()
    }
}

impl From<Vec<String>> for AgentReply {
    fn from(replies: Vec<String>) -> Self {
        Self {
            replies,
            notifications: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("agent failed: {0}")]
pub struct AgentError(pub String);

pub trait Agent: Send + Sync {
    fn respond(
        &self,
        turn: &TurnContext,
    ) -> impl Future<Output = Result<AgentReply, AgentError>> + Send;

    /// The services the agent's tools write through: the turn relays a
    /// handed-off customer's messages with them. `None` for agents that
    /// change nothing.
    fn services(&self) -> Option<&parlo_app::services::Services> {
        None
    }

    /// Hears voice notes before the turn decides; `None`: not configured.
    fn transcriber(&self) -> Option<&parlo_app::transcription::Transcriber> {
        None
    }
}

#[derive(Debug, Clone, Default)]
pub struct GreetingAgent;

impl Agent for GreetingAgent {
    async fn respond(&self, turn: &TurnContext) -> Result<AgentReply, AgentError> {
        let business = turn
            .business
            .as_ref()
            .map(|b| b.name.clone())
            .unwrap_or_else(|| "Parlo".to_string());
        let first_name = |s: &Staff| s.name.split_whitespace().next().unwrap_or("").to_string();
        let reply = match &turn.route {
            Route::BusinessOnboarding { .. } => {
                "¡Hola! Soy Parlo 👋 Te ayudo a que tus clientes agenden por WhatsApp. \
                 Para empezar, ¿cómo se llama tu negocio?"
                    .to_string()
            }
            Route::ManagementFromCentral { .. } | Route::BusinessManagement { .. } => {
                let name = turn.staff.as_ref().map(first_name).unwrap_or_default();
                format!("¡Hola {name}! Soy el asistente de {business}. ¿En qué te ayudo hoy?")
            }
            Route::StaffOnboarding { .. } => {
                let name = turn.staff.as_ref().map(first_name).unwrap_or_default();
                format!(
                    "¡Hola {name}! 👋 {business} te registró en Parlo. Desde aquí podrás ver tu agenda, \
                     bloquear horarios y registrar citas. ¿Cómo prefieres que te llame?"
                )
            }
            Route::RedirectToBusinesses { .. } => {
                let list = turn
                    .redirect_to
                    .iter()
                    .map(|(name, number)| format!("• {name}: {number}"))
                    .collect::<Vec<_>>()
                    .join("\n");
                format!(
                    "Estás registrado en varios negocios. Para gestionarlos, escríbele directamente \
                     al WhatsApp de cada uno:\n{list}"
                )
            }
            Route::Customer { .. } => {
                let name = turn
                    .customer
                    .as_ref()
                    .and_then(|c| c.name.clone())
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default();
                format!(
                    "¡Hola{name}! Soy el asistente de {business}. ¿Te ayudo a agendar una cita?"
                )
            }
            Route::BusinessUnavailable { .. } => {
                "Por el momento este negocio no está recibiendo mensajes por aquí. \
                 Te pedimos contactarlo por otro medio."
                    .to_string()
            }
            Route::UnknownNumber => return Ok(AgentReply::silent()),
        };
        Ok(AgentReply::text(reply))
    }
}
