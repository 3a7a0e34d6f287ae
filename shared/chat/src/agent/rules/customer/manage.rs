//! Modify (flow 4) and Cancel (flow 5) for the customer's own
//! appointments: identify the appointment (skipped when there is one),
//! then what changes — the time (offered from real availability, with the
//! same staff member), the service (its duration checked at the time) or
//! the staff member, any of them in one message and one atomic move — or
//! a confirmation to cancel. The appointments come only from
//! `get_customer_appointments`, so nobody reaches another person's.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use parlo_core::es::format;
use parlo_core::es::intent::Intent;
use parlo_core::es::when::{TimeSpec, When};
use parlo_core::{FlowSession, FlowType};
use serde::{Deserialize, Serialize};

use super::slots::{self, Offer, Offering, Wanted};
use super::{tool_text, wall_clock, Cx, MAX_MISSES, NOT_UNDERSTOOD, OFFER_PERSON};
use crate::agent::rules::flow;
use crate::agent::{AgentError, AgentReply};
use crate::tools::{AppointmentSummary, CancelAppointmentArgs, ChangeAppointmentArgs, ToolError};

pub const IDENTIFYING: &str = "identifying_booking";
pub const NEW_DATETIME: &str = "collecting_new_datetime";
pub const CONFIRMED: &str = "confirmed";
pub const CONFIRMING_CANCEL: &str = "confirming_cancellation";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ManageData {
    #[serde(default)]
    pub appointment_id: Option<String>,
    /// Appointment ids in the order they were listed.
    #[serde(default)]
    pub choices: Vec<String>,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub staff: String,
    /// "corte de cabello mañana viernes a las 4:00 PM".
    #[serde(default)]
    pub line: String,
    #[serde(default)]
    pub date_from: Option<NaiveDate>,
    #[serde(default)]
    pub date_to: Option<NaiveDate>,
    #[serde(default)]
    pub time: Option<TimeSpec>,
    #[serde(default)]
    pub offered: Vec<Offer>,
    /// After a reschedule: the new day, for the goodbye.
    #[serde(default)]
    pub new_day: Option<NaiveDate>,
    /// The appointment's current start (wall clock): a change of service
    /// or staff member alone keeps it.
    #[serde(default)]
    pub start: Option<NaiveDateTime>,
    /// Another service asked for (catalogue name).
    #[serde(default)]
    pub new_service: Option<String>,
    /// Another staff member asked for (catalogue name).
    #[serde(default)]
    pub new_staff: Option<String>,
    #[serde(default)]
    pub misses: u8,
}

/// "hoy", "mañana viernes", "el sábado", "el viernes 22 de enero".
pub fn on_day(date: NaiveDate, today: NaiveDate) -> String {
    match (date - today).num_days() {
        0 => "hoy".into(),
        1 => format!("mañana {}", format::weekday_name(date.weekday())),
        2..=6 => format!("el {}", format::weekday_name(date.weekday())),
        _ => format!("el {}", format::date_long(date, today)),
    }
}

async fn appointments(cx: &Cx<'_>) -> Result<Result<Vec<AppointmentSummary>, String>, AgentError> {
    match cx.tools.get_customer_appointments(&cx.actor).await {
        Ok(l) => Ok(Ok(l)),
        Err(e) => Ok(Err(tool_text(&e)?)),
    }
}

/// The appointment the message points at among `list`: by position
/// ("la primera", "2"), or by date, time and service.
fn choose<'a>(
    cx: &Cx<'_>,
    list: &'a [AppointmentSummary],
    when: &When,
) -> Option<&'a AppointmentSummary> {
    if list.len() == 1 {
        return list.first();
    }
    let ordinal = [
        ("primera", 0),
        ("primer", 0),
        ("segunda", 1),
        ("tercera", 2),
        ("cuarta", 3),
    ];
    for (w, i) in ordinal {
        if cx.has_word(w) {
            return list.get(i);
        }
    }
    if when.is_empty() {
        if let [n] = cx
            .words
            .iter()
            .filter_map(|w| w.parse::<usize>().ok())
            .collect::<Vec<_>>()
            .as_slice()
        {
            if (1..=list.len()).contains(n) {
                return list.get(n - 1);
            }
        }
    }
    let service = cx.service_in_text().and_then(Result::ok);
    let hits: Vec<&AppointmentSummary> = list
        .iter()
        .filter(|a| when.date.is_none_or(|d| d.contains(a.local_start.date())))
        .filter(|a| {
            when.time
                .is_none_or(|t| t.admits(a.local_start.time()) || t.exact().is_none())
        })
        .filter(|a| service.as_ref().is_none_or(|s| s.name == a.service))
        .collect();
    match hits.as_slice() {
        [one] if !when.is_empty() || service.is_some() => Some(one),
        _ => None,
    }
}

