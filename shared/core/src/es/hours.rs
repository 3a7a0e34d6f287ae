//! Opening hours as owners write them: «lunes a viernes de 10 a 8 y sábado
//! de 10 a 6», «L-V 9am-7pm, sab 10-2», «de 10 a 8 de lunes a sábado»,
//! «diario de 9 a 9». Each time range belongs to the days named just
//! before it (or, when none were, just after it); days never named are
//! closed; a range with no day at all means Monday to Saturday.
//!
//! Hours are read as a business day: an end not after the start is in the
//! afternoon («10 a 8» is 10:00–20:00), a start before 7 too («2 a 8»).

use chrono::{NaiveTime, Weekday};

use crate::entities::{TimeRange, WeeklyHours};
use crate::es::format;
use crate::es::fuzzy::normalize;

const DAYS: [(&str, Weekday); 9] = [
    ("lunes", Weekday::Mon),
    ("martes", Weekday::Tue),
    ("miercoles", Weekday::Wed),
    ("jueves", Weekday::Thu),
    ("viernes", Weekday::Fri),
    ("sabado", Weekday::Sat),
    ("domingo", Weekday::Sun),
    ("sab", Weekday::Sat),
    ("dom", Weekday::Sun),
];

fn day(word: &str) -> Option<Weekday> {
    let w = word.trim_end_matches('s');
    DAYS.iter()
        .find(|(name, _)| w == *name || (name.len() > 3 && w.len() >= 3 && name.starts_with(w)))
        .map(|(_, d)| *d)
        .or(match word {
            "l" | "lu" | "lun" => Some(Weekday::Mon),
            "ma" | "mar" => Some(Weekday::Tue),
            "mi" | "mie" => Some(Weekday::Wed),
            "j" | "ju" | "jue" => Some(Weekday::Thu),
            "v" | "vi" | "vie" => Some(Weekday::Fri),
            "s" | "sa" => Some(Weekday::Sat),
            "d" | "do" => Some(Weekday::Sun),
            _ => None,
        })
}

fn days_between(a: Weekday, b: Weekday) -> Vec<Weekday> {
    let mut out = vec![a];
    let mut d = a;
    while d != b && out.len() < 7 {
        d = d.succ();
        out.push(d);
    }
    out
}

/// "10", "10:30", "9am", "7pm", "19:00hrs".
fn clock(word: &str) -> Option<(u32, u32, Option<bool>)> {
    let w = word
        .trim_end_matches("hrs")
        .trim_end_matches("hr")
        .trim_end_matches('h');
    let (w, pm) = if let Some(x) = w.strip_suffix("pm") {
        (x, Some(true))
    } else if let Some(x) = w.strip_suffix("am") {
        (x, Some(false))
    } else {
        (w, None)
    };
    let (h, m) = match w.split_once(':') {
        Some((h, m)) => (h.parse().ok()?, m.parse().ok()?),
        None => (w.parse().ok()?, 0),
    };
    (h <= 24 && m < 60).then_some((h, m, pm))
}

fn to_time((h, m, pm): (u32, u32, Option<bool>)) -> Option<NaiveTime> {
    let h = match pm {
        Some(true) if h < 12 => h + 12,
        Some(false) if h == 12 => 0,
        _ => h,
    };
    NaiveTime::from_hms_opt(h.min(23), if h == 24 { 59 } else { m }, 0)
}

fn business_range(a: (u32, u32, Option<bool>), b: (u32, u32, Option<bool>)) -> Option<TimeRange> {
    let mut a = a;
    let mut b = b;
    if a.2.is_none() && a.0 < 7 {
        a.0 += 12;
    }
    let start = to_time(a)?;
    if b.2.is_none() && to_time(b)? <= start && b.0 < 12 {
        b.0 += 12;
    }
    let end = to_time(b)?;
    (start < end).then_some(TimeRange { start, end })
}

enum Event {
    Days(Vec<Weekday>),
    Range(TimeRange),
}

