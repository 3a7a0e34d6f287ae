//! Staff and owners cancel or move a customer's appointment by chat
//! (spec/001 §2.4: "Cancela la cita de Juan de mañana", "Mueve la cita de
//! las 3 a las 5", "Pasa a Roberto al sábado a las 11"), and remove a
//! block ("Quita el bloqueo de las 4"). The appointment is confirmed
//! before anything changes, as in the no-show flow; the tools check the
//! permission and return the notices for the customer and the assigned
//! staff member.

use std::future::Future;
use std::pin::Pin;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use parlo_core::es::format;
use parlo_core::es::fuzzy::{find_in_text, Match};
use parlo_core::es::intent::Intent;
use parlo_core::es::read::staff_when;
use parlo_core::permissions::Action;
use parlo_core::time::utc_to_local;
use parlo_core::{FlowSession, FlowType};
use serde::{Deserialize, Serialize};

use super::flow;
use super::staff::*;
use super::staff_flows::{open_appointments, resume, starts_at};
use crate::agent::{AgentError, AgentReply};
use crate::tools::*;

/// Where the flow stands, with what it collected (the JSON field names
/// are those of the sessions saved before the steps were typed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", content = "data", rename_all = "snake_case")]
enum Step {
    /// Several appointments fit: (appointment id, label) to pick from.
    Choose {
        options: Vec<(String, String)>,
        #[serde(flatten)]
        target: Target,
    },
    /// Move: the appointment is known, its new time not yet (or the one
    /// asked was taken).
    AskNewTime(Picked),
    /// Waits for a yes to cancel or move it.
    Confirm(Picked),
}

/// What a move asked for, read from the first message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Target {
    /// The new local start, day and time.
    #[serde(default)]
    new_start: Option<NaiveDateTime>,
    /// A new time named without a day ("a las 5"): on the appointment's day.
    #[serde(default)]
    new_time: Option<NaiveTime>,
    /// Who attends after the move (id, name); none keeps them.
    #[serde(default)]
    new_staff: Option<(String, String)>,
}

/// The appointment chosen, and where a move takes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Picked {
    appointment_id: String,
    /// The appointment's own day (a new time without a day falls on it).
    appointment_date: NaiveDate,
    /// The new local start, once known (always for a move's confirm).
    #[serde(default)]
    new_start: Option<NaiveDateTime>,
    #[serde(default)]
    new_staff: Option<(String, String)>,
}

/// A teammate named after "con" in `text` ("la de las 3 con Ana",
/// "a las 5 con Pedro"); "conmigo" is the writer.
fn staff_after_con<'a>(
    st: &StaffTurn<'_>,
    team: &'a [parlo_core::Staff],
    text: &str,
) -> Option<&'a parlo_core::Staff> {
    let n = parlo_core::es::fuzzy::normalize(text);
    if n.split_whitespace().any(|w| w == "conmigo") {
        return team.iter().find(|s| s.id == st.me.id);
    }
    let at = parlo_core::es::find_ci(text, " con ")?;
    match find_in_text(&text[at.end..], team, |s| s.name.as_str()) {
        Some(Match::Found(s)) => Some(s.item),
        _ => None,
    }
}

/// How far ahead "la cita de Roberto" is looked for when no day is named.
const LOOKAHEAD_DAYS: u64 = 14;
/// More candidates than this: ask for the name or the time instead.
const MAX_OPTIONS: usize = 5;

/// A boxed flow step. Built in a plain function so that in debug builds
/// the (large) future is never a temporary in the caller's poll frame:
/// the staff dispatch matches many flows, and each such temporary adds to
/// its stack frame.
pub(crate) type Boxed<'a, T> = Pin<Box<dyn Future<Output = Result<T, AgentError>> + Send + 'a>>;

/// Cancel ([`FlowType::Cancel`]) or move ([`FlowType::Modify`]).
fn is_move(flow_type: FlowType) -> bool {
    flow_type == FlowType::Modify
}

