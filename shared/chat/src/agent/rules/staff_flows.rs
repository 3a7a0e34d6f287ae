//! The staff and owner flows with more than one step (spec/001 flows
//! 8–14): block time, attendance (and the message to the customer after a
//! no-show), walk-ins, adding staff, and the owner's changes (team,
//! permissions, hours, services). Each step's data lives in the
//! conversation's [`FlowSession`] as [`FlowData`].

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use parlo_core::es::format;
use parlo_core::es::fuzzy::{best_match, find_in_text, normalize, Match};
use parlo_core::es::intent::{classify, Intent};
use parlo_core::es::when::{parse_when, TimeSpec};
use parlo_core::permissions::Action;
use parlo_core::phone;
use parlo_core::time::utc_to_local;
use parlo_core::{AppointmentStatus, FlowSession, FlowType, PermissionLevel, ServiceType};
use serde::{Deserialize, Serialize};

use super::flow;
use super::staff::*;
use crate::agent::{AgentError, AgentReply};
use crate::tools::*;

/// What a staff flow has collected so far (one shape for every flow; each
/// uses its own fields).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct FlowData {
    /// Block time: the teammate whose time is blocked (id), if not oneself.
    #[serde(default)]
    pub staff: Option<String>,
    #[serde(default)]
    pub rest_start: Option<NaiveDateTime>,
    #[serde(default)]
    pub rest_end: Option<NaiveDateTime>,
    /// A label of what was done, for the closing sentence.
    #[serde(default)]
    pub done_label: Option<String>,
    /// Attendance.
    #[serde(default)]
    pub appointment_id: Option<String>,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub customer_name: Option<String>,
    #[serde(default)]
    pub status: Option<AttendanceStatus>,
    /// Candidates to choose from: (appointment id, label).
    #[serde(default)]
    pub options: Vec<(String, String)>,
    /// Walk-in: service id; customer phone (E.164) and name. Add staff:
    /// the new member's name and phone.
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// Owner changes: everything the owner said so far, re-read each turn.
    #[serde(default)]
    pub text: String,
}

fn err(e: impl std::fmt::Display) -> AgentError {
    AgentError(e.to_string())
}

fn forbidden(action: Action) -> AgentReply {
    refused(&ToolError::Forbidden { action })
}

/// Whether `text` starts a different command than the flow in progress.
fn switches(text: &str, own: &[Intent]) -> bool {
    let i = classify(text);
    i.is_staff_command() && !own.contains(&i)
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

/// "5" or "5:30" (12-hour, no suffix), as people say an hour.
fn short_hour(t: NaiveTime) -> String {
    let (_, h) = t.hour12();
    if t.minute() == 0 {
        h.to_string()
    } else {
        format!("{h}:{:02}", t.minute())
    }
}

fn wall(dt: NaiveDateTime) -> String {
    dt.format("%Y-%m-%dT%H:%M").to_string()
}

// ───────────────────────────── Block time ─────────────────────────────

/// The business's opening and closing on `date` (first and last range).
async fn opening(
    st: &StaffTurn<'_>,
    date: NaiveDate,
) -> Result<Option<(NaiveTime, NaiveTime)>, AgentError> {
    let Some(location) = st.location().await? else {
        return Ok(None);
    };
    let ranges = location.business_hours.on(date.weekday());
    Ok(match (ranges.first(), ranges.last()) {
        (Some(a), Some(b)) => Some((a.start, b.end)),
        _ => None,
    })
}

pub(crate) async fn block_start(st: &StaffTurn<'_>, text: &str) -> Result<AgentReply, AgentError> {
    if !st.may(Action::BlockOwnTime) {
        return Ok(forbidden(Action::BlockOwnTime));
    }
    let team = st.team().await?;
    let staff = teammate_in(st, &team, text).map(|s| s.id.to_string());
    block_with(
        st,
        None,
        text,
        FlowData {
            staff,
            ..FlowData::default()
        },
    )
    .await
}

async fn block_with(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    text: &str,
    data: FlowData,
) -> Result<AgentReply, AgentError> {
    let (date, time) = time_in(st, text);
    let day = date.map_or_else(|| st.today(), |d| d.first());
    let (open, close) = opening(st, day).await?.unwrap_or((hm(9, 0), hm(20, 0)));
    let n = normalize(text);
    let whole_day = n.contains("todo el dia") || n.contains("el dia completo");
    // "las 4, tengo que salir temprano": "temprano" reads as morning, but
    // an hour before opening that fits in the afternoon means the afternoon.
    let time = match time {
        Some(TimeSpec::At(t)) if t < open && t.hour() < 12 && t + Duration::hours(12) < close => {
            Some(TimeSpec::At(t + Duration::hours(12)))
        }
        other => other,
    };
    let range = match time {
        Some(TimeSpec::At(t)) => Some((t, (t + Duration::hours(1)).min(hm(23, 59)), true)),
        Some(TimeSpec::Between(a, b)) => Some((a, b, false)),
        Some(TimeSpec::After(t)) => Some((t, close.max(t + Duration::hours(1)), false)),
        Some(TimeSpec::Before(t)) => Some((open.min(t), t, false)),
        Some(TimeSpec::Part(p)) => {
            let (a, b) = p.bounds();
            Some((a.max(open), b.min(close), false))
        }
        None if whole_day || (date.is_some() && n.contains("dia")) => Some((open, close, false)),
        None => None,
    };
    let Some((start, end, single)) = range else {
        st.save(previous, FlowType::BlockTime, "ask_time", &data)
            .await?;
        return Ok(AgentReply::text(
            "¿Qué horario quieres bloquear? Por ejemplo: «de 2 a 3» o «las 4».",
        ));
    };
    let reason = ["comida", "comer", "almuerzo"]
        .iter()
        .any(|w| n.contains(w))
        .then(|| "comida".to_string());
    let args = BlockTimeArgs {
        start: wall(day.and_time(start)),
        end: wall(day.and_time(end)),
        reason,
        staff: data.staff.clone(),
    };
    let result = match st.tools.block_time(&st.actor, &args).await {
        Ok(r) => r,
        Err(e) => {
            st.clear().await?;
            return Ok(refused(&e));
        }
    };
    let whom = if result.staff == st.me.name {
        String::new()
    } else {
        format!(" a {}", first_name(&result.staff))
    };
    let when = if day == st.today() {
        String::new()
    } else {
        format!(" el {}", format::date_long(day, st.today()))
    };
    if single && end < close {
        let label = st.locale().time(start);
        st.save(
            previous,
            FlowType::BlockTime,
            "offer_rest",
            &FlowData {
                rest_start: Some(day.and_time(end)),
                rest_end: Some(day.and_time(close)),
                done_label: Some(label.clone()),
                ..data
            },
        )
        .await?;
        return Ok(AgentReply::text(format!(
            "Listo, bloqueé{whom} las {label}{when} ✓ ¿Quieres que también bloquee de {} en adelante?",
            short_hour(end)
        )));
    }
    st.clear().await?;
    Ok(AgentReply::text(format!(
        "Listo, bloqueé{whom} de {} a {}{when} ✓ ¿Algo más?",
        st.locale().time(start),
        st.locale().time(end)
    )))
}

pub(crate) async fn block_step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    let data: FlowData = flow::data(f);
    if switches(text, &[Intent::BlockTime]) {
        st.clear().await?;
        return Ok(None);
    }
    match f.state.as_str() {
        "offer_rest" if is_yes(text) => {
            let (Some(a), Some(b)) = (data.rest_start, data.rest_end) else {
                st.clear().await?;
                return Ok(None);
            };
            let args = BlockTimeArgs {
                start: wall(a),
                end: wall(b),
                reason: None,
                staff: data.staff.clone(),
            };
            st.clear().await?;
            Ok(Some(match st.tools.block_time(&st.actor, &args).await {
                Ok(_) => AgentReply::text(format!(
                    "Listo, también bloqueé de {} a {} ✓ ¿Algo más?",
                    st.locale().time(a.time()),
                    st.locale().time(b.time())
                )),
                Err(e) => refused(&e),
            }))
        }
        "offer_rest" if is_no(text) => {
            st.clear().await?;
            let label = data.done_label.unwrap_or_default();
            Ok(Some(AgentReply::text(format!(
                "Perfecto, solo las {label} bloqueadas. ¿Algo más?"
            ))))
        }
        "ask_time" => block_with(st, Some(f), text, data).await.map(Some),
        _ => {
            st.clear().await?;
            Ok(None)
        }
    }
}

