//! Staff and owners run the business by chat (issue 15, item 1): close
//! the business for a day or a range, add / rename / describe / retire a
//! service, look a customer up and note something on their record. Every
//! change goes through the tools (which check the permission) and so
//! through the services layer; booking for a later day is
//! [`super::staff_booking`].

use chrono::{Duration, NaiveDate};
use parlo_core::es::format;
use parlo_core::es::fuzzy::{find_in_text, normalize, Match};
use parlo_core::es::intent::{classify, message_words, Intent};
use parlo_core::es::when::next_month_day;
use parlo_core::permissions::Action;
use parlo_core::{FlowSession, FlowType, ServiceType};
use serde::{Deserialize, Serialize};

use super::extract::{duration_in, price_in};
use super::flow;
use super::staff::*;
use crate::agent::{AgentError, AgentReply};
use crate::tools::*;

/// A business command this module answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    Close,
    AddService,
    RenameService,
    DescribeService,
    RetireService,
    FindCustomer,
    NoteCustomer,
}

/// The message's words, spelling-folded, between spaces (" anota que … ").
fn padded(text: &str) -> String {
    format!(" {} ", message_words(text).join(" "))
}

fn has_any(p: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|w| p.contains(&format!(" {w} ")))
}

const CLOSE_WORDS: &[&str] = &[
    "cerramos",
    "cerrado",
    "cerrados",
    "cerrada",
    "cerrar",
    "cierra",
    "cierro",
    "no abrimos",
    "no vamos a abrir",
    "no abre",
    "no trabajamos",
    "no vamos a trabajar",
    "descansamos",
];

/// What `text` asks of this module, if anything.
pub(crate) fn detect(text: &str, today: NaiveDate) -> Option<Command> {
    let p = padded(text);
    if has_any(
        &p,
        &[
            "anota que",
            "anotale",
            "anotale que",
            "anota a",
            "agrega una nota",
            "agregale una nota",
            "ponle una nota",
            "ponle nota",
            "nota para",
            "apunta que",
            "apuntale que",
        ],
    ) {
        return Some(Command::NoteCustomer);
    }
    let n = p.trim();
    if [
        "busca a ",
        "buscame a ",
        "busca al ",
        "buscame al ",
        "busca la ",
        "busca el ",
        "busca cliente",
        "busca clienta",
        "datos de ",
        "telefono de ",
        "tel de ",
        "cel de ",
    ]
    .iter()
    .any(|k| n.starts_with(k))
    {
        return Some(Command::FindCustomer);
    }
    if has_any(&p, CLOSE_WORDS) && closure_runs(text, today).is_some() {
        return Some(Command::Close);
    }
    if has_any(
        &p,
        &[
            "cambia el nombre",
            "cambiale el nombre",
            "cambiar el nombre",
            "renombra",
            "ahora se llama",
            "que se llame",
            "ponle de nombre",
        ],
    ) {
        return Some(Command::RenameService);
    }
    if has_any(
        &p,
        &[
            "descripcion",
            "describe",
            "descripcion del",
            "descripcion de",
        ],
    ) {
        return Some(Command::DescribeService);
    }
    if has_any(
        &p,
        &[
            "nuevo servicio",
            "agrega el servicio",
            "agrega un servicio",
            "agregar servicio",
            "agregar un servicio",
            "agrega servicio",
            "anade el servicio",
        ],
    ) || classify(text) == Intent::AddService
    {
        return Some(Command::AddService);
    }
    if has_any(
        &p,
        &[
            "ya no damos",
            "ya no hacemos",
            "ya no ofrecemos",
            "ya no vamos a dar",
            "ya no vamos a ofrecer",
            "quita el servicio",
            "elimina el servicio",
            "borra el servicio",
            "desactiva el servicio",
        ],
    ) || classify(text) == Intent::DeactivateService
    {
        return Some(Command::RetireService);
    }
    None
}