fn tokens(text: &str) -> Vec<String> {
    let t = text
        .to_lowercase()
        .replace(" am", "am")
        .replace(" pm", "pm")
        .replace(" p.m.", "pm")
        .replace(" a.m.", "am")
        .replace(" p. m.", "pm")
        .replace(" a. m.", "am");
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in t.chars() {
        if c.is_alphanumeric() || c == ':' {
            cur.push(c);
        } else {
            if !cur.is_empty() {
                out.push(fold(&std::mem::take(&mut cur)));
            }
            if c == '-' || c == ',' || c == ';' || c == '/' {
                out.push(c.to_string());
            }
        }
    }
    if !cur.is_empty() {
        out.push(fold(&cur));
    }
    out
}

/// One word without accents ("sábado" → "sabado"); clock times as typed.
fn fold(word: &str) -> String {
    if word.contains(':') {
        word.to_string()
    } else {
        normalize(word)
    }
}

fn events(text: &str) -> Vec<Event> {
    let toks = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    let joiner = |t: &str| matches!(t, "a" | "al" | "-" | "hasta");
    while i < toks.len() {
        let t = toks[i].as_str();
        // "todos los dias", "diario", "entre semana", "fin de semana".
        if t == "diario" || (t == "todos" && toks.get(i + 2).is_some_and(|w| w == "dias")) {
            out.push(Event::Days(days_between(Weekday::Mon, Weekday::Sun)));
            i += if t == "diario" { 1 } else { 3 };
            continue;
        }
        if t == "entre" && toks.get(i + 1).is_some_and(|w| w == "semana") {
            out.push(Event::Days(days_between(Weekday::Mon, Weekday::Fri)));
            i += 2;
            continue;
        }
        if t == "fin" && toks.get(i + 2).is_some_and(|w| w == "semana") {
            out.push(Event::Days(vec![Weekday::Sat, Weekday::Sun]));
            i += 3;
            continue;
        }
        // Single letters are days only inside a range ("L-V").
        let as_day = |w: &str, single_ok: bool| {
            if !single_ok && w.len() <= 2 && !matches!(w, "sa" | "do") {
                return None;
            }
            day(w)
        };
        if let Some(a) = as_day(t, toks.get(i + 1).is_some_and(|w| joiner(w))) {
            if let (Some(j), Some(b)) = (
                toks.get(i + 1).filter(|w| joiner(w)),
                toks.get(i + 2).and_then(|w| as_day(w, true)),
            ) {
                let _ = j;
                out.push(Event::Days(days_between(a, b)));
                i += 3;
                continue;
            }
            out.push(Event::Days(vec![a]));
            i += 1;
            continue;
        }
        if let Some(a) = clock(t) {
            if let (Some(_), Some(b)) = (
                toks.get(i + 1).filter(|w| joiner(w)),
                toks.get(i + 2).and_then(|w| clock(w)),
            ) {
                if let Some(r) = business_range(a, b) {
                    out.push(Event::Range(r));
                }
                i += 3;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The weekly hours in `text`, or `None` when it names no time range.
pub fn parse_weekly_hours(text: &str) -> Option<WeeklyHours> {
    let mut hours = WeeklyHours::default();
    let mut pending_days: Vec<Weekday> = Vec::new();
    let mut pending_range: Option<TimeRange> = None;
    let mut any = false;
    let set = |hours: &mut WeeklyHours, days: &[Weekday], r: TimeRange| {
        for d in days {
            let slot = &mut hours.days[d.num_days_from_monday() as usize];
            if !slot.contains(&r) {
                slot.push(r);
                slot.sort_by_key(|x| x.start);
            }
        }
    };
    for e in events(text) {
        match e {
            Event::Days(d) => {
                if let Some(r) = pending_range.take() {
                    set(&mut hours, &d, r);
                    any = true;
                } else {
                    pending_days.extend(d);
                }
            }
            Event::Range(r) => {
                if pending_days.is_empty() {
                    if let Some(prev) = pending_range.replace(r) {
                        // Two ranges in a row with no day: a split shift.
                        pending_range = None;
                        let days = days_between(Weekday::Mon, Weekday::Sat);
                        set(&mut hours, &days, prev);
                        set(&mut hours, &days, r);
                        any = true;
                    }
                } else {
                    set(&mut hours, &pending_days, r);
                    pending_days.clear();
                    any = true;
                }
            }
        }
    }
    if let Some(r) = pending_range {
        // No day named at all: Monday to Saturday; else the days left over.
        let days = if any || !pending_days.is_empty() {
            pending_days
        } else {
            days_between(Weekday::Mon, Weekday::Sat)
        };
        set(&mut hours, &days, r);
        any = true;
    }
    any.then_some(hours)
}

/// The week as owners say it, equal consecutive days grouped: «lunes a
/// viernes 10:00 AM - 8:00 PM, sábado 10:00 AM - 6:00 PM».
pub fn describe(hours: &WeeklyHours) -> String {
    describe_in(hours, crate::Locale::EsMx)
}

/// [`describe`] with the locale's times («lunes a viernes 10:00 - 20:00»).
pub fn describe_in(hours: &WeeklyHours, locale: crate::Locale) -> String {
    const ORDER: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for i in 0..7 {
        if hours.days[i].is_empty() {
            continue;
        }
        match groups.last_mut() {
            Some((_, end)) if *end + 1 == i && hours.days[*end] == hours.days[i] => *end = i,
            _ => groups.push((i, i)),
        }
    }
    if groups.is_empty() {
        return "sin horario".into();
    }
    groups
        .iter()
        .map(|&(a, b)| {
            let days = if a == b {
                format::weekday_name(ORDER[a]).to_string()
            } else {
                format!(
                    "{} a {}",
                    format::weekday_name(ORDER[a]),
                    format::weekday_name(ORDER[b])
                )
            };
            let ranges = hours.days[a]
                .iter()
                .map(|r| locale.time_range(r.start, r.end))
                .collect::<Vec<_>>()
                .join(" y ");
            format!("{days} {ranges}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn day_of(h: &WeeklyHours, d: Weekday) -> Vec<(NaiveTime, NaiveTime)> {
        h.on(d).iter().map(|r| (r.start, r.end)).collect()
    }

    #[test]
    fn weekdays_then_saturday() {
        let h = parse_weekly_hours("lunes a viernes de 10 a 8 y sábado de 10 a 6").unwrap();
        assert_eq!(day_of(&h, Weekday::Mon), vec![(t(10, 0), t(20, 0))]);
        assert_eq!(day_of(&h, Weekday::Fri), vec![(t(10, 0), t(20, 0))]);
        assert_eq!(day_of(&h, Weekday::Sat), vec![(t(10, 0), t(18, 0))]);
        assert!(h.on(Weekday::Sun).is_empty());
    }

    #[test]
    fn other_ways_of_writing_it() {
        let h = parse_weekly_hours("L-V 9am-7pm, sab 10-2").unwrap();
        assert_eq!(day_of(&h, Weekday::Wed), vec![(t(9, 0), t(19, 0))]);
        assert_eq!(day_of(&h, Weekday::Sat), vec![(t(10, 0), t(14, 0))]);
        let h = parse_weekly_hours("de 10 a 8 de lunes a sabado").unwrap();
        assert_eq!(day_of(&h, Weekday::Sat), vec![(t(10, 0), t(20, 0))]);
        assert!(h.on(Weekday::Sun).is_empty());
        let h = parse_weekly_hours("abrimos de 10 a 8").unwrap();
        assert_eq!(day_of(&h, Weekday::Sat), vec![(t(10, 0), t(20, 0))]);
        assert!(h.on(Weekday::Sun).is_empty());
        let h = parse_weekly_hours("diario de 9:30 a 21:00").unwrap();
        assert_eq!(day_of(&h, Weekday::Sun), vec![(t(9, 30), t(21, 0))]);
        let h = parse_weekly_hours("martes a domingo 11 a 7").unwrap();
        assert!(h.on(Weekday::Mon).is_empty());
        assert_eq!(day_of(&h, Weekday::Sun), vec![(t(11, 0), t(19, 0))]);
        assert!(parse_weekly_hours("todavía no sé").is_none());
    }
}