// ───────────────────────────── Attendance ─────────────────────────────

pub(crate) async fn attendance_start(
    st: &StaffTurn<'_>,
    text: &str,
    status: AttendanceStatus,
) -> Result<AgentReply, AgentError> {
    if !st.may(Action::MarkAttendance) {
        return Ok(forbidden(Action::MarkAttendance));
    }
    attendance_find(
        st,
        None,
        text,
        FlowData {
            status: Some(status),
            ..FlowData::default()
        },
    )
    .await
}

fn appt_label(item: &ScheduleItem, st: &StaffTurn<'_>) -> String {
    format!(
        "la cita de {} a las {} ({})",
        item.customer.as_deref().unwrap_or("un cliente"),
        st.locale().time(utc_to_local(st.tz, item.start).time()),
        item.service.as_deref().unwrap_or("")
    )
}

async fn attendance_find(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    text: &str,
    data: FlowData,
) -> Result<AgentReply, AgentError> {
    let (date, time) = time_in(st, text);
    let day = date.map_or_else(|| st.today(), |d| d.first());
    let schedule = match st
        .tools
        .get_business_schedule(&st.actor, &ScheduleArgs { date: Some(day) })
        .await
    {
        Ok(s) => s,
        Err(e) => return Ok(refused(&e)),
    };
    let open: Vec<&ScheduleItem> = schedule
        .items
        .iter()
        .filter(|i| i.kind == ScheduleItemKind::Appointment)
        .filter(|i| {
            matches!(
                i.status,
                Some(AppointmentStatus::Pending | AppointmentStatus::Confirmed)
            )
        })
        .collect();
    let mut candidates: Vec<&ScheduleItem> = match time.and_then(|t| t.exact()) {
        Some(t) => open
            .iter()
            .copied()
            .filter(|i| {
                let local = utc_to_local(st.tz, i.start).time();
                local.hour() == t.hour() && (t.minute() == 0 || local.minute() == t.minute())
            })
            .collect(),
        None => open
            .iter()
            .copied()
            .filter(|i| i.start <= st.turn.now && day == st.today())
            .collect(),
    };
    if candidates.len() > 1 {
        let mine: Vec<&ScheduleItem> = candidates
            .iter()
            .copied()
            .filter(|i| i.staff == st.me.name)
            .collect();
        if mine.len() == 1 {
            candidates = mine;
        }
    }
    match candidates.as_slice() {
        [] if time.is_none() => {
            st.save(previous, FlowType::MarkAttendance, "ask_time", &data)
                .await?;
            Ok(AgentReply::text("¿De qué hora es la cita?"))
        }
        [] => {
            st.clear().await?;
            Ok(AgentReply::text(
                "No encontré una cita pendiente a esa hora. Revisa la agenda con «agenda de hoy».",
            ))
        }
        [one] => {
            let label = appt_label(one, st);
            st.save(
                previous,
                FlowType::MarkAttendance,
                "confirm",
                &FlowData {
                    appointment_id: Some(one.id.to_string()),
                    customer_name: one.customer.clone(),
                    ..data
                },
            )
            .await?;
            Ok(AgentReply::text(format!("¿Te refieres a {label}?")))
        }
        many => {
            let options: Vec<(String, String)> = many
                .iter()
                .map(|i| {
                    (
                        i.id.to_string(),
                        format!("{} con {}", appt_label(i, st), i.staff),
                    )
                })
                .collect();
            let list = options
                .iter()
                .enumerate()
                .map(|(n, (_, l))| format!("{}. {}", n + 1, format::capitalize(l)))
                .collect::<Vec<_>>()
                .join("\n");
            st.save(
                previous,
                FlowType::MarkAttendance,
                "choose",
                &FlowData { options, ..data },
            )
            .await?;
            Ok(AgentReply::text(format!("¿Cuál de estas?\n{list}")))
        }
    }
}

