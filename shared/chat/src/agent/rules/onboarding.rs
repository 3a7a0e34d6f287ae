//! Business onboarding on Parlo's central number (spec/001 flow 1): the
//! business's name (its type guessed from the name when it says
//! «Barbería …») → services with price and duration → opening hours → the
//! owner's name and which services they do → the team to invite → a
//! summary the owner confirms or corrects («no, el corte cuesta 180»,
//! «estoy en Tijuana») → the number is bought and registered
//! (`provisioning_number`) → live (`completed`).
//!
//! The answers live on the organization as the services layer's
//! [`Draft`] (written by [`parlo_app::services::Services::onboarding_progress`]),
//! so an abandoned onboarding resumes where it stopped («¡Hola de nuevo!»),
//! and the confirmation goes through
//! [`parlo_app::services::Services::onboarding_confirm`]: this file only
//! reads what the owner writes and words the answers.

use parlo_app::services::onboarding::{
    Draft, DraftService, DraftStaff, Progress, AWAITING_NUMBER, COMPLETED, PROVISIONING_NUMBER,
};
use parlo_core::es::format;
use parlo_core::es::fuzzy::normalize;
use parlo_core::es::hours::{describe, parse_weekly_hours};
use parlo_core::phone::{self, Region, Zone};
use parlo_core::*;

use super::extract::{duration_in, price_in, WEEKDAYS};
use super::flow::ABANDON_AFTER;
use super::staff::{is_no, is_yes};
use super::RuleAgent;
use crate::agent::{Agent, AgentError, AgentReply, GreetingAgent, TurnContext};

const INITIATED: &str = "initiated";
const COLLECTING_NAME: &str = "collecting_name";
const COLLECTING_TYPE: &str = "collecting_type";
const COLLECTING_SERVICES: &str = "collecting_services";
const COLLECTING_HOURS: &str = "collecting_hours";
const COLLECTING_OWNER: &str = "collecting_owner";
const COLLECTING_STAFF: &str = "collecting_staff";
const CONFIRMING: &str = "confirming";

fn err(e: impl std::fmt::Display) -> AgentError {
    AgentError(e.to_string())
}

/// The question of each state (asked again on resume).
fn question(state: &str, draft: &Draft) -> String {
    match state {
        COLLECTING_TYPE => "¿Qué tipo de negocio es? Por ejemplo: barbería, salón de belleza, \
                            uñas o spa."
            .into(),
        COLLECTING_SERVICES => "¿Qué servicios ofreces? Escríbelos uno por línea con precio y \
                                duración, por ejemplo:\nCorte - $150 - 30 min\nBarba - $100 - 20 min"
            .into(),
        COLLECTING_HOURS => "¿En qué horario abren? Por ejemplo: «lunes a viernes de 10 a 8 y \
                             sábado de 10 a 6»."
            .into(),
        COLLECTING_OWNER => "¿Cómo te llamas y cuáles de estos servicios haces tú? Por ejemplo: \
                             «Soy Carlos, hago todos» o «Ana, solo uñas»."
            .into(),
        COLLECTING_STAFF => "¿Alguien más de tu equipo atiende clientes? Mándame nombre y celular \
                             de cada uno (por ejemplo «Pedro 55 1111 2222»), o «no»."
            .into(),
        CONFIRMING => summary(draft),
        _ => "¿Cómo se llama tu negocio?".into(),
    }
}

