//! Give Rating flow (spec/001 flow 7). The review request (sent after a
//! visit) opens a `Rating` flow in state `awaiting_rating` with the
//! appointment's id; the customer answers 1–5 (digits, words or stars),
//! then an optional comment. Both are kept on the appointment; a 4 or 5
//! gets the business's review link when it has one.

use parlo_core::es::intent::Intent;
use parlo_core::{FlowSession, FlowType};
use serde::{Deserialize, Serialize};

use super::{err, Cx, MAX_MISSES};
use crate::agent::rules::flow;
use crate::agent::{AgentError, AgentReply};

pub const AWAITING_RATING: &str = "awaiting_rating";
pub const AWAITING_FEEDBACK: &str = "awaiting_feedback";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RatingData {
    #[serde(default)]
    pub appointment_id: Option<String>,
    #[serde(default)]
    pub rating: Option<u8>,
    #[serde(default)]
    pub misses: u8,
}

const NUMBER_WORDS: &[(&str, u8)] = &[
    ("uno", 1),
    ("una", 1),
    ("dos", 2),
    ("tres", 3),
    ("cuatro", 4),
    ("cinco", 5),
];

/// A 1–5 rating in the message: "5", "cinco", "⭐⭐⭐⭐", "4 estrellas".
pub fn rating_in(text: &str, words: &[String]) -> Option<u8> {
    let stars = text.chars().filter(|c| *c == '⭐' || *c == '★').count();
    if (1..=5).contains(&stars) {
        return Some(stars as u8);
    }
    let mut found = words.iter().filter_map(|w| {
        w.parse::<u8>()
            .ok()
            .or_else(|| NUMBER_WORDS.iter().find(|(n, _)| n == w).map(|(_, v)| *v))
    });
    let first = found.next()?;
    (1..=5).contains(&first).then_some(first)
}

/// Words that skip the comment.
const SKIP: &[&str] = &["no", "nada", "ninguno", "ninguna", "asi", "todo"];

/// A turn of the rating flow; `None` when the customer moved on to
/// something else (the flow is dropped and the message answered fresh).
pub async fn handle(cx: &Cx<'_>, f: FlowSession) -> Result<Option<AgentReply>, AgentError> {
    let mut d: RatingData = flow::data(&f);
    let Some(id) = d
        .appointment_id
        .as_deref()
        .and_then(|s| s.parse::<uuid::Uuid>().ok())
    else {
        cx.clear().await?;
        return Ok(None);
    };
    // Only an appointment of this customer can be rated by them.
    let Ok(appt) = cx
        .tools
        .visible_appointment(&cx.actor, &id.to_string())
        .await
    else {
        cx.clear().await?;
        return Ok(None);
    };
    let moved_on = matches!(
        cx.intent,
        Intent::Book | Intent::Reschedule | Intent::Cancel | Intent::MyAppointments
    );
    let store = &cx.agent.store;
    match f.state.as_str() {
        AWAITING_RATING => {
            // "Quiero otra cita mañana a las 5" is not a 5.
            if moved_on {
                cx.clear().await?;
                return Ok(None);
            }
            let Some(rating) = rating_in(cx.text(), &cx.words) else {
                d.misses += 1;
                if d.misses >= MAX_MISSES {
                    // Not worth a person's time: just stop asking.
                    cx.clear().await?;
                    return Ok(None);
                }
                cx.save(Some(&f), FlowType::Rating, AWAITING_RATING, &d)
                    .await?;
                return Ok(Some(AgentReply::text(
                    "¿Qué calificación le das a tu visita? Respóndeme con un número del 1 al 5.",
                )));
            };
            store
                .rate_appointment(appt.org_id, appt.id, rating, None)
                .await
                .map_err(err)?;
            d.rating = Some(rating);
            d.misses = 0;
            cx.save(Some(&f), FlowType::Rating, AWAITING_FEEDBACK, &d)
                .await?;
            let thanks = if rating >= 4 {
                "¡Muchas gracias! Nos alegra que te haya gustado. 😊"
            } else {
                "Gracias por decírnoslo; queremos mejorar."
            };
            Ok(Some(AgentReply::text(format!(
                "{thanks} ¿Quieres contarnos algo más de tu visita? Si no, responde «no»."
            ))))
        }
        AWAITING_FEEDBACK => {
            if moved_on {
                cx.clear().await?;
                return Ok(None);
            }
            let skipped = cx.intent == Intent::No
                || (cx.words.len() <= 2 && cx.words.iter().all(|w| SKIP.contains(&w.as_str())));
            let rating = d.rating.or(appt.rating).unwrap_or(5);
            if !skipped {
                store
                    .rate_appointment(appt.org_id, appt.id, rating, Some(cx.text()))
                    .await
                    .map_err(err)?;
            }
            cx.clear().await?;
            let mut text = if skipped {
                "¡Gracias por calificarnos!".to_string()
            } else {
                "¡Gracias por tus comentarios! Se los haré llegar al equipo.".to_string()
            };
            let link = cx
                .biz
                .org
                .settings
                .review_link
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty());
            if let (true, Some(link)) = (rating >= 4, link) {
                text.push_str(&format!(
                    " Si tienes un minuto, nos ayudaría mucho tu reseña aquí: {link}"
                ));
            }
            Ok(Some(AgentReply::text(text)))
        }
        _ => {
            cx.clear().await?;
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlo_core::es::intent::message_words;

    fn r(s: &str) -> Option<u8> {
        rating_in(s, &message_words(s))
    }

    #[test]
    fn ratings_in_digits_words_and_stars() {
        assert_eq!(r("5"), Some(5));
        assert_eq!(r("Le doy un 4"), Some(4));
        assert_eq!(r("cinco estrellas"), Some(5));
        assert_eq!(r("⭐⭐⭐"), Some(3));
        assert_eq!(r("10"), None);
        assert_eq!(r("muy bien"), None);
    }
}
