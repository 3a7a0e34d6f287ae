//! New Booking flow (spec/001 flow 3): service → date/time → staff (only
//! when several people are free at the chosen time) → name (asked of new
//! customers; a returning customer's is confirmed in the summary) →
//! booked. Every message is mined for everything it says ("un corte
//! mañana a las 4 con Pedro"), so a customer who gives service and day up
//! front is booked within four messages.

use chrono::NaiveDate;
use parlo_core::es::format;
use parlo_core::es::intent::Intent;
use parlo_core::es::when::TimeSpec;
use parlo_core::{FlowSession, FlowType};
use serde::{Deserialize, Serialize};

use super::slots::{self, Offer, Offering, Wanted};
use super::{
    err, service_line, tool_text, wall_clock, Cx, MAX_MISSES, NOT_UNDERSTOOD, OFFER_PERSON,
};
use crate::agent::rules::flow;
use crate::agent::{AgentError, AgentReply};
use crate::tools::{BookAppointmentArgs, SaveNameArgs, ToolError};

pub const COLLECTING_SERVICE: &str = "collecting_service";
pub const COLLECTING_DATETIME: &str = "collecting_datetime";
pub const COLLECTING_STAFF: &str = "collecting_staff_preference";
pub const COLLECTING_INFO: &str = "collecting_personal_info";
pub const CONFIRMING: &str = "confirming_summary";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BookingData {
    #[serde(default)]
    pub service: Option<String>,
    /// Services the last message could mean (asked back).
    #[serde(default)]
    pub service_options: Vec<String>,
    #[serde(default)]
    pub date_from: Option<NaiveDate>,
    #[serde(default)]
    pub date_to: Option<NaiveDate>,
    #[serde(default)]
    pub time: Option<TimeSpec>,
    /// The times last listed (what "la primera" refers to).
    #[serde(default)]
    pub offered: Vec<Offer>,
    #[serde(default)]
    pub start: Option<Offer>,
    #[serde(default)]
    pub staff: Option<String>,
    /// The customer has no preference of staff.
    #[serde(default)]
    pub any_staff: bool,
    /// The staff member was assigned by Parlo, not asked for.
    #[serde(default)]
    pub staff_assigned: bool,
    /// The customer asked who could attend them: they choose.
    #[serde(default)]
    pub wants_choice: bool,
    /// The business asks for a preference and it was asked already.
    #[serde(default)]
    pub staff_asked: bool,
    /// The name given in this flow.
    #[serde(default)]
    pub name: Option<String>,
    /// The returning customer confirmed the summary.
    #[serde(default)]
    pub confirmed: bool,
    /// Failed answers to the current question in a row.
    #[serde(default)]
    pub misses: u8,
    /// Service and staff member came from «lo de siempre».
    #[serde(default)]
    pub usual: bool,
    /// The WhatsApp profile name offered as the booking's name (the
    /// customer confirms it; never taken silently).
    #[serde(default)]
    pub suggested_name: Option<String>,
    /// The customer said the suggested name is not theirs.
    #[serde(default)]
    pub suggestion_declined: bool,
}

const NO_PREFERENCE: &[&str] = &[
    "cualquiera",
    "cualquier",
    "igual",
    "quien",
    "nadie",
    "preferencia",
    "indistinto",
    "sea",
    "no",
    "libre",
];

