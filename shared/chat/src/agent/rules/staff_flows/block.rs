//! Block time (spec/001 flow 8): «bloquea de 2 a 3», «bloquéale la tarde
//! a Pedro», «las 4, tengo que salir temprano». A single hour blocked
//! offers to block the rest of the day too.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use parlo_core::es::format;
use parlo_core::es::fuzzy::normalize;
use parlo_core::es::intent::Intent;
use parlo_core::es::when::TimeSpec;
use parlo_core::permissions::Action;
use parlo_core::{FlowSession, FlowType};
use serde::{Deserialize, Serialize};

use super::super::staff::*;
use super::{forbidden, resume, switches};
use crate::agent::{AgentError, AgentReply};
use crate::tools::*;

/// Where the flow stands, with what it collected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", content = "data", rename_all = "snake_case")]
enum Step {
    /// No time named yet.
    AskTime {
        /// The teammate whose time is blocked (id), if not the writer's.
        #[serde(default)]
        staff: Option<String>,
    },
    /// One hour blocked; offers the rest of the day.
    OfferRest {
        #[serde(default)]
        staff: Option<String>,
        rest_start: NaiveDateTime,
        rest_end: NaiveDateTime,
        /// The hour blocked, for "solo las … bloqueadas".
        done_label: String,
    },
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

/// "5" or "5:30" (12-hour, no suffix), as people say an hour.
fn short_hour(t: NaiveTime) -> String {
    let (_, h) = t.hour12();
    if t.minute() == 0 {
        h.to_string()
    } else {
        format!("{h}:{:02}", t.minute())
    }
}

fn wall(dt: NaiveDateTime) -> String {
    dt.format("%Y-%m-%dT%H:%M").to_string()
}

/// The business's opening and closing on `date` (first and last range).
async fn opening(
    st: &StaffTurn<'_>,
    date: NaiveDate,
) -> Result<Option<(NaiveTime, NaiveTime)>, AgentError> {
    let Some(location) = st.location().await? else {
        return Ok(None);
    };
    let ranges = location.business_hours.on(date.weekday());
    Ok(match (ranges.first(), ranges.last()) {
        (Some(a), Some(b)) => Some((a.start, b.end)),
        _ => None,
    })
}

pub(crate) async fn start(st: &StaffTurn<'_>, text: &str) -> Result<AgentReply, AgentError> {
    if !st.may(Action::BlockOwnTime) {
        return Ok(forbidden(Action::BlockOwnTime));
    }
    let team = st.team().await?;
    let staff = teammate_in(st, &team, text).map(|s| s.id.to_string());
    block_with(st, None, text, staff).await
}

async fn block_with(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    text: &str,
    staff: Option<String>,
) -> Result<AgentReply, AgentError> {
    let (date, time) = time_in(st, text, Intent::BlockTime);
    let day = date.map_or_else(|| st.today(), |d| d.first());
    let (open, close) = opening(st, day).await?.unwrap_or((hm(9, 0), hm(20, 0)));
    let n = normalize(text);
    let whole_day = n.contains("todo el dia") || n.contains("el dia completo");
    // "las 4, tengo que salir temprano": "temprano" reads as morning, but
    // an hour before opening that fits in the afternoon means the afternoon.
    let time = match time {
        Some(TimeSpec::At(t)) if t < open && t.hour() < 12 && t + Duration::hours(12) < close => {
            Some(TimeSpec::At(t + Duration::hours(12)))
        }
        other => other,
    };
    let range = match time {
        Some(TimeSpec::At(t)) => Some((t, (t + Duration::hours(1)).min(hm(23, 59)), true)),
        Some(TimeSpec::Between(a, b)) => Some((a, b, false)),
        Some(TimeSpec::After(t)) => Some((t, close.max(t + Duration::hours(1)), false)),
        Some(TimeSpec::Before(t)) => Some((open.min(t), t, false)),
        Some(TimeSpec::Part(p)) => {
            let (a, b) = p.bounds();
            Some((a.max(open), b.min(close), false))
        }
        None if whole_day || (date.is_some() && n.contains("dia")) => Some((open, close, false)),
        None => None,
    };
    let Some((start, end, single)) = range else {
        st.save_step(previous, FlowType::BlockTime, &Step::AskTime { staff })
            .await?;
        return Ok(AgentReply::text(
            "¿Qué horario quieres bloquear? Por ejemplo: «de 2 a 3» o «las 4».",
        ));
    };
    let reason = ["comida", "comer", "almuerzo"]
        .iter()
        .any(|w| n.contains(w))
        .then(|| "comida".to_string());
    let args = BlockTimeArgs {
        start: wall(day.and_time(start)),
        end: wall(day.and_time(end)),
        reason,
        staff: staff.clone(),
    };
    let result = match st.tools.block_time(&st.actor, &args).await {
        Ok(r) => r,
        Err(e) => {
            st.clear().await?;
            return Ok(refused(&e));
        }
    };
    let whom = if result.staff == st.me.name {
        String::new()
    } else {
        format!(" a {}", first_name(&result.staff))
    };
    let when = if day == st.today() {
        String::new()
    } else {
        format!(" el {}", format::date_long(day, st.today()))
    };
    if single && end < close {
        let label = st.locale().time(start);
        let offer = Step::OfferRest {
            staff,
            rest_start: day.and_time(end),
            rest_end: day.and_time(close),
            done_label: label.clone(),
        };
        st.save_step(previous, FlowType::BlockTime, &offer).await?;
        return Ok(AgentReply::text(format!(
            "Listo, bloqueé{whom} las {label}{when} ✓ ¿Quieres que también bloquee de {} en adelante?",
            short_hour(end)
        )));
    }
    st.clear().await?;
    Ok(AgentReply::text(format!(
        "Listo, bloqueé{whom} de {} a {}{when} ✓ ¿Algo más?",
        st.locale().time(start),
        st.locale().time(end)
    )))
}

pub(crate) async fn step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    let switched = switches(text, &[Intent::BlockTime]);
    let step = match resume::<Step>(st, f, switched).await? {
        Ok(step) => step,
        Err(reply) => return Ok(reply),
    };
    match step {
        Step::OfferRest {
            staff,
            rest_start: a,
            rest_end: b,
            ..
        } if is_yes(text) => {
            let args = BlockTimeArgs {
                start: wall(a),
                end: wall(b),
                reason: None,
                staff,
            };
            st.clear().await?;
            Ok(Some(match st.tools.block_time(&st.actor, &args).await {
                Ok(_) => AgentReply::text(format!(
                    "Listo, también bloqueé de {} a {} ✓ ¿Algo más?",
                    st.locale().time(a.time()),
                    st.locale().time(b.time())
                )),
                Err(e) => refused(&e),
            }))
        }
        Step::OfferRest { done_label, .. } if is_no(text) => {
            st.clear().await?;
            Ok(Some(AgentReply::text(format!(
                "Perfecto, solo las {done_label} bloqueadas. ¿Algo más?"
            ))))
        }
        Step::AskTime { staff } => block_with(st, Some(f), text, staff).await.map(Some),
        Step::OfferRest { .. } => {
            st.clear().await?;
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use super::super::old_shape as old;
    use crate::agent::rules::flow;

    #[test]
    fn hours() {
        assert_eq!(short_hour(hm(17, 0)), "5");
        assert_eq!(short_hour(hm(17, 30)), "5:30");
    }

    /// Sessions saved before each flow had its own type (one all-optional
    /// struct shared by every staff flow) still load.
    #[test]
    fn old_sessions_load() {
        let ask = old(json!({ "staff": "3f1c" }));
        assert_eq!(
            flow::step_from::<Step>("ask_time", &ask),
            Some(Step::AskTime {
                staff: Some("3f1c".into())
            })
        );
        let offer = old(json!({
            "rest_start": "2026-12-07T17:00:00",
            "rest_end": "2026-12-07T20:00:00",
            "done_label": "4:00 PM"
        }));
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(
            flow::step_from::<Step>("offer_rest", &offer),
            Some(Step::OfferRest {
                staff: None,
                rest_start: day.and_time(hm(17, 0)),
                rest_end: day.and_time(hm(20, 0)),
                done_label: "4:00 PM".into()
            })
        );
        // Missing what the step needs, or an unknown step: the flow ends.
        assert_eq!(flow::step_from::<Step>("offer_rest", &old(json!({}))), None);
        assert_eq!(flow::step_from::<Step>("somewhere", &ask), None);
    }
}
