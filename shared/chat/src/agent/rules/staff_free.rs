//! «¿Hay lugar mañana a las 5 con Pedro?», «¿hay algo hoy después de las
//! 6?», «¿Ana tiene libre el sábado temprano?»: a staff member, often with
//! a customer on the phone, asks whether there is room. The answer is the
//! free times (read from the same availability the customers book from),
//! not the day's agenda to search by eye. Nothing is booked or kept: the
//! answer ends with how to book one.

use chrono::NaiveDate;
use parlo_core::es::format;
use parlo_core::es::fuzzy::normalize;
use parlo_core::es::intent::Intent;
use parlo_core::es::read::Reading;
use parlo_core::es::when::TimeSpec;

use super::staff::*;
use crate::agent::{AgentError, AgentReply};
use crate::tools::*;

/// Words that ask for room.
const FREE: &[&str] = &[
    "libre",
    "libres",
    "lugar",
    "hueco",
    "huecos",
    "espacio",
    "disponible",
    "cabe",
    "chance",
];

/// Does the message ask whether there is room at a day or an hour, for
/// nobody named yet (a named customer is a booking)?
pub(crate) fn asks(text: &str, r: &Reading) -> bool {
    let n = normalize(text);
    let words: Vec<&str> = n.split_whitespace().collect();
    let free = words.iter().any(|w| FREE.contains(w))
        || ["hay algo", "tienes algo", "tienen algo"]
            .iter()
            .any(|p| n.contains(p));
    let question = text.contains('?') || words.first().is_some_and(|w| ["hay", "cabe"].contains(w));
    free && question
        && !r.when.is_empty()
        && r.name.is_none()
        && r.phone.is_none()
        && matches!(
            r.intent,
            Intent::BusinessSchedule | Intent::MySchedule | Intent::Book | Intent::Unknown
        )
}

/// The free times the message asks about.
pub(crate) async fn answer(
    st: &StaffTurn<'_>,
    text: &str,
    r: &Reading,
) -> Result<AgentReply, AgentError> {
    let today = st.today();
    let day: NaiveDate = r.when.date.map_or(today, |d| d.first());
    let services = st.active_services();
    // The service asked about, else the shortest: room for it is the
    // least there is.
    let named = r
        .service
        .as_ref()
        .and_then(|n| services.iter().find(|s| &s.name == n));
    let Some(service) = named.or_else(|| services.iter().min_by_key(|s| s.duration_minutes)) else {
        return Ok(AgentReply::text("Todavía no hay servicios en el catálogo."));
    };
    // «¿tengo libre a las 3?»: the sender's own time.
    let own = {
        let n = normalize(text);
        n.split_whitespace()
            .any(|w| ["tengo", "ando", "estoy"].contains(&w))
    };
    let staff = r
        .staff
        .clone()
        .or_else(|| (own && st.me.bookable).then(|| st.me.name.clone()));
    let args = CheckAvailabilityArgs {
        service: service.id.to_string(),
        date_from: day,
        date_to: None,
        staff: staff.clone(),
        part_of_day: None,
        limit: Some(100),
    };
    let slots = match st.tools.check_availability(&st.actor, &args).await {
        Ok(a) => a.slots,
        Err(e) => return Ok(refused(&e)),
    };
    let when_day = format::day_label(day, today);
    let with = staff
        .as_deref()
        .map(|s| format!(" con {}", first_name(s)))
        .unwrap_or_default();
    let what = format!(
        "{}, {} min",
        service.name.to_lowercase(),
        service.duration_minutes
    );
    let time = |t: chrono::NaiveTime| st.locale().time(t);
    let who = |s: &Slot| {
        if staff.is_some() {
            String::new()
        } else {
            let names: Vec<String> = s.staff.iter().map(|n| first_name(n)).collect();
            format!(" ({})", format::join_or(&names))
        }
    };
    let hint = |t: chrono::NaiveTime| {
        format!(
            "Para apartarlo: «agenda a Juan {when_day} a las {} para {}».",
            time(t),
            service.name.to_lowercase()
        )
    };
    let reply = match r.when.time {
        Some(TimeSpec::At(t)) => match slots.iter().find(|s| s.local.time() == t) {
            Some(s) => format!(
                "Sí: {when_day} a las {} hay lugar{with}{} para {what}. {}",
                time(t),
                who(s),
                hint(t)
            ),
            None => {
                let mut near: Vec<&Slot> = slots.iter().collect();
                near.sort_by_key(|s| (s.local.time() - t).num_minutes().abs());
                let times: Vec<String> = near
                    .iter()
                    .take(3)
                    .map(|s| format!("{}{}", time(s.local.time()), who(s)))
                    .collect();
                if times.is_empty() {
                    format!("{when_day} ya no hay lugar{with} para {what}.")
                } else {
                    format!(
                        "{when_day} a las {} no hay lugar{with} para {what}. Lo más cercano: {}.",
                        time(t),
                        format::join_or(&times)
                    )
                }
            }
        },
        spec => {
            let fits: Vec<&Slot> = slots
                .iter()
                .filter(|s| spec.is_none_or(|w| w.admits(s.local.time())))
                .collect();
            match fits.first() {
                None => format!("{when_day} ya no hay lugar{with} para {what} a esa hora."),
                Some(first) => {
                    let times: Vec<String> = fits
                        .iter()
                        .take(8)
                        .map(|s| format!("{}{}", time(s.local.time()), who(s)))
                        .collect();
                    format!(
                        "Libres {when_day}{with} para {what}: {}. {}",
                        times.join(", "),
                        hint(first.local.time())
                    )
                }
            }
        }
    };
    Ok(AgentReply::text(format::capitalize(&reply)))
}
