//! Flow state persistence and the abandoned-state pattern (spec/001
//! "Universal Patterns"): one [`FlowSession`] per conversation; a flow left
//! silent for [`ABANDON_AFTER`] is abandoned, and the next message resumes
//! it where it stopped ("¡Hola de nuevo! Seguíamos con…").

use chrono::Duration;
use parlo_core::{FlowSession, FlowType};
use parlo_store::Store;
use serde::{de::DeserializeOwned, Serialize};

use crate::agent::{AgentError, TurnContext};

/// Silence after which a flow counts as abandoned.
pub const ABANDON_AFTER: Duration = Duration::minutes(30);

/// The conversation's flow as this turn finds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    /// No flow in progress.
    None,
    /// A flow in progress, last touched less than [`ABANDON_AFTER`] ago.
    Active(FlowSession),
    /// A flow that was abandoned (silent for longer); the caller decides
    /// whether to resume it (and says so) or start over.
    Abandoned(FlowSession),
}

fn err(e: impl std::fmt::Display) -> AgentError {
    AgentError(e.to_string())
}

pub async fn load(store: &Store, turn: &TurnContext) -> Result<Loaded, AgentError> {
    let Some(conv) = &turn.conversation else {
        return Ok(Loaded::None);
    };
    let flow = store.get_flow(conv.org_id, conv.id).await.map_err(err)?;
    Ok(match flow {
        None => Loaded::None,
        Some(f) if turn.now - f.updated_at > ABANDON_AFTER => Loaded::Abandoned(f),
        Some(f) => Loaded::Active(f),
    })
}

/// Saves the conversation's flow at `state` with `data` (typed by the
/// flow), keeping the original start time.
pub async fn save<T: Serialize>(
    store: &Store,
    turn: &TurnContext,
    previous: Option<&FlowSession>,
    flow_type: FlowType,
    state: &str,
    data: &T,
) -> Result<(), AgentError> {
    let Some(conv) = &turn.conversation else {
        return Ok(());
    };
    let session = FlowSession {
        org_id: conv.org_id,
        conversation_id: conv.id,
        flow_type,
        state: state.to_string(),
        collected_data: serde_json::to_value(data).map_err(err)?,
        created_at: previous
            .filter(|p| p.flow_type == flow_type)
            .map_or(turn.now, |p| p.created_at),
        updated_at: turn.now,
    };
    store.put_flow(&session).await.map_err(err)
}

/// Ends the conversation's flow (completed, cancelled or replaced).
pub async fn clear(store: &Store, turn: &TurnContext) -> Result<(), AgentError> {
    if let Some(conv) = &turn.conversation {
        store.delete_flow(conv.org_id, conv.id).await.map_err(err)?;
    }
    Ok(())
}

/// The flow's collected data, typed (default when missing or outdated).
pub fn data<T: DeserializeOwned + Default>(f: &FlowSession) -> T {
    serde_json::from_value(f.collected_data.clone()).unwrap_or_default()
}
