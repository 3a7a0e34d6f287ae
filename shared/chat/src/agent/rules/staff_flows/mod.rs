//! The staff and owner flows with more than one step (spec/001 flows
//! 8–14), one file per flow: [`block`] (block time), [`attendance`]
//! (completed / no-show, and the message to the customer after a no-show),
//! [`walk_in`], [`add_staff`] and [`owner`] (the owner's changes: team,
//! permissions, hours, services). Each flow's steps are a typed enum
//! stored in the conversation's [`parlo_core::FlowSession`] with
//! [`super::flow::save_step`]; this file holds only what they share.

use chrono::{NaiveTime, Timelike};
use parlo_core::es::fuzzy::{best_match, find_in_text, Match};
use parlo_core::es::intent::{classify, Intent};
use parlo_core::permissions::Action;
use parlo_core::time::utc_to_local;
use parlo_core::{AppointmentStatus, FlowSession, ServiceType};
use serde::de::DeserializeOwned;

use super::flow;
use super::staff::{refused, StaffTurn};
use crate::agent::{AgentError, AgentReply};
use crate::tools::{ScheduleItem, ScheduleItemKind, ToolError};

pub mod add_staff;
pub mod attendance;
pub mod block;
pub mod owner;
pub mod walk_in;

pub(super) fn err(e: impl std::fmt::Display) -> AgentError {
    AgentError(e.to_string())
}

pub(super) fn forbidden(action: Action) -> AgentReply {
    refused(&ToolError::Forbidden { action })
}

/// Whether `text` starts a different command than the flow in progress.
pub(super) fn switches(text: &str, own: &[Intent]) -> bool {
    let i = classify(text);
    i.is_staff_command() && !own.contains(&i)
}

/// The flow's step, typed, or what the turn does instead: `Err(None)`
/// when the message starts another command (`switched`: the flow is
/// dropped and the command runs); `Err(Some(reply))` when the stored data
/// does not fit its step (a session saved by an older version, or
/// damaged): the flow ends and the person is asked to start again,
/// instead of guessing what was meant.
pub(crate) async fn resume<T: DeserializeOwned>(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    switched: bool,
) -> Result<Result<T, Option<AgentReply>>, AgentError> {
    if switched {
        st.clear().await?;
        return Ok(Err(None));
    }
    if let Some(step) = flow::step(f) {
        return Ok(Ok(step));
    }
    st.clear().await?;
    Ok(Err(Some(AgentReply::text(
        "Perdona, perdí el hilo de lo que estábamos haciendo. ¿Me lo pides de nuevo?",
    ))))
}

/// The appointments among `items` still to attend (pending or confirmed).
pub(crate) fn open_appointments(items: &[ScheduleItem]) -> Vec<&ScheduleItem> {
    items
        .iter()
        .filter(|i| i.kind == ScheduleItemKind::Appointment)
        .filter(|i| {
            matches!(
                i.status,
                Some(AppointmentStatus::Pending | AppointmentStatus::Confirmed)
            )
        })
        .collect()
}

/// Whether `item` starts at the hour a message named ("el de las 3":
/// any minute of the 3 o'clock hour; "3:30": that minute).
pub(crate) fn starts_at(st: &StaffTurn<'_>, item: &ScheduleItem, t: NaiveTime) -> bool {
    let local = utc_to_local(st.tz, item.start).time();
    local.hour() == t.hour() && (t.minute() == 0 || local.minute() == t.minute())
}

/// The business's active services, cheapest first (as a menu reads, spec
/// Example 5).
pub(super) async fn services(st: &StaffTurn<'_>) -> Result<Vec<ServiceType>, AgentError> {
    let mut all = st.agent.store.list_services(st.org.id).await.map_err(err)?;
    all.retain(|s| s.is_active);
    all.sort_by(|a, b| (a.price_cents, &a.name).cmp(&(b.price_cents, &b.name)));
    Ok(all)
}

/// The service a message names (inside the text, or the whole text as a
/// close spelling).
pub(super) fn service_in<'a>(text: &str, services: &'a [ServiceType]) -> Option<&'a ServiceType> {
    match find_in_text(text, services, |s| s.name.as_str()) {
        Some(Match::Found(s)) => Some(s.item),
        _ => match best_match(text, services, |s| s.name.as_str()) {
            Some(Match::Found(s)) => Some(s.item),
            _ => None,
        },
    }
}

/// The data a session held before each flow had its own type: one
/// all-optional struct shared by every staff flow, all fields written,
/// with `fields` set.
#[cfg(test)]
pub(super) fn old_shape(fields: serde_json::Value) -> serde_json::Value {
    let mut all = serde_json::json!({
        "staff": null, "rest_start": null, "rest_end": null, "done_label": null,
        "appointment_id": null, "customer_id": null, "customer_name": null,
        "status": null, "options": [], "service": null, "phone": null,
        "name": null, "text": ""
    });
    if let (Some(all), Some(fields)) = (all.as_object_mut(), fields.as_object()) {
        all.extend(fields.clone());
    }
    all
}