pub(crate) async fn attendance_step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    let data: FlowData = flow::data(f);
    if switches(text, &[Intent::MarkNoShow, Intent::MarkCompleted]) {
        st.clear().await?;
        return Ok(None);
    }
    match f.state.as_str() {
        "ask_time" => attendance_find(st, Some(f), text, data).await.map(Some),
        "choose" => {
            let Some((id, label)) = flow::pick(text, &data.options).cloned() else {
                return Ok(Some(AgentReply::text(
                    "¿Cuál? Respóndeme con el número de la lista.",
                )));
            };
            st.save(
                Some(f),
                FlowType::MarkAttendance,
                "confirm",
                &FlowData {
                    appointment_id: Some(id),
                    options: Vec::new(),
                    ..data
                },
            )
            .await?;
            Ok(Some(AgentReply::text(format!("¿Te refieres a {label}?"))))
        }
        "confirm" if is_yes(text) => mark(st, f, data).await.map(Some),
        "confirm" if is_no(text) => {
            st.save(Some(f), FlowType::MarkAttendance, "ask_time", &data)
                .await?;
            Ok(Some(AgentReply::text(
                "Entendido. ¿De qué hora es la cita?",
            )))
        }
        "offer_message" if is_yes(text) => send_no_show_message(st, data, text).await.map(Some),
        "offer_message" if is_no(text) => {
            st.clear().await?;
            Ok(Some(AgentReply::text(
                "Perfecto, no le envío nada. ¿Algo más?",
            )))
        }
        "confirm" | "offer_message" => Ok(Some(AgentReply::text(
            "¿Sí o no? (Escribe «cancela» para dejarlo.)",
        ))),
        _ => {
            st.clear().await?;
            Ok(None)
        }
    }
}

async fn mark(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    data: FlowData,
) -> Result<AgentReply, AgentError> {
    let (Some(id), Some(status)) = (data.appointment_id.clone(), data.status) else {
        st.clear().await?;
        return Ok(AgentReply::text("¿De qué cita hablamos?"));
    };
    let summary = match st
        .tools
        .mark_appointment_status(
            &st.actor,
            &MarkStatusArgs {
                appointment_id: id.clone(),
                status,
            },
        )
        .await
    {
        Ok(s) => s,
        Err(e) => {
            st.clear().await?;
            return Ok(refused(&e));
        }
    };
    let who = data.customer_name.clone().unwrap_or_default();
    if status == AttendanceStatus::Completed {
        st.clear().await?;
        return Ok(AgentReply::text(format!(
            "Listo, marqué la cita de {} como completada ✓ ¿Algo más?",
            first_name(&who)
        )));
    }
    // The customer behind the appointment, to offer a message.
    let appt = st
        .agent
        .store
        .get_appointment(st.org.id, summary.appointment_id)
        .await
        .map_err(err)?;
    let Some(appt) = appt else {
        st.clear().await?;
        return Ok(AgentReply::text("Marqué la cita como no-show ✓"));
    };
    st.save(
        Some(f),
        FlowType::MarkAttendance,
        "offer_message",
        &FlowData {
            customer_id: Some(appt.customer_id.to_string()),
            ..data
        },
    )
    .await?;
    Ok(AgentReply::text(format!(
        "Marqué la cita como no-show ✓ ¿Quieres que le envíe un mensaje a {}?",
        first_name(&who)
    )))
}

/// Example 6's message: a kind note and an invitation to rebook. When the
/// staff member dictates something else ("dile que …" without the usual
/// wishes), their words are passed on.
fn no_show_text(first: &str, instruction: &str) -> String {
    let n = normalize(instruction);
    let template = format!(
        "Hola {first}, notamos que no pudiste llegar a tu cita de hoy. Esperamos que todo esté bien. \
         Cuando gustes, escríbenos para reagendar."
    );
    let dictated =
        super::staff::after_keyword(instruction, &["dile que", "dígale que", "digale que"])
            .filter(|d| !d.is_empty());
    match dictated {
        Some(d) if !(n.contains("reagend") || n.contains("bien") || n.contains("avise")) => {
            format!("Hola {first}, {d}.")
        }
        _ => template,
    }
}

async fn send_no_show_message(
    st: &StaffTurn<'_>,
    data: FlowData,
    text: &str,
) -> Result<AgentReply, AgentError> {
    st.clear().await?;
    let Some(customer) = data.customer_id.clone() else {
        return Ok(AgentReply::text("No encontré a quién enviarle el mensaje."));
    };
    let first = first_name(data.customer_name.as_deref().unwrap_or(""));
    let args = SendMessageArgs {
        customer,
        message: no_show_text(&first, text),
    };
    match st.tools.send_message_to_customer(&st.actor, &args).await {
        Ok(sent) => Ok(AgentReply::text(format!(
            "Enviado ✓ Le mandé: \"{}\"",
            sent.text
        ))),
        Err(e) => Ok(refused(&e)),
    }
}

