//! The owner's changes by chat (spec/001 flows 13–14): removing someone
//! from the team, changing a permission, the opening hours or a service's
//! price or duration. What the owner said is kept and re-read with each
//! answer until everything needed is there; removing someone asks for a
//! yes first.

use parlo_core::es::format;
use parlo_core::es::fuzzy::{find_in_text, normalize, Match};
use parlo_core::es::intent::Intent;
use parlo_core::es::when::{parse_when, TimeSpec};
use parlo_core::permissions::Action;
use parlo_core::{FlowSession, FlowType, PermissionLevel};
use serde::{Deserialize, Serialize};

use super::super::extract::{duration_in, price_in, weekdays_in, WEEKDAYS};
use super::super::staff::*;
use super::{forbidden, resume, services, switches};
use crate::agent::{AgentError, AgentReply};
use crate::tools::*;

/// Where the flow stands; `text` is everything the owner said so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", content = "data", rename_all = "snake_case")]
enum Step {
    /// Something is missing: asked for it.
    Ask {
        #[serde(default)]
        text: String,
    },
    /// Ready; waits for a yes (removing someone).
    Confirm {
        #[serde(default)]
        text: String,
    },
}

enum Outcome {
    Done(AgentReply),
    /// Something is missing: ask (the flow keeps what was said).
    Ask(String),
    /// Ready, needs a yes first (removing someone).
    Confirm(String),
}

fn owner_action(flow_type: FlowType, text: &str) -> Action {
    match flow_type {
        FlowType::RemoveStaff => Action::RemoveStaff,
        FlowType::ChangePermissions => Action::ChangePermissions,
        FlowType::ChangeHours => Action::ChangeBusinessHours,
        _ if price_in(text).is_some() => Action::ModifyServicesPrices,
        _ => Action::ChangeServiceDurations,
    }
}

pub(crate) async fn start(
    st: &StaffTurn<'_>,
    flow_type: FlowType,
    text: &str,
) -> Result<AgentReply, AgentError> {
    let action = owner_action(flow_type, text);
    if !st.may(action) {
        return Ok(forbidden(action));
    }
    run(st, None, flow_type, text.to_string(), false).await
}

pub(crate) async fn step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    let own = [
        Intent::RemoveStaff,
        Intent::ChangePermissions,
        Intent::ChangeHours,
        Intent::ChangeServiceDuration,
        Intent::ChangePrice,
    ];
    let switched = switches(text, &own);
    let step = match resume::<Step>(st, f, switched).await? {
        Ok(step) => step,
        Err(reply) => return Ok(reply),
    };
    match step {
        Step::Confirm { text: said } if is_yes(text) => {
            run(st, Some(f), f.flow_type, said, true).await.map(Some)
        }
        Step::Confirm { .. } => {
            st.clear().await?;
            Ok(Some(AgentReply::text("Va, no cambié nada. ¿Algo más?")))
        }
        Step::Ask { text: said } => {
            let all = format!("{said} {text}");
            run(st, Some(f), f.flow_type, all, false).await.map(Some)
        }
    }
}

async fn run(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    flow_type: FlowType,
    text: String,
    confirmed: bool,
) -> Result<AgentReply, AgentError> {
    let outcome = match flow_type {
        FlowType::RemoveStaff => remove_staff(st, &text, confirmed).await?,
        FlowType::ChangePermissions => change_permissions(st, &text).await?,
        FlowType::ChangeHours => change_hours(st, &text).await,
        _ => change_service(st, &text).await?,
    };
    match outcome {
        Outcome::Done(reply) => {
            st.clear().await?;
            Ok(reply)
        }
        Outcome::Ask(q) => {
            st.save_step(previous, flow_type, &Step::Ask { text })
                .await?;
            Ok(AgentReply::text(q))
        }
        Outcome::Confirm(q) => {
            st.save_step(previous, flow_type, &Step::Confirm { text })
                .await?;
            Ok(AgentReply::text(q))
        }
    }
}

async fn remove_staff(
    st: &StaffTurn<'_>,
    text: &str,
    confirmed: bool,
) -> Result<Outcome, AgentError> {
    let team = st.team().await?;
    let Some(who) = teammate_in(st, &team, text) else {
        return Ok(Outcome::Ask("¿A quién quieres dar de baja?".into()));
    };
    if !confirmed {
        return Ok(Outcome::Confirm(format!(
            "¿Confirmas que doy de baja a {}? Ya no podrá escribirme ni recibir citas.",
            who.name
        )));
    }
    Ok(Outcome::Done(
        match st
            .tools
            .remove_staff(
                &st.actor,
                &RemoveStaffArgs {
                    staff: who.id.to_string(),
                },
            )
            .await
        {
            Ok(r) => AgentReply::text(format!("Listo, di de baja a {} ✓", r.name)),
            Err(e) => refused(&e),
        },
    ))
}

fn level_in(text: &str) -> Option<PermissionLevel> {
    let n = normalize(text);
    let has = |w: &str| n.split_whitespace().any(|t| t.starts_with(w));
    if has("admin") || has("encargad") || has("gerente") {
        Some(PermissionLevel::Admin)
    } else if has("dueno") || has("owner") || has("socio") {
        Some(PermissionLevel::Owner)
    } else if n.contains("solo ver") || has("lectura") || has("viewer") || has("consulta") {
        Some(PermissionLevel::Viewer)
    } else if has("emplead") || has("staff") || has("normal") {
        Some(PermissionLevel::Staff)
    } else {
        None
    }
}

