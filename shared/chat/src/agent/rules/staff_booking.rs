//! Staff and owners book a customer for a later day (spec/001 flow 14,
//! issue 15 item 1): "agenda a Lupita el jueves a las 4 para tinte",
//! "hazle cita a 55 1234 5678 el viernes a las 5". The customer is found
//! by name or phone (a new phone registers them), then the service, the
//! day and time and who attends (the writer when they do the service);
//! the time is checked free, the booking confirmed, and the customer gets
//! the confirmation through the services layer (book_for_customer).

use chrono::{NaiveDate, NaiveTime};
use parlo_core::es::format;
use parlo_core::es::fuzzy::{find_in_text, normalize, Match};
use parlo_core::es::intent::message_words;
use parlo_core::es::intent::Intent;
use parlo_core::es::read::staff_when;
use parlo_core::permissions::Action;
use parlo_core::{phone, FlowSession, FlowType, ServiceType, Staff};
use serde::{Deserialize, Serialize};

use super::flow;
use super::staff::*;
use crate::agent::{AgentError, AgentReply};
use crate::tools::*;

/// What the flow has collected so far.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct BookData {
    /// The customer, once known: id and how to name them.
    #[serde(default)]
    customer_id: Option<String>,
    #[serde(default)]
    customer_label: Option<String>,
    /// A name looked for and not found (waiting for the phone).
    #[serde(default)]
    query: Option<String>,
    /// A new customer's phone (E.164) and name.
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    new_name: Option<String>,
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    service_name: Option<String>,
    #[serde(default)]
    date: Option<NaiveDate>,
    #[serde(default)]
    time: Option<NaiveTime>,
    /// Who attends (id and name); none: whoever is free.
    #[serde(default)]
    staff: Option<String>,
    #[serde(default)]
    staff_name: Option<String>,
    /// Customers to choose from: (id, label).
    #[serde(default)]
    options: Vec<(String, String)>,
}

/// "agenda a …", "hazle cita a …", "apunta a …" (not "agenda de hoy").
pub(crate) fn asks(text: &str) -> bool {
    let p = format!(" {} ", message_words(text).join(" "));
    [
        "agenda a",
        "agendale",
        "agendar a",
        "agendame a",
        "agenda una cita",
        "agendar una cita",
        "agenda cita",
        "apunta a",
        "apuntale",
        "anota a",
        "hazle cita",
        "hazle una cita",
        "haz una cita",
        "haz cita",
        "reserva a",
        "reservale",
        "aparta a",
        "apartale",
        "cita para",
        "nueva cita",
    ]
    .iter()
    .any(|k| p.contains(&format!(" {k} ")))
        && !p.contains(" anota que ")
}

const MARKERS: &[&str] = &[
    "agéndale a",
    "agendale a",
    "agenda a",
    "agendar a",
    "agéndame a",
    "agendame a",
    "apúntale a",
    "apuntale a",
    "apunta a",
    "anota a",
    "hazle una cita a",
    "hazle cita a",
    "haz una cita a",
    "haz cita a",
    "resérvale a",
    "reservale a",
    "reserva a",
    "apártale a",
    "apartale a",
    "aparta a",
    "cita para",
    "cita a",
];

const STOP: &[&str] = &[
    "el",
    "la",
    "los",
    "las",
    "para",
    "a",
    "al",
    "de",
    "del",
    "con",
    "conmigo",
    "manana",
    "hoy",
    "pasado",
    "este",
    "esta",
    "proximo",
    "proxima",
    "lunes",
    "martes",
    "miercoles",
    "jueves",
    "viernes",
    "sabado",
    "domingo",
    "que",
    "en",
    "un",
    "una",
    "por",
    "y",
    "tel",
    "telefono",
    "cel",
];

const TITLES: &[&str] = &[
    "la", "el", "al", "a", "sr", "sra", "srita", "senor", "senora", "senorita", "don", "dona",
    "joven", "cliente", "clienta",
];