/// "Mándale un mensaje a Roberto: …", "dile a Roberto que …".
pub(crate) async fn message_customer(
    st: &StaffTurn<'_>,
    text: &str,
) -> Result<AgentReply, AgentError> {
    let (who, body) = if let Some(rest) =
        after_keyword(text, &["mensaje a ", "dile a ", "avísale a ", "avisale a "])
    {
        match rest.split_once(':').or_else(|| rest.split_once(" que ")) {
            Some((w, b)) => (w.trim().to_string(), format::capitalize(b.trim())),
            None => (rest, String::new()),
        }
    } else {
        (String::new(), String::new())
    };
    if who.is_empty() || body.is_empty() {
        return Ok(AgentReply::text(
            "Escríbemelo así: «Mensaje a Roberto: tu texto».",
        ));
    }
    let message = if body.ends_with(['.', '!', '?']) {
        body
    } else {
        format!("{body}.")
    };
    match st
        .tools
        .send_message_to_customer(
            &st.actor,
            &SendMessageArgs {
                customer: who,
                message,
            },
        )
        .await
    {
        Ok(sent) => Ok(AgentReply::text(format!(
            "Enviado ✓ Le mandé: \"{}\"",
            sent.text
        ))),
        Err(e) => Ok(refused(&e)),
    }
}

// ───────────────────────────── Walk-in ─────────────────────────────