pub async fn respond(agent: &RuleAgent, turn: &TurnContext) -> Result<AgentReply, AgentError> {
    let Some(org) = turn.business.clone() else {
        return GreetingAgent.respond(turn).await;
    };
    let text = turn.text.trim();
    let state = org
        .onboarding_state
        .clone()
        .unwrap_or_else(|| INITIATED.into());
    let mut draft = Draft::from_org(&org);
    if draft.zone.is_none() {
        draft.zone = owner_phone(turn).and_then(|p| phone::zone_for_number(&p));
    }
    let mid_way =
        ![INITIATED, PROVISIONING_NUMBER, AWAITING_NUMBER, COMPLETED].contains(&state.as_str());
    let abandoned = org
        .last_message_at
        .is_some_and(|t| turn.now - t > ABANDON_AFTER);
    // Back after a while with a greeting: where we were, not an answer.
    if mid_way && abandoned && is_greeting(text) {
        let name = if draft.name.is_empty() {
            String::new()
        } else {
            format!(" de {}", draft.name)
        };
        save(agent, &org, &state, &draft, turn).await?;
        return Ok(AgentReply::text(format!(
            "¡Hola de nuevo! Seguíamos con el registro{name}.\n\n{}",
            question(&state, &draft)
        )));
    }
    let (next, reply): (&str, String) = match state.as_str() {
        INITIATED => {
            agent.services.onboarding_started(&org, turn.now).await;
            (
            COLLECTING_NAME,
            "¡Hola! Soy Parlo 👋 Te ayudo a que tus clientes agenden por WhatsApp, con tu propio \
             número. Son unas cuantas preguntas. Para empezar, ¿cómo se llama tu negocio?"
                .into(),
            )
        }
        COLLECTING_NAME => {
            let name = clean_name(text);
            if name.is_empty() {
                return Ok(AgentReply::text("¿Cómo se llama tu negocio?"));
            }
            draft.name = name.clone();
            match business_type(&name) {
                Some(t) => {
                    draft.business_type = Some(t.into());
                    (
                        COLLECTING_SERVICES,
                        format!(
                            "¡Mucho gusto, {name}! ✓\n\n{}",
                            question(COLLECTING_SERVICES, &draft)
                        ),
                    )
                }
                None => (
                    COLLECTING_TYPE,
                    format!(
                        "¡Mucho gusto, {name}! {}",
                        question(COLLECTING_TYPE, &draft)
                    ),
                ),
            }
        }
        COLLECTING_TYPE => {
            let t = business_type(text)
                .map(str::to_string)
                .unwrap_or_else(|| text.chars().take(60).collect::<String>().to_lowercase());
            draft.business_type = Some(t);
            (
                COLLECTING_SERVICES,
                format!("Perfecto ✓ {}", question(COLLECTING_SERVICES, &draft)),
            )
        }
        COLLECTING_SERVICES => {
            let parsed = parse_services(text);
            if parsed.is_empty() {
                return Ok(AgentReply::text(
                    "No logré leer los servicios. Escríbelos así, uno por línea: «Corte - $150 - 30 min».",
                ));
            }
            if let Some(why) = parsed.iter().find_map(|s| s.check().err()) {
                return Ok(AgentReply::text(format!(
                    "{why} ¿Me escribes los servicios de nuevo?"
                )));
            }
            draft.services = parsed;
            (
                COLLECTING_HOURS,
                format!(
                    "Registré:\n{}\n\n{}",
                    services_list(&draft),
                    question(COLLECTING_HOURS, &draft)
                ),
            )
        }
        COLLECTING_HOURS => {
            let Some(hours) = parse_weekly_hours(text) else {
                return Ok(AgentReply::text(
                    "No entendí el horario. Escríbelo así: «lunes a viernes de 10 a 8 y sábado de 10 a 6».",
                ));
            };
            draft.hours = Some(hours);
            let names: Vec<&str> = draft.services.iter().map(|s| s.name.as_str()).collect();
            (
                COLLECTING_OWNER,
                format!(
                    "Horario: {} ✓\n\n{} ({})",
                    hours_summary(draft.hours.as_ref()),
                    question(COLLECTING_OWNER, &draft),
                    format::join_and(&names)
                ),
            )
        }
        COLLECTING_OWNER => {
            let (name, performs) = owner_answer(text, &draft);
            let Some(name) = name else {
                return Ok(AgentReply::text(
                    "¿Cómo te llamas? Por ejemplo: «Soy Carlos, hago todos».",
                ));
            };
            draft.owner_name = Some(name.clone());
            for (s, p) in draft.services.iter_mut().zip(performs) {
                s.owner_performs = p;
            }
            (
                COLLECTING_STAFF,
                format!(
                    "Gracias, {} ✓ {}",
                    first_name(&name),
                    question(COLLECTING_STAFF, &draft)
                ),
            )
        }
        COLLECTING_STAFF => {
            if !no_one(text) {
                match staff_answer(text, &draft) {
                    Ok(staff) if !staff.is_empty() => draft.staff = staff,
                    Ok(_) => {
                        return Ok(AgentReply::text(
                            "Mándame nombre y celular de cada persona (por ejemplo «Pedro 55 1111 2222»), o «no» si solo eres tú.",
                        ))
                    }
                    Err(bad) => {
                        return Ok(AgentReply::text(format!(
                            "El número de {bad} no parece válido. Escríbelo con lada, por ejemplo «Pedro 55 1111 2222»."
                        )))
                    }
                }
            }
            (CONFIRMING, summary(&draft))
        }
        CONFIRMING => return confirming(agent, turn, &org, draft, text).await,
        PROVISIONING_NUMBER => {
            let failing = draft
                .provisioning
                .as_ref()
                .is_some_and(|p| p.last_error.is_some());
            return Ok(AgentReply::text(if failing {
                "Sigo intentando conseguir tu número de WhatsApp; te aviso por aquí en cuanto quede \
                 listo. No tienes que hacer nada."
            } else {
                "Estoy terminando de registrar tu número de WhatsApp ⏳ Te aviso por aquí en cuanto \
                 esté activo."
            }));
        }
        AWAITING_NUMBER => {
            return Ok(AgentReply::text(
                "Ya tenemos tu solicitud para conectar tu número ✓ Te aviso por aquí en cuanto \
                 esté activo.",
            ))
        }
        _ => {
            return Ok(AgentReply::text(format!(
                "{} ya está configurado ✓",
                org.name
            )))
        }
    };
    save(agent, &org, next, &draft, turn).await?;
    Ok(AgentReply::text(reply))
}