pub(crate) async fn start(
    st: &StaffTurn<'_>,
    command: Command,
    text: &str,
) -> Result<AgentReply, AgentError> {
    match command {
        Command::Close => close_start(st, None, text).await,
        Command::FindCustomer => find_customer(st, text).await,
        Command::NoteCustomer => note_customer(st, text).await,
        Command::AddService | Command::RenameService | Command::DescribeService => {
            if !st.may(Action::ModifyServicesPrices) {
                return Ok(refused(&ToolError::Forbidden {
                    action: Action::ModifyServicesPrices,
                }));
            }
            catalogue_run(st, None, command, text.to_string()).await
        }
        Command::RetireService => {
            if !st.may(Action::ModifyServicesPrices) {
                return Ok(refused(&ToolError::Forbidden {
                    action: Action::ModifyServicesPrices,
                }));
            }
            catalogue_run(st, None, command, text.to_string()).await
        }
    }
}

// ───────────────────────────── Closures ─────────────────────────────

const MONTHS: [(&str, u32); 15] = [
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("sept", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("dic", 12),
];

fn month_of(word: &str) -> Option<u32> {
    MONTHS
        .iter()
        .find(|(m, _)| *m == word)
        .map(|m| m.1)
        .or(match word {
            "ene" => Some(1),
            "feb" => Some(2),
            "mar" => Some(3),
            "abr" => Some(4),
            "jun" => Some(6),
            "jul" => Some(7),
            "ago" => Some(8),
            "sep" => Some(9),
            "oct" => Some(10),
            "nov" => Some(11),
            _ => None,
        })
}

/// The whole days a closure names when they are one run, first and last
/// (see [`closure_runs`]).
#[cfg(test)]
pub(crate) fn closure_days(text: &str, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    match closure_runs(text, today)?.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// The whole days a closure names, as runs of consecutive days (first and
/// last of each, in order): "el 24 y 25 de diciembre", "del 1 al 5 de
/// febrero", "del 31 de diciembre al 2 de enero", "mañana", "hoy", "el
/// viernes por inventario" are one run; "el 24 y el 31 de diciembre" two.
/// A weekday alone without a reason ("el domingo no abrimos") reads as the
/// weekly hours, not a closure.
pub(crate) fn closure_runs(text: &str, today: NaiveDate) -> Option<Vec<(NaiveDate, NaiveDate)>> {
    // "hoy cierro a las 6" is about hours, not a day off.
    let noon = today.and_hms_opt(12, 0, 0)?;
    if parlo_core::es::when::parse_when_local(text, noon)
        .time
        .is_some()
    {
        return None;
    }
    let words = message_words(text);
    // (day, month) pairs; a bare day takes the next month named after it.
    let mut days: Vec<(u32, Option<u32>)> = Vec::new();
    let mut range = false;
    for (i, w) in words.iter().enumerate() {
        if let Some(m) = month_of(w) {
            for d in days.iter_mut().filter(|d| d.1.is_none()) {
                d.1 = Some(m);
            }
            continue;
        }
        let Ok(d) = w.parse::<u32>() else { continue };
        if !(1..=31).contains(&d) {
            continue;
        }
        let prev = i.checked_sub(1).map(|j| words[j].as_str());
        if matches!(prev, Some("al" | "hasta" | "a")) && !days.is_empty() {
            range = true;
        }
        // "a las 5" is an hour, not a day.
        if matches!(prev, Some("las" | "la")) {
            continue;
        }
        days.push((d, None));
    }
    let named: Vec<(u32, u32)> = days
        .iter()
        .filter_map(|(d, m)| m.map(|m| (*d, m)))
        .collect();
    if !named.is_empty() {
        let mut dates: Vec<NaiveDate> = Vec::new();
        for (d, m) in named {
            let after = dates.last().copied().unwrap_or(today);
            dates.push(next_month_day(after, m, d)?);
        }
        let (first, last) = (dates[0], *dates.last()?);
        if last < first || (last - first).num_days() > 92 {
            return None;
        }
        if range {
            return Some(vec![(first, last)]);
        }
        dates.dedup();
        // Consecutive days make one run: "el 24, 25 y 31" → 24–25, 31.
        let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
        for d in dates {
            match runs.last_mut() {
                Some((_, end)) if d == *end + Duration::days(1) => *end = d,
                _ => runs.push((d, d)),
            }
        }
        return Some(runs);
    }
    let p = padded(text);
    if has_any(&p, &["pasado manana"]) {
        return Some(vec![(today + Duration::days(2), today + Duration::days(2))]);
    }
    if has_any(&p, &["manana"]) {
        return Some(vec![(today + Duration::days(1), today + Duration::days(1))]);
    }
    if has_any(&p, &["hoy"]) {
        return Some(vec![(today, today)]);
    }
    let weekday_words = [
        "lunes",
        "martes",
        "miercoles",
        "jueves",
        "viernes",
        "sabado",
        "domingo",
    ];
    let single_weekday = words.windows(2).any(|w| {
        matches!(w[0].as_str(), "el" | "este" | "proximo") && weekday_words.contains(&w[1].as_str())
    });
    if single_weekday && reason_in(text).is_some() {
        let w = parlo_core::es::when::parse_when_local(text, noon);
        return w.date.map(|d| vec![(d.first(), d.last())]);
    }
    None
}

/// "por navidad" → "Navidad"; "x inventario" → "Inventario".
pub(crate) fn reason_in(text: &str) -> Option<String> {
    let words = message_words(text);
    let at = words.iter().position(|w| w == "por" || w == "porque")?;
    // Where the reason ends; a trailing «porfa» or «gracias» is not part of it.
    let stop = [
        "del", "el", "los", "hoy", "manana", "y", "al", "dia", "dias", "de", "porfavor", "gracias",
    ];
    let rest: Vec<&str> = words[at + 1..]
        .iter()
        .map(String::as_str)
        .skip_while(|w| ["el", "la", "las", "los", "motivo", "de"].contains(w))
        .take_while(|w| !stop.contains(w) && !w.chars().all(|c| c.is_ascii_digit()))
        .take_while(|w| month_of(w).is_none())
        .collect();
    (!rest.is_empty()).then(|| format::capitalize(&rest.join(" ")))
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct CloseData {
    #[serde(default)]
    from: Option<NaiveDate>,
    #[serde(default)]
    to: Option<NaiveDate>,
    #[serde(default)]
    reason: Option<String>,
    /// Further runs of days, closed after `from`–`to` ("el 24 y el 31").
    #[serde(default)]
    more: Vec<(NaiveDate, NaiveDate)>,
    /// Labels of the runs already closed by an earlier step.
    #[serde(default)]
    closed: Vec<String>,
}

async fn close_start(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    text: &str,
) -> Result<AgentReply, AgentError> {
    if !st.may(Action::BlockOthersTime) {
        return Ok(refused(&ToolError::Forbidden {
            action: Action::BlockOthersTime,
        }));
    }
    let Some(runs) = closure_runs(text, st.today()) else {
        st.save(
            previous,
            FlowType::CloseBusiness,
            "ask_days",
            &CloseData::default(),
        )
        .await?;
        return Ok(AgentReply::text(
            "¿Qué días cierran? Por ejemplo «el 24 y 25 de diciembre» o «del 1 al 5 de febrero».",
        ));
    };
    let (from, to) = runs[0];
    let data = CloseData {
        from: Some(from),
        to: Some(to),
        reason: reason_in(text),
        more: runs[1..].to_vec(),
        closed: Vec::new(),
    };
    close_now(st, previous, data, false).await
}

/// Closes each run of days in turn. A run over appointments stops there:
/// the list is shown and, once told to, those are cancelled (the runs
/// already closed stay closed and are not closed twice).
async fn close_now(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    mut data: CloseData,
    cancel: bool,
) -> Result<AgentReply, AgentError> {
    let Some(from) = data.from else {
        st.clear().await?;
        return Ok(AgentReply::text("¿Qué días cierran?"));
    };
    let mut runs = vec![(from, data.to.unwrap_or(from))];
    runs.extend(data.more.iter().copied());
    let mut cancelled = 0;
    let mut reason = data.reason.clone();
    for (i, &(date_from, date_to)) in runs.iter().enumerate() {
        let args = CloseBusinessArgs {
            date_from,
            date_to: Some(date_to),
            reason: data.reason.clone(),
            // The owner's «sí» covers the run whose appointments were shown.
            cancel_appointments: cancel && i == 0,
        };
        match st.tools.close_business(&st.actor, &args).await {
            Ok(c) => {
                cancelled += c.cancelled.len();
                reason = c.reason;
                data.closed.push(c.label);
            }
            Err(ToolError::Booked { appointments }) => {
                data.from = Some(date_from);
                data.to = Some(date_to);
                data.more = runs[i + 1..].to_vec();
                st.save(previous, FlowType::CloseBusiness, "confirm_cancel", &data)
                    .await?;
                let done = match data.closed.as_slice() {
                    [] => String::new(),
                    closed => format!("Ya quedó cerrado {}. ", format::join_and(closed)),
                };
                return Ok(AgentReply::text(format!(
                    "{done}{} Si prefieres moverlas tú, dime «no» y no cierro todavía.",
                    booked_message(&appointments)
                )));
            }
            Err(e) => {
                st.clear().await?;
                return Ok(refused(&e));
            }
        }
    }
    st.clear().await?;
    let why = reason
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    let cancelled = match cancelled {
        0 => String::new(),
        1 => " Cancelé la cita que había y le avisé al cliente.".to_string(),
        n => format!(" Cancelé las {n} citas que había y les avisé a los clientes."),
    };
    Ok(AgentReply::text(format!(
        "Listo ✓ El negocio queda cerrado {}{why}; nadie podrá agendar esos días.{cancelled}",
        format::join_and(&data.closed)
    )))
}

pub(crate) async fn close_step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    let data: CloseData = flow::data(f);
    match f.state.as_str() {
        "ask_days" => {
            if closure_runs(text, st.today()).is_none() {
                st.clear().await?;
                return Ok(None);
            }
            close_start(st, Some(f), text).await.map(Some)
        }
        "confirm_cancel" if is_yes(text) => close_now(st, Some(f), data, true).await.map(Some),
        "confirm_cancel" if is_no(text) => {
            st.clear().await?;
            Ok(Some(AgentReply::text(match data.closed.as_slice() {
                [] => "Va, no cerré nada. Cuando esas citas estén movidas o canceladas, vuelve a \
                       pedírmelo."
                    .to_string(),
                closed => format!(
                    "Va, esos días no los cerré (ya quedó cerrado {}). Cuando esas citas estén \
                     movidas o canceladas, vuelve a pedírmelo.",
                    format::join_and(closed)
                ),
            })))
        }
        "confirm_cancel" => Ok(Some(AgentReply::text(
            "¿Las cancelo y cierro? Responde «sí» o «no».",
        ))),
        _ => {
            st.clear().await?;
            Ok(None)
        }
    }
}

// ───────────────────────────── Catalogue ─────────────────────────────

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct CatalogueData {
    /// "add", "rename", "describe" or "retire".
    #[serde(default)]
    op: String,
    /// Everything said so far, re-read each turn.
    #[serde(default)]
    text: String,
    /// Add: the new service's name once read.
    #[serde(default)]
    name: Option<String>,
    /// Retire: the service, once confirmed it is the one.
    #[serde(default)]
    service: Option<String>,
}

fn op_of(c: Command) -> &'static str {
    match c {
        Command::AddService => "add",
        Command::RenameService => "rename",
        Command::DescribeService => "describe",
        _ => "retire",
    }
}

fn command_of(op: &str) -> Command {
    match op {
        "add" => Command::AddService,
        "rename" => Command::RenameService,
        "describe" => Command::DescribeService,
        _ => Command::RetireService,
    }
}

async fn active_services(st: &StaffTurn<'_>) -> Result<Vec<ServiceType>, AgentError> {
    let mut all = st
        .agent
        .store
        .list_services(st.org.id)
        .await
        .map_err(|e| AgentError(e.to_string()))?;
    all.retain(|s| s.is_active);
    Ok(all)
}

fn service_named<'a>(text: &str, services: &'a [ServiceType]) -> Option<&'a ServiceType> {
    match find_in_text(text, services, |s| s.name.as_str()) {
        Some(Match::Found(s)) => Some(s.item),
        _ => None,
    }
}

