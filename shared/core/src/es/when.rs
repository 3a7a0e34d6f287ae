//! "¿Cuándo?": Mexican-Spanish date/time expressions as customers and staff
//! write them on WhatsApp ("mañana en la tarde", "el sábado a las 11",
//! "cuarto para las 5", "15/1", "la próxima semana"), resolved against a
//! fixed `now` in the business's zone.
//!
//! Pure: [`parse_when`] takes `now` and the zone as parameters; nothing here
//! reads a clock.
//!
//! # Input handling
//!
//! Case-insensitive; accents are optional ("mañana" = "manana",
//! "miércoles" = "miercoles", "sábado" = "sabado"); words around the
//! expressions are ignored. [`When::matched`] lists the byte ranges of the
//! original text that were understood.
//!
//! # Heuristics (documented decisions)
//!
//! * **Dates**
//!   * "hoy" = today, "mañana" = tomorrow, "pasado mañana" = today + 2.
//!     "la mañana" ("en/de/por la mañana") is the part of day, never a
//!     date: "mañana en la mañana" = tomorrow morning. "esta mañana/tarde/
//!     noche" = today + that part of day.
//!   * "el lunes", "lunes", "el próximo lunes", "el lunes que viene" = the
//!     next Monday **strictly after today** (1–7 days ahead); said on a
//!     Monday it means next week's Monday. "este lunes" includes today
//!     (0–6 days ahead). "el lunes de la próxima semana" = Monday of next
//!     week (the Monday–Sunday week after this one). "los lunes" (a
//!     recurring habit) is not a date.
//!   * A weekday followed by a day number ("el sábado 28") takes that day
//!     number when the two agree; otherwise the number is left alone.
//!   * "el 15", "para el 15", "el día 15", "día 15": the next 15th on or
//!     after today (months without that day are skipped). A bare number
//!     is **only** a day when preceded by "el"/"día" ("tengo 15 años" is
//!     not a date) and is not itself a time ("el 4 y media").
//!   * "15 de enero", "el 15 de enero", "enero 15", "15 ene": the next
//!     January 15th on or after today; with a year ("15 de enero de 2027")
//!     exactly that date. "15/01", "15/1/2027", "15/1/27" are day/month as
//!     Mexicans write them. "el 15 de este mes" / "del mes que viene".
//!   * "la próxima semana", "la semana que viene/entra", "la otra semana",
//!     "la siguiente semana" = Monday..Sunday of next week; "esta semana" =
//!     today..Sunday. Together with a weekday ("la próxima semana el
//!     martes") the weekday is taken inside that week.
//!   * "el fin de semana", "este fin", "el finde" = the coming Saturday..
//!     Sunday (today..Sunday when said on a weekend); "el próximo fin de
//!     semana" / "el fin de semana que viene" said on a weekend means the
//!     following one.
//!   * "en enero" / "para enero" = the rest of January if it is January,
//!     otherwise the next January as a range.
//!   * "en 3 días", "dentro de una semana" = today + N days; "en una hora",
//!     "en media hora", "en 20 minutos" = `now` + that, as date and exact
//!     time (truncated to the minute).
//!   * When several dates appear the most specific wins (explicit day >
//!     weekday > hoy/mañana > week ranges > month); ties go to the first.
//! * **Times**
//!   * A number is only a time with context: "a las"/"a la una"/"tipo",
//!     "H:MM", "am/pm/a.m./p.m.", "hrs/h" (hour ≥ 10 unless "a las"),
//!     "y media/y cuarto/menos cuarto", "cuarto para las", "de la mañana/
//!     tarde/noche". "quiero 2 cortes" has no time.
//!   * Bare hours without am/pm: 1–7 → afternoon (13:00–19:00), 8–11 →
//!     morning, 12 → noon; salons open roughly 10–20. A part of day in
//!     the same message overrides that ("en la noche a las 8" = 20:00,
//!     "en la mañana a las 7" = 07:00). "12 de la noche" = 00:00.
//!   * Parts of day: "temprano" 08:00–11:00, "en la mañana" 09:00–12:00,
//!     "en la tarde" 12:00–19:00, "en la noche" 19:00–22:00; "al
//!     mediodía" = 12:00, "medianoche" = 00:00.
//!   * "después de las 5" / "a partir de las 5" / "desde las 5" = from
//!     17:00; "antes de las 2" = until 14:00; "entre 3 y 5" / "de 3 a 5"
//!     = 15:00–17:00 (an am/pm on the second hour applies to both; an end
//!     not after the start is moved 12 hours later when it fits).
//!   * When several times appear the most specific wins (exact time >
//!     between > after/before > part of day); ties go to the first.