async fn save(
    agent: &RuleAgent,
    org: &Organization,
    state: &str,
    draft: &Draft,
    turn: &TurnContext,
) -> Result<Organization, AgentError> {
    agent
        .services
        .onboarding_progress(org, state, draft, turn.now)
        .await
        .map_err(err)
}

/// The summary: «sí» provisions; anything else is a correction.
async fn confirming(
    agent: &RuleAgent,
    turn: &TurnContext,
    org: &Organization,
    mut draft: Draft,
    text: &str,
) -> Result<AgentReply, AgentError> {
    let n = normalize(text);
    if let Some(existing) = existing_number(text, &draft) {
        draft.existing_number = Some(existing.clone());
        let owner = owner_of(agent, org).await?;
        agent
            .services
            .onboarding_confirm(None, org, &owner, &draft, turn.now)
            .await
            .map_err(err)?;
        return Ok(AgentReply::text(format!(
            "Perfecto ✓ Registré todo y la solicitud para conectar tu número {}. El equipo de \
             Parlo lo conecta y te aviso por aquí en cuanto esté activo.",
            format::phone(&existing)
        )));
    }
    if is_yes(text) && !has_correction(&n) {
        let owner = owner_of(agent, org).await?;
        let provisioning = agent.provisioning.get().await;
        let (_, progress) = agent
            .services
            .onboarding_confirm(provisioning.as_deref(), org, &owner, &draft, turn.now)
            .await
            .map_err(err)?;
        return Ok(AgentReply::text(match progress {
            Progress::Live => "¡Perfecto! Registré todo ✓".to_string(),
            Progress::Idle => "¡Perfecto! Registré todo ✓ Ahora le asignamos un número de \
                               WhatsApp a tu negocio; te aviso por aquí en cuanto esté activo."
                .to_string(),
            _ => "¡Perfecto! Registré todo ✓ Estoy consiguiendo tu número de WhatsApp y \
                  registrándolo; tarda unos minutos. Te aviso por aquí en cuanto esté activo."
                .to_string(),
        }));
    }
    let changed = apply_corrections(text, &mut draft);
    if changed.is_empty() {
        return Ok(AgentReply::text(format!(
            "No entendí qué cambiar. Dime por ejemplo «el corte cuesta 180», «la barba dura 30 \
             min», «sábado de 10 a 4» o «estoy en Tijuana». Si todo está bien, responde «sí».\n\n{}",
            summary(&draft)
        )));
    }
    save(agent, org, CONFIRMING, &draft, turn).await?;
    Ok(AgentReply::text(format!(
        "Cambié {} ✓\n\n{}",
        format::join_and(&changed),
        summary(&draft)
    )))
}

