//! Business onboarding on Parlo's central number (spec/001 flow 1): the
//! business's name → its type → services with prices and durations →
//! opening hours → done. Progress lives on the organization itself
//! (`onboarding_state`, `onboarding_data`), so a retried or resumed turn
//! continues where it stopped; services and the location are created
//! through the store with ids derived from the business, so repeating a
//! step never duplicates them.
//!
//! Not covered yet: number provisioning after completion, editing a
//! service already registered during onboarding, staff registration.

use chrono::{NaiveTime, Weekday};
use parlo_core::es::format;
use parlo_core::es::fuzzy::normalize;
use parlo_core::es::when::{parse_when, TimeSpec};
use parlo_core::*;
use parlo_store::StoreError;
use serde_json::json;

use super::staff_flows::{duration_in, price_in, weekdays_in, WEEKDAYS};
use super::RuleAgent;
use crate::agent::{Agent, AgentError, AgentReply, GreetingAgent, TurnContext};
use crate::turn::derived_id;

const INITIATED: &str = "initiated";
const COLLECTING_NAME: &str = "collecting_name";
const COLLECTING_TYPE: &str = "collecting_type";
const COLLECTING_SERVICES: &str = "collecting_services";
const COLLECTING_HOURS: &str = "collecting_hours";
const COMPLETED: &str = "completed";

fn err(e: impl std::fmt::Display) -> AgentError {
    AgentError(e.to_string())
}