fn level_es(level: PermissionLevel) -> &'static str {
    match level {
        PermissionLevel::Owner => "dueño",
        PermissionLevel::Admin => "administrador",
        PermissionLevel::Staff => "empleado",
        PermissionLevel::Viewer => "solo ver",
    }
}

async fn change_permissions(st: &StaffTurn<'_>, text: &str) -> Result<Outcome, AgentError> {
    let team = st.team().await?;
    let Some(who) = teammate_in(st, &team, text) else {
        return Ok(Outcome::Ask("¿A quién le cambio el permiso?".into()));
    };
    let Some(level) = level_in(text) else {
        return Ok(Outcome::Ask(format!(
            "¿Qué permiso le doy a {}: dueño, administrador, empleado o solo ver?",
            first_name(&who.name)
        )));
    };
    Ok(Outcome::Done(
        match st
            .tools
            .change_permissions(
                &st.actor,
                &ChangePermissionsArgs {
                    staff: who.id.to_string(),
                    permission_level: level,
                },
            )
            .await
        {
            Ok(r) => AgentReply::text(format!(
                "Listo ✓ {} ahora tiene permiso de {}.",
                r.name,
                level_es(level)
            )),
            Err(e) => refused(&e),
        },
    ))
}

async fn change_hours(st: &StaffTurn<'_>, text: &str) -> Outcome {
    let days = weekdays_in(text);
    if days.is_empty() {
        return Outcome::Ask("¿Qué día cambia el horario?".into());
    }
    let n = normalize(text);
    let closed = [
        "cerrado",
        "cerramos",
        "no abrimos",
        "descansamos",
        "no trabajamos",
    ]
    .iter()
    .any(|w| n.contains(w));
    // Read the hours without the weekday words (they would be dates).
    let mut without_days = n.clone();
    for (name, _) in WEEKDAYS {
        without_days = without_days
            .replace(&format!("{name}s"), " ")
            .replace(name, " ");
    }
    let range = match parse_when(&without_days, st.turn.now, st.tz).time {
        Some(TimeSpec::Between(a, b)) => Some((a, b)),
        _ => None,
    };
    let ranges = match (closed, range) {
        (true, _) => Vec::new(),
        (false, Some((a, b))) => vec![HoursRange { start: a, end: b }],
        (false, None) => {
            return Outcome::Ask(format!(
                "¿En qué horario abren el {}? Por ejemplo «de 10 a 6», o «cerrado».",
                format::weekday_name(days[0])
            ))
        }
    };
    let mut done = Vec::new();
    for day in &days {
        let args = ChangeHoursArgs {
            weekday: *day,
            ranges: ranges.clone(),
        };
        match st.tools.change_business_hours(&st.actor, &args).await {
            Ok(r) => done.push(r.weekday),
            Err(e) => return Outcome::Done(refused(&e)),
        }
    }
    let which = format::join_and(&done);
    Outcome::Done(AgentReply::text(match ranges.first() {
        None => format!("Listo ✓ El {which} queda cerrado."),
        Some(r) => format!(
            "Listo ✓ El {which} ahora abrimos de {} a {}.",
            st.locale().time(r.start),
            st.locale().time(r.end)
        ),
    }))
}

async fn change_service(st: &StaffTurn<'_>, text: &str) -> Result<Outcome, AgentError> {
    let services = services(st).await?;
    let found = match find_in_text(text, &services, |s| s.name.as_str()) {
        Some(Match::Found(s)) => Some(s.item),
        _ => None,
    };
    let Some(service) = found else {
        let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
        return Ok(Outcome::Ask(format!(
            "¿Qué servicio cambio? {}",
            format::join_or(&names)
        )));
    };
    let (price, duration) = (price_in(text), duration_in(text));
    if price.is_none() && duration.is_none() {
        return Ok(Outcome::Ask(format!(
            "¿Qué cambio de {}: el precio o la duración? Por ejemplo «$180» o «45 minutos».",
            service.name
        )));
    }
    Ok(Outcome::Done(
        match st
            .tools
            .change_service(
                &st.actor,
                &ChangeServiceArgs {
                    service: service.id.to_string(),
                    duration_minutes: duration,
                    price_cents: price,
                    name: None,
                    description: None,
                },
            )
            .await
        {
            Ok(r) => AgentReply::text(format!(
                "Listo ✓ {} ahora cuesta {} y dura {}. Las citas ya agendadas no cambian.",
                r.name,
                r.price,
                format::duration(r.duration_minutes)
            )),
            Err(e) => refused(&e),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use super::super::old_shape as old;
    use crate::agent::rules::flow;

    #[test]
    fn levels() {
        assert_eq!(
            level_in("hazlo administrador"),
            Some(PermissionLevel::Admin)
        );
    }

    /// Sessions saved before each flow had its own type still load.
    #[test]
    fn old_sessions_load() {
        let said = old(json!({ "text": "quita a pedro" }));
        assert_eq!(
            flow::step_from::<Step>("ask", &said),
            Some(Step::Ask {
                text: "quita a pedro".into()
            })
        );
        assert_eq!(
            flow::step_from::<Step>("confirm", &said),
            Some(Step::Confirm {
                text: "quita a pedro".into()
            })
        );
        assert_eq!(
            flow::step_from::<Step>("ask", &json!({})),
            Some(Step::Ask {
                text: String::new()
            })
        );
    }
}