/// "Mueve la cita de las 3 a las 5" → ("Mueve la cita de las 3", "a las 5");
/// "Pasa a Roberto al sábado a las 11" → ("Pasa a Roberto", "al sábado a las 11").
/// "para …" wins over "al …", which wins over "a las …".
pub(crate) fn split_target(text: &str) -> (String, Option<String>) {
    for markers in [
        &[" para el ", " para las ", " para la ", " para "][..],
        &[" al "][..],
        &[" a las ", " a la "][..],
    ] {
        // Offsets in the original text: lowercasing may change lengths.
        let found = markers
            .iter()
            .filter_map(|m| parlo_core::es::find_ci(text, m).map(|r| r.start))
            .min();
        if let Some(i) = found {
            return (
                text[..i].trim().to_string(),
                Some(text[i..].trim().to_string()),
            );
        }
    }
    (text.trim().to_string(), None)
}

/// "cancela la cita de …", "mueve la cita …", "pasa a Roberto al …":
/// starts the flow.
pub(crate) fn start<'a>(
    st: &'a StaffTurn<'a>,
    text: &'a str,
    flow_type: FlowType,
) -> Boxed<'a, AgentReply> {
    Box::pin(start_flow(st, text, flow_type))
}

async fn start_flow(
    st: &StaffTurn<'_>,
    text: &str,
    flow_type: FlowType,
) -> Result<AgentReply, AgentError> {
    let needed: &[Action] = if is_move(flow_type) {
        &[Action::CancelAppointment, Action::CreateBooking]
    } else {
        &[Action::CancelAppointment]
    };
    if let Some(action) = needed.iter().copied().find(|a| !st.may(*a)) {
        return Ok(refused(&ToolError::Forbidden { action }));
    }
    let (origin, target) = if is_move(flow_type) {
        split_target(text)
    } else {
        (text.to_string(), None)
    };
    let team = st.team().await?;
    let new_staff = target
        .as_deref()
        .and_then(|t| staff_after_con(st, &team, t))
        .map(|s| (s.id.to_string(), s.name.clone()));
    // Who attends it now, as the message named them ("la de las 3 con
    // Ana"): narrows the search.
    let from_staff = staff_after_con(st, &team, &origin).map(|s| s.name.clone());
    let target = target.map(|t| staff_when(&t, st.local_now(), Intent::Reschedule));
    let target = Target {
        new_staff,
        new_start: target.as_ref().and_then(|w| {
            let time = w.time?.exact()?;
            Some(w.date.map(|d| d.first())?.and_time(time))
        }),
        // A target time without a day ("a las 5"): the appointment's day,
        // filled in once the appointment is known.
        new_time: target
            .as_ref()
            .and_then(|w| w.time?.exact().filter(|_| w.date.is_none())),
    };
    let search = Search {
        text: &origin,
        from_staff: from_staff.as_deref(),
    };
    find(st, None, flow_type, search, target).await
}

/// What the first message says about the appointment to change.
struct Search<'a> {
    text: &'a str,
    /// Who attends it now, when named.
    from_staff: Option<&'a str>,
}

fn find<'a>(
    st: &'a StaffTurn<'a>,
    previous: Option<&'a FlowSession>,
    flow_type: FlowType,
    search: Search<'a>,
    target: Target,
) -> Boxed<'a, AgentReply> {
    Box::pin(find_appointment(st, previous, flow_type, search, target))
}

