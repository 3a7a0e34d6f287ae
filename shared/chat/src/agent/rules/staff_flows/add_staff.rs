//! Adding a team member (spec/001 flow 12): name, WhatsApp number, the
//! services they offer; then an offer to send them the welcome message.

use parlo_core::es::fuzzy::normalize;
use parlo_core::es::intent::Intent;
use parlo_core::permissions::Action;
use parlo_core::phone;
use parlo_core::{FlowSession, FlowType, ServiceType};
use serde::{Deserialize, Serialize};

use super::super::extract::clean_name;
use super::super::staff::*;
use super::{err, forbidden, resume, service_in, services, switches};
use crate::agent::{AgentError, AgentReply};
use crate::tools::*;

/// Where the flow stands, with what it collected (the new member's name,
/// then their phone in E.164).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", content = "data", rename_all = "snake_case")]
enum Step {
    Name {},
    Phone {
        name: String,
    },
    Services {
        name: String,
        phone: String,
    },
    /// Added: offers the welcome message.
    Welcome {
        name: String,
        phone: String,
    },
}

pub(crate) async fn start(st: &StaffTurn<'_>, _text: &str) -> Result<AgentReply, AgentError> {
    if !st.may(Action::AddStaff) {
        return Ok(forbidden(Action::AddStaff));
    }
    st.save_step(None, FlowType::AddStaff, &Step::Name {})
        .await?;
    Ok(AgentReply::text(
        "¡Claro! Necesito algunos datos:\n1. ¿Cómo se llama?",
    ))
}

pub(crate) async fn step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    // A name can read as a command; only later answers switch.
    let switched = switches(text, &[Intent::AddStaff]) && f.state != "name";
    let step = match resume::<Step>(st, f, switched).await? {
        Ok(step) => step,
        Err(reply) => return Ok(reply),
    };
    match step {
        Step::Name {} => {
            let name = clean_name(text);
            if name.is_empty() {
                return Ok(Some(AgentReply::text("¿Cómo se llama?")));
            }
            st.save_step(Some(f), FlowType::AddStaff, &Step::Phone { name })
                .await?;
            Ok(Some(AgentReply::text("2. ¿Cuál es su número de WhatsApp?")))
        }
        Step::Phone { name } => {
            let region = phone::Region::for_timezone(&st.org.timezone);
            let e164 = phone_in(text).and_then(|p| phone::normalize(&p, region).ok());
            let Some(phone) = e164 else {
                return Ok(Some(AgentReply::text(
                    "Ese número no parece válido. ¿Me lo escribes con sus 10 dígitos?",
                )));
            };
            let first = first_name(&name);
            st.save_step(Some(f), FlowType::AddStaff, &Step::Services { name, phone })
                .await?;
            let services = services(st).await?;
            let list = services
                .iter()
                .map(|s| format!("• {}", s.name))
                .collect::<Vec<_>>()
                .join("\n");
            Ok(Some(AgentReply::text(format!(
                "3. ¿Qué servicios va a ofrecer {first}?\n{list}"
            ))))
        }
        Step::Services { name, phone } => finish(st, f, name, phone, text).await.map(Some),
        Step::Welcome { name, phone } if is_yes(text) => {
            st.clear().await?;
            let welcome = format!(
                "¡Hola {}! 👋 {} te registró en Parlo, su asistente de citas por WhatsApp. \
                 Escríbeme a este número para ver tu agenda («¿Qué tengo hoy?»), bloquear tiempo \
                 («Bloquea de 2 a 3»), marcar citas completadas y registrar a quien llegue sin cita.",
                first_name(&name),
                st.org.name
            );
            Ok(Some(AgentReply {
                replies: vec!["Enviado ✓".into()],
                notifications: vec![Notification {
                    to: phone,
                    text: welcome,
                    kind: parlo_app::services::MessageKind::EmployeeWelcome,
                    vars: vec![first_name(&name), st.org.name.clone()],
                }],
            }))
        }
        Step::Welcome { .. } if is_no(text) => {
            st.clear().await?;
            Ok(Some(AgentReply::text("Perfecto. ¿Algo más?")))
        }
        Step::Welcome { .. } => {
            st.clear().await?;
            Ok(None)
        }
    }
}

async fn finish(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    name: String,
    phone: String,
    text: &str,
) -> Result<AgentReply, AgentError> {
    let services = services(st).await?;
    let n = normalize(text);
    let chosen: Vec<&ServiceType> = if n.contains("todo") {
        services.iter().collect()
    } else {
        text.split([',', '\n', '/'])
            .flat_map(|p| p.split(" y "))
            .filter_map(|part| service_in(part, &services))
            .collect()
    };
    if chosen.is_empty() {
        return Ok(AgentReply::text(
            "No reconocí esos servicios. Escribe sus nombres o «todos».",
        ));
    }
    let added = match st
        .tools
        .add_staff(
            &st.actor,
            &AddStaffArgs {
                name: name.clone(),
                phone: phone.clone(),
                permission_level: None,
            },
        )
        .await
    {
        Ok(a) => a,
        Err(e) => {
            st.clear().await?;
            return Ok(refused(&e));
        }
    };
    if chosen.len() < services.len() {
        // The tool gives a new member every service; narrow it down.
        if let Some(mut s) = st
            .agent
            .store
            .get_staff(st.org.id, added.staff_id)
            .await
            .map_err(err)?
        {
            let seen = s.updated_at;
            s.service_ids = chosen.iter().map(|c| c.id).collect();
            s.updated_at = st.turn.now;
            // Through the services (the one writer), like every team change.
            st.tools
                .services
                .save_staff(&st.tools.act(&st.actor), &st.org, &s, seen)
                .await
                .map_err(err)?;
        }
    }
    let reply = format!(
        "Perfecto. Agregué a {name} ({}) como empleado ✓\n\n\
         Ahora {} puede escribirme desde su WhatsApp para:\n\
         - Ver su agenda\n- Bloquear tiempo\n- Marcar citas completadas\n- Registrar walk-ins\n\n\
         ¿Quieres que le mande un mensaje de bienvenida explicándole cómo usar Parlo?",
        display_phone(&phone),
        first_name(&name)
    );
    st.save_step(Some(f), FlowType::AddStaff, &Step::Welcome { name, phone })
        .await?;
    Ok(AgentReply::text(reply))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use super::super::old_shape as old;
    use crate::agent::rules::flow;

    /// Sessions saved before each flow had its own type still load.
    #[test]
    fn old_sessions_load() {
        let (name, phone) = ("Ana López".to_string(), "+525512345678".to_string());
        assert_eq!(
            flow::step_from::<Step>("name", &old(json!({}))),
            Some(Step::Name {})
        );
        assert_eq!(
            flow::step_from::<Step>("phone", &old(json!({ "name": name }))),
            Some(Step::Phone { name: name.clone() })
        );
        let both = old(json!({ "name": name, "phone": phone }));
        assert_eq!(
            flow::step_from::<Step>("services", &both),
            Some(Step::Services {
                name: name.clone(),
                phone: phone.clone()
            })
        );
        assert_eq!(
            flow::step_from::<Step>("welcome", &both),
            Some(Step::Welcome { name, phone })
        );
        assert_eq!(
            flow::step_from::<Step>("services", &old(json!({ "phone": "+52" }))),
            None
        );
    }
}
