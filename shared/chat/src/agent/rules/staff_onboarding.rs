//! Staff onboarding (spec/001 flow 2): the first message of a staff member
//! the owner registered. Greet, ask the preferred name, ask the usual
//! working hours, show what they can do; then tell the owner. Progress is a
//! [`FlowType::StaffOnboarding`] flow, so a staff member who goes quiet
//! resumes where they stopped ("¡Hola de nuevo!").

use parlo_core::es::hours::{describe_in, parse_weekly_hours};
use parlo_core::{FlowSession, FlowType, PermissionLevel};
use serde::{Deserialize, Serialize};

use super::extract::clean_name;
use super::flow;
use super::staff::{command, command_intent, first_name, is_yes, StaffTurn};
use crate::agent::{AgentError, AgentReply};
use crate::tools::Notification;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Onboarding {
    #[serde(default)]
    name: Option<String>,
    /// The hours they said they work, as written (for the owner to set up).
    #[serde(default)]
    availability: Option<String>,
}

const COLLECTING_NAME: &str = "collecting_name";
const COLLECTING_AVAILABILITY: &str = "collecting_availability";
const SHOWING_TUTORIAL: &str = "showing_tutorial";

/// The first message: welcome and the first question.
pub(crate) async fn start(st: &StaffTurn<'_>) -> Result<AgentReply, AgentError> {
    st.save(
        None,
        FlowType::StaffOnboarding,
        COLLECTING_NAME,
        &Onboarding::default(),
    )
    .await?;
    let first = first_name(&st.me.name);
    Ok(AgentReply::text(format!(
        "¡Hola {first}! 👋 {} te registró en Parlo. Desde aquí podrás ver tu agenda, bloquear \
         horarios y registrar citas. ¿Cómo prefieres que te llame? Si «{first}» está bien, responde «sí».",
        st.org.name
    )))
}

/// An abandoned onboarding picks up where it stopped.
pub(crate) async fn resume(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    let mut reply = step(st, f, text).await?;
    if let Some(first) = reply.replies.first_mut() {
        *first = format!("¡Hola de nuevo! Seguíamos con tu registro. {first}");
    }
    Ok(Some(reply))
}

pub(crate) async fn step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<AgentReply, AgentError> {
    let mut data: Onboarding = flow::data(f);
    // A command instead of an answer: they know what they want; the
    // onboarding ends here and the command is answered.
    if command_intent(text).is_staff_command() && f.state != SHOWING_TUTORIAL {
        st.clear().await?;
        return command(st, text).await;
    }
    match f.state.as_str() {
        COLLECTING_NAME => {
            let current = first_name(&st.me.name);
            let name = if is_yes(text) {
                current
            } else {
                let n = clean_name(text);
                if n.is_empty() || n.split_whitespace().count() > 3 {
                    return Ok(AgentReply::text(
                        "¿Cómo prefieres que te llame? Escríbeme solo tu nombre.",
                    ));
                }
                n
            };
            if name != first_name(&st.me.name) {
                // The preferred name replaces the first name; surnames stay.
                let mut me = st.me.clone();
                let rest: Vec<&str> = st.me.name.split_whitespace().skip(1).collect();
                me.name = std::iter::once(name.as_str())
                    .chain(rest)
                    .collect::<Vec<_>>()
                    .join(" ");
                me.updated_at = st.turn.now;
                st.agent
                    .store
                    .update_staff(&me)
                    .await
                    .map_err(|e| AgentError(e.to_string()))?;
            }
            data.name = Some(name.clone());
            st.save(
                Some(f),
                FlowType::StaffOnboarding,
                COLLECTING_AVAILABILITY,
                &data,
            )
            .await?;
            Ok(AgentReply::text(format!(
                "Mucho gusto, {name} ✓ ¿Qué días y en qué horario trabajas normalmente? \
                 Por ejemplo: «lunes a sábado de 10 a 7»."
            )))
        }
        COLLECTING_AVAILABILITY => {
            // The stated hours become the recurring week (the slots
            // offered follow them), confirmed back as the agenda writes times.
            let Some(hours) = parse_weekly_hours(text) else {
                return Ok(AgentReply::text(
                    "No entendí tu horario. Escríbelo así: «lunes a sábado de 10 a 7» o «martes a \
                     viernes de 9 a 3 y sábado de 10 a 2».",
                ));
            };
            st.agent
                .services
                .set_staff_availability(&st.me, &hours, st.turn.now)
                .await
                .map_err(|e| AgentError(e.to_string()))?;
            let week = describe_in(&hours, st.locale());
            data.availability = Some(week.clone());
            st.save(Some(f), FlowType::StaffOnboarding, SHOWING_TUTORIAL, &data)
                .await?;
            Ok(AgentReply::text(format!(
                "Anotado ✓ Tu horario: {week}. Solo te agendarán en ese horario.\n\n\
                 Así me puedes usar:\n\
                 • «¿Qué tengo hoy?» para ver tu agenda\n\
                 • «Bloquea de 2 a 3» para apartar tiempo\n\
                 • «Llegó alguien para corte» para registrar a quien llega sin cita\n\
                 • «El de las 3 no llegó» para marcar asistencia\n\
                 ¿Listo para empezar?"
            )))
        }
        _ => {
            // Tutorial seen: onboarding is complete; tell the owners.
            st.clear().await?;
            let name = data.name.clone().unwrap_or_else(|| first_name(&st.me.name));
            let hours = data
                .availability
                .as_deref()
                .map(|a| format!(" Su horario: «{a}»."))
                .unwrap_or_default();
            let notifications: Vec<Notification> = st
                .team()
                .await?
                .iter()
                .filter(|s| s.permission_level == PermissionLevel::Owner && s.id != st.me.id)
                .map(|s| Notification {
                    to: s.phone.clone(),
                    text: format!("✓ {name} ya activó su WhatsApp en Parlo.{hours}"),
                    kind: parlo_app::services::MessageKind::StaffActivated,
                    vars: vec![
                        name.clone(),
                        data.availability
                            .clone()
                            .unwrap_or_else(|| "sin indicar".into()),
                    ],
                })
                .collect();
            let mut reply = if command_intent(text).is_staff_command() {
                command(st, text).await?
            } else {
                AgentReply::text("¡Listo! Escríbeme cuando me necesites 👍")
            };
            reply.notifications.extend(notifications);
            Ok(reply)
        }
    }
}