async fn find_appointment(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    flow_type: FlowType,
    search: Search<'_>,
    target: Target,
) -> Result<AgentReply, AgentError> {
    let text = search.text;
    let w = staff_when(text, st.local_now(), Intent::Cancel);
    let items = match w.date {
        Some(d) => st
            .tools
            .get_business_schedule(
                &st.actor,
                &ScheduleArgs {
                    date: Some(d.first()),
                },
            )
            .await
            .map(|s| s.items),
        None => {
            st.tools
                .upcoming_appointments(&st.actor, LOOKAHEAD_DAYS)
                .await
        }
    };
    let items = match items {
        Ok(i) => i,
        Err(e) => {
            st.clear().await?;
            return Ok(refused(&e));
        }
    };
    let mut candidates = open_appointments(&items);
    if let Some(t) = w.time.and_then(|t| t.exact()) {
        candidates.retain(|i| starts_at(st, i, t));
    }
    // Who attends it now, when named ("la de las 3 con Ana").
    if let Some(name) = search.from_staff {
        let theirs: Vec<&ScheduleItem> = candidates
            .iter()
            .copied()
            .filter(|i| i.staff == name)
            .collect();
        if !theirs.is_empty() {
            candidates = theirs;
        }
    }
    // A customer named in the message narrows the list (not when the
    // name was the staff member's).
    let named: Vec<&ScheduleItem> = if search.from_staff.is_some() {
        Vec::new()
    } else {
        let with_names: Vec<&ScheduleItem> = candidates
            .iter()
            .copied()
            .filter(|i| i.customer.is_some())
            .collect();
        match find_in_text(text, &with_names, |i| i.customer.as_deref().unwrap_or("")) {
            Some(Match::Found(found)) => {
                let name = found.item.customer.clone();
                with_names
                    .into_iter()
                    .filter(|i| i.customer == name)
                    .collect()
            }
            _ => Vec::new(),
        }
    };
    if !named.is_empty() {
        candidates = named;
    }
    let verb = if is_move(flow_type) {
        "mover"
    } else {
        "cancelar"
    };
    match candidates.as_slice() {
        [] => {
            st.clear().await?;
            Ok(AgentReply::text(
                "No encontré esa cita. Dime el nombre del cliente y el día, por ejemplo «la cita de Juan de mañana».",
            ))
        }
        [one] => chosen(st, previous, flow_type, one, target).await,
        many if many.len() > MAX_OPTIONS => {
            st.clear().await?;
            Ok(AgentReply::text(format!(
                "Hay {} citas. ¿Cuál quieres {verb}? Dime el nombre del cliente o la hora.",
                many.len()
            )))
        }
        many => {
            let options: Vec<(String, String)> = many
                .iter()
                .map(|i| (i.id.to_string(), label(st, i)))
                .collect();
            let list = flow::numbered(&options);
            st.save_step(previous, flow_type, &Step::Choose { options, target })
                .await?;
            Ok(AgentReply::text(format!("¿Cuál quieres {verb}?\n{list}")))
        }
    }
}

/// "la cita de Juan (Corte) del martes 8 de enero a las 3:00 PM con Pedro".
fn label(st: &StaffTurn<'_>, i: &ScheduleItem) -> String {
    let local = utc_to_local(st.tz, i.start);
    format!(
        "la cita de {} ({}) del {} a las {} con {}",
        i.customer.as_deref().unwrap_or("un cliente"),
        i.service.as_deref().unwrap_or(""),
        format::date_long(local.date(), st.today()),
        st.locale().time(local.time()),
        i.staff
    )
}

fn new_label(st: &StaffTurn<'_>, at: NaiveDateTime) -> String {
    format!(
        "al {} a las {}",
        format::date_long(at.date(), st.today()),
        st.locale().time(at.time())
    )
}

/// One appointment identified: ask to confirm (or, to move it without a
/// new time yet, ask for the time).
fn chosen<'a>(
    st: &'a StaffTurn<'a>,
    previous: Option<&'a FlowSession>,
    flow_type: FlowType,
    item: &'a ScheduleItem,
    target: Target,
) -> Boxed<'a, AgentReply> {
    Box::pin(confirm_chosen(st, previous, flow_type, item, target))
}