async fn owner_of(agent: &RuleAgent, org: &Organization) -> Result<Staff, AgentError> {
    agent
        .store
        .list_staff(org.id)
        .await
        .map_err(err)?
        .into_iter()
        .find(|s| s.is_active && s.permission_level == PermissionLevel::Owner)
        .ok_or_else(|| err("the onboarding business has no owner"))
}

fn owner_phone(turn: &TurnContext) -> Option<String> {
    turn.conversation.as_ref().map(|c| c.peer_phone.clone())
}

fn is_greeting(text: &str) -> bool {
    let n = normalize(text);
    let first = n.split_whitespace().next().unwrap_or("");
    matches!(
        first,
        "hola" | "ola" | "buenas" | "buenos" | "buen" | "hey" | "que" | "holi" | "saludos"
    ) && n.split_whitespace().count() <= 4
}

fn clean_name(text: &str) -> String {
    let t = text.trim_matches(|c: char| ".!¡¿?\"«»".contains(c)).trim();
    let lower = t.to_lowercase();
    let t = ["se llama ", "mi negocio es ", "es ", "somos "]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| &t[p.len()..]))
        .unwrap_or(t);
    t.trim().chars().take(80).collect()
}

/// The business type a name or answer names.
fn business_type(text: &str) -> Option<&'static str> {
    let n = normalize(text);
    if n.contains("barber") {
        Some("barbería")
    } else if n.contains("una") && (n.contains("unas") || n.contains("nail")) || n.contains("nail")
    {
        Some("uñas")
    } else if n.contains("spa") || n.contains("masaje") {
        Some("spa")
    } else if n.contains("salon") || n.contains("estetica") || n.contains("belleza") {
        Some("salón de belleza")
    } else {
        None
    }
}

/// "Corte - $150 - 30 min" lines (also ";"-separated): a line without a
/// duration counts 30 minutes; without a price it is skipped.
pub(crate) fn parse_services(text: &str) -> Vec<DraftService> {
    text.split(['\n', ';'])
        .flat_map(|l| l.split(", "))
        .filter_map(|line| {
            let price = price_in(line).or_else(|| {
                // A bare number that is not the duration: "Corte 150".
                line.split(|c: char| !c.is_ascii_digit())
                    .filter(|d| !d.is_empty())
                    .find_map(|d| d.parse::<i64>().ok())
                    .filter(|_| duration_in(line).is_none())
                    .and_then(|v| v.checked_mul(100))
            })?;
            let minutes = duration_in(line).unwrap_or(30);
            let name: String = line
                .split(['-', '$', ':', '(', ','])
                .next()
                .unwrap_or("")
                .trim_start_matches(|c: char| c == '•' || c == '*' || c.is_whitespace())
                .chars()
                .take_while(|c| !c.is_ascii_digit())
                .collect::<String>()
                .trim()
                .to_string();
            (!name.is_empty()).then(|| DraftService {
                name: format::capitalize(&name),
                price_cents: price,
                duration_minutes: minutes,
                owner_performs: true,
            })
        })
        .collect()
}