fn names(services: &[ServiceType]) -> String {
    let n: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    format::join_or(&n)
}

/// The text after the first of `markers` (case- and accent-insensitive),
/// cleaned of quotes and end punctuation.
fn after_any(text: &str, markers: &[&str]) -> Option<(usize, String)> {
    markers
        .iter()
        .filter_map(|m| parlo_core::es::find_ci(text, m).map(|r| (r.start, r.end)))
        .min()
        .map(|(start, end)| {
            let v = text[end..]
                .trim()
                .trim_matches(|c: char| "\"'«».,!¿?:".contains(c))
                .trim()
                .to_string();
            (start, v)
        })
        .filter(|(_, v)| !v.is_empty())
}

async fn catalogue_run(
    st: &StaffTurn<'_>,
    previous: Option<&FlowSession>,
    command: Command,
    text: String,
) -> Result<AgentReply, AgentError> {
    let services = active_services(st).await?;
    let mut data = CatalogueData {
        op: op_of(command).into(),
        text: text.clone(),
        ..CatalogueData::default()
    };
    if let Some(f) = previous {
        let before: CatalogueData = flow::data(f);
        data.name = before.name;
    }
    let ask = |q: String, data: CatalogueData| async move {
        st.save(previous, FlowType::EditCatalogue, "ask", &data)
            .await?;
        Ok::<_, AgentError>(AgentReply::text(q))
    };
    match command {
        Command::AddService => {
            if data.name.is_none() {
                data.name = parlo_core::es::read::new_service_name(&text);
            }
            let Some(name) = data.name.clone() else {
                return ask("¿Cómo se llama el servicio nuevo?".into(), data).await;
            };
            let (price, minutes) = (price_in(&text), duration_in(&text));
            let (Some(price), Some(minutes)) = (price, minutes) else {
                let missing = match (price, minutes) {
                    (None, None) => "cuánto cuesta y cuánto dura",
                    (None, _) => "cuánto cuesta",
                    _ => "cuánto dura",
                };
                return ask(
                    format!(
                        "¿{} {name}? Por ejemplo «$150, 30 minutos».",
                        format::capitalize(missing)
                    ),
                    data,
                )
                .await;
            };
            let description =
                after_any(&text, &["descripcion:", "descripción:", "incluye "]).map(|(_, d)| d);
            st.clear().await?;
            match st
                .tools
                .add_service(
                    &st.actor,
                    &AddServiceArgs {
                        name,
                        duration_minutes: minutes,
                        price_cents: price,
                        description,
                    },
                )
                .await
            {
                Ok(s) => Ok(AgentReply::text(format!(
                    "Listo ✓ Agregué {}: {}, {}. Ya se puede agendar.",
                    s.name,
                    s.price,
                    format::duration(s.duration_minutes)
                ))),
                Err(e) => Ok(refused(&e)),
            }
        }
        Command::RenameService => {
            let marker = after_any(
                &text,
                &[
                    "que se llame ",
                    "ahora se llama ",
                    "ponle de nombre ",
                    " por ",
                    " a: ",
                ],
            );
            let (service_part, new_name) = match &marker {
                Some((at, v)) => (&text[..*at], Some(v.clone())),
                None => (text.as_str(), None),
            };
            let Some(service) = service_named(service_part, &services) else {
                return ask(
                    format!("¿A qué servicio le cambio el nombre? {}", names(&services)),
                    data,
                )
                .await;
            };
            let Some(new_name) = new_name else {
                return ask(format!("¿Cómo se va a llamar {}?", service.name), data).await;
            };
            st.clear().await?;
            let args = ChangeServiceArgs {
                service: service.id.to_string(),
                duration_minutes: None,
                price_cents: None,
                name: Some(format::capitalize(&new_name)),
                description: None,
            };
            Ok(match st.tools.change_service(&st.actor, &args).await {
                Ok(r) => AgentReply::text(format!(
                    "Listo ✓ {} ahora se llama {}. Las citas agendadas lo muestran con el nombre nuevo.",
                    service.name, r.name
                )),
                Err(e) => refused(&e),
            })
        }
        Command::DescribeService => {
            let marker = after_any(&text, &[":", " que ", " es ", " dice "]);
            let Some(service) = service_named(
                marker
                    .as_ref()
                    .map_or(text.as_str(), |(at, _)| &text[..*at]),
                &services,
            )
            .or_else(|| service_named(&text, &services)) else {
                return ask(
                    format!("¿De qué servicio es la descripción? {}", names(&services)),
                    data,
                )
                .await;
            };
            let Some((_, description)) = marker else {
                return ask(
                    format!("¿Qué descripción le pongo a {}?", service.name),
                    data,
                )
                .await;
            };
            st.clear().await?;
            let args = ChangeServiceArgs {
                service: service.id.to_string(),
                duration_minutes: None,
                price_cents: None,
                name: None,
                description: Some(format::capitalize(&description)),
            };
            Ok(match st.tools.change_service(&st.actor, &args).await {
                Ok(r) => AgentReply::text(format!(
                    "Listo ✓ La descripción de {} quedó: «{}».",
                    r.name,
                    r.description.unwrap_or_default()
                )),
                Err(e) => refused(&e),
            })
        }
        _ => {
            let Some(service) = service_named(&text, &services) else {
                return ask(
                    format!("¿Qué servicio doy de baja? {}", names(&services)),
                    data,
                )
                .await;
            };
            data.service = Some(service.id.to_string());
            st.save(previous, FlowType::EditCatalogue, "confirm_retire", &data)
                .await?;
            Ok(AgentReply::text(format!(
                "¿Doy de baja {}? Ya no se podrá agendar; las citas que ya tiene se quedan como están.",
                service.name
            )))
        }
    }
}

