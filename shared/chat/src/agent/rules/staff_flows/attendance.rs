//! Attendance (spec/001 flows 9–10): «el de las 3 no llegó», «ya terminé
//! con Ana». The appointment is found (by the hour, or the one in
//! progress), confirmed, marked; after a no-show the flow offers a kind
//! message to the customer (Example 6).

use parlo_core::es::fuzzy::normalize;
use parlo_core::es::intent::Intent;
use parlo_core::permissions::Action;
use parlo_core::time::utc_to_local;
use parlo_core::{FlowSession, FlowType};
use serde::{Deserialize, Serialize};

use super::super::flow;
use super::super::staff::*;
use super::{err, forbidden, open_appointments, resume, starts_at, switches};
use crate::agent::{AgentError, AgentReply};
use crate::tools::*;

/// Where the flow stands, with what it collected. `status` is what the
/// appointment will be marked (completed or no-show).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", content = "data", rename_all = "snake_case")]
enum Step {
    /// No appointment found yet: asks its hour.
    AskTime { status: AttendanceStatus },
    /// Several appointments fit: (appointment id, label) to pick from,
    /// and each one's customer (to name them once picked; none in
    /// sessions saved before it was kept).
    Choose {
        status: AttendanceStatus,
        options: Vec<(String, String)>,
        #[serde(default)]
        customers: Vec<Option<String>>,
    },
    /// One appointment: «¿Te refieres a …?».
    Confirm {
        status: AttendanceStatus,
        appointment_id: String,
        #[serde(default)]
        customer_name: Option<String>,
    },
    /// Marked as a no-show: offers a message to the customer.
    OfferMessage {
        customer_id: String,
        #[serde(default)]
        customer_name: Option<String>,
    },
}

pub(crate) async fn start(
    st: &StaffTurn<'_>,
    text: &str,
    status: AttendanceStatus,
) -> Result<AgentReply, AgentError> {
    if !st.may(Action::MarkAttendance) {
        return Ok(forbidden(Action::MarkAttendance));
    }
    find(st, None, text, status).await
}

fn appt_label(item: &ScheduleItem, st: &StaffTurn<'_>) -> String {
    format!(
        "la cita de {} a las {} ({})",
        item.customer.as_deref().unwrap_or("un cliente"),
        st.locale().time(utc_to_local(st.tz, item.start).time()),
        item.service.as_deref().unwrap_or("")
    )
}

async fn find(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    text: &str,
    status: AttendanceStatus,
) -> Result<AgentReply, AgentError> {
    let (date, time) = time_in(st, text, Intent::MarkNoShow);
    let day = date.map_or_else(|| st.today(), |d| d.first());
    let schedule = match st
        .tools
        .get_business_schedule(&st.actor, &ScheduleArgs { date: Some(day) })
        .await
    {
        Ok(s) => s,
        Err(e) => return Ok(refused(&e)),
    };
    let open = open_appointments(&schedule.items);
    let mut candidates: Vec<&ScheduleItem> = match time.and_then(|t| t.exact()) {
        Some(t) => open
            .iter()
            .copied()
            .filter(|i| starts_at(st, i, t))
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
            st.save_step(
                previous,
                FlowType::MarkAttendance,
                &Step::AskTime { status },
            )
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
            let confirm = Step::Confirm {
                status,
                appointment_id: one.id.to_string(),
                customer_name: one.customer.clone(),
            };
            st.save_step(previous, FlowType::MarkAttendance, &confirm)
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
            let list = flow::numbered(&options);
            let customers = many.iter().map(|i| i.customer.clone()).collect();
            let choose = Step::Choose {
                status,
                options,
                customers,
            };
            st.save_step(previous, FlowType::MarkAttendance, &choose)
                .await?;
            Ok(AgentReply::text(format!("¿Cuál de estas?\n{list}")))
        }
    }
}

