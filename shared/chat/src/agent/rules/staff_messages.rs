//! The staff's one-message commands that reach a customer's conversation:
//! «mensaje a Roberto: …» (sent from the business's number through the
//! send tool) and handing a conversation over or back («yo me encargo de
//! …», «ya atendí a …»). No flow state.

use parlo_core::es::format;

use super::staff::*;
use crate::agent::{AgentError, AgentReply};
use crate::tools::*;

/// "Mándale un mensaje a Roberto: …", "dile a Roberto que …".
/// What leads the customer's name in a message to relay: «dile a Juan
/// que…», «recuérdale a Luis lo de mañana», «mándale msj a Lupe que…».
const TO_CUSTOMER: &[&str] = &[
    "mensaje a ",
    "mensajito a ",
    "msj a ",
    "dile a ",
    "avísale a ",
    "avisale a ",
    "recuérdale a ",
    "recuerdale a ",
    "escríbele a ",
    "escribele a ",
    "le puedes avisar a ",
    "mándale a ",
    "mandale a ",
];

pub(crate) async fn message_customer(
    st: &StaffTurn<'_>,
    text: &str,
) -> Result<AgentReply, AgentError> {
    let (who, body) = if let Some(rest) = after_keyword(text, TO_CUSTOMER) {
        match rest.split_once(':').or_else(|| rest.split_once(" que ")) {
            Some((w, b)) => (w.trim().to_string(), format::capitalize(b.trim())),
            None => (rest, String::new()),
        }
    } else {
        (String::new(), String::new())
    };
    if who.is_empty() || body.is_empty() {
        return Ok(AgentReply::text(
            "Escríbemelo así: «Mensaje a Roberto: tu texto».",
        ));
    }
    let message = if body.ends_with(['.', '!', '?']) {
        body
    } else {
        format!("{body}.")
    };
    match st
        .tools
        .send_message_to_customer(
            &st.actor,
            &SendMessageArgs {
                customer: who,
                message,
            },
        )
        .await
    {
        Ok(sent) => Ok(AgentReply::text(format!(
            "Enviado ✓ Le mandé: \"{}\"",
            sent.text
        ))),
        Err(e) => Ok(refused(&e)),
    }
}

/// "Ya atendí a +52 55 1234 5678" (release) / "yo me encargo de …" (take
/// over).
pub(crate) async fn conversation(
    st: &StaffTurn<'_>,
    text: &str,
    take_over: bool,
) -> Result<AgentReply, AgentError> {
    let who = phone_in(text).or_else(|| {
        after_keyword(
            text,
            &[
                "ya atendí a ",
                "ya atendi a ",
                "me encargo de ",
                "conversación con ",
                "conversacion con ",
                "chat de ",
            ],
        )
        .filter(|s| !s.is_empty())
    });
    let Some(who) = who else {
        return Ok(AgentReply::text(
            "¿Con qué cliente? Escríbeme su teléfono, por ejemplo «ya atendí a 55 1234 5678».",
        ));
    };
    let args = ConversationArgs { customer: who };
    let result = if take_over {
        st.tools.take_over_conversation(&st.actor, &args).await
    } else {
        st.tools.release_conversation(&st.actor, &args).await
    };
    Ok(match result {
        Ok(r) if take_over => AgentReply::text(format!(
            "Listo ✓ Dejo de responderle a {} por {HANDOFF_HOURS} horas; escríbele tú directamente.",
            r.customer
        )),
        Ok(r) => AgentReply::text(format!(
            "Listo ✓ Vuelvo a atender a {} ({}).",
            r.customer,
            display_phone(&r.phone)
        )),
        Err(e) => refused(&e),
    })
}
