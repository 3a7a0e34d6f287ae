//! Runs one parsed tool call on [`Tools`] as the routed [`Actor`] (never
//! an actor named by the model) and shapes what goes back to the model.

use futures::future::BoxFuture;
use serde::Serialize;
use serde_json::Value;

use super::catalog::Call;
use crate::tools::{
    Actor, AppointmentSummary, AttendanceStatus, Notification, ToolError, ToolResult, Tools,
};

/// What one tool call produced.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Compact JSON for the model: the result, or
    /// `{"error": "...", ..., "message": "<Spanish sentence>"}`.
    pub result: String,
    /// Messages for other people (the owner told of a handoff).
    pub notifications: Vec<Notification>,
    /// When the call changed something: the Spanish sentence that
    /// confirms it, used if the model fails after the change (the turn
    /// must not fall back to an agent that would redo it differently).
    pub done: Option<String>,
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|e| format!(r#"{{"error":"internal","message":"{e}"}}"#))
}

fn error_json(e: &ToolError) -> String {
    let mut v =
        serde_json::to_value(e).unwrap_or_else(|_| serde_json::json!({"error": "internal"}));
    if let Value::Object(m) = &mut v {
        m.insert("message".into(), Value::String(e.user_message()));
    }
    v.to_string()
}

fn reading<T: Serialize>(r: ToolResult<T>) -> Outcome {
    Outcome {
        result: r.as_ref().map_or_else(error_json, to_json),
        ..Outcome::default()
    }
}

fn change<T: Serialize>(r: ToolResult<T>, done: impl FnOnce(&T) -> String) -> Outcome {
    match r {
        Ok(v) => Outcome {
            result: to_json(&v),
            done: Some(done(&v)),
            notifications: Vec::new(),
        },
        Err(e) => Outcome {
            result: error_json(&e),
            ..Outcome::default()
        },
    }
}

fn when(a: &AppointmentSummary) -> String {
    format!("{} a las {}", a.date, a.time)
}

/// Builds one tool's future in a frame of its own and boxes it. The
/// match below would otherwise give every tool's (large) future its own
/// stack slot in one frame: over 1 MiB in debug builds, enough to
/// overflow a 2 MiB thread stack.
fn boxed<'a, F, Fut>(make: F) -> BoxFuture<'a, Outcome>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Outcome> + Send + 'a,
{
    Box::pin(make())
}