async fn confirm_chosen(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    flow_type: FlowType,
    item: &ScheduleItem,
    target: Target,
) -> Result<AgentReply, AgentError> {
    let day = utc_to_local(st.tz, item.start).date();
    let new_start = target
        .new_start
        .or_else(|| target.new_time.map(|t| day.and_time(t)));
    let label = label(st, item);
    let with = target
        .new_staff
        .as_ref()
        .map(|(_, n)| format!(" con {n}"))
        .unwrap_or_default();
    let picked = Picked {
        appointment_id: item.id.to_string(),
        appointment_date: day,
        new_start,
        new_staff: target.new_staff,
    };
    if !is_move(flow_type) {
        st.save_step(previous, flow_type, &Step::Confirm(picked))
            .await?;
        return Ok(AgentReply::text(format!(
            "¿Cancelo {label}? Le aviso al cliente."
        )));
    }
    match new_start {
        Some(at) => {
            let to = new_label(st, at);
            st.save_step(previous, flow_type, &Step::Confirm(picked))
                .await?;
            Ok(AgentReply::text(format!(
                "¿Muevo {label} {to}{with}? Le aviso al cliente."
            )))
        }
        None => {
            st.save_step(previous, flow_type, &Step::AskNewTime(picked))
                .await?;
            Ok(AgentReply::text(format!("¿A qué día y hora paso {label}?")))
        }
    }
}

pub(crate) fn step<'a>(
    st: &'a StaffTurn<'a>,
    f: &'a FlowSession,
    text: &'a str,
) -> Boxed<'a, Option<AgentReply>> {
    Box::pin(next_step(st, f, text))
}

async fn next_step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    let step = match resume::<Step>(st, f, false).await? {
        Ok(step) => step,
        Err(reply) => return Ok(reply),
    };
    match step {
        Step::Choose { options, target } => {
            let Some((id, _)) = flow::pick(text, &options).cloned() else {
                return Ok(Some(AgentReply::text(
                    "¿Cuál? Respóndeme con el número de la lista.",
                )));
            };
            // Read the chosen appointment back as a schedule item.
            let items = match st
                .tools
                .upcoming_appointments(&st.actor, LOOKAHEAD_DAYS)
                .await
            {
                Ok(i) => i,
                Err(e) => return Ok(Some(refused(&e))),
            };
            let Some(item) = items.iter().find(|i| i.id.to_string() == id) else {
                st.clear().await?;
                return Ok(Some(AgentReply::text(
                    "Esa cita ya no está pendiente. Revisa la agenda con «agenda de hoy».",
                )));
            };
            chosen(st, Some(f), f.flow_type, item, target)
                .await
                .map(Some)
        }
        Step::AskNewTime(picked) => {
            let w = staff_when(text, st.local_now(), Intent::Reschedule);
            let Some(time) = w.time.and_then(|t| t.exact()) else {
                return Ok(Some(AgentReply::text(
                    "¿A qué hora? Por ejemplo «el sábado a las 11».",
                )));
            };
            let day = w
                .date
                .map(|d| d.first())
                .or(picked.new_start.map(|d| d.date()))
                .unwrap_or(picked.appointment_date);
            let picked = Picked {
                new_start: Some(day.and_time(time)),
                ..picked
            };
            move_now(st, f, picked).await.map(Some)
        }
        Step::Confirm(picked) if is_yes(text) => {
            if is_move(f.flow_type) {
                move_now(st, f, picked).await.map(Some)
            } else {
                cancel_now(st, picked.appointment_id).await.map(Some)
            }
        }
        Step::Confirm(_) if is_no(text) => {
            st.clear().await?;
            Ok(Some(AgentReply::text(
                "Entendido, no cambié nada. ¿Algo más?",
            )))
        }
        Step::Confirm(_) => Ok(Some(AgentReply::text(
            "¿Sí o no? (Escribe «olvídalo» para dejarlo.)",
        ))),
    }
}

fn cancel_now<'a>(st: &'a StaffTurn<'a>, appointment_id: String) -> Boxed<'a, AgentReply> {
    Box::pin(cancel_appointment(st, appointment_id))
}