fn service_menu(services: &[ServiceType]) -> String {
    services
        .iter()
        .filter(|s| s.is_active)
        .map(|s| {
            format!(
                "• {} - {} ({})",
                s.name,
                format::price(s.price_cents, &s.currency),
                format::duration(s.duration_minutes)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn services(st: &StaffTurn<'_>) -> Result<Vec<ServiceType>, AgentError> {
    let mut all = st.agent.store.list_services(st.org.id).await.map_err(err)?;
    all.retain(|s| s.is_active);
    // Cheapest first, as a menu reads (spec Example 5).
    all.sort_by(|a, b| (a.price_cents, &a.name).cmp(&(b.price_cents, &b.name)));
    Ok(all)
}

fn service_in<'a>(text: &str, services: &'a [ServiceType]) -> Option<&'a ServiceType> {
    match find_in_text(text, services, |s| s.name.as_str()) {
        Some(Match::Found(s)) => Some(s.item),
        _ => match best_match(text, services, |s| s.name.as_str()) {
            Some(Match::Found(s)) => Some(s.item),
            _ => None,
        },
    }
}

pub(crate) async fn walk_in_start(
    st: &StaffTurn<'_>,
    text: &str,
) -> Result<AgentReply, AgentError> {
    if !st.may(Action::CreateBooking) {
        return Ok(forbidden(Action::CreateBooking));
    }
    let services = services(st).await?;
    match service_in(text, &services) {
        Some(s) => ask_walk_in_phone(st, None, s).await,
        None => {
            st.save(None, FlowType::WalkIn, "service", &FlowData::default())
                .await?;
            Ok(AgentReply::text(format!(
                "¿Qué servicio quiere? Tenemos:\n{}",
                service_menu(&services)
            )))
        }
    }
}

async fn ask_walk_in_phone(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    service: &ServiceType,
) -> Result<AgentReply, AgentError> {
    st.save(
        previous,
        FlowType::WalkIn,
        "phone",
        &FlowData {
            service: Some(service.id.to_string()),
            ..FlowData::default()
        },
    )
    .await?;
    Ok(AgentReply::text(
        "Perfecto. ¿Tienes el teléfono de la persona para registrarla?",
    ))
}

pub(crate) async fn walk_in_step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    let mut data: FlowData = flow::data(f);
    if switches(text, &[Intent::WalkIn]) {
        st.clear().await?;
        return Ok(None);
    }
    match f.state.as_str() {
        "service" => {
            let services = services(st).await?;
            Ok(Some(match service_in(text, &services) {
                Some(s) => ask_walk_in_phone(st, Some(f), s).await?,
                None => AgentReply::text(format!(
                    "No encontré ese servicio. ¿Cuál de estos?\n{}",
                    service_menu(&services)
                )),
            }))
        }
        "phone" => {
            if let Some(raw) = phone_in(text) {
                let region = phone::Region::for_timezone(&st.org.timezone);
                let Ok(e164) = phone::normalize(&raw, region) else {
                    return Ok(Some(AgentReply::text(
                        "Ese número no parece válido. ¿Me lo escribes con sus 10 dígitos?",
                    )));
                };
                let known = st
                    .agent
                    .store
                    .customer_by_phone(st.org.id, &e164)
                    .await
                    .map_err(err)?;
                data.phone = Some(e164);
                if let Some(name) = known.and_then(|c| c.name) {
                    data.name = Some(name);
                    return book_walk_in(st, data).await.map(Some);
                }
            } else if !is_no(text) && !normalize(text).contains("no tiene") {
                return Ok(Some(AgentReply::text(
                    "¿Me pasas su teléfono? Si no lo tiene, escribe «no».",
                )));
            }
            st.save(Some(f), FlowType::WalkIn, "name", &data).await?;
            Ok(Some(AgentReply::text(if data.phone.is_some() {
                "Registrado. ¿Nombre?"
            } else {
                "Va, sin teléfono. ¿Nombre?"
            })))
        }
        "name" => {
            let name = clean_name(text);
            if name.is_empty() {
                return Ok(Some(AgentReply::text("¿Cómo se llama?")));
            }
            data.name = Some(name);
            book_walk_in(st, data).await.map(Some)
        }
        _ => {
            st.clear().await?;
            Ok(None)
        }
    }
}

/// A person's name as typed: trimmed, without "se llama", capitalised.
pub(crate) fn clean_name(text: &str) -> String {
    let t = text
        .trim()
        .trim_matches(|c: char| ".,!¡¿?".contains(c))
        .trim();
    let t = [
        "se llama ",
        "es ",
        "llámame ",
        "llamame ",
        "dime ",
        "soy ",
        "me llamo ",
    ]
    .iter()
    // Offsets in the original text: lowercasing may change lengths.
    .find_map(|p| {
        parlo_core::es::find_ci(t, p)
            .filter(|at| at.start == 0)
            .map(|at| t[at.end..].trim())
    })
    .unwrap_or(t);
    t.split_whitespace()
        .map(format::capitalize)
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(60)
        .collect()
}

async fn book_walk_in(st: &StaffTurn<'_>, data: FlowData) -> Result<AgentReply, AgentError> {
    st.clear().await?;
    let Some(service) = data.service.clone() else {
        return Ok(AgentReply::text("¿Para qué servicio?"));
    };
    let performs = st.me.service_ids.iter().any(|id| id.to_string() == service) && st.me.bookable;
    let args = WalkInArgs {
        service,
        customer_phone: data.phone.clone(),
        customer_name: data.name.clone(),
        staff: performs.then(|| st.me.id.to_string()),
    };
    match st.tools.book_walk_in(&st.actor, &args).await {
        Ok(a) => {
            let name = data.name.unwrap_or_default();
            let phone = data
                .phone
                .as_deref()
                .map(|p| format!(" ({})", display_phone(p)))
                .unwrap_or_default();
            let with = if a.staff == st.me.name {
                "contigo".to_string()
            } else {
                format!("con {}", a.staff)
            };
            Ok(AgentReply::text(format!(
                "Listo ✓ Registré a {name}{phone} para {} ahora a las {} {with}.",
                a.service, a.time
            )))
        }
        Err(e) => Ok(refused(&e)),
    }
}

// ───────────────────────────── Add staff ─────────────────────────────

pub(crate) async fn add_staff_start(
    st: &StaffTurn<'_>,
    _text: &str,
) -> Result<AgentReply, AgentError> {
    if !st.may(Action::AddStaff) {
        return Ok(forbidden(Action::AddStaff));
    }
    st.save(None, FlowType::AddStaff, "name", &FlowData::default())
        .await?;
    Ok(AgentReply::text(
        "¡Claro! Necesito algunos datos:\n1. ¿Cómo se llama?",
    ))
}

pub(crate) async fn add_staff_step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    let mut data: FlowData = flow::data(f);
    if switches(text, &[Intent::AddStaff]) && f.state != "name" {
        st.clear().await?;
        return Ok(None);
    }
    match f.state.as_str() {
        "name" => {
            let name = clean_name(text);
            if name.is_empty() {
                return Ok(Some(AgentReply::text("¿Cómo se llama?")));
            }
            data.name = Some(name);
            st.save(Some(f), FlowType::AddStaff, "phone", &data).await?;
            Ok(Some(AgentReply::text("2. ¿Cuál es su número de WhatsApp?")))
        }
        "phone" => {
            let region = phone::Region::for_timezone(&st.org.timezone);
            let e164 = phone_in(text).and_then(|p| phone::normalize(&p, region).ok());
            let Some(e164) = e164 else {
                return Ok(Some(AgentReply::text(
                    "Ese número no parece válido. ¿Me lo escribes con sus 10 dígitos?",
                )));
            };
            data.phone = Some(e164);
            st.save(Some(f), FlowType::AddStaff, "services", &data)
                .await?;
            let services = services(st).await?;
            let list = services
                .iter()
                .map(|s| format!("• {}", s.name))
                .collect::<Vec<_>>()
                .join("\n");
            Ok(Some(AgentReply::text(format!(
                "3. ¿Qué servicios va a ofrecer {}?\n{list}",
                first_name(data.name.as_deref().unwrap_or(""))
            ))))
        }
        "services" => add_staff_finish(st, f, data, text).await.map(Some),
        "welcome" if is_yes(text) => {
            st.clear().await?;
            let (Some(to), Some(name)) = (data.phone.clone(), data.name.clone()) else {
                return Ok(None);
            };
            let welcome = format!(
                "¡Hola {}! 👋 {} te registró en Parlo, su asistente de citas por WhatsApp. \
                 Escríbeme a este número para ver tu agenda («¿Qué tengo hoy?»), bloquear tiempo \
                 («Bloquea de 2 a 3»), marcar citas completadas y registrar a quien llegue sin cita.",
                first_name(&name),
                st.org.name
            );
            Ok(Some(AgentReply {
                replies: vec!["Enviado ✓".into()],
                notifications: vec![Notification {
                    to,
                    text: welcome,
                    kind: parlo_app::services::MessageKind::EmployeeWelcome,
                    vars: vec![first_name(&name), st.org.name.clone()],
                }],
            }))
        }
        "welcome" if is_no(text) => {
            st.clear().await?;
            Ok(Some(AgentReply::text("Perfecto. ¿Algo más?")))
        }
        _ => {
            st.clear().await?;
            Ok(None)
        }
    }
}

