//! Finding, offering and picking free times, shared by booking and
//! rescheduling: real slots from `check_availability`, a few of them
//! listed by day, and the customer's pick read from "a las 4", "4:30",
//! "la primera"…

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate, NaiveDateTime, Timelike};
use parlo_core::es::format;
use parlo_core::es::when::{TimeSpec, When};
use serde::{Deserialize, Serialize};

use super::{Cx, ToolError};
use crate::agent::AgentError;
use crate::tools::{CheckAvailabilityArgs, Slot};

/// Times listed when one day is offered.
const PER_SINGLE_DAY: usize = 6;
/// Days, and times per day, listed when several days are offered.
const DAYS_LISTED: usize = 3;
const PER_DAY: usize = 3;
/// Days searched after the asked ones when those are full.
const LOOK_AHEAD_DAYS: u64 = 7;
/// Longest range one query covers (the tool allows 14 days).
const MAX_RANGE_DAYS: u64 = 13;

/// A time offered to the customer (business wall clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub local: NaiveDateTime,
    /// Who is free then.
    #[serde(default)]
    pub staff: Vec<String>,
}

impl From<&Slot> for Offer {
    fn from(s: &Slot) -> Self {
        Offer {
            local: s.local,
            staff: s.staff.clone(),
        }
    }
}

/// What the customer asked for.
pub struct Wanted<'a> {
    pub service: &'a str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub time: Option<TimeSpec>,
    pub staff: Option<&'a str>,
}

pub enum Offering {
    /// The exact time asked for is free.
    Exact(Offer),
    /// Times to choose from; `note` says why these and not what was asked.
    Options {
        note: Option<String>,
        offers: Vec<Offer>,
    },
    /// Nothing free in the days searched.
    Nothing,
}