use std::ops::Range;

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A date, or an inclusive range of dates, already resolved against `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DateSpec {
    /// One concrete local date.
    Day(NaiveDate),
    /// Every date from `first` to `last`, both included.
    Range { first: NaiveDate, last: NaiveDate },
}

impl DateSpec {
    /// The first date covered.
    pub fn first(&self) -> NaiveDate {
        match *self {
            DateSpec::Day(d) => d,
            DateSpec::Range { first, .. } => first,
        }
    }

    /// The last date covered (inclusive).
    pub fn last(&self) -> NaiveDate {
        match *self {
            DateSpec::Day(d) => d,
            DateSpec::Range { last, .. } => last,
        }
    }

    /// The single date, when this is one day.
    pub fn day(&self) -> Option<NaiveDate> {
        match *self {
            DateSpec::Day(d) => Some(d),
            DateSpec::Range { first, last } if first == last => Some(first),
            DateSpec::Range { .. } => None,
        }
    }

    /// Whether `d` is covered.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.first() <= d && d <= self.last()
    }

    /// Every covered date, in order.
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> {
        let last = self.last();
        self.first().iter_days().take_while(move |d| *d <= last)
    }
}

/// A named part of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PartOfDay {
    /// "temprano": 08:00–11:00.
    Early,
    /// "en la mañana": 09:00–12:00.
    Morning,
    /// "en la tarde": 12:00–19:00.
    Afternoon,
    /// "en la noche": 19:00–22:00.
    Evening,
}

impl PartOfDay {
    /// `[start, end)` wall-clock bounds.
    pub fn bounds(self) -> (NaiveTime, NaiveTime) {
        let (a, b) = match self {
            PartOfDay::Early => (8, 11),
            PartOfDay::Morning => (9, 12),
            PartOfDay::Afternoon => (12, 19),
            PartOfDay::Evening => (19, 22),
        };
        (hm(a, 0), hm(b, 0))
    }
}

/// A time of day: exact, or a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TimeSpec {
    /// An exact wall-clock time ("a las 4" → 16:00).
    At(NaiveTime),
    /// A part of the day ("en la tarde").
    Part(PartOfDay),
    /// "entre 3 y 5": `[start, end]`.
    Between(NaiveTime, NaiveTime),
    /// "después de las 5": from this time on.
    After(NaiveTime),
    /// "antes de las 2": until this time.
    Before(NaiveTime),
}

impl TimeSpec {
    /// The exact time, when there is one.
    pub fn exact(&self) -> Option<NaiveTime> {
        match *self {
            TimeSpec::At(t) => Some(t),
            _ => None,
        }
    }

    /// `(from, until)` wall-clock bounds; `None` means open on that side.
    /// For [`TimeSpec::At`] both are the time itself.
    pub fn window(&self) -> (Option<NaiveTime>, Option<NaiveTime>) {
        match *self {
            TimeSpec::At(t) => (Some(t), Some(t)),
            TimeSpec::Part(p) => {
                let (a, b) = p.bounds();
                (Some(a), Some(b))
            }
            TimeSpec::Between(a, b) => (Some(a), Some(b)),
            TimeSpec::After(t) => (Some(t), None),
            TimeSpec::Before(t) => (None, Some(t)),
        }
    }

    /// Whether a slot starting at `t` fits what was asked (an exact time
    /// admits only itself; windows are `[from, until]`).
    pub fn admits(&self, t: NaiveTime) -> bool {
        let (from, until) = self.window();
        from.is_none_or(|f| t >= f) && until.is_none_or(|u| t <= u)
    }
}

/// What [`parse_when`] understood. Absent parts are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct When {
    /// The date or dates meant.
    pub date: Option<DateSpec>,
    /// The time or time window meant.
    pub time: Option<TimeSpec>,
    /// Byte ranges of the original text that were understood, in order.
    pub matched: Vec<Range<usize>>,
}

impl When {
    /// Nothing understood.
    pub fn is_empty(&self) -> bool {
        self.date.is_none() && self.time.is_none()
    }

    /// A single local date and an exact time, when both were given.
    pub fn exact(&self) -> Option<NaiveDateTime> {
        Some(self.date?.day()?.and_time(self.time?.exact()?))
    }
}

/// The wall clock of `now` in `tz`.
pub fn local_now(now: DateTime<Utc>, tz: Tz) -> NaiveDateTime {
    now.with_timezone(&tz).naive_local()
}

/// Parses `text` relative to `now` as seen in the business's zone `tz`.
pub fn parse_when(text: &str, now: DateTime<Utc>, tz: Tz) -> When {
    parse_when_local(text, local_now(now, tz))
}

/// Like [`parse_when`], with `now` already on the business's wall clock.
pub fn parse_when_local(text: &str, now: NaiveDateTime) -> When {
    Parser {
        t: tokenize(text),
        now,
        today: now.date(),
        dates: Vec::new(),
        times: Vec::new(),
        parts: Vec::new(),
        matched: Vec::new(),
    }
    .run()
}

/// The next `wd` on or after `today` (`include_today`) or strictly after.
pub fn next_weekday(today: NaiveDate, wd: Weekday, include_today: bool) -> NaiveDate {
    let mut ahead =
        (7 + wd.num_days_from_monday() as i64 - today.weekday().num_days_from_monday() as i64) % 7;
    if ahead == 0 && !include_today {
        ahead = 7;
    }
    today + Duration::days(ahead)
}

/// Easter Sunday of `year` (the Gregorian computus, Meeus/Jones/Butcher).
fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// The Monday of `d`'s week.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

/// The next date on or after `today` whose day of month is `day`
/// (months lacking that day are skipped).
pub fn next_day_of_month(today: NaiveDate, day: u32) -> Option<NaiveDate> {
    (0..14).find_map(|k| {
        let (y, m) = add_months(today.year(), today.month(), k);
        NaiveDate::from_ymd_opt(y, m, day).filter(|d| *d >= today)
    })
}

/// The next `day`/`month` on or after `today` (February 29th waits for a
/// leap year).
pub fn next_month_day(today: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    (0..9)
        .find_map(|k| NaiveDate::from_ymd_opt(today.year() + k, month, day).filter(|d| *d >= today))
}

/// "en enero": the rest of the month when it is that month, otherwise the
/// whole next such month.
pub fn month_range(today: NaiveDate, month: u32) -> DateSpec {
    let year = if month >= today.month() {
        today.year()
    } else {
        today.year() + 1
    };
    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("valid month");
    let (ny, nm) = add_months(year, month, 1);
    let last = NaiveDate::from_ymd_opt(ny, nm, 1).expect("valid month") - Duration::days(1);
    DateSpec::Range {
        first: first.max(today),
        last,
    }
}

/// The coming weekend (Saturday..Sunday); said on a weekend, today..Sunday,
/// or the following weekend when `following`.
pub fn weekend(today: NaiveDate, following: bool) -> DateSpec {
    let on_weekend = matches!(today.weekday(), Weekday::Sat | Weekday::Sun);
    let sat = next_weekday(today, Weekday::Sat, true);
    let sun = next_weekday(today, Weekday::Sun, true);
    if on_weekend && following {
        let sat = next_weekday(today, Weekday::Sat, false);
        return DateSpec::Range {
            first: sat,
            last: sat + Duration::days(1),
        };
    }
    DateSpec::Range {
        first: if on_weekend { today } else { sat },
        last: sun,
    }
}

fn add_months(y: i32, m: u32, k: u32) -> (i32, u32) {
    let idx = y * 12 + (m as i32 - 1) + k as i32;
    (idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1)
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

// ---------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Num,
    Sym,
}

#[derive(Debug, Clone)]
struct Tok {
    kind: Kind,
    text: String,
    span: Range<usize>,
}

fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'ä' | 'â' => 'a',
        'é' | 'è' | 'ë' | 'ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' => 'o',
        'ú' | 'ù' | 'ü' | 'û' => 'u',
        'ñ' => 'n',
        x => x,
    }
}

fn tokenize(text: &str) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    let mut prev: Option<Kind> = None;
    for (idx, c) in text.char_indices() {
        let end = idx + c.len_utf8();
        for lc in c.to_lowercase() {
            let f = fold(lc);
            let kind = if f.is_ascii_digit() {
                Kind::Num
            } else if f.is_alphabetic() {
                Kind::Word
            } else if f.is_whitespace() {
                prev = None;
                continue;
            } else {
                Kind::Sym
            };
            match out.last_mut() {
                Some(t) if prev == Some(kind) && kind != Kind::Sym => {
                    t.text.push(f);
                    t.span.end = end;
                }
                _ => out.push(Tok {
                    kind,
                    text: f.to_string(),
                    span: idx..end,
                }),
            }
            prev = Some(kind);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Parser

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mer {
    Am,
    Pm,
    Night,
    H24,
}

#[derive(Debug, Clone, Copy)]
struct Clock {
    h: u32,
    m: u32,
    minus: u32,
    mer: Option<Mer>,
}

impl Clock {
    fn resolve(self, part: Option<PartOfDay>) -> Option<NaiveTime> {
        let h = self.h;
        if h > 23 || self.m > 59 {
            return None;
        }
        let h = if h > 12 {
            if self.mer == Some(Mer::Am) {
                return None;
            }
            h
        } else {
            match self.mer {
                Some(Mer::Am) => h % 12,
                Some(Mer::Pm) => h % 12 + 12,
                Some(Mer::Night) if h == 12 => 0,
                Some(Mer::Night) => h + 12,
                Some(Mer::H24) => h,
                None => match part {
                    // «salgo temprano, a las 4», «cerramos temprano, a las
                    // 6»: no shop works at 4 or 6 am.
                    Some(PartOfDay::Early | PartOfDay::Morning) if (1..=6).contains(&h) => h + 12,
                    Some(PartOfDay::Early) if h == 7 => h + 12,
                    Some(PartOfDay::Early | PartOfDay::Morning) => h,
                    Some(PartOfDay::Afternoon) => h % 12 + 12,
                    Some(PartOfDay::Evening) if h == 12 => 0,
                    Some(PartOfDay::Evening) => h + 12,
                    None if (1..=7).contains(&h) => h + 12,
                    None => h,
                },
            }
        };
        let t = hm(h, self.m);
        Some(
            t.overflowing_sub_signed(Duration::minutes(self.minus as i64))
                .0,
        )
    }
}

#[derive(Debug, Clone, Copy)]
enum ClockUse {
    At(Clock),
    Between(Clock, Clock),
    After(Clock),
    Before(Clock),
}

/// Date candidate priority.
const P_MONTH: u8 = 0;
const P_WEEK: u8 = 1;
const P_REL: u8 = 2;
const P_WEEKDAY: u8 = 3;
const P_EXPLICIT: u8 = 4;

struct DateCand {
    spec: DateSpec,
    prio: u8,
    weekday: Option<Weekday>,
}

struct Parser {
    t: Vec<Tok>,
    now: NaiveDateTime,
    today: NaiveDate,
    dates: Vec<DateCand>,
    times: Vec<TimeCand>,
    parts: Vec<PartOfDay>,
    matched: Vec<Range<usize>>,
}

pub(crate) const WEEKDAYS: [(&str, Weekday); 7] = [
    ("lunes", Weekday::Mon),
    ("martes", Weekday::Tue),
    ("miercoles", Weekday::Wed),
    ("jueves", Weekday::Thu),
    ("viernes", Weekday::Fri),
    ("sabado", Weekday::Sat),
    ("domingo", Weekday::Sun),
];

/// Is this normalised word a day of the week or a month («Viernes»,
/// «Enero» capitalised name nobody)?
pub(crate) fn is_day_or_month_word(w: &str) -> bool {
    WEEKDAYS.iter().any(|(d, _)| *d == w)
        || WEEKDAY_SPELLINGS.iter().any(|(s, _)| *s == w)
        || MONTHS.contains(&w)
        || ["hoy", "manana", "ayer"].contains(&w)
        // «Para San Valentín», «en Navidad»: a day, nobody's name.
        || ["valentin", "navidad", "nochebuena", "nochevieja", "pascua"].contains(&w)
}

/// Weekdays as they get typed on a phone: «biernes», «miercole», «sabdo»,
/// «juebes», and the short forms «lun», «mie», «jue», «vie», «sab», «dom».
const WEEKDAY_SPELLINGS: &[(&str, &str)] = &[
    ("lun", "lunes"),
    ("marte", "martes"),
    ("miercole", "miercoles"),
    ("mie", "miercoles"),
    ("mier", "miercoles"),
    ("juebes", "jueves"),
    ("jue", "jueves"),
    ("biernes", "viernes"),
    ("vie", "viernes"),
    ("sabdo", "sabado"),
    ("savado", "sabado"),
    ("sab", "sabado"),
    ("dom", "domingo"),
];

const MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

const MONTH_ABBR: [&str; 12] = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic",
];

fn hour_word(w: &str) -> Option<u32> {
    Some(match w {
        "una" | "uno" => 1,
        "dos" => 2,
        "tres" => 3,
        "cuatro" => 4,
        "cinco" => 5,
        "seis" => 6,
        "siete" => 7,
        "ocho" => 8,
        "nueve" => 9,
        "diez" => 10,
        "once" => 11,
        "doce" => 12,
        _ => return None,
    })
}

/// A day of the month in words: «quince», «veintiuno», «treinta».
fn day_word(w: &str) -> Option<u32> {
    const TEENS: [&str; 9] = [
        "trece",
        "catorce",
        "quince",
        "dieciseis",
        "diecisiete",
        "dieciocho",
        "diecinueve",
        "veinte",
        "veintiuno",
    ];
    const TWENTIES: [&str; 8] = [
        "veintidos",
        "veintitres",
        "veinticuatro",
        "veinticinco",
        "veintiseis",
        "veintisiete",
        "veintiocho",
        "veintinueve",
    ];
    if let Some(h) = hour_word(w).filter(|_| w != "una") {
        return Some(h);
    }
    if let Some(k) = TEENS.iter().position(|t| *t == w) {
        return Some(13 + k as u32);
    }
    if let Some(k) = TWENTIES.iter().position(|t| *t == w) {
        return Some(22 + k as u32);
    }
    match w {
        "primero" => Some(1),
        "treinta" => Some(30),
        _ => None,
    }
}

fn minute_word(w: &str) -> Option<u32> {
    Some(match w {
        "cinco" => 5,
        "diez" => 10,
        "cuarto" | "quince" => 15,
        "veinte" => 20,
        "veinticinco" => 25,
        "media" | "treinta" => 30,
        "cuarenta" => 40,
        "cincuenta" => 50,
        _ => return None,
    })
}

fn count_word(w: &str) -> Option<u32> {
    match w {
        "un" | "una" | "uno" => Some(1),
        _ => hour_word(w),
    }
}

enum TimeCand {
    Clock(ClockUse),
    Fixed(TimeSpec),
}

fn part_word(w: &str) -> Option<PartOfDay> {
    match w {
        "manana" | "mananita" => Some(PartOfDay::Morning),
        "tarde" | "tardecita" => Some(PartOfDay::Afternoon),
        "noche" | "nochecita" => Some(PartOfDay::Evening),
        _ => None,
    }
}

fn rank(t: &TimeSpec) -> u8 {
    match t {
        TimeSpec::At(_) => 5,
        TimeSpec::Between(..) => 4,
        TimeSpec::After(_) | TimeSpec::Before(_) => 3,
        // «en la mañana temprano»: the narrower part says more.
        TimeSpec::Part(PartOfDay::Early) => 2,
        TimeSpec::Part(_) => 1,
    }
}

impl Parser {
    fn w(&self, i: usize) -> &str {
        match self.t.get(i) {
            Some(t) if t.kind == Kind::Word => &t.text,
            _ => "",
        }
    }

    fn is(&self, i: usize, words: &[&str]) -> bool {
        let w = self.w(i);
        !w.is_empty() && words.contains(&w)
    }

    fn n(&self, i: usize) -> Option<u32> {
        match self.t.get(i) {
            Some(t) if t.kind == Kind::Num && t.text.len() <= 4 => t.text.parse().ok(),
            _ => None,
        }
    }

    /// A number of at most two digits.
    fn n2(&self, i: usize) -> Option<u32> {
        self.n(i).filter(|_| self.n_len(i) <= 2)
    }

    fn n_len(&self, i: usize) -> usize {
        match self.t.get(i) {
            Some(t) if t.kind == Kind::Num => t.text.len(),
            _ => 0,
        }
    }

    fn sym(&self, i: usize, c: char) -> bool {
        matches!(self.t.get(i), Some(t) if t.kind == Kind::Sym && t.text.starts_with(c))
    }

    fn weekday_at(&self, i: usize) -> Option<Weekday> {
        let w = self.w(i);
        let w = WEEKDAY_SPELLINGS
            .iter()
            .find(|(from, _)| *from == w)
            .map_or(w, |(_, to)| *to);
        WEEKDAYS.iter().find(|(n, _)| *n == w).map(|(_, d)| *d)
    }

    fn month_at(&self, i: usize, abbr: bool) -> Option<u32> {
        let w = self.w(i);
        if w == "setiembre" {
            return Some(9);
        }
        if let Some(k) = MONTHS.iter().position(|m| *m == w) {
            return Some(k as u32 + 1);
        }
        if abbr {
            if w == "sept" {
                return Some(9);
            }
            if let Some(k) = MONTH_ABBR.iter().position(|m| *m == w) {
                return Some(k as u32 + 1);
            }
        }
        None
    }

    fn run(mut self) -> When {
        let mut i = 0;
        while i < self.t.len() {
            if self.is(i, &["los"]) && self.weekday_at(i + 1).is_some() {
                // "los lunes": a habit, not a date.
                i += 2;
                continue;
            }
            match self.try_at(i) {
                Some(end) if end > i => {
                    let span = self.t[i].span.start..self.t[end - 1].span.end;
                    self.matched.push(span);
                    i = end;
                }
                _ => i += 1,
            }
        }
        self.finish()
    }

    fn try_at(&mut self, i: usize) -> Option<usize> {
        None.or_else(|| self.relative(i))
            .or_else(|| self.range_time(i))
            .or_else(|| self.clock_use(i))
            .or_else(|| self.noon(i))
            .or_else(|| self.day_span(i))
            .or_else(|| self.day_pair(i))
            .or_else(|| self.month_day(i))
            .or_else(|| self.slash_date(i))
            .or_else(|| self.weekday_pair(i))
            .or_else(|| self.relative_pair(i))
            .or_else(|| self.holiday(i))
            .or_else(|| self.nth_weekday(i))
            .or_else(|| self.weekday(i))
            .or_else(|| self.day_of_month(i))
            .or_else(|| self.week(i))
            .or_else(|| self.weekend_at(i))
            .or_else(|| self.month(i))
            .or_else(|| self.simple_words(i))
    }

    fn push_date(&mut self, spec: DateSpec, prio: u8, weekday: Option<Weekday>) {
        self.dates.push(DateCand {
            spec,
            prio,
            weekday,
        });
    }

    fn push_time(&mut self, t: TimeSpec) {
        if let TimeSpec::Part(p) = t {
            self.parts.push(p);
        }
        self.times.push(TimeCand::Fixed(t));
    }

    fn push_instant(&mut self, dt: NaiveDateTime) {
        self.push_date(DateSpec::Day(dt.date()), P_EXPLICIT, None);
        self.push_time(TimeSpec::At(hm(dt.hour(), dt.minute())));
    }

    // --- times ------------------------------------------------------------

    /// An hour: digits 0–23 or a word "una".."doce".
    fn hour_at(&self, i: usize) -> Option<(u32, usize)> {
        if let Some(h) = self.n2(i) {
            return (h <= 23).then_some((h, i + 1));
        }
        hour_word(self.w(i)).map(|h| (h, i + 1))
    }

    /// am/pm/hrs/"de la tarde"... after an hour: (end, marker).
    fn meridiem(&self, j: usize) -> (usize, Option<Mer>) {
        let dotted = |k: usize| if self.sym(k, '.') { k + 1 } else { k };
        match self.w(j) {
            "am" => (dotted(j + 1), Some(Mer::Am)),
            "pm" => (dotted(j + 1), Some(Mer::Pm)),
            "a" if self.sym(j + 1, '.') && self.w(j + 2) == "m" => (dotted(j + 3), Some(Mer::Am)),
            "p" if self.sym(j + 1, '.') && self.w(j + 2) == "m" => (dotted(j + 3), Some(Mer::Pm)),
            "p" if self.w(j + 1) == "m" => (dotted(j + 2), Some(Mer::Pm)),
            "hrs" | "hr" | "h" | "hs" | "horas" | "hora" => (dotted(j + 1), Some(Mer::H24)),
            "de" if self.w(j + 1) == "la" => match self.w(j + 2) {
                "manana" | "mananita" | "madrugada" => (j + 3, Some(Mer::Am)),
                "tarde" | "tardecita" => (j + 3, Some(Mer::Pm)),
                "noche" | "nochecita" => (j + 3, Some(Mer::Night)),
                _ => (j, None),
            },
            "del" if self.w(j + 1) == "mediodia" => (j + 2, Some(Mer::Pm)),
            _ => (j, None),
        }
    }

    /// A clock time at `i`. Without `ctx` ("a las", "entre"...) the time
    /// must carry its own evidence (":30", "pm", "y media", ...).
    fn clock(&self, i: usize, ctx: bool, allow_y: bool) -> Option<(usize, Clock)> {
        // "cuarto para las 5", "diez para las 5"
        // A number after «las» is an hour: «la de las 11 para las 12».
        let after_las = i > 0 && self.is(i - 1, &["las", "la"]);
        let before =
            minute_word(self.w(i)).or_else(|| self.n2(i).filter(|m| *m <= 30 && !after_las));
        if let Some(minus) = before {
            if self.is(i + 1, &["para"]) && self.is(i + 2, &["las", "la"]) {
                if let Some((h, j)) = self.hour_at(i + 3) {
                    let (j, mer) = self.meridiem(j);
                    return Some((
                        j,
                        Clock {
                            h,
                            m: 0,
                            minus,
                            mer,
                        },
                    ));
                }
            }
        }
        // «a las 1130», «a las 930»: hour and minutes run together, only
        // after «a las»/«tipo».
        if ctx && i > 0 && self.is(i - 1, &["las", "tipo"]) && (3..=4).contains(&self.n_len(i)) {
            let hm = self.n(i)?;
            let (h, m) = (hm / 100, hm % 100);
            if h > 23 || m > 59 {
                return None;
            }
            let (j, mer) = self.meridiem(i + 1);
            let mer = mer
                .filter(|m| *m != Mer::H24)
                .or(if h > 12 { Some(Mer::H24) } else { None });
            return Some((
                j,
                Clock {
                    h,
                    m,
                    minus: 0,
                    mer,
                },
            ));
        }
        let (h, mut j) = self.hour_at(i)?;
        let digits = self.n(i).is_some();
        let mut explicit = ctx;
        let (mut m, mut minus, mut colon) = (0, 0, false);
        if (self.sym(j, ':') || self.sym(j, '.')) && self.n_len(j + 1) == 2 {
            m = self.n(j + 1)?;
            if m > 59 {
                return None;
            }
            j += 2;
            explicit = true;
            colon = true;
        } else if after_las
            && digits
            && self.n_len(j) == 2
            && self.n(j).is_some_and(|x| x <= 55 && x % 5 == 0)
            && !self.is(j + 1, &["min", "mins", "minutos", "pesos"])
        {
            // «a las 4 30»: a dictated clock, the colon not written.
            m = self.n(j)?;
            j += 1;
            explicit = true;
            colon = true;
        } else if self.is(j, &["y"]) {
            if self.is(j + 1, &["media", "cuarto"]) {
                m = minute_word(self.w(j + 1))?;
                j += 2;
                explicit = true;
            } else if allow_y {
                let x = minute_word(self.w(j + 1))
                    .or_else(|| self.n2(j + 1).filter(|x| (1..=59).contains(x)));
                if let Some(x) = x {
                    m = x;
                    j += 2;
                }
            }
        } else if self.is(j, &["menos"]) {
            let x = minute_word(self.w(j + 1))
                .or_else(|| self.n2(j + 1).filter(|x| (1..=30).contains(x)));
            if let Some(x) = x {
                explicit |= self.is(j + 1, &["cuarto"]);
                minus = x;
                j += 2;
            }
        }
        let (j2, mer) = self.meridiem(j);
        match mer {
            Some(Mer::H24) => {
                if !(ctx || colon || (digits && h >= 10)) {
                    return None;
                }
                explicit = true;
            }
            Some(_) => explicit = true,
            None => {}
        }
        if !explicit || m > 59 {
            return None;
        }
        if matches!(mer, Some(Mer::Am | Mer::Pm | Mer::Night)) && h > 12 && mer != Some(Mer::Pm) {
            return None;
        }
        Some((j2, Clock { h, m, minus, mer }))
    }

    /// "las 5", "la una", "5": a clock with a preposition giving context.
    fn clock_after_prep(&self, i: usize, allow_y: bool) -> Option<(usize, Clock)> {
        let mut j = i;
        if self.is(j, &["las"]) || (self.is(j, &["la"]) && self.hour_at(j + 1)?.0 == 1) {
            j += 1;
        }
        self.clock(j, true, allow_y)
    }

    fn clock_use(&mut self, i: usize) -> Option<usize> {
        let mut j = i;
        let mut ctx = false;
        if self.is(j, &["tipo"]) {
            j += 1;
            ctx = true;
        }
        if self.is(j, &["a"]) && self.is(j + 1, &["las", "la"]) {
            j += 1;
        }
        if self.is(j, &["las"]) || (self.is(j, &["la"]) && self.hour_at(j + 1)?.0 == 1) {
            j += 1;
            ctx = true;
        }
        let (end, mut c) = self.clock(j, ctx, true)?;
        // «cerramos a las 8», «cierra a las 9»: a shop closes in the
        // evening.
        let closing = (i.saturating_sub(2)..i).any(|k| {
            [
                "cerramos", "cierra", "cierran", "cerrar", "cerrando", "cierro", "cerrado",
            ]
            .contains(&self.w(k))
        });
        if closing && c.mer.is_none() && (8..=11).contains(&c.h) {
            c.mer = Some(Mer::Pm);
        }
        // «las dos cosas», «las tres personas»: a count, not an hour.
        if self.is(
            end,
            &[
                "cosas",
                "personas",
                "veces",
                "citas",
                "servicios",
                "opciones",
                "semanas",
            ],
        ) {
            return None;
        }
        self.times.push(TimeCand::Clock(ClockUse::At(c)));
        Some(end)
    }

    /// "mediodía" / "medio día" (→ 12:00) or "medianoche" (→ 00:00) at `i`.
    fn noon_word(&self, i: usize) -> Option<(usize, NaiveTime)> {
        match self.w(i) {
            "mediodia" => Some((i + 1, hm(12, 0))),
            "medio" if self.is(i + 1, &["dia"]) => Some((i + 2, hm(12, 0))),
            "medianoche" => Some((i + 1, hm(0, 0))),
            "media" if self.is(i + 1, &["noche"]) => Some((i + 2, hm(0, 0))),
            _ => None,
        }
    }

    fn noon(&mut self, i: usize) -> Option<usize> {
        let j = if self.is(i, &["al", "a", "el"]) && self.noon_word(i + 1).is_some() {
            i + 1
        } else {
            i
        };
        let (end, t) = self.noon_word(j)?;
        self.push_time(TimeSpec::At(t));
        Some(end)
    }

    /// A time point after "después de", "antes de"...: a clock or noon.
    fn point(&self, i: usize) -> Option<(usize, TimeCandPoint)> {
        if self.is(i, &["del"]) {
            return self
                .noon_word(i + 1)
                .map(|(e, t)| (e, TimeCandPoint::Fixed(t)));
        }
        let j = if self.is(i, &["de"]) { i + 1 } else { i };
        if let Some((e, t)) = self.noon_word(j) {
            return Some((e, TimeCandPoint::Fixed(t)));
        }
        if !self.is(j, &["las", "la"]) {
            return None;
        }
        self.clock_after_prep(j, true)
            .map(|(e, c)| (e, TimeCandPoint::Clock(c)))
    }

    fn range_time(&mut self, i: usize) -> Option<usize> {
        let w = self.w(i).to_string();
        match w.as_str() {
            "entre" | "de" | "desde" => {
                let (j, a) = self.clock_after_prep(i + 1, false)?;
                let joiners: &[&str] = if w == "entre" {
                    &["y", "a"]
                } else {
                    &["a", "hasta"]
                };
                if self.is(j, joiners) {
                    if let Some((k, b)) = self.clock_after_prep(j + 1, true) {
                        self.times.push(TimeCand::Clock(ClockUse::Between(a, b)));
                        return Some(k);
                    }
                }
                // «de 5 en adelante»
                if w != "entre" && self.is(j, &["en"]) && self.is(j + 1, &["adelante"]) {
                    self.times.push(TimeCand::Clock(ClockUse::After(a)));
                    return Some(j + 2);
                }
                if w == "desde" {
                    self.times.push(TimeCand::Clock(ClockUse::After(a)));
                    return Some(j);
                }
                None
            }
            // «a las 4 o 5», «a las 4 o a las 5»: either hour, a window.
            "a" if self.is(i + 1, &["las", "la"]) => {
                let (j, a) = self.clock_after_prep(i + 1, true)?;
                if !self.is(j, &["o", "u"]) {
                    return None;
                }
                let k = if self.is(j + 1, &["a"]) { j + 2 } else { j + 1 };
                let (end, b) = self.clock_after_prep(k, true)?;
                self.times.push(TimeCand::Clock(ClockUse::Between(a, b)));
                Some(end)
            }
            "despues" | "luego" | "antes" | "pasadas" | "tras" | "a" => {
                let start = match w.as_str() {
                    "pasadas" | "tras" => i + 1,
                    "a" if self.is(i + 1, &["partir"]) => i + 2,
                    "a" => return None,
                    _ => i + 1,
                };
                let (end, p) = self.point(start)?;
                let after = w != "antes";
                match (p, after) {
                    (TimeCandPoint::Fixed(t), true) => self.push_time(TimeSpec::After(t)),
                    (TimeCandPoint::Fixed(t), false) => self.push_time(TimeSpec::Before(t)),
                    (TimeCandPoint::Clock(c), true) => {
                        self.times.push(TimeCand::Clock(ClockUse::After(c)))
                    }
                    (TimeCandPoint::Clock(c), false) => {
                        self.times.push(TimeCand::Clock(ClockUse::Before(c)))
                    }
                }
                Some(end)
            }
            // «bloquear 11:30 a 12:15», «jueves 5pm a 7pm»: two hours
            // written as hours, without «de».
            _ => {
                let (j, a) = self.clock(i, false, false)?;
                if a.m == 0 && a.mer.is_none() || !self.is(j, &["a"]) {
                    return None;
                }
                let (k, b) = self.clock(j + 1, false, false)?;
                if b.m == 0 && b.mer.is_none() {
                    return None;
                }
                self.times.push(TimeCand::Clock(ClockUse::Between(a, b)));
                Some(k)
            }
        }
    }

    // --- dates ------------------------------------------------------------

    /// A day of month (1–31, or "primero"), with an optional ordinal mark.
    fn day_num(&self, i: usize) -> Option<(u32, usize)> {
        // «el quince de enero»: a day in words before its month, or after
        // «el día» or a weekday («el viernes dieciocho»), or after «el»
        // when no hour is spelled that way («para el dieciocho»). A bare
        // «diez» is more likely an hour or a count.
        let before = |k: usize, words: &[&str]| i >= k && self.is(i - k, words);
        let spelled = day_word(self.w(i)).filter(|&d| {
            (self.is(i + 1, &["de"]) && self.month_at(i + 2, false).is_some())
                || before(1, &["dia"])
                || (d >= 13
                    && (before(1, &["el", "al", "del"])
                        || (i >= 1 && self.weekday_at(i - 1).is_some())))
        });
        if let Some(d) = spelled {
            return Some((d, i + 1));
        }
        // «el primero en llegar», «el primero que vea»: first, not the 1st.
        // «quiero ser el primero», «el primero del día»: first in line.
        let first_in_line = (i >= 2 && self.is(i - 2, &["ser", "soy", "sea", "seria"]))
            || self.is(i + 1, &["del", "dia"])
            || (i + 1 == self.t.len() && !(i >= 1 && self.is(i - 1, &["el", "al", "del"])))
            // «el primero», alone: the first one offered.
            || (i + 1 == self.t.len() && i <= 1);
        let d = if self.is(i, &["primero"])
            && !self.is(i + 1, &["en", "que", "de"])
            && !first_in_line
        {
            1
        } else {
            self.n2(i).filter(|d| (1..=31).contains(d))?
        };
        let mut j = i + 1;
        if self.n(i).is_some() && (self.is(j, &["ro", "o", "º", "er"]) || self.sym(j, '°')) {
            j += 1;
        }
        Some((d, j))
    }

    /// An optional year after a date: "de 2027", "del 2027", "2027".
    fn year(&self, k: usize) -> (usize, Option<i32>) {
        let four = |i: usize| {
            self.n(i)
                .filter(|y| self.n_len(i) == 4 && (2000..=2100).contains(y))
                .map(|y| y as i32)
        };
        if self.is(k, &["de", "del"]) {
            if let Some(y) = four(k + 1) {
                return (k + 2, Some(y));
            }
        }
        match four(k) {
            Some(y) => (k + 1, Some(y)),
            None => (k, None),
        }
    }

    fn dated(&self, year: Option<i32>, month: u32, day: u32) -> Option<NaiveDate> {
        match year {
            Some(y) => NaiveDate::from_ymd_opt(y, month, day),
            None => next_month_day(self.today, month, day),
        }
    }

    fn month_day(&mut self, i: usize) -> Option<usize> {
        let mut j = i;
        // «el 16 de febrero», «pásala al 16 de febrero», «la cita del 14
        // de febrero».
        if self.is(j, &["el", "al", "del"]) {
            j += 1;
        }
        if self.is(j, &["dia"]) {
            j += 1;
        }
        if let Some((d, k)) = self.day_num(j) {
            let km = if self.is(k, &["de"]) { k + 1 } else { k };
            if let Some(m) = self.month_at(km, true) {
                let (end, year) = self.year(km + 1);
                let date = self.dated(year, m, d)?;
                self.push_date(DateSpec::Day(date), P_EXPLICIT, None);
                return Some(end);
            }
            let this_month = self.is(k, &["de"]) && self.is(k + 1, &["este"]);
            let next_month = self.is(k, &["del"])
                && (self.is(k + 1, &["proximo", "siguiente"])
                    || (self.is(k + 1, &["mes"])
                        && self.is(k + 2, &["que"])
                        && self.is(k + 3, &["viene", "entra"])));
            if this_month && self.is(k + 2, &["mes"]) {
                let t = self.today;
                let date = NaiveDate::from_ymd_opt(t.year(), t.month(), d)?;
                self.push_date(DateSpec::Day(date), P_EXPLICIT, None);
                return Some(k + 3);
            }
            if next_month {
                let end = if self.is(k + 1, &["mes"]) {
                    k + 4
                } else if self.is(k + 2, &["mes"]) {
                    k + 3
                } else {
                    return None;
                };
                let (y, m) = add_months(self.today.year(), self.today.month(), 1);
                let date = NaiveDate::from_ymd_opt(y, m, d)?;
                self.push_date(DateSpec::Day(date), P_EXPLICIT, None);
                return Some(end);
            }
        }
        // "enero 15"
        let m = self.month_at(j, false)?;
        let (d, k) = self.day_num(j + 1)?;
        if self.clock(j + 1, false, true).is_some() {
            return None;
        }
        let (end, year) = self.year(k);
        let date = self.dated(year, m, d)?;
        self.push_date(DateSpec::Day(date), P_EXPLICIT, None);
        Some(end)
    }

    /// «hoy o mañana», «mañana o pasado», «mañana y pasado mañana»: the
    /// days in a row, as a span to offer times from.
    fn relative_pair(&mut self, i: usize) -> Option<usize> {
        let offset = |p: &Self, k: usize| -> Option<(i64, usize)> {
            match p.w(k) {
                "hoy" => Some((0, k + 1)),
                "pasado" if p.is(k + 1, &["manana"]) => Some((2, k + 2)),
                "pasado" => Some((2, k + 1)),
                "manana" => Some((1, k + 1)),
                _ => None,
            }
        };
        let (a, k) = offset(self, i).filter(|(a, _)| *a < 2)?;
        if !self.is(k, &["o", "u", "y"]) {
            return None;
        }
        let (b, end) = offset(self, k + 1).filter(|(b, _)| *b == a + 1)?;
        let first = self.today + Duration::days(a);
        let last = self.today + Duration::days(b);
        self.push_date(DateSpec::Range { first, last }, P_REL, None);
        Some(end)
    }

    /// «del 20 al 25 (de enero)», «del lunes al miércoles», «del lunes 21
    /// al miércoles 23»: every day between, both included.
    fn day_span(&mut self, i: usize) -> Option<usize> {
        if !self.is(i, &["del"]) {
            return None;
        }
        // A weekday before its day number names the same day.
        let wd_num = |p: &Self, k: usize| {
            if p.weekday_at(k).is_some() && p.n(k + 1).is_some() {
                k + 1
            } else {
                k
            }
        };
        if let (Some(a), Some(b)) = (self.weekday_at(i + 1), self.weekday_at(i + 3)) {
            if !self.is(i + 2, &["al"]) {
                return None;
            }
            let first = next_weekday(self.today, a, false);
            let last = next_weekday(first, b, true);
            self.push_date(DateSpec::Range { first, last }, P_EXPLICIT, None);
            return Some(i + 4);
        }
        let (a, mut k) = self.day_num(wd_num(self, i + 1))?;
        // «del 25 de marzo al 5 de abril»: the first day's own month.
        let first_month = if self.is(k, &["de"]) && self.is(k + 2, &["al"]) {
            let m = self.month_at(k + 1, true)?;
            k += 2;
            Some(m)
        } else {
            None
        };
        if !self.is(k, &["al"]) {
            return None;
        }
        let (b, end) = self.day_num(wd_num(self, k + 1))?;
        let km = if self.is(end, &["de"]) { end + 1 } else { end };
        let (first, end) = match (first_month, self.month_at(km, true)) {
            (Some(m), last_month) => (
                next_month_day(self.today, m, a)?,
                if last_month.is_some() { km + 1 } else { end },
            ),
            (None, Some(m)) => (next_month_day(self.today, m, a)?, km + 1),
            (None, None) => (next_day_of_month(self.today, a)?, end),
        };
        // The last day is the next `b` from the first: «del 28 al 3».
        let last = next_day_of_month(first, b)?;
        if (last - first).num_days() > 62 {
            return None;
        }
        self.push_date(DateSpec::Range { first, last }, P_EXPLICIT, None);
        Some(end)
    }

    /// «el 24 y 25 de diciembre», «el 24 y el 25»: the month said once
    /// is both days'; two days in a row are a span, others the first day.
    fn day_pair(&mut self, i: usize) -> Option<usize> {
        let lead = self.is(i, &["el"]);
        let j = if lead { i + 1 } else { i };
        let (a, k) = self.day_num(j)?;
        if !self.is(k, &["y"]) {
            return None;
        }
        let k2 = if self.is(k + 1, &["el"]) {
            k + 2
        } else {
            k + 1
        };
        let (b, end) = self.day_num(k2)?;
        if self.clock(j, false, true).is_some() || self.sym(end, '/') {
            return None;
        }
        let km = if self.is(end, &["de"]) { end + 1 } else { end };
        let (first, end) = match self.month_at(km, true) {
            Some(m) => {
                let (end, year) = self.year(km + 1);
                (self.dated(year, m, a)?, end)
            }
            None if lead => (next_day_of_month(self.today, a)?, end),
            None => return None,
        };
        let spec = if b == a + 1 {
            DateSpec::Range {
                first,
                last: first + Duration::days(1),
            }
        } else {
            DateSpec::Day(first)
        };
        self.push_date(spec, P_EXPLICIT, None);
        Some(end)
    }

    fn slash_date(&mut self, i: usize) -> Option<usize> {
        let mut j = i;
        if self.is(j, &["el"]) {
            j += 1;
        }
        if self.is(j, &["dia"]) {
            j += 1;
        }
        let d = self.n2(j).filter(|d| (1..=31).contains(d))?;
        if !self.sym(j + 1, '/') {
            return None;
        }
        let m = self.n2(j + 2).filter(|m| (1..=12).contains(m))?;
        let mut end = j + 3;
        let mut year = None;
        if self.sym(end, '/') {
            if let Some(y) = self.n(end + 1) {
                year = match self.n_len(end + 1) {
                    2 => Some(2000 + y as i32),
                    4 => Some(y as i32),
                    _ => return None,
                };
                end += 2;
            }
        }
        let date = self.dated(year, m, d)?;
        self.push_date(DateSpec::Day(date), P_EXPLICIT, None);
        Some(end)
    }

    /// "próxima semana", "la semana que viene"...: the end index.
    fn next_week_phrase(&self, i: usize) -> Option<usize> {
        let j = if self.is(i, &["la"]) { i + 1 } else { i };
        if self.is(j, &["proxima", "siguiente", "otra"]) && self.is(j + 1, &["semana"]) {
            return Some(j + 2);
        }
        if self.is(j, &["semana"]) {
            if self.is(j + 1, &["que"]) && self.is(j + 2, &["viene", "entra"]) {
                return Some(j + 3);
            }
            if self.is(j + 1, &["proxima", "siguiente"]) {
                return Some(j + 2);
            }
        }
        None
    }

    fn weekday(&mut self, i: usize) -> Option<usize> {
        let today = self.today;
        let mut j = i;
        let mut this = false;
        let mut other = false;
        // «el lunes», «a partir del lunes», «pásala al lunes».
        let with_article = self.is(j, &["el", "del", "al"]);
        if with_article {
            j += 1;
            // «el otro sábado»: not the coming one, the one after it.
            if self.is(j, &["otro"]) && self.weekday_at(j + 1).is_some() {
                other = true;
                j += 1;
            }
        }
        if self.is(j, &["este", "esta"]) {
            this = true;
            j += 1;
        }
        if self.is(j, &["proximo", "proxima", "siguiente"]) {
            this = false;
            j += 1;
        }
        let wd = self.weekday_at(j)?;
        j += 1;
        // «el sábado pasado»: the last one before today.
        if self.is(j, &["pasado"]) && !self.is(j + 1, &["manana"]) {
            let date = next_weekday(today, wd, true) - Duration::days(7);
            self.push_date(DateSpec::Day(date), P_WEEKDAY, None);
            return Some(j + 1);
        }
        if self.is(j, &["proximo", "siguiente"]) {
            this = false;
            j += 1;
        } else if self.is(j, &["que"]) && self.is(j + 1, &["viene", "entra"]) {
            this = false;
            j += 2;
        }
        let offset = Duration::days(wd.num_days_from_monday() as i64);
        let mut date = if other {
            next_weekday(today, wd, false) + Duration::days(7)
        } else {
            next_weekday(today, wd, this)
        };
        let mut weekday = Some(wd);
        if self.is(j, &["de"]) {
            if let Some(k) = self.next_week_phrase(j + 1) {
                date = week_start(today) + Duration::days(7) + offset;
                weekday = None;
                j = k;
            } else if self.is(j + 1, &["esta"]) && self.is(j + 2, &["semana"]) {
                date = week_start(today) + offset;
                weekday = None;
                j += 3;
            }
        }
        // "el sábado 28": take the day number when it agrees.
        if let Some((d, k)) = self.day_num(j) {
            let km = if self.is(k, &["de"]) { k + 1 } else { k };
            let month_follows = self.month_at(km, true).is_some();
            if !month_follows && self.clock(j, false, true).is_none() {
                if let Some(dm) = next_day_of_month(today, d).filter(|x| x.weekday() == wd) {
                    self.push_date(DateSpec::Day(dm), P_EXPLICIT, None);
                    return Some(k);
                }
            }
            // «corte jue 4», «sábado 10»: said tersely, not that day of the
            // month, so the hour («el martes 3» is a date said wrong).
            let agrees = next_day_of_month(today, d).is_some_and(|x| x.weekday() == wd);
            if !with_article
                && !month_follows
                && !agrees
                && (1..=12).contains(&d)
                && self.n(j).is_some()
            {
                if let Some((end, c)) = self.clock(j, true, true) {
                    self.times.push(TimeCand::Clock(ClockUse::At(c)));
                    self.push_date(DateSpec::Day(date), P_WEEKDAY, weekday);
                    return Some(end);
                }
            }
        }
        self.push_date(DateSpec::Day(date), P_WEEKDAY, weekday);
        Some(j)
    }

    /// The holidays people book around, their next time: «el viernes
    /// santo», «semana santa» (its Monday to Sunday), «navidad», «año
    /// nuevo», «día de reyes», «san valentín», «día de muertos».
    fn holiday(&mut self, i: usize) -> Option<usize> {
        let i = if self.is(i, &["el", "la"]) { i + 1 } else { i };
        let today = self.today;
        let next_fixed = |m: u32, d: u32| next_month_day(today, m, d);
        let easter_after = |offset: i64| {
            (today.year()..=today.year() + 1)
                .filter_map(easter)
                .map(|e| e + Duration::days(offset))
                .find(|d| *d >= today)
        };
        let two = |a: &str, b: &str| self.is(i, &[a]) && self.is(i + 1, &[b]);
        let (spec, end) = if two("viernes", "santo") {
            (DateSpec::Day(easter_after(-2)?), i + 2)
        } else if two("jueves", "santo") {
            (DateSpec::Day(easter_after(-3)?), i + 2)
        } else if two("semana", "santa") {
            let sunday = easter_after(0)?;
            (
                DateSpec::Range {
                    first: sunday - Duration::days(6),
                    last: sunday,
                },
                i + 2,
            )
        } else if self.is(i, &["navidad"]) {
            (DateSpec::Day(next_fixed(12, 25)?), i + 1)
        } else if self.is(i, &["nochebuena"]) {
            (DateSpec::Day(next_fixed(12, 24)?), i + 1)
        } else if self.is(i, &["nochevieja"]) {
            (DateSpec::Day(next_fixed(12, 31)?), i + 1)
        } else if two("ano", "nuevo") {
            (DateSpec::Day(next_fixed(1, 1)?), i + 2)
        } else if two("dia", "de") && self.is(i + 2, &["reyes"]) {
            (DateSpec::Day(next_fixed(1, 6)?), i + 3)
        } else if two("san", "valentin") {
            (DateSpec::Day(next_fixed(2, 14)?), i + 2)
        } else if two("dia", "de") && self.is(i + 2, &["muertos"]) {
            (DateSpec::Day(next_fixed(11, 2)?), i + 3)
        } else {
            return None;
        };
        // Days said with their number («del 15 al 20 de abril») say it
        // more precisely.
        self.push_date(spec, P_WEEKDAY, None);
        Some(end)
    }

    /// «el primer sábado de febrero», «el último viernes del mes»: a
    /// weekday counted within a month; «fin de mes», «a fin de mes»: the
    /// month's last day.
    fn nth_weekday(&mut self, i: usize) -> Option<usize> {
        let j = if self.is(i, &["el", "a"]) { i + 1 } else { i };
        if self.is(j, &["fin"]) && self.is(j + 1, &["de"]) && self.is(j + 2, &["mes"]) {
            let (y, m) = add_months(self.today.year(), self.today.month(), 1);
            let last = NaiveDate::from_ymd_opt(y, m, 1)? - Duration::days(1);
            self.push_date(DateSpec::Day(last), P_EXPLICIT, None);
            return Some(j + 3);
        }
        let nth: i64 = match self.w(j) {
            "primer" | "primero" => 1,
            "segundo" => 2,
            "tercer" | "tercero" => 3,
            "cuarto" => 4,
            "ultimo" => -1,
            _ => return None,
        };
        let wd = self.weekday_at(j + 1)?;
        if !self.is(j + 2, &["de", "del"]) {
            return None;
        }
        let (month, end) = if self.is(j + 3, &["mes"]) {
            (self.today.month(), j + 4)
        } else {
            (self.month_at(j + 3, true)?, j + 4)
        };
        let year = if month < self.today.month() {
            self.today.year() + 1
        } else {
            self.today.year()
        };
        let start = NaiveDate::from_ymd_opt(year, month, 1)?;
        let date = if nth > 0 {
            next_weekday(start, wd, true) + Duration::days(7 * (nth - 1))
        } else {
            let (y, m) = add_months(year, month, 1);
            let last = NaiveDate::from_ymd_opt(y, m, 1)? - Duration::days(1);
            last - Duration::days(
                (last.weekday().num_days_from_monday() as i64 - wd.num_days_from_monday() as i64)
                    .rem_euclid(7),
            )
        };
        if date.month() != month || date < self.today {
            return None;
        }
        self.push_date(DateSpec::Day(date), P_EXPLICIT, None);
        Some(end)
    }

    /// «el jueves o el viernes», «lunes o martes»: either day. Two days in
    /// a row are a span to offer times from; others are the first day
    /// (the reply offers it, and the customer can still say the other).
    fn weekday_pair(&mut self, i: usize) -> Option<usize> {
        // «no viene ni jueves ni viernes»: both too.
        let j = if self.is(i, &["el", "ni", "del"]) {
            i + 1
        } else {
            i
        };
        let a = self.weekday_at(j)?;
        // «el jueves o el viernes»; «bloquea jueves y viernes»: both.
        if !self.is(j + 1, &["o", "u", "y", "ni"]) {
            return None;
        }
        let k = if self.is(j + 2, &["el"]) {
            j + 3
        } else {
            j + 2
        };
        let b = self.weekday_at(k)?;
        let first = next_weekday(self.today, a, false);
        let second = next_weekday(first, b, false);
        let spec = if second == first + Duration::days(1) {
            DateSpec::Range {
                first,
                last: second,
            }
        } else {
            DateSpec::Day(first)
        };
        self.push_date(spec, P_WEEKDAY, None);
        Some(k + 1)
    }

    fn day_of_month(&mut self, i: usize) -> Option<usize> {
        let mut j = i;
        let mut ctx = false;
        // «el 16», «mueve mi cita al 16», «¿la cita del 16 sigue?».
        if self.is(j, &["el", "al", "del"]) {
            j += 1;
            ctx = true;
        }
        if self.is(j, &["dia"]) {
            j += 1;
            ctx = true;
        }
        if !ctx {
            return None;
        }
        let (d, k) = self.day_num(j)?;
        if self.sym(k, '/') || self.clock(j, false, true).is_some() {
            return None;
        }
        let date = next_day_of_month(self.today, d)?;
        self.push_date(DateSpec::Day(date), P_EXPLICIT, None);
        Some(k)
    }

    fn week(&mut self, i: usize) -> Option<usize> {
        let ws = week_start(self.today);
        if let Some(end) = self.next_week_phrase(i) {
            let first = ws + Duration::days(7);
            let last = first + Duration::days(6);
            self.push_date(DateSpec::Range { first, last }, P_WEEK, None);
            return Some(end);
        }
        // «la semana del 14»: the week that day is in.
        let k = if self.is(i, &["la"]) { i + 1 } else { i };
        if self.is(k, &["semana"]) && self.is(k + 1, &["del"]) {
            if let Some((d, end)) = self.day_num(k + 2) {
                // «la semana del 4 al 10 de marzo» is that span (read as a
                // range); «la semana del 4 de marzo», that week of March.
                if self.is(end, &["al", "a", "hasta"]) {
                    return None;
                }
                let month = self
                    .is(end, &["de"])
                    .then(|| self.month_at(end + 1, true))
                    .flatten();
                let (day, end) = match month {
                    Some(m) => (next_month_day(self.today, m, d), end + 2),
                    None => (next_day_of_month(self.today, d), end),
                };
                if let Some(day) = day {
                    let first = week_start(day).max(self.today);
                    let last = week_start(day) + Duration::days(6);
                    self.push_date(DateSpec::Range { first, last }, P_EXPLICIT, None);
                    return Some(end);
                }
            }
        }
        // "esta semana", and "mis citas de la semana" (this one: not "la
        // semana pasada", "a la semana", "fin de semana").
        let this_week = self.is(i, &["esta"])
            || (self.is(i, &["la"])
                && !self.is(i + 2, &["pasada", "antepasada"])
                && (i == 0 || !self.is(i - 1, &["a", "por", "cada"])));
        if this_week && self.is(i + 1, &["semana"]) {
            let last = ws + Duration::days(6);
            let first = self.today;
            self.push_date(DateSpec::Range { first, last }, P_WEEK, None);
            return Some(i + 2);
        }
        None
    }

    /// "mañana 4 corte", "hoy 5": a bare hour right after the day is the
    /// time (never a count: "mañana 2 personas"). The end index.
    fn bare_hour_after_day(&mut self, j: usize) -> usize {
        const COUNTS: &[&str] = &[
            "personas", "persona", "citas", "cita", "dias", "semanas", "horas", "hora", "min",
            "minutos", "veces", "de", "del",
        ];
        if self.n2(j).is_none_or(|h| !(1..=12).contains(&h)) || self.is(j + 1, COUNTS) {
            return j;
        }
        match self.clock(j, true, false) {
            Some((end, c)) => {
                self.times.push(TimeCand::Clock(ClockUse::At(c)));
                end
            }
            None => j,
        }
    }

    fn weekend_at(&mut self, i: usize) -> Option<usize> {
        let mut j = i;
        let mut following = false;
        if self.is(j, &["el", "este", "esta"]) {
            j += 1;
        }
        if self.is(j, &["proximo", "siguiente"]) {
            following = true;
            j += 1;
        }
        let mut end = if self.is(j, &["fin"]) {
            if self.is(j + 1, &["de"]) && self.is(j + 2, &["semana"]) {
                j + 3
            } else if j > i {
                j + 1
            } else {
                return None;
            }
        } else if self.is(j, &["finde"]) {
            j + 1
        } else {
            return None;
        };
        if self.is(end, &["proximo", "siguiente"]) {
            following = true;
            end += 1;
        } else if self.is(end, &["que"]) && self.is(end + 1, &["viene", "entra"]) {
            following = true;
            end += 2;
        }
        self.push_date(weekend(self.today, following), P_WEEK, None);
        Some(end)
    }

    fn month(&mut self, i: usize) -> Option<usize> {
        if !self.is(i, &["en", "para"]) {
            return None;
        }
        let m = self.month_at(i + 1, false)?;
        if self.day_num(i + 2).is_some() {
            return None;
        }
        self.push_date(month_range(self.today, m), P_MONTH, None);
        Some(i + 2)
    }

    fn relative(&mut self, i: usize) -> Option<usize> {
        // «de hoy en ocho», «de mañana en quince»: a week (two) from that
        // day, the Mexican way of counting both ends.
        if self.is(i, &["de"]) && self.is(i + 1, &["hoy", "manana"]) && self.is(i + 2, &["en"]) {
            let weeks = match (self.n(i + 3), self.w(i + 3)) {
                (Some(8), _) | (_, "ocho") => Some(1),
                (Some(15), _) | (_, "quince") => Some(2),
                _ => None,
            };
            if let Some(weeks) = weeks {
                let from = self.today + Duration::days(i64::from(self.is(i + 1, &["manana"])));
                let d = from + Duration::days(7 * weeks);
                self.push_date(DateSpec::Day(d), P_EXPLICIT, None);
                return Some(i + 4);
            }
        }
        let j = if self.is(i, &["en"]) {
            i + 1
        } else if self.is(i, &["dentro"]) && self.is(i + 1, &["de"]) {
            i + 2
        } else {
            return None;
        };
        if self.is(j, &["media"]) && self.is(j + 1, &["hora"]) {
            self.push_instant(self.now + Duration::minutes(30));
            return Some(j + 2);
        }
        let k = self
            .n(j)
            .filter(|_| self.n_len(j) <= 3)
            .or_else(|| count_word(self.w(j)))? as i64;
        match self.w(j + 1) {
            "dia" | "dias" if k <= 366 => {
                let d = self.today + Duration::days(k);
                self.push_date(DateSpec::Day(d), P_EXPLICIT, None);
            }
            "semana" | "semanas" if k <= 52 => {
                let d = self.today + Duration::days(7 * k);
                self.push_date(DateSpec::Day(d), P_EXPLICIT, None);
            }
            "hora" | "horas" | "hr" | "hrs" | "h" if k <= 48 => {
                self.push_instant(self.now + Duration::hours(k));
            }
            "minuto" | "minutos" | "min" | "mins" if k <= 600 => {
                self.push_instant(self.now + Duration::minutes(k));
            }
            _ => return None,
        }
        Some(j + 2)
    }

    fn simple_words(&mut self, i: usize) -> Option<usize> {
        let today = self.today;
        let day = |k: i64| DateSpec::Day(today + Duration::days(k));
        match self.w(i) {
            "hoy" => {
                self.push_date(day(0), P_REL, None);
                // «hoy lunes», «mañana martes»: the weekday names the same
                // day, not the next one.
                let j = if self.weekday_at(i + 1) == Some(today.weekday()) {
                    i + 2
                } else {
                    i + 1
                };
                Some(self.bare_hour_after_day(j))
            }
            "pasado" if self.is(i + 1, &["manana"]) => {
                self.push_date(day(2), P_REL, None);
                Some(self.bare_hour_after_day(i + 2))
            }
            // «mañana no, pasado», «pasado»: the day after tomorrow, said
            // short.
            "pasado"
                if self.t.len() == 1
                    || (i > 0 && self.is(i - 1, &["no", "mejor"]) && i + 1 == self.t.len()) =>
            {
                self.push_date(day(2), P_REL, None);
                Some(i + 1)
            }
            "manana" => {
                self.push_date(day(1), P_REL, None);
                let tomorrow = (today + Duration::days(1)).weekday();
                let j = if self.weekday_at(i + 1) == Some(tomorrow) {
                    i + 2
                } else {
                    i + 1
                };
                Some(self.bare_hour_after_day(j))
            }
            // "¿cómo está mañana?": the verb, not "this morning".
            "esta" if i > 0 && self.is(i - 1, &["como"]) && self.is(i + 1, &["manana"]) => None,
            "esta" | "este" => {
                let p = part_word(self.w(i + 1))?;
                self.push_date(day(0), P_REL, None);
                self.push_time(TimeSpec::Part(p));
                Some(i + 2)
            }
            "la" => {
                let p = part_word(self.w(i + 1))?;
                self.push_time(TimeSpec::Part(p));
                Some(i + 2)
            }
            // «¿hay algo más temprano?», «pásala a más temprano»: earlier
            // than what they have, not early in the day (unlike «lo más
            // temprano que tengas»).
            "temprano"
                if i > 1
                    && self.is(i - 1, &["mas"])
                    && self.is(
                        i - 2,
                        &[
                            "algo", "a", "para", "una", "uno", "poco", "nada", "venir", "llegar",
                        ],
                    ) =>
            {
                Some(i + 1)
            }
            "temprano" | "tempranito" => {
                self.push_time(TimeSpec::Part(PartOfDay::Early));
                Some(i + 1)
            }
            // «a primera hora»: as early as the day starts.
            "primera" if self.is(i + 1, &["hora"]) => {
                self.push_time(TimeSpec::Part(PartOfDay::Early));
                Some(i + 2)
            }
            _ => None,
        }
    }

    // --- result -----------------------------------------------------------

    fn finish(self) -> When {
        let date = self.pick_date();
        let part = self.parts.first().copied();
        let mut best: Option<TimeSpec> = None;
        for cand in &self.times {
            let Some(t) = resolve_cand(cand, part) else {
                continue;
            };
            if best.is_none_or(|b| rank(&t) > rank(&b)) {
                best = Some(t);
            }
        }
        When {
            date,
            time: best,
            matched: self.matched,
        }
    }

    fn pick_date(&self) -> Option<DateSpec> {
        let top = self.dates.iter().map(|c| c.prio).max()?;
        let best = self.dates.iter().find(|c| c.prio == top)?;
        if let (Some(wd), true) = (best.weekday, top == P_WEEKDAY) {
            if let Some(week) = self.dates.iter().find(|c| c.prio == P_WEEK) {
                if let Some(d) = week.spec.dates().find(|d| d.weekday() == wd) {
                    return Some(DateSpec::Day(d));
                }
            }
        }
        // «a la semana que viene, el martes o el miércoles»: that week's.
        if let (DateSpec::Range { first, last }, true) = (best.spec, top == P_WEEKDAY) {
            if let Some(week) = self.dates.iter().find(|c| c.prio == P_WEEK) {
                let find = |wd: Weekday| week.spec.dates().find(|d| d.weekday() == wd);
                if let (Some(a), Some(b)) = (find(first.weekday()), find(last.weekday())) {
                    if a < b {
                        return Some(DateSpec::Range { first: a, last: b });
                    }
                }
            }
        }
        Some(best.spec)
    }
}

#[derive(Debug, Clone, Copy)]
enum TimeCandPoint {
    Clock(Clock),
    Fixed(NaiveTime),
}

fn resolve_cand(cand: &TimeCand, part: Option<PartOfDay>) -> Option<TimeSpec> {
    match *cand {
        TimeCand::Fixed(t) => Some(t),
        TimeCand::Clock(ClockUse::At(c)) => c.resolve(part).map(TimeSpec::At),
        TimeCand::Clock(ClockUse::After(c)) => c.resolve(part).map(TimeSpec::After),
        TimeCand::Clock(ClockUse::Before(c)) => c.resolve(part).map(TimeSpec::Before),
        TimeCand::Clock(ClockUse::Between(a, b)) => {
            let mut tb = b.resolve(part)?;
            let shared = Clock { mer: b.mer, ..a };
            // («de 12 a 8 de la noche» opens at noon: «12 de la noche» is
            // midnight only said of the 12 itself.)
            let noon = a.h == 12 && b.mer == Some(Mer::Night);
            let ta = match (a.mer, shared.resolve(part)) {
                (None, Some(t)) if b.mer.is_some() && t < tb && !noon => t,
                _ => a.resolve(part)?,
            };
            if tb <= ta && tb.hour() < 12 {
                tb += Duration::hours(12);
            }
            (tb > ta).then_some(TimeSpec::Between(ta, tb))
        }
    }
}
