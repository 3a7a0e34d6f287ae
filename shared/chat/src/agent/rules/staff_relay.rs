//! A staff member answering a customer whose messages were relayed to them
//! during a handoff: «dile que sí», «contéstale que mañana a las 5 sí
//! hay», or WhatsApp's reply on the relay message itself. The words go to
//! the customer from the business's number through the same tool (and
//! services use case) as «mensaje a Roberto: …», once per turn. The
//! relays a person received are kept on their own conversation by the
//! services layer (`conversations::RELAYED_KEY`).

use parlo_app::services::conversations::{latest_relay, relay_replied, Relayed};
use parlo_core::es::format;
use parlo_core::routing::Route;

use super::staff::{first_name, refused, StaffTurn};
use crate::agent::{AgentError, AgentReply, TurnContext};
use crate::tools::SendMessageArgs;

/// What introduces words meant for the customer.
const DICTATION: &[&str] = &[
    "dile que",
    "digale que",
    "dígale que",
    "dile q ",
    "contestale que",
    "contéstale que",
    "respondele que",
    "respóndele que",
    "dile:",
    "contestale:",
    "contéstale:",
    "respondele:",
    "respóndele:",
];

/// The words after «dile que …» when the message starts with it (after at
/// most a short lead: «sí, dile que …», «ok dile que …»).
pub(crate) fn dictated(text: &str) -> Option<String> {
    DICTATION.iter().find_map(|k| {
        let at = parlo_core::es::find_ci(text, k)?;
        let lead = &text[..at.start];
        if lead.split_whitespace().count() > 2 {
            return None;
        }
        let rest = text[at.end..]
            .trim()
            .trim_start_matches([':', ',', '-'])
            .trim();
        (!rest.is_empty()).then(|| rest.to_string())
    })
}

/// The customer this staff message answers and what to tell them: the
/// relay it replies to (the whole text, or what follows «dile que»), or
/// the latest relay for a bare «dile que …».
fn target(turn: &TurnContext, replies_only: bool) -> Option<(Relayed, String)> {
    if !matches!(
        turn.route,
        Route::BusinessManagement { .. } | Route::ManagementFromCentral { .. }
    ) {
        return None;
    }
    let conv = turn.conversation.as_ref()?;
    let text = turn.text.trim();
    if let Some(r) = turn
        .replied_to
        .as_deref()
        .and_then(|sid| relay_replied(conv, sid))
    {
        let body = dictated(text).unwrap_or_else(|| text.to_string());
        return (!body.is_empty()).then_some((r, body));
    }
    if replies_only {
        return None;
    }
    let body = dictated(text)?;
    // «Dile a Roberto que …» names someone: the usual message flow.
    Some((latest_relay(conv, turn.now)?, body))
}

/// Whether this staff turn answers a relayed customer (the rule agent
/// answers it whichever agent is configured).
pub fn answers_relay(turn: &TurnContext) -> bool {
    target(turn, false).is_some()
}

/// Sends the staff member's answer to the relayed customer; `None` when
/// the message is not one. With `replies_only`, only a WhatsApp reply to a
/// relay counts (a flow in progress may want its own «dile que …»).
pub(crate) async fn respond(
    st: &StaffTurn<'_>,
    replies_only: bool,
) -> Result<Option<AgentReply>, AgentError> {
    let Some((relayed, body)) = target(st.turn, replies_only) else {
        return Ok(None);
    };
    let mut message = format::capitalize(body.trim());
    // A sentence ends with a period; emoji and punctuation end it already.
    if message.ends_with(char::is_alphanumeric) {
        message.push('.');
    }
    let customer = relayed
        .customer_id
        .map_or_else(|| relayed.phone.clone(), |id| id.to_string());
    let who = relayed
        .name
        .as_deref()
        .map(first_name)
        .unwrap_or_else(|| super::staff::display_phone(&relayed.phone));
    match st
        .tools
        .send_message_to_customer(&st.actor, &SendMessageArgs { customer, message })
        .await
    {
        Ok(sent) => Ok(Some(AgentReply::text(format!(
            "Enviado ✓ Le mandé a {who}: \"{}\"",
            sent.text
        )))),
        Err(e) => Ok(Some(refused(&e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictation_is_read_at_the_start_only() {
        assert_eq!(dictated("dile que sí").as_deref(), Some("sí"));
        assert_eq!(dictated("Si, dile que si").as_deref(), Some("si"));
        assert_eq!(
            dictated("contestale que mañana a las 5 si hay").as_deref(),
            Some("mañana a las 5 si hay")
        );
        assert_eq!(
            dictated("Dile: te esperamos").as_deref(),
            Some("te esperamos")
        );
        assert_eq!(dictated("dile a Roberto que sí"), None);
        assert_eq!(dictated("que tengo hoy"), None);
        assert_eq!(dictated("dile que"), None);
        assert_eq!(
            dictated("el cliente de ayer me pidio que dile que no"),
            None
        );
    }
}
