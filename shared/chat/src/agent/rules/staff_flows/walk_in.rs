//! Walk-ins (spec/001 flow 11, Example 5): «llegó alguien para corte».
//! The service, then the person's phone (optional; a known customer is
//! recognised by it) and name; booked now with the writer when they
//! perform the service.

use parlo_core::es::format;
use parlo_core::es::fuzzy::normalize;
use parlo_core::es::intent::Intent;
use parlo_core::permissions::Action;
use parlo_core::phone;
use parlo_core::{FlowSession, FlowType, ServiceType};
use serde::{Deserialize, Serialize};

use super::super::extract::clean_name;
use super::super::staff::*;
use super::{err, forbidden, resume, service_in, services, switches};
use crate::agent::{AgentError, AgentReply};
use crate::tools::*;

/// Where the flow stands, with what it collected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", content = "data", rename_all = "snake_case")]
enum Step {
    /// Which service (the menu was shown).
    Service {},
    /// The service (id) is known: asks the phone.
    Phone { service: String },
    /// Asks the name; the phone (E.164) when they gave one.
    Name {
        service: String,
        #[serde(default)]
        phone: Option<String>,
    },
}

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

pub(crate) async fn start(st: &StaffTurn<'_>, text: &str) -> Result<AgentReply, AgentError> {
    if !st.may(Action::CreateBooking) {
        return Ok(forbidden(Action::CreateBooking));
    }
    let services = services(st).await?;
    match service_in(text, &services) {
        Some(s) => ask_phone(st, None, s).await,
        None => {
            st.save_step(None, FlowType::WalkIn, &Step::Service {})
                .await?;
            Ok(AgentReply::text(format!(
                "¿Qué servicio quiere? Tenemos:\n{}",
                service_menu(&services)
            )))
        }
    }
}

async fn ask_phone(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    service: &ServiceType,
) -> Result<AgentReply, AgentError> {
    let service = service.id.to_string();
    st.save_step(previous, FlowType::WalkIn, &Step::Phone { service })
        .await?;
    Ok(AgentReply::text(
        "Perfecto. ¿Tienes el teléfono de la persona para registrarla?",
    ))
}

pub(crate) async fn step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    let switched = switches(text, &[Intent::WalkIn]);
    let step = match resume::<Step>(st, f, switched).await? {
        Ok(step) => step,
        Err(reply) => return Ok(reply),
    };
    match step {
        Step::Service {} => {
            let services = services(st).await?;
            Ok(Some(match service_in(text, &services) {
                Some(s) => ask_phone(st, Some(f), s).await?,
                None => AgentReply::text(format!(
                    "No encontré ese servicio. ¿Cuál de estos?\n{}",
                    service_menu(&services)
                )),
            }))
        }
        Step::Phone { service } => {
            let mut phone = None;
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
                if let Some(name) = known.and_then(|c| c.name) {
                    return book(st, service, Some(e164), name).await.map(Some);
                }
                phone = Some(e164);
            } else if !is_no(text) && !normalize(text).contains("no tiene") {
                return Ok(Some(AgentReply::text(
                    "¿Me pasas su teléfono? Si no lo tiene, escribe «no».",
                )));
            }
            let has_phone = phone.is_some();
            st.save_step(Some(f), FlowType::WalkIn, &Step::Name { service, phone })
                .await?;
            Ok(Some(AgentReply::text(if has_phone {
                "Registrado. ¿Nombre?"
            } else {
                "Va, sin teléfono. ¿Nombre?"
            })))
        }
        Step::Name { service, phone } => {
            let name = clean_name(text);
            if name.is_empty() {
                return Ok(Some(AgentReply::text("¿Cómo se llama?")));
            }
            book(st, service, phone, name).await.map(Some)
        }
    }
}

async fn book(
    st: &StaffTurn<'_>,
    service: String,
    phone: Option<String>,
    name: String,
) -> Result<AgentReply, AgentError> {
    st.clear().await?;
    let performs = st.me.service_ids.iter().any(|id| id.to_string() == service) && st.me.bookable;
    let args = WalkInArgs {
        service,
        customer_phone: phone.clone(),
        customer_name: Some(name.clone()),
        staff: performs.then(|| st.me.id.to_string()),
    };
    match st.tools.book_walk_in(&st.actor, &args).await {
        Ok(a) => {
            let phone = phone
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use super::super::old_shape as old;
    use crate::agent::rules::flow;

    /// Sessions saved before each flow had its own type still load.
    #[test]
    fn old_sessions_load() {
        assert_eq!(
            flow::step_from::<Step>("service", &old(json!({}))),
            Some(Step::Service {})
        );
        assert_eq!(
            flow::step_from::<Step>("phone", &old(json!({ "service": "s1" }))),
            Some(Step::Phone {
                service: "s1".into()
            })
        );
        assert_eq!(
            flow::step_from::<Step>(
                "name",
                &old(json!({ "service": "s1", "phone": "+525512345678" }))
            ),
            Some(Step::Name {
                service: "s1".into(),
                phone: Some("+525512345678".into())
            })
        );
        assert_eq!(
            flow::step_from::<Step>("name", &old(json!({ "service": "s1" }))),
            Some(Step::Name {
                service: "s1".into(),
                phone: None
            })
        );
        assert_eq!(flow::step_from::<Step>("phone", &old(json!({}))), None);
    }
}
