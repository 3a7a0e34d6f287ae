//! Two-phase changes for the LLM's customer turns (issue #12, 8a): a
//! booking, move or cancellation the model asks for is first only a
//! *proposal* — Parlo renders it from the resolved service and time and
//! asks the customer — and it is carried out only when, in a later
//! message, the customer answers yes to that same proposal. The proposed
//! service and time must be ones the customer named or was offered.
//!
//! Enforced here, on the tool calls, whatever the prompt says or the model
//! does. The pending proposal is the conversation's flow
//! ([`FlowType::Proposal`]), so it survives to the next message.

use chrono::NaiveDateTime;
use parlo_core::es::format;
use parlo_core::es::fuzzy::{find_in_text, normalize};
use parlo_core::es::intent::{classify_customer, Intent};
use parlo_core::es::read::{read_customer, Catalogue};
use parlo_core::es::when::parse_when_local;
use parlo_core::time::utc_to_local;
use parlo_core::{Direction, FlowType, Locale};
use parlo_store::Store;
use serde::{Deserialize, Serialize};

use super::catalog::Call;
use crate::agent::rules::flow::{self, Loaded};
use crate::agent::TurnContext;
use crate::tools::{Actor, Tools};

/// What the gate decided for one change the model asked for.
pub enum Gate {
    /// The customer confirmed this very proposal: carry it out.
    Commit,
    /// Asked of the customer first: Parlo's question, and the JSON the
    /// model gets back.
    Propose { question: String, result: String },
    /// Not what the customer asked for or was offered.
    Refuse(String),
}

/// A change waiting for the customer's yes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Pending {
    pub tool: String,
    pub service: Option<String>,
    pub start: Option<NaiveDateTime>,
    pub appointment_id: Option<String>,
}

fn refuse(code: &str, message: &str) -> Gate {
    Gate::Refuse(serde_json::json!({"error": code, "message": message}).to_string())
}

/// The customer asked for a person, complained or asked for what only the
/// business decides, in this message or an earlier one of the window.
fn wants_a_person(turn: &TurnContext) -> bool {
    const ONLY_A_PERSON: &[&str] = &[
        "queja",
        "quejarme",
        "reclam",
        "horrible",
        "pesimo",
        "mal servicio",
        "quedo mal",
        "enojad",
        "molest",
        "reembolso",
        "devolucion",
        "descuento",
        "precio especial",
        "cotiza",
    ];
    customer_texts(turn).iter().any(|t| {
        classify_customer(t) == Intent::TalkToHuman || {
            let n = normalize(t);
            ONLY_A_PERSON.iter().any(|w| n.contains(w))
        }
    })
}

/// The customer's own words of this conversation: this message and the
/// earlier ones in the window.
fn customer_texts(turn: &TurnContext) -> Vec<&str> {
    turn.history
        .iter()
        .filter(|m| m.direction == Direction::Inbound)
        .map(|m| m.content.as_str())
        .chain(std::iter::once(turn.text.as_str()))
        .collect()
}

/// Whether the customer named this time (date and hour, or a window that
/// holds it) or Parlo offered it (its "4:00 PM" in an earlier reply or a
/// check_availability result of this turn).
fn time_was_asked_or_offered(
    turn: &TurnContext,
    local_now: NaiveDateTime,
    start: NaiveDateTime,
    offered: &[NaiveDateTime],
) -> bool {
    if offered.contains(&start) {
        return true;
    }
    let label = turn
        .business
        .as_ref()
        .map_or(Locale::EsMx, |o| o.locale())
        .time(start.time());
    let offered_before = turn
        .history
        .iter()
        .any(|m| m.direction == Direction::Outbound && m.content.contains(&label));
    if offered_before {
        return true;
    }
    let mut date_named = false;
    let mut time_named = false;
    for text in customer_texts(turn) {
        let w = parse_when_local(text, local_now);
        if w.date.is_some_and(|d| d.contains(start.date())) {
            date_named = true;
        }
        if w.time.is_some_and(|t| t.admits(start.time())) {
            time_named = true;
        }
    }
    let soon = start.date() == local_now.date();
    (date_named || soon) && time_named
}