async fn add_staff_finish(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    mut data: FlowData,
    text: &str,
) -> Result<AgentReply, AgentError> {
    let services = services(st).await?;
    let n = normalize(text);
    let chosen: Vec<&ServiceType> = if n.contains("todo") {
        services.iter().collect()
    } else {
        text.split([',', '\n', '/'])
            .flat_map(|p| p.split(" y "))
            .filter_map(|part| service_in(part, &services))
            .collect()
    };
    if chosen.is_empty() {
        return Ok(AgentReply::text(
            "No reconocí esos servicios. Escribe sus nombres o «todos».",
        ));
    }
    let (Some(name), Some(phone)) = (data.name.clone(), data.phone.clone()) else {
        st.clear().await?;
        return Ok(AgentReply::text("Empecemos de nuevo: ¿cómo se llama?"));
    };
    let added = match st
        .tools
        .add_staff(
            &st.actor,
            &AddStaffArgs {
                name: name.clone(),
                phone: phone.clone(),
                permission_level: None,
            },
        )
        .await
    {
        Ok(a) => a,
        Err(e) => {
            st.clear().await?;
            return Ok(refused(&e));
        }
    };
    if chosen.len() < services.len() {
        // The tool gives a new member every service; narrow it down.
        if let Some(mut s) = st
            .agent
            .store
            .get_staff(st.org.id, added.staff_id)
            .await
            .map_err(err)?
        {
            let seen = s.updated_at;
            s.service_ids = chosen.iter().map(|c| c.id).collect();
            s.updated_at = st.turn.now;
            // Through the services (the one writer), like every team change.
            st.tools
                .services
                .save_staff(&st.tools.act(&st.actor), &st.org, &s, seen)
                .await
                .map_err(err)?;
        }
    }
    data.text.clear();
    st.save(Some(f), FlowType::AddStaff, "welcome", &data)
        .await?;
    let first = first_name(&name);
    Ok(AgentReply::text(format!(
        "Perfecto. Agregué a {name} ({}) como empleado ✓\n\n\
         Ahora {first} puede escribirme desde su WhatsApp para:\n\
         - Ver su agenda\n- Bloquear tiempo\n- Marcar citas completadas\n- Registrar walk-ins\n\n\
         ¿Quieres que le mande un mensaje de bienvenida explicándole cómo usar Parlo?",
        display_phone(&phone)
    )))
}

// ───────────────────────────── Owner changes ─────────────────────────────

enum Outcome {
    Done(AgentReply),
    /// Something is missing: ask (the flow keeps what was said).
    Ask(String),
    /// Ready, needs a yes first (removing someone).
    Confirm(String),
}

fn owner_action(flow_type: FlowType, text: &str) -> Action {
    match flow_type {
        FlowType::RemoveStaff => Action::RemoveStaff,
        FlowType::ChangePermissions => Action::ChangePermissions,
        FlowType::ChangeHours => Action::ChangeBusinessHours,
        _ if price_in(text).is_some() => Action::ModifyServicesPrices,
        _ => Action::ChangeServiceDurations,
    }
}

pub(crate) async fn owner_start(
    st: &StaffTurn<'_>,
    flow_type: FlowType,
    text: &str,
) -> Result<AgentReply, AgentError> {
    let action = owner_action(flow_type, text);
    if !st.may(action) {
        return Ok(forbidden(action));
    }
    owner_run(st, None, flow_type, text.to_string(), false).await
}

pub(crate) async fn owner_step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    let data: FlowData = flow::data(f);
    let own = [
        Intent::RemoveStaff,
        Intent::ChangePermissions,
        Intent::ChangeHours,
        Intent::ChangeServiceDuration,
        Intent::ChangePrice,
    ];
    if switches(text, &own) {
        st.clear().await?;
        return Ok(None);
    }
    if f.state == "confirm" {
        if is_yes(text) {
            return owner_run(st, Some(f), f.flow_type, data.text, true)
                .await
                .map(Some);
        }
        st.clear().await?;
        return Ok(Some(AgentReply::text("Va, no cambié nada. ¿Algo más?")));
    }
    let all = format!("{} {}", data.text, text);
    owner_run(st, Some(f), f.flow_type, all, false)
        .await
        .map(Some)
}

async fn owner_run(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    flow_type: FlowType,
    text: String,
    confirmed: bool,
) -> Result<AgentReply, AgentError> {
    let outcome = match flow_type {
        FlowType::RemoveStaff => remove_staff(st, &text, confirmed).await?,
        FlowType::ChangePermissions => change_permissions(st, &text).await?,
        FlowType::ChangeHours => change_hours(st, &text).await,
        _ => change_service(st, &text).await?,
    };
    let data = FlowData {
        text,
        ..FlowData::default()
    };
    match outcome {
        Outcome::Done(reply) => {
            st.clear().await?;
            Ok(reply)
        }
        Outcome::Ask(q) => {
            st.save(previous, flow_type, "ask", &data).await?;
            Ok(AgentReply::text(q))
        }
        Outcome::Confirm(q) => {
            st.save(previous, flow_type, "confirm", &data).await?;
            Ok(AgentReply::text(q))
        }
    }
}

async fn remove_staff(
    st: &StaffTurn<'_>,
    text: &str,
    confirmed: bool,
) -> Result<Outcome, AgentError> {
    let team = st.team().await?;
    let Some(who) = teammate_in(st, &team, text) else {
        return Ok(Outcome::Ask("¿A quién quieres dar de baja?".into()));
    };
    if !confirmed {
        return Ok(Outcome::Confirm(format!(
            "¿Confirmas que doy de baja a {}? Ya no podrá escribirme ni recibir citas.",
            who.name
        )));
    }
    Ok(Outcome::Done(
        match st
            .tools
            .remove_staff(
                &st.actor,
                &RemoveStaffArgs {
                    staff: who.id.to_string(),
                },
            )
            .await
        {
            Ok(r) => AgentReply::text(format!("Listo, di de baja a {} ✓", r.name)),
            Err(e) => refused(&e),
        },
    ))
}