/// Runs one booking turn (`flow` is `None` when the booking starts now).
pub async fn handle(cx: &Cx<'_>, flow: Option<FlowSession>) -> Result<AgentReply, AgentError> {
    let mut d: BookingData = flow.as_ref().map(flow::data).unwrap_or_default();
    let state = flow
        .as_ref()
        .map_or("initiated", |f| f.state.as_str())
        .to_string();
    if flow.is_some() && is_abort(cx) {
        cx.clear().await?;
        return Ok(AgentReply::text(
            "Va, lo dejamos aquí. Si quieres retomarlo, dime qué servicio y cuándo. 👋",
        ));
    }
    // «Lo de siempre»: the last service with the last staff member.
    let mut usual_note = None;
    let mut usual_now = false;
    if cx.reading.usual && d.service.is_none() {
        match last_visit(cx).await? {
            Some((service, staff)) => {
                d.service = Some(service);
                if let Some(staff) = staff {
                    d.staff = Some(staff);
                    d.any_staff = false;
                    d.staff_assigned = false;
                }
                d.usual = true;
                usual_now = true;
            }
            None => {
                usual_note = Some(
                    "Todavía no tengo registrada una cita anterior tuya, así que te pregunto. ",
                )
            }
        }
    }
    let progress = absorb(cx, &mut d, &state) || usual_now;
    let mut prefix = usual_note.unwrap_or_default().to_string();
    let mut suffix = String::new();
    if progress {
        d.misses = 0;
        if cx.resuming {
            prefix.insert_str(0, "¡Hola de nuevo! ");
        }
    } else if flow.is_some() {
        if cx.resuming {
            prefix = format!("¡Hola de nuevo! Seguíamos con {}. ", topic(&d));
        } else if matches!(cx.intent, Intent::Greeting | Intent::Thanks) {
            prefix = "¡Hola! ".into();
        } else {
            d.misses = d.misses.saturating_add(1);
            prefix = format!("{NOT_UNDERSTOOD} ");
            if d.misses >= MAX_MISSES {
                suffix = format!("\n\n{OFFER_PERSON}");
            }
        }
    }
    let mut reply = Box::pin(next(cx, d, flow.as_ref())).await?;
    if let Some(first) = reply.replies.first_mut() {
        first.insert_str(0, &prefix);
        first.push_str(&suffix);
    }
    Ok(reply)
}

fn topic(d: &BookingData) -> String {
    match &d.service {
        Some(s) => format!("tu cita de {}", s.to_lowercase()),
        None => "tu cita".into(),
    }
}

/// "Olvídalo", "ya no", "déjalo": the booking in progress is dropped.
fn is_abort(cx: &Cx<'_>) -> bool {
    let w: Vec<&str> = cx.words.iter().map(String::as_str).collect();
    matches!(
        w.as_slice(),
        ["olvidalo"]
            | ["olvidalo", ..]
            | ["dejalo"]
            | ["dejalo", "asi"]
            | ["ya", "no"]
            | ["mejor", "no"]
            | ["no", "gracias"]
            | ["cancela"]
            | ["cancelar"]
            | ["ya", "no", "quiero"]
            | ["nada"]
    )
}

/// "No, espera", "mejor otro día", "empecemos de nuevo": the day and time
/// asked so far are dropped (the service stays) and asked again.
fn restarts(cx: &Cx<'_>) -> bool {
    let has = |p: &str| {
        let p: Vec<&str> = p.split(' ').collect();
        cx.words
            .windows(p.len())
            .any(|w| w.iter().zip(&p).all(|(a, b)| a == b))
    };
    has("otro dia") || has("espera") || has("de nuevo") || has("desde el principio")
}