/// Decides what happens to a change the model asked for in a customer's
/// turn. Staff turns and reads pass ([`Gate::Commit`]).
pub async fn gate(
    store: &Store,
    tools: &Tools,
    turn: &TurnContext,
    actor: &Actor,
    call: &Call,
    offered: &[NaiveDateTime],
) -> Result<Gate, String> {
    if !matches!(actor, Actor::Customer { .. }) {
        return Ok(Gate::Commit);
    }
    // A handoff happens when the customer asks for a person, or for what
    // only a person can give (a complaint, a special price): never on the
    // model's own account (a small model handed «barba el sábado en la
    // mañana» to the team, and the chat then waited for nobody).
    if let Call::HandoffToHuman(_) = call {
        return Ok(if wants_a_person(turn) {
            Gate::Commit
        } else {
            refuse(
                "not_asked",
                "El cliente no pidió hablar con una persona ni tiene una queja: atiéndelo tú \
                 (check_availability para horarios, get_customer_appointments para sus citas).",
            )
        });
    }
    let (tool, start_arg, service_arg, appointment_id) = match call {
        Call::BookAppointment(a) => ("book_appointment", Some(&a.start), Some(&a.service), None),
        Call::RescheduleAppointment(a) => (
            "reschedule_appointment",
            Some(&a.new_start),
            a.service.as_ref(),
            Some(a.appointment_id.clone()),
        ),
        Call::CancelAppointment(a) => (
            "cancel_appointment",
            None,
            None,
            Some(a.appointment_id.clone()),
        ),
        _ => return Ok(Gate::Commit),
    };
    let ctx = tools.ctx(actor).await.map_err(|e| e.to_string())?;
    let local_now = utc_to_local(ctx.tz, turn.now);
    let service = match service_arg {
        Some(s) => match ctx.resolve_service(s) {
            Ok(s) => Some(s.name.clone()),
            // The tool's own error tells the model.
            Err(_) => return Ok(Gate::Commit),
        },
        None => None,
    };
    let start: Option<NaiveDateTime> = match start_arg {
        Some(s) => match ctx.instant("start", s) {
            Ok(t) => Some(utc_to_local(ctx.tz, t)),
            Err(_) => return Ok(Gate::Commit),
        },
        None => None,
    };
    let asked = Pending {
        tool: tool.to_string(),
        service: service.clone(),
        start,
        appointment_id: appointment_id.clone(),
    };

    // The customer's yes, in a later message, to this same proposal.
    if let Loaded::Active(f) = flow::load_fresh(store, turn).await.map_err(|e| e.0)? {
        if f.flow_type == FlowType::Proposal && f.updated_at < turn.now {
            let pending: Pending = flow::data(&f);
            let services: Vec<String> = ctx.services.iter().map(|s| s.name.clone()).collect();
            let said = read_customer(
                &turn.text,
                local_now,
                Catalogue {
                    services: &services,
                    staff: &[],
                },
            );
            let yes = said.intent == parlo_core::es::intent::Intent::Yes;
            if pending == asked && yes {
                flow::clear(store, turn).await.map_err(|e| e.0)?;
                return Ok(Gate::Commit);
            }
        }
    }

    // A new proposal: only what the customer named or was offered.
    if let Some(name) = &service {
        let named = customer_texts(turn).iter().any(|t| {
            matches!(
                find_in_text(t, &ctx.services, |s| s.name.as_str()),
                Some(m) if m.items().iter().any(|s| &s.name == name)
            )
        });
        if !named {
            return Ok(refuse(
                "service_not_asked",
                "El cliente no pidió ese servicio: pregúntale qué servicio quiere.",
            ));
        }
    }
    if let Some(t) = start {
        if !time_was_asked_or_offered(turn, local_now, t, offered) {
            return Ok(refuse(
                "time_not_asked",
                "El cliente no pidió ni se le ofreció ese horario: pregúntale o consulta disponibilidad y ofrécele horarios.",
            ));
        }
    }
    let today = ctx.today;
    let when = |t: NaiveDateTime| {
        format!(
            "{} {}",
            format::day_label_with_weekday(t.date(), today),
            ctx.locale().at_time(t.time())
        )
    };
    let question = match call {
        Call::BookAppointment(_) => format!(
            "Te agendo {} {}. ¿Lo confirmo?",
            service.clone().unwrap_or_default().to_lowercase(),
            when(start.expect("parsed above"))
        ),
        Call::RescheduleAppointment(_) | Call::CancelAppointment(_) => {
            let mine = tools
                .get_customer_appointments(actor)
                .await
                .map_err(|e| e.to_string())?;
            let Some(a) = mine
                .iter()
                .find(|a| Some(a.appointment_id.to_string()) == appointment_id)
            else {
                // Not theirs (or gone): the tool's own refusal tells the model.
                return Ok(Gate::Commit);
            };
            let current = format!("{} {}", a.service.to_lowercase(), when(a.local_start));
            match start {
                Some(t) => format!("¿Cambio tu cita de {current} para {}?", when(t)),
                None => format!("¿Cancelo tu cita de {current}?"),
            }
        }
        _ => return Ok(Gate::Commit),
    };
    flow::save(
        store,
        turn,
        None,
        FlowType::Proposal,
        "awaiting_yes",
        &asked,
    )
    .await
    .map_err(|e| e.0)?;
    let result = serde_json::json!({
        "status": "awaiting_customer_confirmation",
        "message": format!("Se le preguntó al cliente: «{question}». Se hará cuando responda que sí."),
    })
    .to_string();
    Ok(Gate::Propose { question, result })
}