fn level_in(text: &str) -> Option<PermissionLevel> {
    let n = normalize(text);
    let has = |w: &str| n.split_whitespace().any(|t| t.starts_with(w));
    if has("admin") || has("encargad") || has("gerente") {
        Some(PermissionLevel::Admin)
    } else if has("dueno") || has("owner") || has("socio") {
        Some(PermissionLevel::Owner)
    } else if n.contains("solo ver") || has("lectura") || has("viewer") || has("consulta") {
        Some(PermissionLevel::Viewer)
    } else if has("emplead") || has("staff") || has("normal") {
        Some(PermissionLevel::Staff)
    } else {
        None
    }
}

fn level_es(level: PermissionLevel) -> &'static str {
    match level {
        PermissionLevel::Owner => "dueño",
        PermissionLevel::Admin => "administrador",
        PermissionLevel::Staff => "empleado",
        PermissionLevel::Viewer => "solo ver",
    }
}

async fn change_permissions(st: &StaffTurn<'_>, text: &str) -> Result<Outcome, AgentError> {
    let team = st.team().await?;
    let Some(who) = teammate_in(st, &team, text) else {
        return Ok(Outcome::Ask("¿A quién le cambio el permiso?".into()));
    };
    let Some(level) = level_in(text) else {
        return Ok(Outcome::Ask(format!(
            "¿Qué permiso le doy a {}: dueño, administrador, empleado o solo ver?",
            first_name(&who.name)
        )));
    };
    Ok(Outcome::Done(
        match st
            .tools
            .change_permissions(
                &st.actor,
                &ChangePermissionsArgs {
                    staff: who.id.to_string(),
                    permission_level: level,
                },
            )
            .await
        {
            Ok(r) => AgentReply::text(format!(
                "Listo ✓ {} ahora tiene permiso de {}.",
                r.name,
                level_es(level)
            )),
            Err(e) => refused(&e),
        },
    ))
}

pub(crate) const WEEKDAYS: [(&str, Weekday); 7] = [
    ("lunes", Weekday::Mon),
    ("martes", Weekday::Tue),
    ("miercoles", Weekday::Wed),
    ("jueves", Weekday::Thu),
    ("viernes", Weekday::Fri),
    ("sabado", Weekday::Sat),
    ("domingo", Weekday::Sun),
];

/// The weekdays a message names: "el sábado", "de lunes a viernes",
/// "entre semana", "fin de semana", "diario".
pub(crate) fn weekdays_in(text: &str) -> Vec<Weekday> {
    let n = normalize(text);
    let words: Vec<&str> = n.split_whitespace().collect();
    if n.contains("entre semana") {
        return WEEKDAYS[..5].iter().map(|w| w.1).collect();
    }
    if n.contains("fin de semana") {
        return vec![Weekday::Sat, Weekday::Sun];
    }
    if n.contains("diario") || n.contains("todos los dias") {
        return WEEKDAYS.iter().map(|w| w.1).collect();
    }
    let day_at = |w: &str| {
        WEEKDAYS
            .iter()
            .position(|(name, _)| w.trim_end_matches('s') == name.trim_end_matches('s'))
    };
    let mut found = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let Some(a) = day_at(w) else { continue };
        // "lunes a viernes": a range.
        if let (Some(&"a"), Some(b)) = (words.get(i + 1), words.get(i + 2).and_then(|w| day_at(w)))
        {
            if b >= a {
                found.extend((a..=b).map(|k| WEEKDAYS[k].1));
                continue;
            }
        }
        found.push(WEEKDAYS[a].1);
    }
    found.dedup();
    found
}

async fn change_hours(st: &StaffTurn<'_>, text: &str) -> Outcome {
    let days = weekdays_in(text);
    if days.is_empty() {
        return Outcome::Ask("¿Qué día cambia el horario?".into());
    }
    let n = normalize(text);
    let closed = [
        "cerrado",
        "cerramos",
        "no abrimos",
        "descansamos",
        "no trabajamos",
    ]
    .iter()
    .any(|w| n.contains(w));
    // Read the hours without the weekday words (they would be dates).
    let mut without_days = n.clone();
    for (name, _) in WEEKDAYS {
        without_days = without_days
            .replace(&format!("{name}s"), " ")
            .replace(name, " ");
    }
    let range = match parse_when(&without_days, st.turn.now, st.tz).time {
        Some(TimeSpec::Between(a, b)) => Some((a, b)),
        _ => None,
    };
    let ranges = match (closed, range) {
        (true, _) => Vec::new(),
        (false, Some((a, b))) => vec![HoursRange { start: a, end: b }],
        (false, None) => {
            return Outcome::Ask(format!(
                "¿En qué horario abren el {}? Por ejemplo «de 10 a 6», o «cerrado».",
                format::weekday_name(days[0])
            ))
        }
    };
    let mut done = Vec::new();
    for day in &days {
        let args = ChangeHoursArgs {
            weekday: *day,
            ranges: ranges.clone(),
        };
        match st.tools.change_business_hours(&st.actor, &args).await {
            Ok(r) => done.push(r.weekday),
            Err(e) => return Outcome::Done(refused(&e)),
        }
    }
    let which = format::join_and(&done);
    Outcome::Done(AgentReply::text(match ranges.first() {
        None => format!("Listo ✓ El {which} queda cerrado."),
        Some(r) => format!(
            "Listo ✓ El {which} ahora abrimos de {} a {}.",
            st.locale().time(r.start),
            st.locale().time(r.end)
        ),
    }))
}