/// Executes `call` for `actor`.
pub fn execute<'a>(tools: &'a Tools, actor: &'a Actor, call: &'a Call) -> BoxFuture<'a, Outcome> {
    match call {
        Call::CheckAvailability(a) => {
            boxed(move || async move { reading(tools.check_availability(actor, a).await) })
        }
        Call::GetCustomerAppointments(_) => {
            boxed(move || async move { reading(tools.get_customer_appointments(actor).await) })
        }
        Call::GetMySchedule(a) => {
            boxed(move || async move { reading(tools.get_my_schedule(actor, a).await) })
        }
        Call::GetBusinessSchedule(a) => {
            boxed(move || async move { reading(tools.get_business_schedule(actor, a).await) })
        }
        Call::GetCustomerHistory(a) => {
            boxed(move || async move { reading(tools.get_customer_history(actor, a).await) })
        }
        Call::ViewStats(a) => {
            boxed(move || async move { reading(tools.view_stats(actor, a).await) })
        }
        Call::BookAppointment(a) => boxed(move || async move {
            change(tools.book_appointment(actor, a).await, |s| {
                format!(
                    "¡Listo! Tu cita quedó agendada: {}, {} con {}. Precio: {}.",
                    s.service,
                    when(s),
                    s.staff,
                    s.price
                )
            })
        }),
        Call::CancelAppointment(a) => boxed(move || async move {
            change(tools.cancel_appointment(actor, a).await, |s| {
                format!(
                    "Listo, la cita de {} del {} quedó cancelada.",
                    s.service,
                    when(s)
                )
            })
        }),
        Call::RescheduleAppointment(a) => boxed(move || async move {
            {
                change(tools.change_appointment(actor, a).await, |s| {
                    format!(
                        "Listo, la cita de {} quedó para el {} con {}.",
                        s.service,
                        when(s),
                        s.staff
                    )
                })
            }
        }),
        Call::HandoffToHuman(a) => boxed(move || async move {
            match tools.handoff_to_human(actor, a).await {
                Ok(h) => Outcome {
                    result: serde_json::json!({"handed_off_until": h.handed_off_until}).to_string(),
                    notifications: Vec::new(),
                    done: Some(
                        "Le avisé al equipo del negocio; en cuanto puedan te escriben por aquí."
                            .into(),
                    ),
                },
                Err(e) => Outcome {
                    result: error_json(&e),
                    ..Outcome::default()
                },
            }
        }),
        Call::BlockTime(a) => boxed(move || async move {
            change(tools.block_time(actor, a).await, |b| {
                format!("Listo, bloqueado: {} ✓", b.label)
            })
        }),
        Call::RemoveBlock(a) => boxed(move || async move {
            change(tools.remove_block(actor, a).await, |_| {
                "Listo, quité el bloqueo ✓".into()
            })
        }),
        Call::MarkAppointmentStatus(a) => boxed(move || async move {
            {
                let status = a.status;
                change(tools.mark_appointment_status(actor, a).await, move |s| {
                    let what = match status {
                        AttendanceStatus::Completed => "completada",
                        AttendanceStatus::NoShow => "como no asistida",
                    };
                    format!(
                        "Listo, la cita de {} del {} quedó {what} ✓",
                        s.service,
                        when(s)
                    )
                })
            }
        }),
        Call::BookWalkIn(a) => boxed(move || async move {
            change(tools.book_walk_in(actor, a).await, |s| {
                format!(
                    "Listo, registré la cita: {}, {} con {} ✓",
                    s.service,
                    when(s),
                    s.staff
                )
            })
        }),
        Call::AddStaff(a) => boxed(move || async move {
            change(tools.add_staff(actor, a).await, |s| {
                format!("Listo, registré a {} ✓", s.name)
            })
        }),
        Call::RemoveStaff(a) => boxed(move || async move {
            change(tools.remove_staff(actor, a).await, |s| {
                format!("Listo, di de baja a {} ✓", s.name)
            })
        }),
        Call::ChangePermissions(a) => boxed(move || async move {
            change(tools.change_permissions(actor, a).await, |s| {
                format!("Listo, cambié los permisos de {} ✓", s.name)
            })
        }),
        Call::ChangeBusinessHours(a) => boxed(move || async move {
            change(tools.change_business_hours(actor, a).await, |h| {
                if h.ranges.is_empty() {
                    format!("Listo, el {} queda cerrado ✓", h.weekday)
                } else {
                    format!("Listo, el {} abres {} ✓", h.weekday, h.ranges.join(" y "))
                }
            })
        }),
        Call::SaveMyName(a) => {
            boxed(move || async move { reading(tools.save_own_name(actor, a).await) })
        }
        Call::SendMessageToCustomer(a) => boxed(move || async move {
            change(tools.send_message_to_customer(actor, a).await, |m| {
                format!("Enviado ✓ Le mandé: \"{}\"", m.text)
            })
        }),
        Call::TakeOverConversation(a) => boxed(move || async move {
            change(tools.take_over_conversation(actor, a).await, |c| {
                format!(
                    "Listo, tú atiendes a {}; el asistente queda en pausa con este cliente ✓",
                    c.customer
                )
            })
        }),
        Call::ReleaseConversation(a) => boxed(move || async move {
            change(tools.release_conversation(actor, a).await, |c| {
                format!("Listo, el asistente vuelve a atender a {} ✓", c.customer)
            })
        }),
        Call::ChangeService(a) => boxed(move || async move {
            change(tools.change_service(actor, a).await, |s| {
                format!(
                    "Listo, {} queda en {} y {} minutos ✓",
                    s.name, s.price, s.duration_minutes
                )
            })
        }),
        Call::AddService(a) => boxed(move || async move {
            change(tools.add_service(actor, a).await, |s| {
                format!(
                    "Listo, agregué {}: {}, {} minutos ✓",
                    s.name, s.price, s.duration_minutes
                )
            })
        }),
        Call::RetireService(a) => boxed(move || async move {
            change(tools.retire_service(actor, a).await, |r| {
                format!("Listo, {} ya no se ofrece ✓", r.name)
            })
        }),
        Call::CloseBusiness(a) => boxed(move || async move {
            change(tools.close_business(actor, a).await, |c| {
                let cancelled = match c.cancelled.len() {
                    0 => String::new(),
                    n => format!(" Cancelé {n} cita(s) y avisé a los clientes."),
                };
                format!("Listo, el negocio queda cerrado {} ✓{cancelled}", c.label)
            })
        }),
        Call::BookForCustomer(a) => boxed(move || async move {
            change(tools.book_for_customer(actor, a).await, |b| {
                format!(
                    "Listo, agendé a {}: {}, {} con {} ✓",
                    b.customer,
                    b.appointment.service,
                    when(&b.appointment),
                    b.appointment.staff
                )
            })
        }),
        Call::FindCustomers(a) => {
            boxed(move || async move { reading(tools.find_customers(actor, a).await) })
        }
        Call::AddCustomerNote(a) => boxed(move || async move {
            change(tools.add_customer_note(actor, a).await, |c| {
                format!(
                    "Listo, anoté eso en el registro de {} ✓",
                    c.name.as_deref().unwrap_or("tu cliente")
                )
            })
        }),
    }
}