/// Takes from the message whatever it says about the booking; whether
/// anything was understood.
fn absorb(cx: &Cx<'_>, d: &mut BookingData, state: &str) -> bool {
    let mut progress = false;
    if restarts(cx) && cx.when().is_empty() {
        d.date_from = None;
        d.date_to = None;
        d.time = None;
        d.start = None;
        d.offered.clear();
        d.confirmed = false;
        return true;
    }
    // "¿Con quién?", "¿quién me puede atender?": a preference shown.
    let has = |p: &str| {
        let p: Vec<&str> = p.split(' ').collect();
        cx.words
            .windows(p.len())
            .any(|w| w.iter().zip(&p).all(|(a, b)| a == b))
    };
    if has("con quien")
        || has("quien me atiende")
        || has("quien me puede atender")
        || has("quienes atienden")
        || has("con cual")
        || has("que barbero")
        || has("que estilista")
    {
        d.wants_choice = true;
        d.confirmed = false;
        if d.staff_assigned {
            d.staff = None;
            d.staff_assigned = false;
        }
        progress = true;
    }
    // A name given anywhere ("sí, a nombre de Luis Ortega", "soy Rosa").
    let named = cx.reading.name.clone();
    if let Some(n) = &named {
        d.name = Some(n.clone());
        progress = true;
    }
    if let Some(found) = cx.service_in_text() {
        match found {
            Ok(s) => {
                if d.service.as_deref() != Some(s.name.as_str()) {
                    d.service = Some(s.name);
                    d.offered.clear();
                    d.start = None;
                    d.confirmed = false;
                }
                d.service_options.clear();
            }
            Err(options) => d.service_options = options,
        }
        progress = true;
    }
    // A name given for the booking is not a staff preference; «con Pedro»
    // still is, whatever was asked.
    let asks_for_someone = cx.words.first().is_some_and(|w| w == "con");
    if state != COLLECTING_INFO || asks_for_someone {
        if let Some(s) = cx.staff_in_text() {
            if d.staff.as_deref() != Some(s.name.as_str()) || d.staff_assigned {
                d.staff = Some(s.name.clone());
                d.any_staff = false;
                d.staff_assigned = false;
                d.confirmed = false;
                if d.start.as_ref().is_some_and(|o| !o.staff.contains(&s.name)) {
                    // Keep the time asked; availability says if they are free.
                    d.time = d.start.as_ref().map(|o| TimeSpec::At(o.local.time()));
                    d.start = None;
                }
            }
            progress = true;
        }
    }
    let changes_more = !cx.when().is_empty() || progress && named.is_none();
    match state {
        // «Sí» to the WhatsApp profile name offered: that is the name.
        COLLECTING_INFO
            if d.suggested_name.is_some() && cx.intent == Intent::Yes && !changes_more =>
        {
            d.name = d.suggested_name.clone();
            d.confirmed = true;
            return true;
        }
        COLLECTING_INFO
            if d.suggested_name.is_some()
                && cx.intent == Intent::No
                && named.is_none()
                && name_in(cx.text()).is_none() =>
        {
            d.suggested_name = None;
            d.suggestion_declined = true;
            return true;
        }
        CONFIRMING if cx.intent == Intent::Yes && !changes_more => {
            d.confirmed = true;
            return true;
        }
        CONFIRMING if cx.intent == Intent::No && !changes_more => {
            if named.is_some() {
                d.confirmed = true;
            } else if let Some(name) = name_in(cx.text()) {
                d.name = Some(name);
                d.confirmed = true;
            } else {
                d.start = None;
            }
            return true;
        }
        COLLECTING_STAFF if !progress && cx.has_any(NO_PREFERENCE) => {
            d.any_staff = true;
            return true;
        }
        COLLECTING_DATETIME if matches!(cx.intent, Intent::No) && cx.when().is_empty() => {
            d.date_from = None;
            d.date_to = None;
            d.time = None;
            d.offered.clear();
            return true;
        }
        _ => {}
    }
    let mut when = cx.when();
    // "El martes" while next week's times are listed: that week's Tuesday.
    if let (Some(day), Some(from), Some(to)) =
        (when.date.and_then(|d| d.day()), d.date_from, d.date_to)
    {
        if from != to && (day < from || day > to) {
            use chrono::Datelike;
            if let Some(inside) = from
                .iter_days()
                .take_while(|x| *x <= to)
                .find(|x| x.weekday() == day.weekday())
            {
                when.date = Some(parlo_core::es::when::DateSpec::Day(inside));
            }
        }
    }
    if state == COLLECTING_DATETIME || state == COLLECTING_INFO || state == CONFIRMING {
        if let Some(o) = slots::pick(&cx.words, &d.offered, &when) {
            // Picking among the times offered after a confirmed one was
            // taken keeps the confirmation; changing a chosen time drops it.
            if d.start.as_ref().is_some_and(|s| s != &o) {
                d.confirmed = false;
            }
            d.start = Some(o);
            return true;
        }
    }
    if !when.is_empty() {
        if let Some(date) = when.date {
            d.date_from = Some(date.first());
            d.date_to = Some(date.last());
            if when.time.is_none() {
                d.time = None;
            }
        }
        if let Some(t) = when.time {
            d.time = Some(t);
        }
        d.start = None;
        d.offered.clear();
        d.confirmed = false;
        return true;
    }
    if state == COLLECTING_INFO {
        // The name asked for, under the summary just shown: that answer
        // confirms it (spec Example 1).
        if named.is_some() && !changes_more {
            d.confirmed = true;
            return true;
        }
        if !progress {
            if let Some(name) = name_in(cx.text()) {
                d.name = Some(name);
                d.confirmed = true;
                return true;
            }
        }
    }
    progress
}