/// The customer's name as the message names it ("agenda a la sra Lupita
/// mañana…" → "Lupita").
pub(crate) fn customer_words(text: &str) -> Option<String> {
    let at = MARKERS
        .iter()
        .filter_map(|m| parlo_core::es::find_ci(text, m).map(|r| (r.start, r.end)))
        .min()?;
    let rest = &text[at.1..];
    let mut out: Vec<&str> = Vec::new();
    for w in rest.split_whitespace() {
        let bare = normalize(w);
        if out.is_empty() && TITLES.contains(&bare.as_str()) {
            continue;
        }
        if bare.is_empty()
            || STOP.contains(&bare.as_str())
            || bare.chars().any(|c| c.is_ascii_digit())
            || w.starts_with(['$', '+'])
        {
            break;
        }
        let ends = w.ends_with([',', '.', ':', ';']);
        out.push(w.trim_matches(|c: char| !c.is_alphanumeric()));
        if ends || out.len() == 4 {
            break;
        }
    }
    let name = out.join(" ");
    let n = normalize(&name);
    (!name.is_empty() && !["alguien", "cliente", "clienta"].contains(&n.as_str())).then(|| {
        name.split_whitespace()
            .map(format::capitalize)
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// `text` without a phone number in it (its digits would read as hours).
fn without_phone(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().filter(char::is_ascii_digit).count() < 8 {
            out.push_str(run);
        } else {
            out.push(' ');
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit()
            || (c == '+' && run.is_empty())
            || (" -().".contains(c) && !run.is_empty())
        {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

async fn services(st: &StaffTurn<'_>) -> Result<Vec<ServiceType>, AgentError> {
    let mut all = st
        .agent
        .store
        .list_services(st.org.id)
        .await
        .map_err(|e| AgentError(e.to_string()))?;
    all.retain(|s| s.is_active);
    all.sort_by(|a, b| (a.price_cents, &a.name).cmp(&(b.price_cents, &b.name)));
    Ok(all)
}

fn service_named<'a>(text: &str, services: &'a [ServiceType]) -> Option<&'a ServiceType> {
    match find_in_text(text, services, |s| s.name.as_str()) {
        Some(Match::Found(s)) => Some(s.item),
        _ => None,
    }
}

/// Who attends, as the message names them after "con": "con Pedro",
/// "conmigo".
fn staff_named<'a>(st: &StaffTurn<'_>, team: &'a [Staff], text: &str) -> Option<&'a Staff> {
    let n = normalize(text);
    if n.split_whitespace().any(|w| w == "conmigo") {
        return team.iter().find(|s| s.id == st.me.id);
    }
    let at = parlo_core::es::find_ci(text, " con ")?;
    let after = &text[at.end..];
    match find_in_text(after, team, |s| s.name.as_str()) {
        Some(Match::Found(s)) => Some(s.item),
        _ => None,
    }
}

/// Starts a booking; `read_name` is the customer the reader found, used
/// when no booking verb of [`MARKERS`] leads to one («pon a doña Mary el
/// sábado»).
pub(crate) async fn start(
    st: &StaffTurn<'_>,
    text: &str,
    read_name: Option<String>,
) -> Result<AgentReply, AgentError> {
    if !st.may(Action::CreateBooking) {
        return Ok(refused(&ToolError::Forbidden {
            action: Action::CreateBooking,
        }));
    }
    let data = BookData {
        query: customer_words(text).or(read_name),
        ..BookData::default()
    };
    advance(st, None, data, text, "start").await
}

pub(crate) async fn step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    let mut data: BookData = flow::data(f);
    match f.state.as_str() {
        "confirm" if is_yes(text) => return book(st, f, data).await.map(Some),
        "confirm" if is_no(text) => {
            st.clear().await?;
            return Ok(Some(AgentReply::text("Va, no agendé nada. ¿Algo más?")));
        }
        "choose" => {
            let Some((id, label)) = flow::pick(text, &data.options).cloned() else {
                return Ok(Some(AgentReply::text(
                    "¿Cuál? Respóndeme con el número de la lista.",
                )));
            };
            data.customer_id = Some(id);
            data.customer_label = Some(label);
            data.options.clear();
            data.query = None;
            return advance(st, Some(f), data, "", "choose").await.map(Some);
        }
        // A name answered (a phone is read below).
        "customer" if phone_in(text).is_none() => {
            data.query = Some(super::extract::clean_name(text)).filter(|n| !n.is_empty());
        }
        "name" => {
            let name = super::extract::clean_name(text);
            if name.is_empty() {
                return Ok(Some(AgentReply::text("¿Cómo se llama?")));
            }
            data.new_name = Some(name);
            return advance(st, Some(f), data, "", "name").await.map(Some);
        }
        _ => {}
    }
    // A different command drops the flow ("¿qué tengo hoy?").
    let i = command_intent(text);
    if i.is_staff_command() && f.state != "customer" {
        st.clear().await?;
        return Ok(None);
    }
    advance(st, Some(f), data, text, &f.state).await.map(Some)
}

/// Fills what `text` adds and asks for the next missing piece.
async fn advance(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    mut data: BookData,
    text: &str,
    state: &str,
) -> Result<AgentReply, AgentError> {
    let region = phone::Region::for_timezone(&st.org.timezone);
    let clean = without_phone(text);
    // Who attends and what.
    let team = st.team().await?;
    if let Some(s) = staff_named(st, &team, text) {
        data.staff = Some(s.id.to_string());
        data.staff_name = Some(s.name.clone());
    }
    let catalogue = services(st).await?;
    if let Some(s) = service_named(&clean, &catalogue) {
        data.service = Some(s.id.to_string());
        data.service_name = Some(s.name.clone());
    }
    let w = staff_when(&clean, st.local_now(), Intent::Book);
    if let Some(d) = w.date {
        data.date = Some(d.first());
    }
    if let Some(t) = w.time.and_then(|t| t.exact()) {
        data.time = Some(t);
    }
    // The customer: a phone, else a name.
    if data.customer_id.is_none() {
        if let Some(raw) = phone_in(text) {
            let Ok(e164) = phone::normalize(&raw, region) else {
                return ask(
                    st,
                    previous,
                    "customer",
                    &data,
                    "Ese número no parece válido. ¿Me lo escribes con sus 10 dígitos?",
                )
                .await;
            };
            match st
                .tools
                .find_customers(
                    &st.actor,
                    &FindCustomersArgs {
                        query: e164.clone(),
                    },
                )
                .await
            {
                Ok(found) if !found.is_empty() => {
                    let c = &found[0];
                    data.customer_id = Some(c.customer_id.to_string());
                    data.customer_label = Some(label(c.name.as_deref(), &c.phone));
                }
                Ok(_) => {
                    data.phone = Some(e164);
                    if data.new_name.is_none() {
                        data.new_name = data.query.take();
                    }
                }
                Err(e) => {
                    st.clear().await?;
                    return Ok(refused(&e));
                }
            }
        } else if data.phone.is_none() {
            if let Some(q) = data.query.clone() {
                match st
                    .tools
                    .find_customers(&st.actor, &FindCustomersArgs { query: q.clone() })
                    .await
                {
                    Ok(found) => match found.as_slice() {
                        [] => {
                            let q = format::capitalize(&q);
                            return ask(
                                st,
                                previous,
                                "customer",
                                &data,
                                &format!("No tengo a «{q}» registrado. ¿Me pasas su teléfono para registrarlo?"),
                            )
                            .await;
                        }
                        [one] => {
                            data.customer_id = Some(one.customer_id.to_string());
                            data.customer_label = Some(label(one.name.as_deref(), &one.phone));
                            data.query = None;
                        }
                        many => {
                            data.options = many
                                .iter()
                                .map(|c| {
                                    (
                                        c.customer_id.to_string(),
                                        label(c.name.as_deref(), &c.phone),
                                    )
                                })
                                .collect();
                            let list = data
                                .options
                                .iter()
                                .enumerate()
                                .map(|(i, (_, l))| format!("{}. {l}", i + 1))
                                .collect::<Vec<_>>()
                                .join("\n");
                            st.save(previous, FlowType::StaffBooking, "choose", &data)
                                .await?;
                            return Ok(AgentReply::text(format!("¿Cuál de ellos?\n{list}")));
                        }
                    },
                    Err(e) => {
                        st.clear().await?;
                        return Ok(refused(&e));
                    }
                }
            }
        }
    }
    if data.customer_id.is_none() && data.phone.is_none() {
        return ask(
            st,
            previous,
            "customer",
            &data,
            "¿Para quién es la cita? Dime su nombre o su teléfono.",
        )
        .await;
    }
    if data.customer_id.is_none() && data.new_name.is_none() {
        return ask(
            st,
            previous,
            "name",
            &data,
            "Es cliente nuevo. ¿Cómo se llama?",
        )
        .await;
    }
    let Some(service_id) = data.service.clone() else {
        let menu = catalogue
            .iter()
            .map(|s| {
                format!(
                    "• {} - {}",
                    s.name,
                    format::price(s.price_cents, &s.currency)
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        return ask(
            st,
            previous,
            "service",
            &data,
            &format!("¿Qué servicio?\n{menu}"),
        )
        .await;
    };
    // The writer attends when they do the service and named nobody.
    if data.staff.is_none()
        && st.me.bookable
        && st
            .me
            .service_ids
            .iter()
            .any(|s| s.to_string() == service_id)
    {
        data.staff = Some(st.me.id.to_string());
        data.staff_name = Some(st.me.name.clone());
    }
    let (Some(date), Some(time)) = (data.date, data.time) else {
        let q = if data.date.is_some() {
            "¿A qué hora?"
        } else {
            "¿Qué día y a qué hora? Por ejemplo «el jueves a las 4»."
        };
        return ask(st, previous, "when", &data, q).await;
    };
    let _ = state;
    // Free then? Else the nearest free times that day.
    let check = CheckAvailabilityArgs {
        service: service_id.clone(),
        date_from: date,
        date_to: None,
        staff: data.staff.clone(),
        part_of_day: None,
        limit: Some(50),
    };
    let slots = match st.tools.check_availability(&st.actor, &check).await {
        Ok(a) => a.slots,
        Err(e) => {
            data.time = None;
            return ask(
                st,
                previous,
                "when",
                &data,
                &format!("{} ¿Qué otro día?", e.user_message()),
            )
            .await;
        }
    };
    let at = date.and_time(time);
    if !slots.iter().any(|s| s.local == at) {
        let mut near: Vec<&Slot> = slots.iter().collect();
        near.sort_by_key(|s| (s.local - at).num_minutes().abs());
        let times: Vec<String> = near
            .iter()
            .take(3)
            .map(|s| st.locale().time(s.local.time()))
            .collect();
        let with = data
            .staff_name
            .as_deref()
            .map(|n| format!(" con {}", first_name(n)))
            .unwrap_or_default();
        data.time = None;
        let day = format::date_long(date, st.today());
        let q = if times.is_empty() {
            data.date = None;
            format!("El {day} ya no hay lugar{with}. ¿Qué otro día?")
        } else {
            format!(
                "A las {} del {day} no hay lugar{with}. Libres: {}. ¿Cuál le acomoda?",
                st.locale().time(time),
                format::join_or(&times)
            )
        };
        return ask(st, previous, "when", &data, &q).await;
    }
    let who = data
        .customer_label
        .clone()
        .or_else(|| {
            data.phone
                .as_deref()
                .map(|p| label(data.new_name.as_deref(), p))
        })
        .unwrap_or_default();
    let with = data
        .staff_name
        .as_deref()
        .map(|n| {
            if data.staff.as_deref() == Some(&st.me.id.to_string()) {
                " contigo".to_string()
            } else {
                format!(" con {n}")
            }
        })
        .unwrap_or_default();
    let q = format!(
        "¿Agendo a {who} para {} el {} a las {}{with}? Le mando la confirmación por WhatsApp.",
        data.service_name.as_deref().unwrap_or("el servicio"),
        format::date_long(date, st.today()),
        st.locale().time(time)
    );
    ask(st, previous, "confirm", &data, &q).await
}

fn label(name: Option<&str>, phone: &str) -> String {
    let phone = if phone.starts_with('+') {
        display_phone(phone)
    } else {
        "sin teléfono".into()
    };
    format!("{} ({phone})", name.unwrap_or("Sin nombre"))
}

async fn ask(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    state: &str,
    data: &BookData,
    question: &str,
) -> Result<AgentReply, AgentError> {
    st.save(previous, FlowType::StaffBooking, state, data)
        .await?;
    Ok(AgentReply::text(question))
}

async fn book(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    mut data: BookData,
) -> Result<AgentReply, AgentError> {
    let (Some(service), Some(date), Some(time)) = (data.service.clone(), data.date, data.time)
    else {
        st.clear().await?;
        return Ok(AgentReply::text(
            "Empecemos de nuevo: ¿para quién es la cita?",
        ));
    };
    let customer = match (&data.customer_id, &data.phone) {
        (Some(id), _) => id.clone(),
        (None, Some(p)) => p.clone(),
        _ => {
            st.clear().await?;
            return Ok(AgentReply::text("¿Para quién es la cita?"));
        }
    };
    let args = BookForCustomerArgs {
        customer,
        customer_name: data.new_name.clone(),
        service,
        start: date.and_time(time).format("%Y-%m-%dT%H:%M").to_string(),
        staff: data.staff.clone(),
    };
    match st.tools.book_for_customer(&st.actor, &args).await {
        Ok(b) => {
            st.clear().await?;
            let with = if b.appointment.staff == st.me.name {
                "contigo".to_string()
            } else {
                format!("con {}", b.appointment.staff)
            };
            let told = if b.customer_told {
                "Ya le mandé la confirmación."
            } else {
                "No tiene teléfono, así que no le llegó aviso."
            };
            let new = if b.new_customer {
                " (cliente nuevo)"
            } else {
                ""
            };
            Ok(AgentReply::text(format!(
                "Listo ✓ Agendé a {}{new}: {}, {} a las {} {with}. {told}",
                b.customer, b.appointment.service, b.appointment.date, b.appointment.time
            )))
        }
        Err(e @ (ToolError::SlotTaken { .. } | ToolError::Unavailable { .. })) => {
            data.time = None;
            st.save(Some(f), FlowType::StaffBooking, "when", &data)
                .await?;
            Ok(AgentReply::text(format!(
                "{} ¿A qué hora la agendo?",
                e.user_message()
            )))
        }
        Err(e) => {
            st.clear().await?;
            Ok(refused(&e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booking_requests_and_names() {
        assert!(asks("agenda a Juan Perez el jueves a las 4 para corte"));
        assert!(asks("hazle cita a 55 1234 5678 el viernes a las 5"));
        assert!(asks("apunta a la sra lupita mañana a las 11 para tinte"));
        assert!(!asks("agenda de mañana"));
        assert!(!asks("Qué tengo hoy?"));
        assert!(!asks("anota que a juan le gusta el degradado"));
        assert_eq!(
            customer_words("agenda a Juan Perez el jueves a las 4 para corte").as_deref(),
            Some("Juan Perez")
        );
        assert_eq!(
            customer_words("apunta a la sra lupita mañana a las 11 para tinte").as_deref(),
            Some("Lupita")
        );
        assert_eq!(
            customer_words("hazle cita a 55 1234 5678 el viernes a las 5"),
            None
        );
        assert_eq!(
            customer_words("quiero agendar a un cliente para el sabado"),
            None
        );
        assert_eq!(
            without_phone("hazle cita a 55 1234 5678 el viernes a las 5").trim_end(),
            "hazle cita a  el viernes a las 5"
        );
    }
}