async fn slots(
    cx: &Cx<'_>,
    w: &Wanted<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Result<Vec<Slot>, ToolError>, AgentError> {
    let args = CheckAvailabilityArgs {
        service: w.service.to_string(),
        date_from: from,
        date_to: Some(to),
        staff: w.staff.map(str::to_string),
        part_of_day: None,
        limit: Some(50),
    };
    match cx.tools.check_availability(&cx.actor, &args).await {
        Ok(r) => Ok(Ok(r.slots)),
        Err(ToolError::Internal(m)) => Err(AgentError(m)),
        Err(e) => Ok(Err(e)),
    }
}

/// Why one asked day (and time) cannot be booked, when the reason is not
/// simply that it is full: past, beyond the booking window, a closed
/// weekday, a closure (with its reason), before opening or after closing,
/// too short notice. Each its own sentence.
async fn why_not(
    cx: &Cx<'_>,
    day: NaiveDate,
    time: Option<TimeSpec>,
    minutes: u32,
) -> Result<Option<String>, AgentError> {
    use chrono::Datelike;
    let today = cx.today();
    let policy = &cx.biz.org.settings.booking;
    if day < today {
        return Ok(Some("Esa fecha ya pasó.".into()));
    }
    let last = today + Days::new(u64::from(policy.max_advance_days));
    if day > last {
        return Ok(Some(format!(
            "Solo agendo hasta {} días adelante (hasta el {}).",
            policy.max_advance_days,
            format::date_long(last, today)
        )));
    }
    let hours = cx.biz.location.business_hours.on(day.weekday());
    if hours.is_empty() {
        let plural = match day.weekday() {
            chrono::Weekday::Sat => "sábados".to_string(),
            chrono::Weekday::Sun => "domingos".to_string(),
            wd => format::weekday_name(wd).to_string(),
        };
        return Ok(Some(format!("Los {plural} no abrimos.")));
    }
    // A closure of the whole business that day.
    let (start, end) = parlo_core::time::day_bounds_utc(cx.biz.tz, day);
    let blocks = cx
        .agent
        .store
        .list_blocks(cx.biz.org.id, start, end)
        .await
        .map_err(super::err)?;
    let opens = hours.iter().map(|r| r.start).min().expect("not empty");
    let closes = hours.iter().map(|r| r.end).max().expect("not empty");
    if let Some(b) = blocks.iter().find(|b| {
        b.staff_id.is_none()
            && b.start
                <= parlo_core::time::local_to_utc(cx.biz.tz, day.and_time(opens)).unwrap_or(start)
            && b.end
                >= parlo_core::time::local_to_utc(cx.biz.tz, day.and_time(closes)).unwrap_or(end)
    }) {
        let why = b
            .reason
            .as_ref()
            .filter(|r| !r.trim().is_empty())
            .map(|r| format!(" por {}", r.trim()))
            .unwrap_or_default();
        return Ok(Some(format!(
            "{} estaremos cerrados{why}.",
            format::capitalize(&format::day_label_with_weekday(day, today))
        )));
    }
    let Some(t) = time.and_then(|t| t.exact()) else {
        return Ok(None);
    };
    let now = cx.local_now();
    let at = day.and_time(t);
    if at <= now {
        return Ok(Some("Esa hora ya pasó.".into()));
    }
    if t < opens {
        return Ok(Some(format!(
            "A esa hora todavía no abrimos: abrimos a las {}.",
            cx.biz.locale().time(opens)
        )));
    }
    let ends = t + chrono::Duration::minutes(i64::from(minutes));
    if t >= closes || ends > closes {
        return Ok(Some(format!(
            "A esa hora ya no alcanzamos: cerramos a las {}.",
            cx.biz.locale().time(closes)
        )));
    }
    let notice = i64::from(policy.min_notice_minutes);
    if (at - now).num_minutes() < notice {
        return Ok(Some(format!(
            "Necesito al menos {} de anticipación para agendar.",
            format::duration(policy.min_notice_minutes)
        )));
    }
    Ok(None)
}

/// Free times for what was asked: the exact one if free, else the best
/// options on the asked days (saying why the asked one cannot be), else
/// on the following week.
pub async fn find(cx: &Cx<'_>, w: &Wanted<'_>) -> Result<Result<Offering, ToolError>, AgentError> {
    let found = find_free(cx, w).await?;
    if w.from != w.to {
        return Ok(found);
    }
    let minutes = cx
        .biz
        .services
        .iter()
        .find(|s| s.name == w.service)
        .map_or(30, |s| s.duration_minutes);
    Ok(match found {
        Ok(Offering::Options { note, offers }) => {
            let why = why_not(cx, w.from, w.time, minutes).await?;
            let note = why.or(note);
            Ok(Offering::Options { note, offers })
        }
        other => other,
    })
}

async fn find_free(cx: &Cx<'_>, w: &Wanted<'_>) -> Result<Result<Offering, ToolError>, AgentError> {
    let today = cx.today();
    let from = w.from.max(today);
    let to = w.to.max(from).min(from + Days::new(MAX_RANGE_DAYS));
    let free = match slots(cx, w, from, to).await? {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let offers: Vec<Offer> = free.iter().map(Offer::from).collect();
    if let Some(TimeSpec::At(t)) = w.time {
        if from == to {
            if let Some(o) = offers.iter().find(|o| o.local == from.and_time(t)) {
                return Ok(Ok(Offering::Exact(o.clone())));
            }
        }
        if !offers.is_empty() {
            let wanted = from.and_time(t);
            let mut near = offers.clone();
            near.sort_by_key(|o| ((o.local - wanted).num_minutes().abs(), o.local));
            near.truncate(3);
            near.sort_by_key(|o| o.local);
            return Ok(Ok(Offering::Options {
                note: Some(format!(
                    "A las {} ya no tengo espacio.",
                    cx.biz.locale().time(t)
                )),
                offers: near,
            }));
        }
    } else if !offers.is_empty() {
        let fitting: Vec<Offer> = offers
            .iter()
            .filter(|o| w.time.is_none_or(|t| t.admits(o.local.time())))
            .cloned()
            .collect();
        if !fitting.is_empty() {
            return Ok(Ok(Offering::Options {
                note: None,
                offers: spread(&fitting),
            }));
        }
        return Ok(Ok(Offering::Options {
            note: Some("En ese horario ya no tengo espacio.".into()),
            offers: spread(&offers),
        }));
    }
    // The asked days are full (or closed): the nearest following days.
    let next_from = to + Days::new(1);
    let next_to = to + Days::new(LOOK_AHEAD_DAYS);
    let later = match slots(cx, w, next_from, next_to).await? {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let Some(first) = later.first().map(|s| s.local.date()) else {
        return Ok(Ok(Offering::Nothing));
    };
    let day: Vec<Offer> = later
        .iter()
        .filter(|s| s.local.date() == first)
        .map(Offer::from)
        .collect();
    let fitting: Vec<Offer> = day
        .iter()
        .filter(|o| w.time.is_none_or(|t| t.admits(o.local.time())))
        .cloned()
        .collect();
    let asked = if from == to {
        format!(
            "{} ya está lleno.",
            format::capitalize(&format::day_label_with_weekday(from, today))
        )
    } else {
        "En esos días ya no tengo espacio.".to_string()
    };
    Ok(Ok(Offering::Options {
        note: Some(asked),
        offers: spread(if fitting.is_empty() { &day } else { &fitting }),
    }))
}

/// A handful of times worth listing: up to six spread over one day, or
/// three on each of the first three days; whole hours first, then half
/// hours.
pub fn spread(offers: &[Offer]) -> Vec<Offer> {
    let mut by_day: BTreeMap<NaiveDate, Vec<Offer>> = BTreeMap::new();
    for o in offers {
        by_day.entry(o.local.date()).or_default().push(o.clone());
    }
    let per_day = if by_day.len() == 1 {
        PER_SINGLE_DAY
    } else {
        PER_DAY
    };
    by_day
        .into_values()
        .take(DAYS_LISTED)
        .flat_map(|day| {
            let on = |step: u32| -> Vec<Offer> {
                day.iter()
                    .filter(|o| o.local.minute() % step == 0)
                    .cloned()
                    .collect()
            };
            let (whole, half) = (on(60), on(30));
            let pool = if whole.len() >= per_day {
                whole
            } else if !half.is_empty() {
                half
            } else {
                day
            };
            evenly(&pool, per_day)
        })
        .collect()
}

fn evenly(pool: &[Offer], n: usize) -> Vec<Offer> {
    if pool.len() <= n {
        return pool.to_vec();
    }
    (0..n).map(|i| pool[i * pool.len() / n].clone()).collect()
}

/// The offer as a message: one day as a bulleted list (spec Example 1),
/// several days as one line each.
pub fn render(cx: &Cx<'_>, note: Option<&str>, what: Option<&str>, offers: &[Offer]) -> String {
    let today = cx.today();
    let mut days: Vec<NaiveDate> = offers.iter().map(|o| o.local.date()).collect();
    days.dedup();
    let mut s = String::new();
    if let Some(n) = note {
        s.push_str(n);
        s.push(' ');
    }
    let what = what.map(|w| format!(" para {w}")).unwrap_or_default();
    if let [day] = days.as_slice() {
        let label = super::manage::on_day(*day, today);
        if note.is_some() {
            s.push_str(&format!("{label} tengo estos horarios{what}:\n"));
        } else {
            s.push_str(&format!(
                "{} tengo estos horarios{what}:\n",
                format::capitalize(&label)
            ));
        }
        for o in offers {
            s.push_str(&format!("• {}\n", cx.biz.locale().time(o.local.time())));
        }
    } else {
        s.push_str(&format!("Tengo estos horarios{what}:\n"));
        for d in days {
            let times: Vec<String> = offers
                .iter()
                .filter(|o| o.local.date() == d)
                .map(|o| cx.biz.locale().time(o.local.time()))
                .collect();
            s.push_str(&format!(
                "• {}: {}\n",
                format::capitalize(&format::day_label_with_weekday(d, today)),
                times.join(", ")
            ));
        }
    }
    s.push_str("¿Cuál te funciona mejor?");
    s
}

const ORDINALS: &[(&str, usize)] = &[
    ("primera", 0),
    ("primer", 0),
    ("primero", 0),
    ("segunda", 1),
    ("segundo", 1),
    ("tercera", 2),
    ("tercer", 2),
    ("tercero", 2),
    ("cuarta", 3),
    ("cuarto", 3),
    ("quinta", 4),
    ("quinto", 4),
    ("sexta", 5),
    ("sexto", 5),
];

/// The offered time the customer picked: "la primera", "la última",
/// "a las 4", "4:30", "11:30", or a bare hour ("4").
pub fn pick(words: &[String], offers: &[Offer], when: &When) -> Option<Offer> {
    if offers.is_empty() {
        return None;
    }
    let has = |w: &str| words.iter().any(|x| x == w);
    for (w, i) in ORDINALS {
        if has(w) {
            return offers.get(*i).cloned();
        }
    }
    if has("ultima") || has("ultimo") {
        return offers.last().cloned();
    }
    let on_day = |o: &&Offer| when.date.is_none_or(|d| d.contains(o.local.date()));
    if let Some(t) = when.time.and_then(|t| t.exact()) {
        let candidates = [t, t.overflowing_add_signed(chrono::Duration::hours(12)).0];
        for c in candidates {
            if let Some(o) = offers.iter().filter(on_day).find(|o| o.local.time() == c) {
                return Some(o.clone());
            }
        }
        return None;
    }
    // A bare hour, "4" or "4 30", read against the offered times.
    let nums: Vec<u32> = words.iter().filter_map(|w| w.parse::<u32>().ok()).collect();
    let (hour, minute) = match nums.as_slice() {
        [h] => (*h, None),
        [h, m] if *m < 60 => (*h, Some(*m)),
        _ => return None,
    };
    if !(1..=23).contains(&hour) {
        return None;
    }
    let matches_hour = |o: &&Offer| {
        let (_, h12) = o.local.time().hour12();
        (h12 == hour || o.local.hour() == hour) && minute.is_none_or(|m| o.local.minute() == m)
    };
    let hits: Vec<&Offer> = offers.iter().filter(on_day).filter(matches_hour).collect();
    hits.iter()
        .find(|o| o.local.minute() == 0)
        .or(hits.first())
        .map(|o| (*o).clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlo_core::es::intent::message_words;
    use parlo_core::es::when::parse_when_local;

    fn offer(h: u32, m: u32) -> Offer {
        Offer {
            local: NaiveDate::from_ymd_opt(2030, 1, 8)
                .unwrap()
                .and_hms_opt(h, m, 0)
                .unwrap(),
            staff: vec![],
        }
    }

    fn picked(text: &str, offers: &[Offer]) -> Option<(u32, u32)> {
        let now = NaiveDate::from_ymd_opt(2030, 1, 7)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        pick(&message_words(text), offers, &parse_when_local(text, now))
            .map(|o| (o.local.hour(), o.local.minute()))
    }

    #[test]
    fn picks_by_position_hour_and_exact_time() {
        let offers = [offer(15, 0), offer(16, 0), offer(17, 30)];
        assert_eq!(picked("la primera", &offers), Some((15, 0)));
        assert_eq!(picked("la última", &offers), Some((17, 30)));
        assert_eq!(picked("A las 4", &offers), Some((16, 0)));
        assert_eq!(picked("4", &offers), Some((16, 0)));
        assert_eq!(picked("5:30", &offers), Some((17, 30)));
        assert_eq!(picked("a las 9", &offers), None);
        assert_eq!(picked("no sé", &offers), None);
    }

    #[test]
    fn spreads_a_long_day_over_whole_hours() {
        let day: Vec<Offer> = (10..20)
            .flat_map(|h| [offer(h, 0), offer(h, 15), offer(h, 30), offer(h, 45)])
            .collect();
        let shown = spread(&day);
        assert_eq!(shown.len(), PER_SINGLE_DAY);
        assert!(shown.iter().all(|o| o.local.minute() == 0));
        assert_eq!(shown[0].local.hour(), 10);
    }
}