pub(crate) async fn catalogue_step(
    st: &StaffTurn<'_>,
    f: &FlowSession,
    text: &str,
) -> Result<Option<AgentReply>, AgentError> {
    let data: CatalogueData = flow::data(f);
    if f.state == "confirm_retire" {
        if is_yes(text) {
            st.clear().await?;
            let Some(service) = data.service else {
                return Ok(None);
            };
            return Ok(Some(
                match st
                    .tools
                    .retire_service(&st.actor, &RetireServiceArgs { service })
                    .await
                {
                    Ok(r) => AgentReply::text(format!("Listo ✓ {} ya no se ofrece.", r.name)),
                    Err(e) => refused(&e),
                },
            ));
        }
        st.clear().await?;
        return Ok(Some(AgentReply::text("Va, lo dejo como está. ¿Algo más?")));
    }
    // A different command drops the flow.
    let i = command_intent(text);
    if i.is_staff_command() && !matches!(i, Intent::AddService | Intent::DeactivateService) {
        st.clear().await?;
        return Ok(None);
    }
    let all = format!("{} {}", data.text, text);
    catalogue_run(st, Some(f), command_of(&data.op), all)
        .await
        .map(Some)
}

// ───────────────────────────── Customers ─────────────────────────────

/// Up to three words after "a"/"al" that may be a customer's name,
/// longest first ("a juan le gusta…" → "juan le gusta", "juan le", "juan").
fn name_prefixes(rest: &str) -> Vec<(String, String)> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    let skip = words
        .iter()
        .take_while(|w| {
            [
                "a", "al", "la", "el", "sr", "sra", "senor", "senora", "don", "dona", "cliente",
                "clienta",
            ]
            .contains(&normalize(w).as_str())
        })
        .count();
    let words = &words[skip..];
    (1..=words.len().min(3))
        .rev()
        .map(|k| {
            let name = words[..k]
                .join(" ")
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_string();
            (name, words[k..].join(" "))
        })
        .filter(|(n, _)| !n.is_empty())
        .collect()
}

