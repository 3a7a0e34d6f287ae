//! «panel», «link», «entrar al panel», «mándame el link» from staff: owners
//! and admins get a one-time sign-in link (through
//! [`parlo_app::services::Services::send_dashboard_link`]); anyone else a
//! polite no and what they can do by chat instead.

use parlo_app::services::sign_in::has_dashboard_access;
use parlo_core::es::fuzzy::normalize;
use parlo_core::es::intent::{classify, Intent};
use parlo_core::routing::Route;

use super::staff::StaffTurn;
use crate::agent::{AgentError, AgentReply};

/// Whether the message asks for the dashboard link.
pub(crate) fn asks(text: &str) -> bool {
    let n = normalize(text);
    let words: Vec<&str> = n.split_whitespace().collect();
    classify(text) == Intent::MagicLink
        || matches!(
            words.as_slice(),
            ["link"] | ["liga"] | ["enlace"] | ["el", "link"]
        )
        || (words.len() <= 6
            && words
                .iter()
                .any(|w| matches!(*w, "link" | "liga" | "enlace"))
            && words
                .iter()
                .any(|w| w.starts_with("mand") || w.starts_with("pas") || w.starts_with("envia")))
}

pub(crate) async fn respond(st: &StaffTurn<'_>) -> Result<AgentReply, AgentError> {
    if !has_dashboard_access(&st.me) {
        return Ok(AgentReply::text(
            "El panel web es para los dueños y administradores del negocio, así que no puedo \
             mandarte el enlace 🙏 Si lo necesitas, pídele acceso al dueño. Por aquí puedes ver tu \
             agenda («¿Qué tengo hoy?») y bloquear horarios.",
        ));
    }
    // From the number they wrote to: that is where their window is open.
    let from = match (&st.turn.route, &st.org.whatsapp_number) {
        (Route::BusinessManagement { .. }, Some(n)) => n.clone(),
        _ => st.agent.services.outbox.central_number.clone(),
    };
    st.agent
        .services
        .send_dashboard_link(
            &st.org,
            &st.me,
            &from,
            &st.agent.dashboard_url,
            &st.turn.message_sid,
            st.turn.now,
        )
        .await
        .map_err(|e| AgentError(e.to_string()))?;
    // The link is the answer (sent with its token kept out of the logs).
    Ok(AgentReply::default())
}