pub(crate) async fn step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    let switched = switches(text, &[Intent::MarkNoShow, Intent::MarkCompleted]);
    let step = match resume::<Step>(st, f, switched).await? {
        Ok(step) => step,
        Err(reply) => return Ok(reply),
    };
    match step {
        Step::AskTime { status } => find(st, Some(f), text, status).await.map(Some),
        Step::Choose {
            status,
            options,
            customers,
        } => {
            let Some((id, label)) = flow::pick(text, &options).cloned() else {
                return Ok(Some(AgentReply::text(
                    "¿Cuál? Respóndeme con el número de la lista.",
                )));
            };
            let customer_name = options
                .iter()
                .position(|(o, _)| *o == id)
                .and_then(|at| customers.get(at).cloned().flatten());
            let confirm = Step::Confirm {
                status,
                appointment_id: id,
                customer_name,
            };
            st.save_step(Some(f), FlowType::MarkAttendance, &confirm)
                .await?;
            Ok(Some(AgentReply::text(format!("¿Te refieres a {label}?"))))
        }
        Step::Confirm {
            status,
            appointment_id,
            customer_name,
        } if is_yes(text) => mark(st, f, status, appointment_id, customer_name)
            .await
            .map(Some),
        Step::Confirm { status, .. } if is_no(text) => {
            st.save_step(Some(f), FlowType::MarkAttendance, &Step::AskTime { status })
                .await?;
            Ok(Some(AgentReply::text(
                "Entendido. ¿De qué hora es la cita?",
            )))
        }
        Step::OfferMessage {
            customer_id,
            customer_name,
        } if is_yes(text) => send_no_show_message(st, customer_id, customer_name, text)
            .await
            .map(Some),
        Step::OfferMessage { .. } if is_no(text) => {
            st.clear().await?;
            Ok(Some(AgentReply::text(
                "Perfecto, no le envío nada. ¿Algo más?",
            )))
        }
        Step::Confirm { .. } | Step::OfferMessage { .. } => Ok(Some(AgentReply::text(
            "¿Sí o no? (Escribe «cancela» para dejarlo.)",
        ))),
    }
}

async fn mark(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    status: AttendanceStatus,
    appointment_id: String,
    customer_name: Option<String>,
) -> Result<AgentReply, AgentError> {
    let summary = match st
        .tools
        .mark_appointment_status(
            &st.actor,
            &MarkStatusArgs {
                appointment_id,
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
    let who = customer_name.clone().unwrap_or_default();
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
    let offer = Step::OfferMessage {
        customer_id: appt.customer_id.to_string(),
        customer_name,
    };
    st.save_step(Some(f), FlowType::MarkAttendance, &offer)
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
    let dictated = after_keyword(instruction, &["dile que", "dígale que", "digale que"])
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
    customer: String,
    customer_name: Option<String>,
    text: &str,
) -> Result<AgentReply, AgentError> {
    st.clear().await?;
    let first = first_name(customer_name.as_deref().unwrap_or(""));
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use super::super::old_shape as old;

    #[test]
    fn no_show_message() {
        assert!(no_show_text(
            "Roberto",
            "Si, dile que esperamos que esté bien y que nos avise para reagendar"
        )
        .starts_with("Hola Roberto, notamos que no pudiste llegar"));
    }

    /// Sessions saved before each flow had its own type still load.
    #[test]
    fn old_sessions_load() {
        let status = AttendanceStatus::NoShow;
        assert_eq!(
            flow::step_from::<Step>("ask_time", &old(json!({ "status": "no_show" }))),
            Some(Step::AskTime { status })
        );
        let options = vec![("a1".to_string(), "la cita de Ana".to_string())];
        assert_eq!(
            flow::step_from::<Step>(
                "choose",
                &old(json!({ "status": "completed", "options": [["a1", "la cita de Ana"]] }))
            ),
            Some(Step::Choose {
                status: AttendanceStatus::Completed,
                options,
                customers: Vec::new()
            })
        );
        assert_eq!(
            flow::step_from::<Step>(
                "confirm",
                &old(json!({
                    "status": "no_show", "appointment_id": "a1", "customer_name": "Roberto"
                }))
            ),
            Some(Step::Confirm {
                status,
                appointment_id: "a1".into(),
                customer_name: Some("Roberto".into())
            })
        );
        assert_eq!(
            flow::step_from::<Step>(
                "offer_message",
                &old(json!({
                    "status": "no_show", "appointment_id": "a1",
                    "customer_name": "Roberto", "customer_id": "c1"
                }))
            ),
            Some(Step::OfferMessage {
                customer_id: "c1".into(),
                customer_name: Some("Roberto".into())
            })
        );
        // A confirm without the appointment (never written, but damaged
        // data must not crash the turn): the flow ends.
        assert_eq!(
            flow::step_from::<Step>("confirm", &old(json!({ "status": "no_show" }))),
            None
        );
    }
}