fn services_list(draft: &Draft) -> String {
    services_lines(draft, "•")
}

fn services_lines(draft: &Draft, bullet: &str) -> String {
    draft
        .services
        .iter()
        .map(|s| {
            format!(
                "{bullet} {} - {} ({})",
                s.name,
                format::price(s.price_cents, draft.currency()),
                format::duration(s.duration_minutes)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn hours_summary(hours: Option<&WeeklyHours>) -> String {
    hours.map_or_else(|| "sin horario".into(), describe)
}

fn summary(draft: &Draft) -> String {
    let owner = draft.owner_name.clone().unwrap_or_default();
    let mine: Vec<&str> = draft
        .services
        .iter()
        .filter(|s| s.owner_performs)
        .map(|s| s.name.as_str())
        .collect();
    let does = if mine.len() == draft.services.len() {
        "todos los servicios".to_string()
    } else if mine.is_empty() {
        "no atiendes clientes".to_string()
    } else {
        format::join_and(&mine)
    };
    let team = if draft.staff.is_empty() {
        "solo tú".to_string()
    } else {
        draft
            .staff
            .iter()
            .map(|s| format!("{} ({})", s.name, format::phone(&s.phone)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let zone = draft
        .zone
        .as_ref()
        .map_or("Ciudad de México (hora del Centro)", Zone::label);
    format!(
        "Esto es lo que tengo de {}:\n• Tipo: {}\n• Servicios:\n{}\n• Horario: {}\n• Tú: {owner} \
         ({does})\n• Equipo: {team}\n• Zona horaria: {zone}\n\n¿Está todo bien? Responde «sí» y \
         consigo tu número de WhatsApp, o dime qué cambio (por ejemplo «el corte cuesta 180» o \
         «estoy en Tijuana»). Si ya tienes un número de WhatsApp Business, dime «ya tengo número».",
        draft.name,
        draft.business_type.as_deref().unwrap_or("negocio"),
        services_lines(draft, "   ◦"),
        hours_summary(draft.hours.as_ref()),
    )
}

fn first_name(name: &str) -> String {
    name.split_whitespace().next().unwrap_or("").to_string()
}

/// «Soy Carlos, hago todos», «Ana, solo uñas», «me llamo Memo y hago
/// corte y barba»: the name, and for each service whether the owner does
/// it (all when none is named).
fn owner_answer(text: &str, draft: &Draft) -> (Option<String>, Vec<bool>) {
    let n = normalize(text);
    let mut rest = n.as_str();
    for p in ["mi nombre es ", "me llamo ", "soy "] {
        if let Some(i) = rest.find(p) {
            rest = &rest[i + p.len()..];
            break;
        }
    }
    let stop = [
        " y ", " hago", " solo", " todos", " todo", " atiendo", " yo ", " nomas", " no ",
    ];
    let mut end = rest.len();
    for s in stop {
        if let Some(i) = format!("{rest} ").find(s) {
            end = end.min(i);
        }
    }
    let raw_name: String = rest[..end.min(rest.len())]
        .split(',')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    let name = (!raw_name.is_empty()
        && raw_name.split_whitespace().count() <= 4
        && !raw_name.chars().any(|c| c.is_ascii_digit()))
    .then(|| {
        raw_name
            .split_whitespace()
            .map(format::capitalize)
            .collect::<Vec<_>>()
            .join(" ")
    });
    let none = n.contains("ninguno") || n.contains("no atiendo") || n.contains("solo administro");
    let named: Vec<bool> = draft
        .services
        .iter()
        .map(|s| mentions(&n, &s.name))
        .collect();
    let performs = if none {
        vec![false; draft.services.len()]
    } else if n.contains("todo") || !named.iter().any(|x| *x) {
        vec![true; draft.services.len()]
    } else {
        named
    };
    (name, performs)
}

/// Whether normalized `n` names the service (its first word will do:
/// «el corte» for «Corte de cabello»).
fn mentions(n: &str, service: &str) -> bool {
    let s = normalize(service);
    let first = s.split_whitespace().next().unwrap_or("");
    let stem = first.trim_end_matches('s');
    n.contains(&s)
        || (stem.len() >= 3
            && n.split_whitespace()
                .any(|w| w.trim_end_matches('s') == stem))
}

fn no_one(text: &str) -> bool {
    let n = normalize(text);
    is_no(text)
        || [
            "nadie",
            "solo yo",
            "nomas yo",
            "ninguno",
            "solo soy yo",
            "yo solo",
            "por ahora no",
        ]
        .iter()
        .any(|w| n.contains(w))
}

/// «Pedro 55 1111 2222, Ana 55 3333 4444»: name and phone of each; the
/// name of the first one with an invalid phone as the error.
fn staff_answer(text: &str, draft: &Draft) -> Result<Vec<DraftStaff>, String> {
    let region = draft
        .zone
        .as_ref()
        .map_or(Region::Mexico, |z| Region::for_timezone(&z.timezone));
    let mut out = Vec::new();
    for part in text.split(['\n', ';', ',']).flat_map(|p| p.split(" y ")) {
        let name: String = part
            .chars()
            .take_while(|c| !c.is_ascii_digit() && *c != '+')
            .collect::<String>()
            .trim()
            .trim_end_matches(':')
            .trim()
            .to_string();
        let digits: String = part
            .chars()
            .skip_while(|c| !c.is_ascii_digit() && *c != '+')
            .collect();
        if name.is_empty() && digits.trim().is_empty() {
            continue;
        }
        if digits.trim().is_empty() {
            continue;
        }
        let name = name
            .split_whitespace()
            .filter(|w| {
                !["es", "son", "mi", "empleado", "empleada"].contains(&w.to_lowercase().as_str())
            })
            .map(format::capitalize)
            .collect::<Vec<_>>()
            .join(" ");
        match phone::normalize(&digits, region) {
            Ok(p) if !name.is_empty() => out.push(DraftStaff { name, phone: p }),
            _ => return Err(if name.is_empty() { digits } else { name }),
        }
    }
    Ok(out)
}

/// «ya tengo número», «tengo whatsapp business 55 …»: the number to
/// connect (the owner's own when they give none).
fn existing_number(text: &str, draft: &Draft) -> Option<String> {
    let n = normalize(text);
    let asks = (n.contains("ya tengo") || n.contains("tengo mi") || n.contains("mi propio"))
        && (n.contains("numero") || n.contains("whatsapp"));
    if !asks {
        return None;
    }
    let region = draft
        .zone
        .as_ref()
        .map_or(Region::Mexico, |z| Region::for_timezone(&z.timezone));
    let digits: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    phone::normalize(&digits, region)
        .ok()
        .or_else(|| Some("(por confirmar)".into()))
}

fn has_correction(n: &str) -> bool {
    n.contains("cuesta")
        || n.contains("dura")
        || n.contains("cambia")
        || n.contains("estoy en")
        || n.contains(" pero ")
}

/// Applies «el corte cuesta 180», «la barba dura 30 min», «sábado de 10 a
/// 4», «estoy en Tijuana», «se llama …»; returns what changed, in words.
fn apply_corrections(text: &str, draft: &mut Draft) -> Vec<String> {
    let n = normalize(text);
    let mut changed = Vec::new();
    // «el tinte cuesta 900 y dura 3 horas»: a part naming no service is
    // about the one named before it.
    let mut last = None;
    for part in text.split([',', ';', '\n']).flat_map(|p| p.split(" y ")) {
        let pn = normalize(part);
        let named = draft.services.iter().position(|s| mentions(&pn, &s.name));
        let Some(i) = named.or(last) else {
            continue;
        };
        last = Some(i);
        let price = price_in(part).or_else(|| {
            (pn.contains("cuesta") || pn.contains("precio") || pn.contains("cobro"))
                .then(|| {
                    pn.split_whitespace()
                        .find_map(|w| w.parse::<i64>().ok())
                        .and_then(|v| v.checked_mul(100))
                })
                .flatten()
        });
        let minutes = duration_in(part);
        let s = &mut draft.services[i];
        if let Some(p) = price.filter(|p| *p > 0) {
            s.price_cents = p;
            changed.push(format!("el precio de {}", s.name.to_lowercase()));
        }
        if let Some(m) = minutes.filter(|m| *m > 0 && *m <= 600) {
            s.duration_minutes = m;
            changed.push(format!("la duración de {}", s.name.to_lowercase()));
        }
    }
    if let Some(z) = Zone::named_in(text) {
        if draft.zone.as_ref() != Some(&z) {
            draft.zone = Some(z);
            changed.push("la zona horaria".into());
        }
    }
    let names_day = WEEKDAYS.iter().any(|(d, _)| n.contains(d))
        || n.contains("horario")
        || n.contains("abrimos");
    if names_day {
        if let Some(new) = parse_weekly_hours(text) {
            let mut hours = draft.hours.clone().unwrap_or_default();
            let whole_week = n.contains("horario es") || n.contains("abrimos de");
            for (i, day) in new.days.iter().enumerate() {
                if whole_week || !day.is_empty() {
                    hours.days[i] = day.clone();
                }
            }
            draft.hours = Some(hours);
            changed.push("el horario".into());
        }
    }
    if let Some(i) = n.find("se llama ") {
        let name = clean_name(&text[text.len().min(i + 9)..]);
        if !name.is_empty() {
            draft.name = name;
            changed.push("el nombre".into());
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            name: "Barbería El Güero".into(),
            services: parse_services("Corte - $150 - 30 min\nBarba $100 20 minutos"),
            ..Draft::default()
        }
    }

    #[test]
    fn services_from_lines() {
        let s = parse_services(
            "Corte - $150 - 30 min\nBarba $100 20 minutos\n• Tinte - $800 - 2 horas\nhola",
        );
        let got: Vec<(String, i64, u32)> = s
            .iter()
            .map(|s| (s.name.clone(), s.price_cents, s.duration_minutes))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Corte".to_string(), 15000, 30),
                ("Barba".to_string(), 10000, 20),
                ("Tinte".to_string(), 80000, 120),
            ]
        );
    }

    #[test]
    fn owner_and_what_they_do() {
        let d = draft();
        assert_eq!(
            owner_answer("Soy Memo, hago todos", &d),
            (Some("Memo".into()), vec![true, true])
        );
        assert_eq!(
            owner_answer("me llamo ana y solo hago la barba", &d),
            (Some("Ana".into()), vec![false, true])
        );
    }

    #[test]
    fn corrections_at_the_summary() {
        let mut d = draft();
        let changed = apply_corrections("no, el corte cuesta 180", &mut d);
        assert_eq!(d.services[0].price_cents, 18000);
        assert_eq!(changed.len(), 1);
        apply_corrections("estoy en tijuana", &mut d);
        assert_eq!(
            d.zone.as_ref().map(|z| z.timezone.as_str()),
            Some("America/Tijuana")
        );
        assert!(has_correction(&normalize("si pero el corte cuesta 200")));
    }

    #[test]
    fn staff_lines() {
        let d = draft();
        let s = staff_answer("Pedro 55 1111 2222 y Ana 55 3333 4444", &d).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].phone, "+525533334444");
        assert!(staff_answer("Pedro 123", &d).is_err());
        assert!(no_one("no, solo yo"));
    }

    #[test]
    fn type_from_the_name() {
        assert_eq!(business_type("Barberia El Güero"), Some("barbería"));
        assert_eq!(business_type("Uñas Lupita"), Some("uñas"));
        assert_eq!(business_type("Casa Lupita"), None);
    }
}