async fn cancel_appointment(st: &StaffTurn<'_>, id: String) -> Result<AgentReply, AgentError> {
    st.clear().await?;
    let args = CancelAppointmentArgs {
        appointment_id: id,
        reason: Some(format!("Cancelada por {}", first_name(&st.me.name))),
    };
    match st.tools.cancel_customer_appointment(&st.actor, &args).await {
        Ok(change) => Ok(AgentReply {
            replies: vec![format!(
                "Listo, cancelé la cita de {} del {} a las {} ✓ {}",
                change.customer.as_deref().unwrap_or("tu cliente"),
                change.previous.date,
                change.previous.time,
                notified(&change)
            )],
            notifications: Vec::new(),
        }),
        Err(e) => Ok(refused(&e)),
    }
}

fn move_now<'a>(
    st: &'a StaffTurn<'a>,
    f: &'a FlowSession,
    picked: Picked,
) -> Boxed<'a, AgentReply> {
    Box::pin(move_appointment(st, f, picked))
}

async fn move_appointment(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    picked: Picked,
) -> Result<AgentReply, AgentError> {
    // A move's confirm always has its new time; without one, ask it.
    let Some(at) = picked.new_start else {
        st.save_step(Some(f), f.flow_type, &Step::AskNewTime(picked))
            .await?;
        return Ok(AgentReply::text(
            "¿A qué hora? Por ejemplo «el sábado a las 11».",
        ));
    };
    let args = RescheduleAppointmentArgs {
        appointment_id: picked.appointment_id.clone(),
        new_start: at.format("%Y-%m-%dT%H:%M").to_string(),
        // One atomic move: the time and the staff member together.
        staff: picked.new_staff.as_ref().map(|(id, _)| id.clone()),
    };
    match st
        .tools
        .reschedule_customer_appointment(&st.actor, &args)
        .await
    {
        Ok(change) => {
            st.clear().await?;
            Ok(AgentReply {
                replies: vec![format!(
                    "Listo, la cita de {} quedó el {} a las {} con {} ✓ {}",
                    change.customer.as_deref().unwrap_or("tu cliente"),
                    change.appointment.date,
                    change.appointment.time,
                    change.appointment.staff,
                    notified(&change)
                )],
                notifications: Vec::new(),
            })
        }
        // Taken or outside hours: the nearest free times, and the flow
        // waits for the new time.
        Err(e @ (ToolError::SlotTaken { .. } | ToolError::Unavailable { .. })) => {
            st.save_step(Some(f), f.flow_type, &Step::AskNewTime(picked))
                .await?;
            Ok(AgentReply::text(format!(
                "{} ¿A qué hora la paso?",
                e.user_message()
            )))
        }
        Err(e) => {
            st.clear().await?;
            Ok(refused(&e))
        }
    }
}

fn notified(change: &BusinessChange) -> &'static str {
    if !change.customer_told {
        "No tengo su teléfono para avisarle."
    } else {
        "Ya le avisé."
    }
}

/// "Quita el bloqueo de las 4", "desbloquea mañana de 2 a 3": removes the
/// block at that time with the remove_block tool (which checks whose block
/// it is).
pub(crate) fn unblock<'a>(st: &'a StaffTurn<'a>, text: &'a str) -> Boxed<'a, AgentReply> {
    Box::pin(remove_block(st, text))
}