pub async fn respond(agent: &RuleAgent, turn: &TurnContext) -> Result<AgentReply, AgentError> {
    let Some(mut org) = turn.business.clone() else {
        return GreetingAgent.respond(turn).await;
    };
    let text = turn.text.trim();
    let state = org
        .onboarding_state
        .clone()
        .unwrap_or_else(|| INITIATED.into());
    let mut data = match org.onboarding_data.clone() {
        serde_json::Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    let (next, reply) = match state.as_str() {
        INITIATED => (
            COLLECTING_NAME,
            "¡Hola! Soy Parlo 👋 Te ayudo a que tus clientes agenden por WhatsApp. \
             Para empezar, ¿cómo se llama tu negocio?"
                .to_string(),
        ),
        COLLECTING_NAME => {
            let name: String = text
                .trim_matches(|c: char| ".!¡¿?\"«»".contains(c))
                .trim()
                .chars()
                .take(80)
                .collect();
            if name.is_empty() {
                return Ok(AgentReply::text("¿Cómo se llama tu negocio?"));
            }
            org.name = name.clone();
            data.insert("name".into(), json!(name));
            (
                COLLECTING_TYPE,
                format!(
                    "¡Mucho gusto, {name}! ¿Qué tipo de negocio es? Por ejemplo: barbería, \
                     salón de belleza, uñas o spa."
                ),
            )
        }
        COLLECTING_TYPE => {
            data.insert("type".into(), json!(text.chars().take(60).collect::<String>()));
            (
                COLLECTING_SERVICES,
                "Perfecto ✓ ¿Qué servicios ofreces? Escríbelos uno por línea con precio y \
                 duración, por ejemplo:\nCorte - $150 - 30 min\nBarba - $100 - 20 min"
                    .to_string(),
            )
        }
        COLLECTING_SERVICES => {
            let parsed = parse_services(text);
            if parsed.is_empty() {
                return Ok(AgentReply::text(
                    "No logré leer los servicios. Escríbelos así, uno por línea: «Corte - $150 - 30 min».",
                ));
            }
            let created = create_services(agent, &org, &parsed, turn).await?;
            data.insert(
                "services".into(),
                json!(parsed
                    .iter()
                    .map(|(n, p, d)| json!({"name": n, "price_cents": p, "duration_minutes": d}))
                    .collect::<Vec<_>>()),
            );
            let list = created
                .iter()
                .map(|s| {
                    format!(
                        "• {} - {} ({})",
                        s.name,
                        format::price(s.price_cents, &s.currency),
                        format::duration(s.duration_minutes)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            (
                COLLECTING_HOURS,
                format!(
                    "Registré:\n{list}\n\n¿En qué horario abren? Por ejemplo: «lunes a sábado de 10 a 8»."
                ),
            )
        }
        COLLECTING_HOURS => {
            let Some(hours) = parse_hours(text, turn) else {
                return Ok(AgentReply::text(
                    "No entendí el horario. Escríbelo así: «lunes a sábado de 10 a 8».",
                ));
            };
            save_location(agent, &org, &hours, turn).await?;
            let summary = hours_summary(&hours);
            data.insert("hours".into(), json!(summary));
            (
                COMPLETED,
                format!(
                    "¡Listo! ✓ {} quedó configurado.\nHorario: {summary}\n\nEn breve te aviso cuando \
                     tu número de WhatsApp para clientes esté activo.",
                    org.name
                ),
            )
        }
        _ => {
            return Ok(AgentReply::text(format!(
                "{} ya está configurado ✓ En breve te aviso cuando tu número para clientes esté activo.",
                org.name
            )))
        }
    };
    org.onboarding_state = Some(next.to_string());
    org.onboarding_data = serde_json::Value::Object(data);
    org.last_message_at = Some(turn.now);
    org.updated_at = turn.now;
    agent.store.update_organization(&org).await.map_err(err)?;
    Ok(AgentReply::text(reply))
}

/// "Corte - $150 - 30 min" lines (also ";"-separated): name, price in
/// cents, minutes. A line without a duration counts 30 minutes; without
/// a price it is skipped.
pub(crate) fn parse_services(text: &str) -> Vec<(String, i64, u32)> {
    text.split(['\n', ';'])
        .filter_map(|line| {
            let price = price_in(line).or_else(|| {
                // A bare number that is not the duration: "Corte 150".
                line.split(|c: char| !c.is_ascii_digit())
                    .filter(|d| !d.is_empty())
                    .find_map(|d| d.parse::<i64>().ok())
                    .filter(|_| duration_in(line).is_none())
                    .and_then(|v| v.checked_mul(100))
            })?;
            let minutes = duration_in(line).unwrap_or(30);
            let name: String = line
                .split(['-', '$', ':', '(', ','])
                .next()
                .unwrap_or("")
                .trim_start_matches(|c: char| c == '•' || c == '*' || c.is_whitespace())
                .chars()
                .take_while(|c| !c.is_ascii_digit())
                .collect::<String>()
                .trim()
                .to_string();
            (!name.is_empty()).then(|| (format::capitalize(&name), price, minutes))
        })
        .collect()
}

async fn create_services(
    agent: &RuleAgent,
    org: &Organization,
    parsed: &[(String, i64, u32)],
    turn: &TurnContext,
) -> Result<Vec<ServiceType>, AgentError> {
    let services: Vec<ServiceType> = parsed
        .iter()
        .map(|(name, price, minutes)| ServiceType {
            id: derived_id(&[&org.id.to_string(), "service", &normalize(name)]),
            org_id: org.id,
            name: name.clone(),
            description: None,
            duration_minutes: *minutes,
            price_cents: *price,
            currency: "MXN".into(),
            is_active: true,
            buffer_minutes: 0,
            created_at: turn.now,
            updated_at: turn.now,
        })
        .collect();
    let results =
        futures::future::join_all(services.iter().map(|s| agent.store.create_service(s))).await;
    for r in results {
        match r {
            // A repeated turn: the service is already there.
            Ok(()) | Err(StoreError::AlreadyExists { .. }) => {}
            Err(e) => return Err(err(e)),
        }
    }
    Ok(services)
}

/// Weekly hours from "lunes a sábado de 10 a 8"; days not named are closed.
fn parse_hours(text: &str, turn: &TurnContext) -> Option<WeeklyHours> {
    let days = weekdays_in(text);
    let mut rest = normalize(text);
    for (name, _) in WEEKDAYS {
        rest = rest.replace(&format!("{name}s"), " ").replace(name, " ");
    }
    let tz: chrono_tz::Tz = DEFAULT_TIMEZONE.parse().ok()?;
    let (start, end): (NaiveTime, NaiveTime) = match parse_when(&rest, turn.now, tz).time {
        Some(TimeSpec::Between(a, b)) if a < b => (a, b),
        _ => return None,
    };
    let days = if days.is_empty() {
        WEEKDAYS[..6].iter().map(|w| w.1).collect::<Vec<Weekday>>()
    } else {
        days
    };
    let mut hours = WeeklyHours::default();
    for d in days {
        hours.days[d.num_days_from_monday() as usize] = vec![TimeRange { start, end }];
    }
    Some(hours)
}

fn hours_summary(hours: &WeeklyHours) -> String {
    WEEKDAYS
        .iter()
        .filter_map(|(_, wd)| {
            let ranges = hours.on(*wd);
            ranges.first().map(|r| {
                format!(
                    "{} {}",
                    format::weekday_name(*wd),
                    format::time_range(r.start, r.end)
                )
            })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn save_location(
    agent: &RuleAgent,
    org: &Organization,
    hours: &WeeklyHours,
    turn: &TurnContext,
) -> Result<(), AgentError> {
    let location = Location {
        id: derived_id(&[&org.id.to_string(), "location"]),
        org_id: org.id,
        name: org.name.clone(),
        address: None,
        is_primary: true,
        business_hours: hours.clone(),
        created_at: turn.now,
        updated_at: turn.now,
    };
    match agent.store.create_location(&location).await {
        Ok(()) => Ok(()),
        Err(StoreError::AlreadyExists { .. }) => {
            agent.store.update_location(&location).await.map_err(err)
        }
        Err(e) => Err(err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_from_lines() {
        let s = parse_services(
            "Corte - $150 - 30 min\nBarba $100 20 minutos\n• Tinte - $800 - 2 horas\nhola",
        );
        assert_eq!(
            s,
            vec![
                ("Corte".to_string(), 15000, 30),
                ("Barba".to_string(), 10000, 20),
                ("Tinte".to_string(), 80000, 120),
            ]
        );
    }
}
