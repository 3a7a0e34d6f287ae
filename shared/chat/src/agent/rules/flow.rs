//! Flow state persistence and the abandoned-state pattern (spec/001
//! "Universal Patterns"): one [`FlowSession`] per conversation; a flow left
//! silent for [`ABANDON_AFTER`] is abandoned, and the next message resumes
//! it where it stopped ("¡Hola de nuevo! Seguíamos con…").

use chrono::Duration;
use parlo_core::{FlowSession, FlowType};
use parlo_store::{FlowWrite, Store};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

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

/// The flow as the turn started (read with the conversation when the turn
/// did; else read now). Only for the first look of a turn: after a flow
/// was saved or cleared, [`load_fresh`].
pub async fn load(store: &Store, turn: &TurnContext) -> Result<Loaded, AgentError> {
    if let (Some(written), Some(_)) = (pending(turn), &turn.conversation) {
        return Ok(classify(turn, written.after().cloned()));
    }
    match &turn.flow_at_start {
        Some(flow) if turn.conversation.is_some() => Ok(classify(turn, flow.clone())),
        _ => load_fresh(store, turn).await,
    }
}

/// The flow as this turn left it so far: its own last write (kept for
/// the turn's joint claim), else as the store holds it now.
pub async fn load_fresh(store: &Store, turn: &TurnContext) -> Result<Loaded, AgentError> {
    let Some(conv) = &turn.conversation else {
        return Ok(Loaded::None);
    };
    if let Some(written) = pending(turn) {
        return Ok(classify(turn, written.after().cloned()));
    }
    let flow = store.get_flow(conv.org_id, conv.id).await.map_err(err)?;
    Ok(classify(turn, flow))
}

/// This turn's last write of its flow, not yet in the store.
fn pending(turn: &TurnContext) -> Option<FlowWrite> {
    let deferred = turn.deferred.as_ref()?;
    let d = deferred
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    d.state.flow.clone()
}

/// Writes the flow: inside a turn, with the turn's replies (its joint
/// claim); elsewhere (jobs, tests without a turn) now.
async fn write(store: &Store, turn: &TurnContext, w: FlowWrite) -> Result<(), AgentError> {
    match &turn.deferred {
        Some(deferred) => {
            deferred
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .state
                .flow = Some(w);
            Ok(())
        }
        None => store.write_flow(&w).await.map_err(err),
    }
}

fn classify(turn: &TurnContext, flow: Option<FlowSession>) -> Loaded {
    match flow {
        None => Loaded::None,
        Some(f) if turn.now - f.updated_at > ABANDON_AFTER => Loaded::Abandoned(f),
        Some(f) => Loaded::Active(f),
    }
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
    write(store, turn, FlowWrite::Save(session)).await
}

/// Saves the conversation's flow at `step`: a flow's steps are an enum
/// tagged `#[serde(tag = "state", content = "data")]`, so the variant's
/// name is the session's `state` and its fields the `collected_data` (the
/// shape sessions had when every flow shared one all-optional struct).
pub async fn save_step<T: Serialize>(
    store: &Store,
    turn: &TurnContext,
    previous: Option<&FlowSession>,
    flow_type: FlowType,
    step: &T,
) -> Result<(), AgentError> {
    let (state, data) = step_parts(step)?;
    save(store, turn, previous, flow_type, &state, &data).await
}

fn step_parts<T: Serialize>(step: &T) -> Result<(String, Value), AgentError> {
    let mut v = serde_json::to_value(step).map_err(err)?;
    let state = v
        .get("state")
        .and_then(Value::as_str)
        .ok_or_else(|| err("a flow step is tagged by its state"))?
        .to_string();
    let data = v
        .get_mut("data")
        .map(Value::take)
        .unwrap_or_else(|| Value::Object(Default::default()));
    Ok((state, data))
}

/// The flow's step with its data, typed (see [`save_step`]); `None` when
/// the stored data does not fit the step its state names (an unknown
/// step, or a field the step needs missing): the caller ends the flow.
pub fn step<T: DeserializeOwned>(f: &FlowSession) -> Option<T> {
    let step = step_from(&f.state, &f.collected_data);
    if step.is_none() {
        tracing::warn!(flow = ?f.flow_type, state = %f.state, "flow data does not fit its step");
    }
    step
}

/// [`step`] from a session's `state` and `collected_data`.
pub fn step_from<T: DeserializeOwned>(state: &str, data: &Value) -> Option<T> {
    let data = match data {
        Value::Null => Value::Object(Default::default()),
        d => d.clone(),
    };
    serde_json::from_value(serde_json::json!({ "state": state, "data": data })).ok()
}

/// Ends the conversation's flow (completed, cancelled or replaced).
pub async fn clear(store: &Store, turn: &TurnContext) -> Result<(), AgentError> {
    if let Some(conv) = &turn.conversation {
        let end = FlowWrite::End {
            org: conv.org_id,
            conversation: conv.id,
        };
        write(store, turn, end).await?;
    }
    Ok(())
}

/// The flow's collected data, typed (default when missing or outdated).
pub fn data<T: DeserializeOwned + Default>(f: &FlowSession) -> T {
    serde_json::from_value(f.collected_data.clone()).unwrap_or_default()
}

/// Options `(id, label)` as the numbered list [`pick`] reads the answer to
/// ("1. La cita de Juan…"), one a line.
pub fn numbered(options: &[(String, String)]) -> String {
    options
        .iter()
        .enumerate()
        .map(|(n, (_, l))| format!("{}. {}", n + 1, parlo_core::es::format::capitalize(l)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The option of a numbered list the person picked, by its number ("2")
/// or by (a close spelling of) its label; options are `(id, label)`.
pub fn pick<'a>(text: &str, options: &'a [(String, String)]) -> Option<&'a (String, String)> {
    use parlo_core::es::fuzzy::{best_match, normalize, Match};
    let by_number = normalize(text)
        .trim()
        .parse::<usize>()
        .ok()
        .and_then(|i| options.get(i.wrapping_sub(1)));
    by_number.or_else(|| match best_match(text, options, |o| o.1.as_str()) {
        Some(Match::Found(s)) => Some(s.item),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(tag = "state", content = "data", rename_all = "snake_case")]
    enum Step {
        Start {},
        AskPhone { name: String },
    }

    /// A typed step is stored as the session's state and data, and read
    /// back from them.
    #[test]
    fn steps_round_trip() {
        let (state, data) = step_parts(&Step::AskPhone { name: "Ana".into() }).unwrap();
        assert_eq!(state, "ask_phone");
        assert_eq!(data, serde_json::json!({ "name": "Ana" }));
        assert_eq!(
            step_from::<Step>(&state, &data),
            Some(Step::AskPhone { name: "Ana".into() })
        );
        let (state, data) = step_parts(&Step::Start {}).unwrap();
        assert_eq!((state.as_str(), &data), ("start", &serde_json::json!({})));
        // A session without data (the field defaults to null) still reads.
        assert_eq!(
            step_from::<Step>("start", &Value::Null),
            Some(Step::Start {})
        );
        assert_eq!(step_from::<Step>("ask_phone", &Value::Null), None);
    }
}