/// "busca a Lupita", "datos de Juan Pérez".
async fn find_customer(st: &StaffTurn<'_>, text: &str) -> Result<AgentReply, AgentError> {
    let query = after_keyword(
        text,
        &[
            "busca a la",
            "busca al",
            "busca a",
            "búscame a",
            "buscame a",
            "buscame al",
            "busca la",
            "busca el",
            "busca",
            "datos de",
            "teléfono de",
            "telefono de",
            "tel de",
            "cel de",
        ],
    )
    .unwrap_or_default();
    let query = name_prefixes(&query)
        .into_iter()
        .next()
        .map(|(n, r)| format!("{n} {r}").trim().to_string())
        .unwrap_or(query);
    if query.is_empty() {
        return Ok(AgentReply::text(
            "¿A quién busco? Dime su nombre o teléfono.",
        ));
    }
    let found = match st
        .tools
        .find_customers(
            &st.actor,
            &FindCustomersArgs {
                query: query.clone(),
            },
        )
        .await
    {
        Ok(f) => f,
        Err(e) => return Ok(refused(&e)),
    };
    match found.as_slice() {
        [] => Ok(AgentReply::text(format!(
            "No encontré a nadie como «{query}». Prueba con su teléfono o con otra parte del nombre."
        ))),
        [one] => {
            let who = one.name.clone().unwrap_or_else(|| "Sin nombre".into());
            let phone = if one.phone.starts_with('+') {
                display_phone(&one.phone)
            } else {
                "sin teléfono".into()
            };
            let mut lines = vec![format!("👤 {who} — {phone}")];
            if let Some(n) = &one.notes {
                lines.push(format!("Notas: {}", n.replace('\n', " · ")));
            }
            if let Ok(h) = st
                .tools
                .get_customer_history(
                    &st.actor,
                    &CustomerHistoryArgs {
                        customer: one.customer_id.to_string(),
                    },
                )
                .await
            {
                lines.push(format!(
                    "{} completada(s), {} sin llegar, {} cancelada(s).",
                    h.completed, h.no_shows, h.cancelled
                ));
                if let Some(next) = h.upcoming.first() {
                    lines.push(format!(
                        "Próxima: {} el {} a las {} con {}.",
                        next.service, next.date, next.time, next.staff
                    ));
                }
            }
            Ok(AgentReply::text(lines.join("\n")))
        }
        many => {
            let list = many
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let phone = if c.phone.starts_with('+') {
                        display_phone(&c.phone)
                    } else {
                        "sin teléfono".into()
                    };
                    format!(
                        "{}. {} — {phone}",
                        i + 1,
                        c.name.as_deref().unwrap_or("Sin nombre")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok(AgentReply::text(format!(
                "Encontré {} clientes:\n{list}\nPara ver uno, escríbeme su nombre completo o su teléfono.",
                many.len()
            )))
        }
    }
}

/// "nota para Juan: alérgico al tinte", "anótale a Lupita que prefiere a
/// Pedro", "anota que a Juan le gusta el degradado".
async fn note_customer(st: &StaffTurn<'_>, text: &str) -> Result<AgentReply, AgentError> {
    if !st.may(Action::MarkAttendance) {
        return Ok(refused(&ToolError::Forbidden {
            action: Action::MarkAttendance,
        }));
    }
    let rest = after_keyword(
        text,
        &[
            "nota para",
            "agrégale una nota a",
            "agregale una nota a",
            "agrega una nota a",
            "ponle una nota a",
            "ponle nota a",
            "anótale a",
            "anotale a",
            "anota a",
            "anótale que",
            "anotale que",
            "anota que",
            "apúntale que",
            "apuntale que",
            "apunta que",
            "anótale",
            "anotale",
        ],
    )
    .unwrap_or_default();
    // "Juan: …" / "Juan que …" / "a Juan le gusta …".
    let split = rest
        .split_once(':')
        .or_else(|| rest.split_once(" que "))
        .map(|(w, n)| (w.trim().to_string(), n.trim().to_string()));
    let tries: Vec<(String, String)> = match split {
        Some((who, note)) if !who.is_empty() && !note.is_empty() => {
            let who = name_prefixes(&who)
                .into_iter()
                .next()
                .map(|(n, r)| format!("{n} {r}").trim().to_string())
                .unwrap_or(who);
            vec![(who, note)]
        }
        _ => name_prefixes(&rest),
    };
    if tries.is_empty() {
        return Ok(AgentReply::text(
            "Escríbemelo así: «Nota para Juan Pérez: prefiere tijera».",
        ));
    }
    let mut last_err = None;
    for (who, note) in tries {
        if note.trim().is_empty() {
            continue;
        }
        let note = format::capitalize(note.trim().trim_end_matches('.'));
        match st
            .tools
            .add_customer_note(
                &st.actor,
                &CustomerNoteArgs {
                    customer: who.clone(),
                    note: note.clone(),
                },
            )
            .await
        {
            Ok(c) => {
                return Ok(AgentReply::text(format!(
                    "Listo ✓ Le anoté a {}: «{note}».",
                    c.name.as_deref().unwrap_or(&who)
                )))
            }
            Err(e @ ToolError::NotFound { .. }) => last_err = Some(e),
            Err(e) => return Ok(refused(&e)),
        }
    }
    Ok(match last_err {
        Some(_) => AgentReply::text(
            "No encontré a ese cliente. Escríbemelo así: «Nota para Juan Pérez: prefiere tijera» (o con su teléfono).",
        ),
        None => AgentReply::text("¿Qué le anoto? Por ejemplo «Nota para Juan: prefiere tijera»."),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn closure_days_as_owners_write_them() {
        let today = d(2030, 1, 7);
        let cases = [
            (
                "cerramos el 24 y 25 de diciembre por navidad",
                Some((d(2030, 12, 24), d(2030, 12, 25))),
            ),
            (
                "cerramos el 24 y 25 de dic x navidad",
                Some((d(2030, 12, 24), d(2030, 12, 25))),
            ),
            (
                "cerramos del 1 al 5 de febrero por vacaciones",
                Some((d(2030, 2, 1), d(2030, 2, 5))),
            ),
            (
                "del 31 de diciembre al 2 de enero no abrimos",
                Some((d(2030, 12, 31), d(2031, 1, 2))),
            ),
            (
                "mañana cerramos por junta",
                Some((d(2030, 1, 8), d(2030, 1, 8))),
            ),
            (
                "el viernes cerramos por inventario",
                Some((d(2030, 1, 11), d(2030, 1, 11))),
            ),
            ("el domingo no abrimos", None),
            // Two runs: not one closure_days answer (closure_runs below).
            ("el 24 y el 31 de diciembre cerramos", None),
            ("hoy cierro a las 6", None),
        ];
        for (text, want) in cases {
            assert_eq!(closure_days(text, today), want, "{text}");
        }
        assert_eq!(
            closure_runs("cierra el 24 y el 31 de diciembre", today),
            Some(vec![
                (d(2030, 12, 24), d(2030, 12, 24)),
                (d(2030, 12, 31), d(2030, 12, 31))
            ])
        );
        assert_eq!(
            closure_runs("cerramos el 24, 25 y 31 de diciembre por fiestas", today),
            Some(vec![
                (d(2030, 12, 24), d(2030, 12, 25)),
                (d(2030, 12, 31), d(2030, 12, 31))
            ])
        );
        assert_eq!(
            closure_runs("cerramos el 14 de enero y el 2 de febrero", today),
            Some(vec![
                (d(2030, 1, 14), d(2030, 1, 14)),
                (d(2030, 2, 2), d(2030, 2, 2))
            ])
        );
        assert_eq!(
            reason_in("cerramos el 24 y 25 de dic x navidad").as_deref(),
            Some("Navidad")
        );
        assert_eq!(
            reason_in("cerramos del 1 al 5 de febrero por vacaciones").as_deref(),
            Some("Vacaciones")
        );
        assert_eq!(
            reason_in("cierra el 14 y el 16 x inventario porfa").as_deref(),
            Some("Inventario")
        );
    }

    #[test]
    fn commands_as_owners_write_them() {
        let today = d(2030, 1, 7);
        let cases = [
            (
                "cerramos el 24 y 25 de diciembre por navidad",
                Some(Command::Close),
            ),
            ("Los domingos cerramos, cambia el horario", None),
            (
                "agrega el servicio de barba a $150 de 30 minutos",
                Some(Command::AddService),
            ),
            (
                "cambiale el nombre a corte por corte clasico",
                Some(Command::RenameService),
            ),
            ("el tinte ya no lo damos", None),
            ("ya no damos tinte", Some(Command::RetireService)),
            (
                "descripcion del corte: incluye lavado",
                Some(Command::DescribeService),
            ),
            ("busca a lupita", Some(Command::FindCustomer)),
            (
                "anota que a juan le gusta el degradado",
                Some(Command::NoteCustomer),
            ),
            (
                "nota para juan: alergico al tinte",
                Some(Command::NoteCustomer),
            ),
            ("Qué tengo hoy?", None),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text, today), want, "{text}");
        }
    }
}