async fn remove_block(st: &StaffTurn<'_>, text: &str) -> Result<AgentReply, AgentError> {
    let w = staff_when(text, st.local_now(), Intent::Unblock);
    let date = w.date.map_or_else(|| st.today(), |d| d.first());
    let args = ScheduleArgs { date: Some(date) };
    let schedule = if st.may(Action::BlockOthersTime) {
        st.tools.get_business_schedule(&st.actor, &args).await
    } else {
        st.tools.get_my_schedule(&st.actor, &args).await
    };
    let schedule = match schedule {
        Ok(s) => s,
        Err(e) => return Ok(refused(&e)),
    };
    let mut blocks: Vec<&ScheduleItem> = schedule
        .items
        .iter()
        .filter(|i| i.kind == ScheduleItemKind::Block && i.end > st.turn.now)
        .collect();
    if let Some(t) = w.time.and_then(|t| t.window().0) {
        blocks.retain(|b| {
            let start = utc_to_local(st.tz, b.start).time();
            let end = utc_to_local(st.tz, b.end).time();
            start <= t && t < end
        });
    }
    let day = format::date_long(date, st.today());
    match blocks.as_slice() {
        [] => Ok(AgentReply::text(format!(
            "No encontré un bloqueo a esa hora el {day}."
        ))),
        [one] => match st
            .tools
            .remove_block(
                &st.actor,
                &RemoveBlockArgs {
                    block_id: one.id.to_string(),
                },
            )
            .await
        {
            Ok(_) => Ok(AgentReply::text(format!(
                "Listo, quité el bloqueo del {day} de {} ✓ Ese horario ya se puede reservar.",
                one.time
            ))),
            Err(e) => Ok(refused(&e)),
        },
        many => {
            let times: Vec<&str> = many.iter().map(|b| b.time.as_str()).collect();
            Ok(AgentReply::text(format!(
                "Hay {} bloqueos el {day}: {}. ¿Cuál quito? Dime la hora.",
                many.len(),
                format::join_or(&times)
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The data a cancel or move session held before its steps were
    /// typed (one all-optional struct, all fields written), with `fields`.
    fn old(fields: serde_json::Value) -> serde_json::Value {
        let mut all = json!({
            "appointment_id": null, "customer_name": null, "options": [],
            "new_start": null, "new_time": null, "appointment_date": null,
            "new_staff": null, "from_staff": null
        });
        if let (Some(all), Some(fields)) = (all.as_object_mut(), fields.as_object()) {
            all.extend(fields.clone());
        }
        all
    }

    /// Sessions saved before the steps were typed still load.
    #[test]
    fn old_sessions_load() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        let five = NaiveTime::from_hms_opt(17, 0, 0).unwrap();
        assert_eq!(
            flow::step_from::<Step>(
                "choose",
                &old(json!({
                    "options": [["a1", "la cita de Juan"], ["a2", "la cita de Ana"]],
                    "new_time": "17:00:00", "new_staff": ["s2", "Pedro"], "from_staff": "Ana"
                }))
            ),
            Some(Step::Choose {
                options: vec![
                    ("a1".into(), "la cita de Juan".into()),
                    ("a2".into(), "la cita de Ana".into())
                ],
                target: Target {
                    new_start: None,
                    new_time: Some(five),
                    new_staff: Some(("s2".into(), "Pedro".into()))
                }
            })
        );
        let picked = old(json!({
            "appointment_id": "a1", "customer_name": "Juan",
            "appointment_date": "2026-12-08", "new_start": "2026-12-08T17:00:00"
        }));
        let expected = Picked {
            appointment_id: "a1".into(),
            appointment_date: day,
            new_start: Some(day.and_time(five)),
            new_staff: None,
        };
        assert_eq!(
            flow::step_from::<Step>("confirm", &picked),
            Some(Step::Confirm(expected.clone()))
        );
        assert_eq!(
            flow::step_from::<Step>("ask_new_time", &picked),
            Some(Step::AskNewTime(expected))
        );
        // A confirm without its appointment: the flow ends.
        assert_eq!(flow::step_from::<Step>("confirm", &old(json!({}))), None);
    }

    #[test]
    fn targets() {
        assert_eq!(
            split_target("Mueve la cita de las 3 a las 5"),
            ("Mueve la cita de las 3".into(), Some("a las 5".into()))
        );
        assert_eq!(
            split_target("Pasa a Roberto al sábado a las 11"),
            ("Pasa a Roberto".into(), Some("al sábado a las 11".into()))
        );
        assert_eq!(
            split_target("Cambia la cita de Ana de mañana a las 3 para el jueves a las 5"),
            (
                "Cambia la cita de Ana de mañana a las 3".into(),
                Some("para el jueves a las 5".into())
            )
        );
    }
}