fn numbered(cx: &Cx<'_>, list: &[AppointmentSummary]) -> String {
    list.iter()
        .enumerate()
        .map(|(i, a)| format!("{}. {}", i + 1, cx.appointment_line(a)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn chosen_data(cx: &Cx<'_>, a: &AppointmentSummary) -> ManageData {
    ManageData {
        appointment_id: Some(a.appointment_id.to_string()),
        service: a.service.clone(),
        staff: a.staff.clone(),
        line: cx.appointment_line(a),
        start: Some(a.local_start),
        ..ManageData::default()
    }
}

/// Another service or staff member named in the message («mejor corte y
/// barba», «con Ana»); whether one was.
fn absorb_change(cx: &Cx<'_>, d: &mut ManageData) -> bool {
    let mut changed = false;
    if let Some(Ok(s)) = cx.service_in_text() {
        if s.name != d.service && d.new_service.as_deref() != Some(s.name.as_str()) {
            d.new_service = Some(s.name);
            changed = true;
        }
    }
    if let Some(s) = cx.staff_in_text() {
        if s.name != d.staff && d.new_staff.as_deref() != Some(s.name.as_str()) {
            d.new_staff = Some(s.name);
            changed = true;
        }
    }
    changed
}

/// A change of service or staff member without a new time keeps the
/// appointment's day and time.
fn keep_time(d: &mut ManageData) {
    if let Some(start) = d.start {
        d.date_from = Some(start.date());
        d.date_to = Some(start.date());
        d.time = Some(TimeSpec::At(start.time()));
    }
}

fn greeting(cx: &Cx<'_>) -> String {
    match cx.first_name() {
        Some(n) => format!("Hola {n}, claro que sí."),
        None => "¡Claro que sí!".into(),
    }
}

// ---- Modify ---------------------------------------------------------------

pub async fn start_modify(cx: &Cx<'_>) -> Result<AgentReply, AgentError> {
    let list = match appointments(cx).await? {
        Ok(l) => l,
        Err(text) => return Ok(AgentReply::text(text)),
    };
    if list.is_empty() {
        return Ok(AgentReply::text(
            "No encontré citas próximas a tu nombre. ¿Te gustaría agendar una?",
        ));
    }
    let when = cx.when();
    let Some(a) = choose(cx, &list, &when) else {
        let d = ManageData {
            choices: list.iter().map(|a| a.appointment_id.to_string()).collect(),
            ..ManageData::default()
        };
        cx.save(None, FlowType::Modify, IDENTIFYING, &d).await?;
        return Ok(AgentReply::text(format!(
            "Tienes estas citas:\n{}\n¿Cuál quieres cambiar?",
            numbered(cx, &list)
        )));
    };
    let mut d = chosen_data(cx, a);
    let changes = absorb_change(cx, &mut d);
    // "Cámbiala para el sábado": the new day came with the request.
    if let Some(date) = when.date.filter(|d| !d.contains(a.local_start.date())) {
        d.date_from = Some(date.first());
        d.date_to = Some(date.last());
        d.time = when.time;
        return Box::pin(offer_new_time(cx, d, None, String::new())).await;
    }
    // «Mejor cámbiala a las 6», same day.
    if let Some(t) = when
        .time
        .filter(|t| t.exact().is_some_and(|t| t != a.local_start.time()))
    {
        d.date_from = Some(a.local_start.date());
        d.date_to = Some(a.local_start.date());
        d.time = Some(t);
        return Box::pin(offer_new_time(cx, d, None, String::new())).await;
    }
    // «Quiero cambiar mi corte por corte y barba», «mejor con Ana».
    if changes {
        keep_time(&mut d);
        return Box::pin(offer_new_time(cx, d, None, String::new())).await;
    }
    let text = format!(
        "{} Veo que tienes una cita para {}. ¿Para cuándo te gustaría cambiarla? \
         (Si prefieres otro servicio o con alguien más, también dímelo.)",
        greeting(cx),
        d.line
    );
    cx.save(None, FlowType::Modify, NEW_DATETIME, &d).await?;
    Ok(AgentReply::text(text))
}

/// Offers times for the new date (or moves the appointment when the exact
/// time asked is free).
async fn offer_new_time(
    cx: &Cx<'_>,
    mut d: ManageData,
    prev: Option<&FlowSession>,
    prefix: String,
) -> Result<AgentReply, AgentError> {
    let Some(from) = d.date_from else {
        cx.save(prev, FlowType::Modify, NEW_DATETIME, &d).await?;
        return Ok(AgentReply::text(format!(
            "{prefix}¿Para cuándo te gustaría cambiar tu cita?"
        )));
    };
    // Another service at an exact time is tried as the move itself: the
    // store checks it without the appointment's own interval in the way
    // (a longer service at the same time), and offers alternatives if not.
    let to = d.date_to.unwrap_or(from);
    let exact = d.time.and_then(|t| t.exact());
    if let (true, true, Some(t)) = (d.new_service.is_some(), from == to, exact) {
        let offer = Offer {
            local: from.and_time(t),
            staff: Vec::new(),
        };
        return Box::pin(reschedule(cx, d, prev, offer)).await;
    }
    let service = d.new_service.clone().unwrap_or_else(|| d.service.clone());
    let staff = d.new_staff.clone().unwrap_or_else(|| d.staff.clone());
    let found = Box::pin(slots::find(
        cx,
        &Wanted {
            service: &service,
            from,
            to,
            time: d.time,
            staff: Some(&staff),
        },
    ))
    .await?;
    match found {
        Ok(Offering::Exact(o)) => Box::pin(reschedule(cx, d, prev, o)).await,
        Ok(Offering::Options { note, offers }) => {
            let text = slots::render(cx, note.as_deref(), None, &offers);
            d.offered = offers;
            cx.save(prev, FlowType::Modify, NEW_DATETIME, &d).await?;
            Ok(AgentReply::text(format!("{prefix}{text}")))
        }
        Ok(Offering::Nothing) => {
            d.date_from = None;
            d.offered.clear();
            cx.save(prev, FlowType::Modify, NEW_DATETIME, &d).await?;
            Ok(AgentReply::text(format!(
                "{prefix}No encontré espacio en esas fechas. ¿Qué otro día te funciona?"
            )))
        }
        Err(e) => {
            cx.clear().await?;
            Ok(AgentReply::text(tool_text(&e)?))
        }
    }
}

async fn reschedule(
    cx: &Cx<'_>,
    mut d: ManageData,
    prev: Option<&FlowSession>,
    to: Offer,
) -> Result<AgentReply, AgentError> {
    let id = d.appointment_id.clone().unwrap_or_default();
    let args = ChangeAppointmentArgs {
        appointment_id: id,
        new_start: wall_clock(to.local),
        staff: d.new_staff.clone(),
        service: d.new_service.clone(),
    };
    match cx.tools.change_appointment(&cx.actor, &args).await {
        Ok(moved) => {
            let day = on_day(moved.local_start.date(), cx.today());
            d.new_day = Some(moved.local_start.date());
            d.offered.clear();
            cx.save(prev, FlowType::Modify, CONFIRMED, &d).await?;
            let what = if d.new_service.is_some() || d.new_staff.is_some() {
                let with = if cx.bookable_staff().len() > 1 {
                    format!(" con {}", moved.staff)
                } else {
                    String::new()
                };
                format!(
                    "Listo, cambié tu cita: {} ({}){with} {day} a las {}. ¿Todo bien?",
                    moved.service.to_lowercase(),
                    moved.price,
                    moved.time
                )
            } else {
                format!(
                    "Listo, cambié tu cita para {day} a las {}. ¿Todo bien?",
                    moved.time
                )
            };
            Ok(AgentReply {
                replies: vec![what],
                notifications: Vec::new(),
            })
        }
        Err(ToolError::SlotTaken { alternatives })
        | Err(ToolError::Unavailable { alternatives, .. })
            if !alternatives.is_empty() =>
        {
            d.offered = alternatives.iter().map(Offer::from).collect();
            let text = slots::render(
                cx,
                Some("Uy, ese horario se acaba de ocupar."),
                None,
                &d.offered,
            );
            cx.save(prev, FlowType::Modify, NEW_DATETIME, &d).await?;
            Ok(AgentReply::text(text))
        }
        Err(e) => {
            cx.clear().await?;
            Ok(AgentReply::text(tool_text(&e)?))
        }
    }
}

// ---- Cancel ---------------------------------------------------------------

pub async fn start_cancel(cx: &Cx<'_>) -> Result<AgentReply, AgentError> {
    let list = match appointments(cx).await? {
        Ok(l) => l,
        Err(text) => return Ok(AgentReply::text(text)),
    };
    if list.is_empty() {
        return Ok(AgentReply::text(
            "No tienes citas próximas a tu nombre, así que no hay nada que cancelar. ¿Te ayudo con algo más?",
        ));
    }
    let when = cx.when();
    match choose(cx, &list, &when) {
        Some(a) => ask_cancel(cx, chosen_data(cx, a), None).await,
        None => {
            let d = ManageData {
                choices: list.iter().map(|a| a.appointment_id.to_string()).collect(),
                ..ManageData::default()
            };
            cx.save(None, FlowType::Cancel, IDENTIFYING, &d).await?;
            Ok(AgentReply::text(format!(
                "Tienes estas citas:\n{}\n¿Cuál quieres cancelar?",
                numbered(cx, &list)
            )))
        }
    }
}

async fn ask_cancel(
    cx: &Cx<'_>,
    d: ManageData,
    prev: Option<&FlowSession>,
) -> Result<AgentReply, AgentError> {
    let text = format!("¿Seguro que quieres cancelar tu cita de {}?", d.line);
    cx.save(prev, FlowType::Cancel, CONFIRMING_CANCEL, &d)
        .await?;
    Ok(AgentReply::text(text))
}

async fn cancel(cx: &Cx<'_>, d: ManageData) -> Result<AgentReply, AgentError> {
    let args = CancelAppointmentArgs {
        appointment_id: d.appointment_id.clone().unwrap_or_default(),
        reason: Some("Cancelada por el cliente por WhatsApp".into()),
    };
    let result = cx.tools.cancel_appointment(&cx.actor, &args).await;
    cx.clear().await?;
    match result {
        Ok(_) => Ok(AgentReply {
            replies: vec![format!(
                "Listo, cancelé tu cita de {}. ¿Te gustaría agendar otra fecha?",
                d.line
            )],
            notifications: Vec::new(),
        }),
        Err(e) => Ok(AgentReply::text(tool_text(&e)?)),
    }
}

// ---- One turn of either flow -----------------------------------------------

/// A turn of a Modify or Cancel flow in progress; `None` when the message
/// is about something else (the flow is dropped).
pub async fn handle(cx: &Cx<'_>, f: FlowSession) -> Result<Option<AgentReply>, AgentError> {
    let mut d: ManageData = flow::data(&f);
    let resume = if cx.resuming {
        "¡Hola de nuevo! ".to_string()
    } else {
        String::new()
    };
    match (f.flow_type, f.state.as_str()) {
        (_, IDENTIFYING) => {
            let list = match appointments(cx).await? {
                Ok(l) => l,
                Err(text) => return Ok(Some(AgentReply::text(text))),
            };
            let list: Vec<AppointmentSummary> = list
                .into_iter()
                .filter(|a| d.choices.contains(&a.appointment_id.to_string()))
                .collect();
            if list.is_empty() {
                cx.clear().await?;
                return Ok(None);
            }
            match choose(cx, &list, &cx.when()) {
                Some(a) => {
                    let chosen = chosen_data(cx, a);
                    if f.flow_type == FlowType::Cancel {
                        return ask_cancel(cx, chosen, Some(&f)).await.map(Some);
                    }
                    let text = format!(
                        "{resume}Va. ¿Para cuándo te gustaría cambiar tu cita de {}?",
                        chosen.line
                    );
                    cx.save(Some(&f), FlowType::Modify, NEW_DATETIME, &chosen)
                        .await?;
                    Ok(Some(AgentReply::text(text)))
                }
                None => {
                    let question =
                        format!("¿Cuál? Respóndeme con el número:\n{}", numbered(cx, &list));
                    miss(cx, &f, d, question).await.map(Some)
                }
            }
        }
        (FlowType::Cancel, CONFIRMING_CANCEL) => match cx.intent {
            Intent::Yes | Intent::Cancel => cancel(cx, d).await.map(Some),
            Intent::No => {
                cx.clear().await?;
                Ok(Some(AgentReply::text(
                    "Va, tu cita sigue en pie. ¡Nos vemos!",
                )))
            }
            _ => {
                let question = format!(
                    "{resume}¿Cancelo tu cita de {}? Respóndeme sí o no.",
                    d.line
                );
                miss(cx, &f, d, question).await.map(Some)
            }
        },
        (FlowType::Modify, NEW_DATETIME) => {
            let when = cx.when();
            if let Some(o) = slots::pick(&cx.words, &d.offered, &when) {
                return Box::pin(reschedule(cx, d, Some(&f), o)).await.map(Some);
            }
            // «Mejor cámbiame el servicio a corte y barba», «con Ana».
            if absorb_change(cx, &mut d) && when.is_empty() {
                keep_time(&mut d);
                d.misses = 0;
                return Box::pin(offer_new_time(cx, d, Some(&f), resume))
                    .await
                    .map(Some);
            }
            if when.is_empty() {
                if cx.intent == Intent::No {
                    cx.clear().await?;
                    return Ok(Some(AgentReply::text(
                        "Va, tu cita se queda como estaba. ¡Nos vemos!",
                    )));
                }
                let question = if d.offered.is_empty() {
                    format!("{resume}¿Para qué día y hora quieres cambiar tu cita?")
                } else {
                    slots::render(cx, None, None, &d.offered)
                };
                return miss(cx, &f, d, question).await.map(Some);
            }
            if let Some(date) = when.date {
                d.date_from = Some(date.first());
                d.date_to = Some(date.last());
                d.time = when.time;
            } else {
                d.time = when.time;
            }
            if d.date_from.is_none() {
                d.offered.clear();
                cx.save(Some(&f), FlowType::Modify, NEW_DATETIME, &d)
                    .await?;
                return Ok(Some(AgentReply::text(format!(
                    "{resume}¿Qué día te gustaría?"
                ))));
            }
            d.misses = 0;
            Box::pin(offer_new_time(cx, d, Some(&f), resume))
                .await
                .map(Some)
        }
        (FlowType::Modify, CONFIRMED) => match cx.intent {
            Intent::Yes | Intent::Thanks => {
                cx.clear().await?;
                let day = d
                    .new_day
                    .map(|day| format!(" {}", on_day(day, cx.today())))
                    .unwrap_or_default();
                let name = cx
                    .first_name()
                    .map(|n| format!(", {n}"))
                    .unwrap_or_default();
                Ok(Some(AgentReply::text(format!(
                    "¡Excelente! Nos vemos{day}{name}. 👍"
                ))))
            }
            Intent::No => {
                d.offered.clear();
                d.date_from = None;
                cx.save(Some(&f), FlowType::Modify, NEW_DATETIME, &d)
                    .await?;
                Ok(Some(AgentReply::text(
                    "Va. ¿Para cuándo te gustaría cambiarla entonces?",
                )))
            }
            _ => {
                cx.clear().await?;
                Ok(None)
            }
        },
        _ => {
            cx.clear().await?;
            Ok(None)
        }
    }
}

/// The same question failed again: asked again, never handed off by
/// itself; from the second miss on a person is offered too.
async fn miss(
    cx: &Cx<'_>,
    f: &FlowSession,
    mut d: ManageData,
    question: String,
) -> Result<AgentReply, AgentError> {
    if cx.resuming || matches!(cx.intent, Intent::Greeting | Intent::Thanks) {
        cx.save(Some(f), f.flow_type, &f.state, &d).await?;
        return Ok(AgentReply::text(question));
    }
    d.misses = d.misses.saturating_add(1);
    cx.save(Some(f), f.flow_type, &f.state, &d).await?;
    let person = if d.misses >= MAX_MISSES {
        format!("\n\n{OFFER_PERSON}")
    } else {
        String::new()
    };
    Ok(AgentReply::text(format!(
        "{NOT_UNDERSTOOD} {question}{person}"
    )))
}