/// A price in the message: "$180", "cuesta 180", "a 180 pesos".
pub(crate) fn price_in(text: &str) -> Option<i64> {
    if let Some(i) = text.find('$') {
        let digits: String = text[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .filter(char::is_ascii_digit)
            .collect();
        if let Ok(v) = digits.parse::<i64>() {
            // Checked: "$92233720368547758" must not overflow (issue 11).
            return v.checked_mul(100);
        }
    }
    let n = normalize(text);
    let words: Vec<&str> = n.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let Ok(v) = w.parse::<i64>() else { continue };
        let next = words.get(i + 1).copied().unwrap_or("");
        let before = &words[..i];
        if next.starts_with("peso")
            || before
                .iter()
                .any(|b| ["cuesta", "cueste", "precio", "cobra", "cobramos", "vale"].contains(b))
                && !next.starts_with("min")
                && !next.starts_with("hora")
        {
            return v.checked_mul(100);
        }
    }
    None
}

/// A duration in the message: "45 minutos", "1 hora", "hora y media".
pub(crate) fn duration_in(text: &str) -> Option<u32> {
    let n = normalize(text);
    let words: Vec<&str> = n.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or("");
        let half = words.get(i + 2) == Some(&"y") && words.get(i + 3) == Some(&"media");
        let value = match *w {
            "una" | "un" => Some(1),
            _ => w.parse::<u32>().ok(),
        };
        if let Some(v) = value {
            if next.starts_with("min") {
                return Some(v);
            }
            if next.starts_with("hora") || next == "h" || next == "hr" || next == "hrs" {
                // Checked: "4294967295 horas" must not overflow (issue 11).
                return v
                    .checked_mul(60)
                    .and_then(|m| m.checked_add(if half { 30 } else { 0 }));
            }
        }
    }
    n.contains("hora y media").then_some(90)
}

async fn change_service(st: &StaffTurn<'_>, text: &str) -> Result<Outcome, AgentError> {
    let services = services(st).await?;
    let found = match find_in_text(text, &services, |s| s.name.as_str()) {
        Some(Match::Found(s)) => Some(s.item),
        _ => None,
    };
    let Some(service) = found else {
        let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
        return Ok(Outcome::Ask(format!(
            "¿Qué servicio cambio? {}",
            format::join_or(&names)
        )));
    };
    let (price, duration) = (price_in(text), duration_in(text));
    if price.is_none() && duration.is_none() {
        return Ok(Outcome::Ask(format!(
            "¿Qué cambio de {}: el precio o la duración? Por ejemplo «$180» o «45 minutos».",
            service.name
        )));
    }
    Ok(Outcome::Done(
        match st
            .tools
            .change_service(
                &st.actor,
                &ChangeServiceArgs {
                    service: service.id.to_string(),
                    duration_minutes: duration,
                    price_cents: price,
                    name: None,
                    description: None,
                },
            )
            .await
        {
            Ok(r) => AgentReply::text(format!(
                "Listo ✓ {} ahora cuesta {} y dura {}. Las citas ya agendadas no cambian.",
                r.name,
                r.price,
                format::duration(r.duration_minutes)
            )),
            Err(e) => refused(&e),
        },
    ))
}

// ───────────────────────────── Handoff ─────────────────────────────

/// "Ya atendí a +52 55 1234 5678" (release) / "yo me encargo de …" (take
/// over).
pub(crate) async fn conversation(
    st: &StaffTurn<'_>,
    text: &str,
    take_over: bool,
) -> Result<AgentReply, AgentError> {
    let who = phone_in(text).or_else(|| {
        after_keyword(
            text,
            &[
                "ya atendí a ",
                "ya atendi a ",
                "me encargo de ",
                "conversación con ",
                "conversacion con ",
                "chat de ",
            ],
        )
        .filter(|s| !s.is_empty())
    });
    let Some(who) = who else {
        return Ok(AgentReply::text(
            "¿Con qué cliente? Escríbeme su teléfono, por ejemplo «ya atendí a 55 1234 5678».",
        ));
    };
    let args = ConversationArgs { customer: who };
    let result = if take_over {
        st.tools.take_over_conversation(&st.actor, &args).await
    } else {
        st.tools.release_conversation(&st.actor, &args).await
    };
    Ok(match result {
        Ok(r) if take_over => AgentReply::text(format!(
            "Listo ✓ Dejo de responderle a {} por {HANDOFF_HOURS} horas; escríbele tú directamente.",
            r.customer
        )),
        Ok(r) => AgentReply::text(format!(
            "Listo ✓ Vuelvo a atender a {} ({}).",
            r.customer,
            display_phone(&r.phone)
        )),
        Err(e) => refused(&e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_and_durations() {
        assert_eq!(price_in("el corte ahora cuesta $180"), Some(18000));
        assert_eq!(price_in("cobra 250 pesos la barba"), Some(25000));
        assert_eq!(price_in("el corte dura 45 minutos"), None);
        assert_eq!(duration_in("el corte dura 45 minutos"), Some(45));
        assert_eq!(duration_in("tinte 2 horas y media"), Some(150));
        assert_eq!(duration_in("cuesta $180"), None);
    }

    #[test]
    fn weekdays() {
        assert_eq!(
            weekdays_in("el sábado abrimos de 10 a 6"),
            vec![Weekday::Sat]
        );
        assert_eq!(weekdays_in("de lunes a miércoles de 9 a 7").len(), 3);
        assert_eq!(weekdays_in("los domingos cerramos"), vec![Weekday::Sun]);
    }

    #[test]
    fn names_and_hours() {
        assert_eq!(clean_name("se llama ana lópez."), "Ana López");
        assert_eq!(short_hour(hm(17, 0)), "5");
        assert_eq!(short_hour(hm(17, 30)), "5:30");
        assert_eq!(
            level_in("hazlo administrador"),
            Some(PermissionLevel::Admin)
        );
        assert!(no_show_text(
            "Roberto",
            "Si, dile que esperamos que esté bien y que nos avise para reagendar"
        )
        .starts_with("Hola Roberto, notamos que no pudiste llegar"));
    }
}