/// Words around a name: "me llamo Juan", "soy Juan", "a nombre de Juan".
const NAME_LEADS: &[&str] = &[
    "me llamo ",
    "mi nombre es ",
    "a nombre de ",
    "ponla a nombre de ",
    "ponlo a nombre de ",
    "soy ",
    "es ",
    "no, ",
    "no ",
];

/// A person's name in the message, title-cased: one to four words of
/// letters.
pub fn name_in(text: &str) -> Option<String> {
    // Emoji and symbols around a name ("Jorge 👍") are not part of it.
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c.is_whitespace() || "'-.,".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    let raw = cleaned.trim().trim_end_matches(['.', '!', '¡', ',']);
    let mut rest = raw;
    for lead in NAME_LEADS {
        // Offsets in the original text: lowercasing may change lengths.
        if let Some(at) = parlo_core::es::find_ci(raw, lead) {
            if at.start == 0 || *lead == "a nombre de " || *lead == "me llamo " {
                rest = &raw[at.end..];
                break;
            }
        }
    }
    let words: Vec<&str> = rest.split_whitespace().collect();
    if words.is_empty() || words.len() > 4 {
        return None;
    }
    // «con Pedro», «para mañana»: a preposition starts no name.
    if ["con", "para", "pa", "de", "en", "a", "el", "la"]
        .contains(&words[0].to_lowercase().as_str())
    {
        return None;
    }
    let is_word = |w: &&str| {
        w.chars()
            .all(|c| c.is_alphabetic() || c == '\'' || c == '-' || c == '.')
    };
    if !words.iter().all(is_word) {
        return None;
    }
    let not_names = [
        "si",
        "sí",
        "no",
        "ok",
        "va",
        "gracias",
        "hola",
        "claro",
        "dale",
        "listo",
        "bueno",
        "perfecto",
        "cualquiera",
    ];
    if words.len() == 1 && not_names.contains(&words[0].to_lowercase().as_str()) {
        return None;
    }
    Some(
        words
            .iter()
            .map(|w| format::capitalize(&w.to_lowercase()))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Asks for what is missing, or books when nothing is.
async fn next(
    cx: &Cx<'_>,
    mut d: BookingData,
    prev: Option<&FlowSession>,
) -> Result<AgentReply, AgentError> {
    let save = |state: &'static str, d: BookingData, text: String| async move {
        cx.save(prev, FlowType::Booking, state, &d).await?;
        Ok::<_, AgentError>(AgentReply::text(text))
    };
    let services = cx.active_services();
    let Some(service_name) = d.service.clone() else {
        let text = if d.service_options.is_empty() {
            let lines: Vec<String> = services.iter().map(service_line).collect();
            format!("¡Claro! ¿Qué servicio te gustaría?\n{}", lines.join("\n"))
        } else {
            format!("¿Cuál de estos? {}", format::join_or(&d.service_options))
        };
        return save(COLLECTING_SERVICE, d, text).await;
    };
    let Some(service) = services.iter().find(|s| s.name == service_name).cloned() else {
        d.service = None;
        return save(
            COLLECTING_SERVICE,
            d,
            "Ese servicio ya no está disponible. ¿Qué otro te gustaría?".into(),
        )
        .await;
    };
    let what = format!(
        "{} ({})",
        service.name.to_lowercase(),
        format::price(service.price_cents, &service.currency)
    );
    let Some(from) = d.date_from else {
        let text = format!(
            "¡Claro! ¿Para qué día te gustaría agendar tu {}?",
            service.name.to_lowercase()
        );
        return save(COLLECTING_DATETIME, d, text).await;
    };
    if d.start.is_none() {
        let to = d.date_to.unwrap_or(from);
        let found = Box::pin(slots::find(
            cx,
            &Wanted {
                service: &service.name,
                from,
                to,
                time: d.time,
                staff: d.staff.as_deref(),
            },
        ))
        .await?;
        match found {
            Ok(Offering::Exact(o)) => d.start = Some(o),
            Ok(Offering::Options { note, offers }) => {
                let text = slots::render(cx, note.as_deref(), Some(&what), &offers);
                d.offered = offers;
                return save(COLLECTING_DATETIME, d, text).await;
            }
            Ok(Offering::Nothing) => {
                d.date_from = None;
                d.date_to = None;
                d.time = None;
                d.offered.clear();
                return save(
                    COLLECTING_DATETIME,
                    d,
                    "No encontré espacio en esas fechas ni en la semana siguiente. ¿Quieres probar otro día?".into(),
                )
                .await;
            }
            Err(e) => {
                let text = tool_text(&e)?;
                d.staff = None;
                d.date_from = None;
                return save(
                    COLLECTING_DATETIME,
                    d,
                    format!("{text} ¿Para qué día te gustaría agendar?"),
                )
                .await;
            }
        }
    }
    let start = d.start.clone().expect("chosen above");
    let several_staff = cx.bookable_staff().len() > 1;
    let business_asks = cx.biz.org.settings.ask_staff_preference && !d.staff_asked;
    if several_staff
        && d.staff.is_none()
        && !d.any_staff
        && (d.wants_choice || business_asks)
        && start.staff.len() > 1
    {
        d.staff_asked = true;
        let names: Vec<String> = start
            .staff
            .iter()
            .map(|s| first_word(s).to_string())
            .collect();
        let text = format!(
            "Claro. {} puede {}: ¿con quién te gustaría? Si te da igual, dime «cualquiera».",
            format::capitalize(&cx.biz.locale().slot_label(start.local, cx.today())),
            format::join_or(&names)
        );
        d.wants_choice = false;
        return save(COLLECTING_STAFF, d, text).await;
    }
    if several_staff && d.staff.is_none() && !start.staff.is_empty() {
        // Nobody asked: the one they had last time if free, else the
        // fairest (the slot lists the least busy first). They can change
        // it («mejor con Pedro»).
        let last = last_staff(cx).await?;
        let pick = last
            .filter(|l| start.staff.contains(l))
            .unwrap_or_else(|| start.staff[0].clone());
        d.staff = Some(pick);
        d.staff_assigned = true;
    }
    let slot = cx.biz.locale().slot_label(start.local, cx.today());
    let with = d
        .staff
        .as_ref()
        .filter(|_| several_staff)
        .map(|s| format!(" con {}", first_word(s)))
        .unwrap_or_default();
    let known = cx.customer_name();
    let name = d.name.clone().or(known.clone());
    let price = format::price(service.price_cents, &service.currency);
    match &name {
        None => {
            // A new customer: the name WhatsApp shows for them is offered,
            // to be confirmed (spec "never trusted silently").
            let suggestion = d
                .suggested_name
                .clone()
                .or_else(|| profile_suggestion(cx))
                .filter(|_| !d.suggestion_declined);
            let text = match &suggestion {
                Some(p) => format!(
                    "Perfecto: {}{with} {slot} ({price}). ¿Me confirmas tu nombre para la cita? \
                     ¿La agendo a nombre de {p}? Si no, escríbeme tu nombre.",
                    service.name.to_lowercase()
                ),
                None => format!(
                    "Perfecto: {}{with} {slot} ({price}). ¿Me confirmas tu nombre para la cita?",
                    service.name.to_lowercase()
                ),
            };
            d.suggested_name = suggestion;
            return save(COLLECTING_INFO, d, text).await;
        }
        // A name on record not confirmed in the last 90 days is asked
        // about again (spec/001 "Returning Customer Behavior").
        Some(n) if !d.confirmed && d.name.is_none() && name_is_stale(cx) => {
            let text = format!(
                "Te agendo {}{with} {slot} ({price}), a nombre de {n} (te tengo registrado así; \
                 si tu nombre cambió, escríbemelo). ¿Lo confirmo?",
                service.name.to_lowercase(),
            );
            return save(CONFIRMING, d, text).await;
        }
        Some(n) if !d.confirmed => {
            let change = if d.staff_assigned {
                " (si prefieres a alguien más, dime con quién)"
            } else {
                ""
            };
            let text = format!(
                "Te agendo {}{with} {slot} ({price}), a nombre de {n}{change}. ¿Lo confirmo?",
                service.name.to_lowercase(),
            );
            return save(CONFIRMING, d, text).await;
        }
        Some(_) => {}
    }
    let name = name.expect("checked above");
    Box::pin(book(cx, d, prev, &service.name, &name)).await
}

async fn book(
    cx: &Cx<'_>,
    mut d: BookingData,
    prev: Option<&FlowSession>,
    service: &str,
    name: &str,
) -> Result<AgentReply, AgentError> {
    let start = d.start.clone().expect("chosen before booking");
    let staff = d.staff.clone();
    let args = BookAppointmentArgs {
        service: service.to_string(),
        start: wall_clock(start.local),
        staff,
    };
    // The name first: the team's notice of the booking names the customer.
    remember_name(cx, name).await?;
    let booked = match cx.tools.book_appointment(&cx.actor, &args).await {
        Ok(b) => b,
        Err(ToolError::SlotTaken { alternatives })
        | Err(ToolError::Unavailable { alternatives, .. }) => {
            d.start = None;
            d.offered = alternatives.iter().map(Offer::from).collect();
            d.confirmed = d.name.is_some();
            let text = if d.offered.is_empty() {
                d.date_from = None;
                "Uy, ese horario se acaba de ocupar y no encontré otros cercanos. ¿Qué otro día te funciona?".to_string()
            } else {
                slots::render(
                    cx,
                    Some("Uy, ese horario se acaba de ocupar."),
                    None,
                    &d.offered,
                )
            };
            cx.save(prev, FlowType::Booking, COLLECTING_DATETIME, &d)
                .await?;
            return Ok(AgentReply::text(text));
        }
        Err(e) => {
            cx.clear().await?;
            return Ok(AgentReply::text(tool_text(&e)?));
        }
    };
    cx.clear().await?;
    let first = name.split_whitespace().next().unwrap_or(name);
    let with = if cx.bookable_staff().len() > 1 {
        format!("\n👤 Con {}", booked.staff)
    } else {
        String::new()
    };
    let text = format!(
        "¡Perfecto, {first}! Tu cita está confirmada:\n📅 {}\n⏰ {}\n💇 {} - {}{with}\n\nTe enviaré un recordatorio antes de tu cita. ¡Nos vemos!",
        format::capitalize(&format::date_long(booked.local_start.date(), cx.today())),
        booked.time,
        booked.service,
        booked.price,
    );
    Ok(AgentReply {
        replies: vec![text],
        notifications: Vec::new(),
    })
}

fn first_word(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or(s)
}

/// The service and (still bookable) staff member of the customer's latest
/// appointment before now that was not cancelled: «lo de siempre».
async fn last_visit(cx: &Cx<'_>) -> Result<Option<(String, Option<String>)>, AgentError> {
    let Some(c) = &cx.turn.customer else {
        return Ok(None);
    };
    let past = cx
        .agent
        .store
        .customer_appointments(c.org_id, c.id, None)
        .await
        .map_err(err)?;
    let last = past
        .iter()
        .filter(|a| a.start < cx.turn.now && a.status != parlo_core::AppointmentStatus::Cancelled)
        .max_by_key(|a| a.start);
    let Some(last) = last else {
        return Ok(None);
    };
    let Some(service) = cx
        .active_services()
        .into_iter()
        .find(|s| s.id == last.service_id)
    else {
        return Ok(None);
    };
    let staff = cx
        .bookable_staff()
        .into_iter()
        .find(|s| s.id == last.staff_id)
        .map(|s| s.name);
    Ok(Some((service.name, staff)))
}

/// The staff member of the customer's latest appointment before now.
async fn last_staff(cx: &Cx<'_>) -> Result<Option<String>, AgentError> {
    let Some(c) = &cx.turn.customer else {
        return Ok(None);
    };
    let past = cx
        .agent
        .store
        .customer_appointments(c.org_id, c.id, None)
        .await
        .map_err(err)?;
    let last = past
        .iter()
        .filter(|a| a.start < cx.turn.now && a.status != parlo_core::AppointmentStatus::Cancelled)
        .max_by_key(|a| a.start);
    Ok(last.and_then(|a| {
        cx.bookable_staff()
            .into_iter()
            .find(|s| s.id == a.staff_id)
            .map(|s| s.name)
    }))
}

pub use parlo_app::services::customers::NAME_RECONFIRM_DAYS;

/// The customer's name on record was never confirmed, or not in the
/// last [`NAME_RECONFIRM_DAYS`].
fn name_is_stale(cx: &Cx<'_>) -> bool {
    cx.turn.customer.as_ref().is_some_and(|c| {
        c.name_verified_at
            .is_none_or(|at| cx.turn.now - at > chrono::Duration::days(NAME_RECONFIRM_DAYS))
    })
}

/// The WhatsApp profile name as a person's name («Juanito 🔥» →
/// «Juanito»), when it reads as one.
fn profile_suggestion(cx: &Cx<'_>) -> Option<String> {
    // Labels people leave as their profile are not names.
    const NOT_NAMES: &[&str] = &[
        "cliente",
        "usuario",
        "whatsapp",
        "yo",
        "hola",
        "mama",
        "papa",
        "amor",
        "bebe",
        "negocio",
        "ventas",
        "info",
        "desconocido",
        "user",
        "me",
    ];
    let profile = cx.turn.profile_name.as_deref()?.trim();
    if profile.is_empty() || profile.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let name = name_in(profile)?;
    let plain = parlo_core::es::fuzzy::normalize(&name);
    (!plain.split_whitespace().all(|w| NOT_NAMES.contains(&w))).then_some(name)
}

/// Keeps the name the customer gave (or confirmed) on their record.
async fn remember_name(cx: &Cx<'_>, name: &str) -> Result<(), AgentError> {
    if cx.turn.customer.is_none() {
        return Ok(());
    }
    let args = SaveNameArgs {
        name: name.to_string(),
    };
    match cx.tools.save_own_name(&cx.actor, &args).await {
        // A name that cannot be stored (too long) leaves the record as it
        // was; the booking stands.
        Ok(_) | Err(ToolError::InvalidArgument { .. }) => Ok(()),
        Err(e) => Err(err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_with_or_without_a_lead() {
        assert_eq!(name_in("Juan Pérez").as_deref(), Some("Juan Pérez"));
        assert_eq!(name_in("me llamo ana lópez").as_deref(), Some("Ana López"));
        assert_eq!(name_in("Soy Luis.").as_deref(), Some("Luis"));
        assert_eq!(
            name_in("a nombre de María José").as_deref(),
            Some("María José")
        );
        assert_eq!(name_in("sí"), None);
        assert_eq!(name_in("mañana a las 4"), None);
        assert_eq!(name_in("quiero cambiar la hora de mi cita por favor"), None);
    }
}
